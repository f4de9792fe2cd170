"""Which facts of a freshly analysed article a watch rule matches.

A rule has a fact type (any, mention, claim, event) and terms by kind (entity,
actor, target, source, place, event_kind, keyword). Values within a kind are
alternatives; kinds combine with AND. An entity term matches an entity by its
id, canonical name or an alias, or a place by its name, accents and case aside,
so "Alabuga" matches the place "Alabuga special economic zone" and "iran"
matches ``country:IR``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from veille.model import Analysis, Sentence, fold
from veille.store.watch import JsonScalar, MatchedFact

MAX_FACTS_PER_ALERT = 20
MAX_SENTENCE_CHARS = 500


def _has_word(haystack: str, term: str) -> bool:
    """``term`` occurs in ``haystack`` on word boundaries (both folded)."""
    return bool(term) and re.search(rf"(?<!\w){re.escape(term)}(?!\w)", haystack) is not None


class _Names:
    """Folded names of every entity and place an analysis knows, by id."""

    def __init__(self, analysis: Analysis) -> None:
        self.by_id: dict[str, list[str]] = {}
        for eid, ent in analysis.entities.items():
            self.by_id[eid] = [fold(eid), fold(ent.name), *(fold(a) for a in ent.aliases)]
        for pid, place in analysis.places.items():
            self.by_id.setdefault(pid, []).extend([fold(pid), fold(place.name)])

    def matches(self, ref: str | None, terms: list[str], surface: str = "") -> bool:
        """Whether the entity/place ``ref`` (or the text that named it) is one of ``terms``."""
        names = self.by_id.get(ref, [fold(ref)]) if ref else []
        text = fold(surface)
        return any(any(n == t or _has_word(n, t) for n in names) or _has_word(text, t) for t in terms)


def _terms(terms: Mapping[str, list[str]]) -> dict[str, list[str]]:
    return {k: [fold(v) for v in vs] for k, vs in terms.items() if vs}


def _sentence(analysis: Analysis, index: int) -> Sentence | None:
    """The sentence numbered ``index``: at that position in the list (always, from the pipeline),
    else found by a scan."""
    sents = analysis.sentences
    if 0 <= index < len(sents) and sents[index].index == index:
        return sents[index]
    return next((s for s in sents if s.index == index), None)


def fact_at(
    analysis: Analysis, kind: str, fid: str, start: int, end: int, sentence: int, **extra: JsonScalar
) -> MatchedFact:
    """The fact at ``start``:``end`` of the article, with its text and its sentence's."""
    text = analysis.article.text
    sent = _sentence(analysis, sentence)
    sentence_text = text[sent.start : sent.end] if sent else text[max(0, start - 200) : end + 200]
    return MatchedFact(
        kind,
        fid,
        analysis.article.id,
        start,
        end,
        sentence,
        text[start:end][:MAX_SENTENCE_CHARS],
        sentence_text[:MAX_SENTENCE_CHARS],
        extra,
    )


def _sentence_of(analysis: Analysis, index: int) -> str:
    sent = _sentence(analysis, index)
    return fold(analysis.article.text[sent.start : sent.end]) if sent else ""


def _keyword_ok(analysis: Analysis, terms: dict[str, list[str]], sentence: int) -> bool:
    wanted = terms.get("keyword")
    return not wanted or any(_has_word(_sentence_of(analysis, sentence), k) for k in wanted)


def _mention_facts(analysis: Analysis, terms: dict[str, list[str]], names: _Names) -> Iterable[MatchedFact]:
    if set(terms) - {"entity", "place", "keyword"}:
        return  # actor/target/source/event_kind only make sense for claims and events
    if "entity" not in terms and "place" not in terms:  # keyword only: the sentences that say it
        for sent in analysis.sentences:
            if _keyword_ok(analysis, terms, sent.index):
                fid = f"{analysis.article.id}:{sent.index}:sentence"
                yield fact_at(analysis, "sentence", fid, sent.start, sent.end, sent.index)
        return
    for m in analysis.mentions:
        if "entity" not in terms or not _keyword_ok(analysis, terms, m.sentence):
            continue
        if names.matches(m.entity_id, terms["entity"], m.text):
            fid = f"{m.article_id}:{m.start}:mention"
            yield fact_at(analysis, "mention", fid, m.start, m.end, m.sentence, entity=m.entity_id)
    for pm in analysis.place_mentions:
        wanted = terms.get("place", []) + terms.get("entity", [])
        if not wanted or not _keyword_ok(analysis, terms, pm.sentence):
            continue
        if names.matches(pm.place_id, wanted, pm.text):
            yield fact_at(
                analysis,
                "place",
                f"{pm.article_id}:{pm.start}:place",
                pm.start,
                pm.end,
                pm.sentence,
                place=pm.place_id,
            )


def _claim_facts(analysis: Analysis, terms: dict[str, list[str]], names: _Names) -> Iterable[MatchedFact]:
    if set(terms) - {"entity", "source", "keyword"}:
        return
    for c in analysis.claims:
        if not _keyword_ok(analysis, terms, c.sentence):
            continue
        if "source" in terms and not names.matches(c.source_entity, terms["source"], c.source_text):
            continue
        if "entity" in terms:
            refs = [c.source_entity, *c.about]
            about = any(names.matches(r, terms["entity"]) for r in refs if r)
            if not about and not any(_has_word(fold(c.content), t) for t in terms["entity"]):
                continue
        yield fact_at(
            analysis, "claim", c.id, c.start, c.end, c.sentence, source=c.source_entity, claim_kind=c.kind
        )


def _event_facts(analysis: Analysis, terms: dict[str, list[str]], names: _Names) -> Iterable[MatchedFact]:
    if "source" in terms:
        return
    for e in analysis.events:
        if not _keyword_ok(analysis, terms, e.sentence):
            continue
        if "event_kind" in terms and fold(e.kind) not in terms["event_kind"]:
            continue
        if "actor" in terms and not names.matches(e.actor, terms["actor"]):
            continue
        if "target" in terms and not names.matches(e.target, terms["target"]):
            continue
        if "place" in terms and not names.matches(e.place, terms["place"]):
            continue
        if "entity" in terms:
            refs = [e.actor, e.target, e.place]
            if not any(names.matches(r, terms["entity"]) for r in refs if r) and not any(
                _has_word(fold(e.object or ""), t) for t in terms["entity"]
            ):
                continue
        yield fact_at(
            analysis,
            "event",
            e.id,
            e.start,
            e.end,
            e.sentence,
            event_kind=e.kind,
            actor=e.actor,
            target=e.target,
        )


def match_rule(fact: str, rule_terms: Mapping[str, list[str]], analysis: Analysis) -> list[MatchedFact]:
    """The facts of ``analysis`` that a rule on ``fact`` with ``rule_terms`` matches
    (at most MAX_FACTS_PER_ALERT), in text order."""
    terms = _terms(rule_terms)
    if not terms:
        return []
    names = _Names(analysis)
    found: list[MatchedFact] = []
    if fact in ("any", "mention"):
        found.extend(_mention_facts(analysis, terms, names))
    if fact in ("any", "claim"):
        found.extend(_claim_facts(analysis, terms, names))
    if fact in ("any", "event"):
        found.extend(_event_facts(analysis, terms, names))
    found.sort(key=lambda f: (f.start, f.type))
    return found[:MAX_FACTS_PER_ALERT]
