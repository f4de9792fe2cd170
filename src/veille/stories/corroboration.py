"""Corroboration: group equivalent claims and events across articles, count independent origins.

An *origin* is who a fact ultimately comes from: the entity the article cites as
its source (the UK MoD, the US government), or, when no source is named, the
outlet of the article's original after syndication collapse. Two outlets that
reprint the same MoD bulletin give one origin (the MoD); the MoD and the White
House give two. Reprints of one article never add an origin.

Equivalence:
- events are equivalent when they have the same kind, actor and target;
- claims tied to an event (``Event.claim_id``) follow that event; other claims are
  equivalent when they are about the same entities and share enough content
  (words within a language, numbers and entity ids across languages).

Contradictions inside a group: numbers that cannot both be right (non-overlapping
values beyond a tolerance), or one member negating what another asserts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from veille.model import Amount, Analysis, Claim, Event, entity_kind, outlet_of
from veille.stories.features import terms_of

NUMBER_TOLERANCE = 0.25  # relative gap two exact figures may have and still agree
CLAIM_OVERLAP = 0.3  # content-word Jaccard for two claims to say the same thing

# Denial or doubt: "never supplied", "denies", "il est peu probable que", "unlikely".
_NEGATION = re.compile(
    r"\b(not|never|no|denied|denies|deny|false|unlikely|doubt|n'|ne|pas|jamais|aucun|aucune|dément|démenti"
    r"|nie|nié|peu probable|improbable|doute)\b",
    re.IGNORECASE,
)


@dataclass
class Assertion:
    """One claim or event, as evidence for a group."""

    id: str
    article_id: str
    what: str  # "event" | "claim"
    kind: str
    text: str
    origin: str  # independent origin key
    source: str | None  # cited source entity id, if any
    actor: str | None = None
    target: str | None = None
    about: tuple[str, ...] = ()
    numbers: list[tuple[str, float, float, bool]] = field(default_factory=list)  # unit, min, max, approximate
    negated: bool = False
    language: str = "und"


@dataclass
class Contradiction:
    first: str  # assertion ids
    second: str
    reason: str


@dataclass
class CorroborationGroup:
    key: str
    kind: str
    actor: str | None
    target: str | None
    about: list[str]
    assertions: list[Assertion]
    independent_sources: list[str]  # one source per independent origin
    contradictions: list[Contradiction] = field(default_factory=list)

    @property
    def article_ids(self) -> list[str]:
        return sorted({a.article_id for a in self.assertions})


OriginOf = Callable[[str], str]  # article id -> id of the original it was copied from


def corroborate(
    analyses: Iterable[Analysis],
    original_of: OriginOf | None = None,
) -> list[CorroborationGroup]:
    """Group equivalent events and claims across ``analyses``; most independent sources first."""
    batch = list(analyses)
    original_of = original_of or (lambda aid: aid)
    outlets = {a.article.id: outlet_of(a.article.source, a.article.url) or a.article.id for a in batch}
    groups: dict[str, list[Assertion]] = {}
    claim_groups: list[tuple[str, Assertion, set[str]]] = []  # key, representative, its words
    for analysis in batch:
        origin_article = original_of(analysis.article.id)
        outlet = "outlet:" + outlets.get(origin_article, origin_article)
        claims_by_id = {c.id: c for c in analysis.claims}
        tied = set()
        for ev in analysis.events:
            claim = claims_by_id.get(ev.claim_id or "")
            if claim is not None:
                tied.add(claim.id)
            a = _event_assertion(analysis, ev, claim, outlet)
            groups.setdefault(f"event|{ev.kind}|{ev.actor}|{ev.target}", []).append(a)
        for claim in analysis.claims:
            if claim.id in tied:
                continue
            a = _claim_assertion(analysis, claim, outlet)
            key = _claim_key(a, claim, claim_groups)
            groups.setdefault(key, []).append(a)
    out = [_group(key, members) for key, members in groups.items()]
    out.sort(key=lambda g: (-len(g.independent_sources), -len(g.assertions), g.key))
    return out


def _origin(analysis: Analysis, source: str | None, outlet: str) -> str:
    """Where an assertion originates: its cited source, collapsed to the government it speaks for.

    A spokesman speaks for his organisation, and a government body (White House,
    a ministry) for its state, so John Kirby, the White House and "Washington" are
    one origin (US); the UK MoD and the US government stay two. Unsourced text
    originates with its outlet (after syndicated copies are collapsed).
    """
    if not source:
        return outlet
    entity = analysis.entities.get(source)
    if entity is None:
        return source
    affiliation = entity.attributes.get("affiliation")
    if affiliation and affiliation in analysis.entities:
        entity = analysis.entities[affiliation]
    if entity.kind == "country" and entity.country:
        return f"country:{entity.country}"
    if entity.attributes.get("government") and entity.country:
        return f"country:{entity.country}"
    return entity.id


# Which source names an origin in reports: the most specific one ("White House" over "United States").
_SPECIFICITY = ("organisation", "person", "country")


def _specificity(source_id: str) -> int:
    kind = entity_kind(source_id)
    return _SPECIFICITY.index(kind) if kind in _SPECIFICITY else len(_SPECIFICITY)


def _numbers(*amounts: Amount | None) -> list[tuple[str, float, float, bool]]:
    out = []
    for a in amounts:
        if a is None:
            continue
        lo = a.value if a.value is not None else a.value_min
        if lo is None:
            continue
        # "hundreds of drones" gives only a floor: open above.
        hi = a.value if a.value is not None else (a.value_max if a.value_max is not None else math.inf)
        out.append(((a.unit or "").lower(), float(lo), float(hi), a.approximate or a.value is None))
    return out


def _event_assertion(analysis: Analysis, ev: Event, claim: Claim | None, outlet: str) -> Assertion:
    source = ev.source_entity or (claim.source_entity if claim else None)
    text = analysis.article.text[ev.start : ev.end]
    return Assertion(
        id=ev.id,
        article_id=ev.article_id,
        what="event",
        kind=ev.kind,
        text=text,
        origin=_origin(analysis, source, outlet),
        source=source,
        actor=ev.actor,
        target=ev.target,
        about=tuple(x for x in (ev.actor, ev.target) if x),
        numbers=_numbers(ev.quantity, ev.amount),
        negated=bool(_NEGATION.search(text)),
        language=analysis.article.language or "und",
    )


def _claim_assertion(analysis: Analysis, claim: Claim, outlet: str) -> Assertion:
    in_claim = [a for a in analysis.amounts if claim.start <= a.start and a.end <= claim.end]
    return Assertion(
        id=claim.id,
        article_id=claim.article_id,
        what="claim",
        kind=claim.kind,
        text=claim.content,
        origin=_origin(analysis, claim.source_entity, outlet),
        source=claim.source_entity,
        about=tuple(sorted(set(claim.about))),
        numbers=_numbers(*in_claim),
        negated=bool(_NEGATION.search(claim.content)),
        language=analysis.article.language or "und",
    )


def _claim_key(a: Assertion, claim: Claim, seen: list[tuple[str, Assertion, set[str]]]) -> str:
    """Join the first earlier claim group about the same entities that says the same thing."""
    words = set(terms_of(claim.content, a.language))
    about = set(a.about)
    for key, rep, rep_words in seen:
        if not about or set(rep.about) != about:
            continue
        if rep.language == a.language:
            union = words | rep_words
            if union and len(words & rep_words) / len(union) >= CLAIM_OVERLAP:
                return key
        elif _same_figures(a, rep):
            return key  # across languages: same entities and the same figures
    key = f"claim|{claim.id}"
    seen.append((key, a, words))
    return key


def _same_figures(a: Assertion, b: Assertion) -> bool:
    return any(ua == ub and _agree(x, y) for ua, *x in a.numbers for ub, *y in b.numbers)


def _agree(x: list[Any], y: list[Any]) -> bool:
    lo1, hi1, approx1 = x
    lo2, hi2, approx2 = y
    if approx1 or approx2:  # ranges and round figures agree when they overlap, give or take a factor 2
        return not (hi1 < lo2 or hi2 < lo1) or min(hi1, hi2) <= 0 or max(lo1, lo2) / min(hi1, hi2) <= 2
    big = max(abs(lo1), abs(lo2))
    return big == 0 or abs(lo1 - lo2) / big <= NUMBER_TOLERANCE


def _group(key: str, members: list[Assertion]) -> CorroborationGroup:
    first = members[0]
    # An article's own unsourced wording of a fact it also attributes adds no origin:
    # the outlet counts only for articles that cite no source for this fact.
    cited_in = {m.article_id for m in members if m.source}
    by_origin: dict[str, list[str]] = {}
    for m in members:
        if m.source or m.article_id not in cited_in:
            by_origin.setdefault(m.origin, []).append(m.source or m.origin)
    # One source per independent origin, named by its most specific member.
    origins = sorted(min(names, key=lambda n: (_specificity(n), n)) for names in by_origin.values())
    about = sorted({x for m in members for x in m.about})
    return CorroborationGroup(
        key=key,
        kind=first.kind,
        actor=first.actor,
        target=first.target,
        about=about,
        assertions=members,
        independent_sources=origins,
        contradictions=contradictions(members),
    )


def contradictions(members: list[Assertion]) -> list[Contradiction]:
    """Pairs of assertions from different articles that cannot both hold."""
    out = []
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            if a.article_id == b.article_id:
                continue
            for ua, *x in a.numbers:
                clash = next((y for ub, *y in b.numbers if ub == ua and not _agree(x, y)), None)
                if clash is not None:
                    out.append(
                        Contradiction(a.id, b.id, f"different numbers: {_fmt(x)} vs {_fmt(clash)} {ua}")
                    )
                    break
            else:
                if a.negated != b.negated and a.language == b.language:
                    out.append(Contradiction(a.id, b.id, "one asserts what the other denies"))
    return out


def _fmt(x: list[Any]) -> str:
    lo, hi, _ = x
    if hi == math.inf:
        return f">={lo:g}"
    return f"{lo:g}" if lo == hi else f"{lo:g}-{hi:g}"
