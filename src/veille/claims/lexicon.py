"""The attribution cue lexicons (``cues.toml``), loaded once per language."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast, get_args

from veille.errors import VeilleError
from veille.lexicons import package_toml, words_of
from veille.model import ClaimKind


@dataclass(frozen=True)
class CueLexicon:
    verbs: dict[str, ClaimKind]  # lemma -> claim kind
    forms: dict[str, str]  # inflected form -> lemma, where the lemmatiser fails
    modals: frozenset[str]
    according: tuple[tuple[str, ...], ...]  # token sequences ("according", "to")
    pronouns: frozenset[str]
    anaphoric_nouns: frozenset[str]
    connectives: tuple[tuple[str, ...], ...]
    stative: frozenset[str]
    channels: frozenset[str]
    channel_markers: frozenset[str]
    speech_nouns: dict[str, ClaimKind]  # noun -> claim kind, for "exprimer son inquiétude"
    speech_verbs: frozenset[str]  # the light verbs that take them ("exprimer", "make", "take")
    nominal: dict[str, ClaimKind] = field(default_factory=dict)  # speech noun -> kind ("claim", "warning")
    topic_prepositions: frozenset[str] = frozenset()  # "called for X", "spoke of X": X is the content
    slugs: frozenset[str] = frozenset()  # "update", "photo": labels before a colon, not speakers
    non_sources: frozenset[str] = frozenset()  # subjects that never name a speaker ("that", generic "you")
    bare_definite: bool = False  # no articles: a singular anaphoric noun points back ("ведомство")

    def kind_of(self, lemma: str, form: str) -> ClaimKind | None:
        """Claim kind of a cue verb, by lemma or by a known inflected form."""
        return self.verbs.get(lemma) or self.verbs.get(self.forms.get(form, ""))

    def lemma_of(self, lemma: str, form: str) -> str:
        return lemma if lemma in self.verbs else self.forms.get(form, lemma)


@lru_cache(maxsize=1)
def _raw() -> dict[str, Any]:
    return package_toml("veille.claims", "cues.toml")


@lru_cache(maxsize=8)
def cue_lexicon(lang: str) -> CueLexicon:
    """Cues of ``lang``; languages without a lexicon use the English one."""
    raw = _raw()
    section = raw.get(lang) or raw["en"]
    return CueLexicon(
        verbs=_kinds(section["verbs"]),
        forms=dict(section.get("forms", {})),
        modals=frozenset(section["modals"]["words"]),
        according=tuple(words_of(p) for p in section["according"]["phrases"]),
        pronouns=frozenset(section["anaphora"]["pronouns"]),
        anaphoric_nouns=frozenset(section["anaphora"]["nouns"]),
        connectives=tuple(words_of(p) for p in section["connectives"]["phrases"]),
        stative=frozenset(section["stative"]["lemmas"]),
        channels=frozenset(raw["channels"]["names"]),
        channel_markers=frozenset(raw["channels"]["markers"]),
        speech_nouns=_kinds(section.get("speech_nouns", {})),
        speech_verbs=frozenset(section.get("speech_verbs", {}).get("lemmas", [])),
        nominal=_kinds(section.get("nominal", {})),
        topic_prepositions=frozenset(section.get("topic_prepositions", {}).get("words", [])),
        slugs=frozenset(section.get("slugs", {}).get("words", [])),
        non_sources=frozenset(section.get("non_sources", {}).get("words", [])),
        bare_definite=bool(section["anaphora"].get("bare_definite", False)),
    )


def _kinds(table: dict[str, str]) -> dict[str, ClaimKind]:
    """A cues.toml word -> claim kind table, every kind checked against ``ClaimKind``."""
    known = get_args(ClaimKind)
    for word, kind in table.items():
        if kind not in known:
            raise VeilleError(f"cues.toml: '{word}' has claim kind '{kind}'; use one of: {', '.join(known)}")
    return cast(dict[str, ClaimKind], dict(table))
