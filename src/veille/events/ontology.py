"""The event ontology (``ontology.toml``): kinds, their trigger words and argument roles."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from veille.lexicons import package_toml

STATEMENT = "statement"  # every claim is also a statement event by its source


@dataclass(frozen=True)
class TriggerGroup:
    kind: str
    verbs: frozenset[str]
    nouns: frozenset[str]
    subject: str
    preps: dict[str, str] = field(default_factory=dict)
    object: str | None = None
    military: bool = False
    fallback: str | None = None
    origin: bool = False
    cases: dict[str, str] = field(default_factory=dict)  # case of a bare noun argument -> role


@dataclass(frozen=True)
class Ontology:
    groups: tuple[TriggerGroup, ...]
    campaign_nouns: frozenset[str]
    campaign_kind: str
    military_words: frozenset[str]

    def kinds(self) -> set[str]:
        names = {g.kind for g in self.groups} | {g.fallback for g in self.groups if g.fallback}
        return names | {self.campaign_kind, STATEMENT}


@lru_cache(maxsize=1)
def load_ontology() -> Ontology:
    raw = package_toml("veille.events", "ontology.toml")
    groups = tuple(
        TriggerGroup(
            kind=g["kind"],
            verbs=frozenset(g.get("verbs", [])),
            nouns=frozenset(g.get("nouns", [])),
            subject=g["subject"],
            preps=dict(g.get("preps", {})),
            object=g.get("object"),
            military=bool(g.get("military", False)),
            fallback=g.get("fallback"),
            origin=bool(g.get("origin", False)),
            cases=dict(g.get("cases", {})),
        )
        for g in raw["trigger"]
    )
    # per-language tables ([ru]) add their campaign nouns and military words
    languages = [t for key, t in raw.items() if len(key) == 2 and isinstance(t, dict)]
    return Ontology(
        groups=groups,
        campaign_nouns=frozenset(raw["campaign"]["nouns"]).union(*(t.get("campaign", []) for t in languages)),
        campaign_kind=raw["campaign"]["kind"],
        military_words=frozenset(raw["military"]["words"]).union(*(t.get("military", []) for t in languages)),
    )
