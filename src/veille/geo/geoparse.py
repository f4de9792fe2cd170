"""The geo extractor: place mentions, resolved places, relative locations and routes.

Candidate spans come from the spaCy model's NER (place labels, and other labels when
the gazetteer knows the name well) and from gazetteer matching over token n-grams,
so languages with only a blank pipeline still get places.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Span, Token

from veille.config import Settings
from veille.geo.embedded_sources import default_gazetteer_path, ensure_embedded_gazetteer
from veille.geo.gazetteer import Gazetteer, name_key
from veille.geo.routes import extract_routes
from veille.geo.spatial import (
    bearing_deg,
    check_consistency,
    find_stated_offsets,
    haversine_km,
)
from veille.geo.toponyms import is_area, is_strong, resolve_toponyms
from veille.model import Analysis, Place, PlaceMention, RelativeLocation
from veille.nlp.entities import NER as NER_EXTRACTOR
from veille.nlp.lemmas import lemma_forms, lemma_match_ok
from veille.nlp.metonymy import is_government_use
from veille.nlp.slovnet_ner import NER_LABELS_KEY

log = logging.getLogger(__name__)

EXTRACTOR = "geo"
PLACE_LABELS = {"LOC", "GPE", "FAC"}
# Labels NER sometimes gives to places; kept only when the gazetteer knows the name well.
OTHER_LABELS = {"ORG", "MISC", "NORP", "PERSON", "PER"}
TRAILING_WORDS = {"'s", "’s", "'"}
LEADING_WORDS = {"the", "la", "le", "les", "l'", "l’", "d'", "d’", "de", "du", "des"}
SUPPORT_KM = 500.0


@lru_cache(maxsize=4)
def open_gazetteer(path: str, cities: int) -> Gazetteer:
    """The gazetteer at ``path``; the embedded default is built there first if missing."""
    p = Path(path).expanduser() if path else default_gazetteer_path(cities)
    if not path or not p.exists():
        ensure_embedded_gazetteer(p, cities)
    return Gazetteer(p)


def gazetteer_from_settings(section: dict[str, Any]) -> Gazetteer:
    return open_gazetteer(str(section.get("gazetteer", "")), int(section.get("cities", 5000)))


@dataclass
class Candidate:
    start: int  # token indices
    end: int
    source: str  # "ner" or "gazetteer"
    name: str | None = None  # the lemmas' text when matched through them ("Москва" for "Москві")

    def lookup_text(self, doc: Doc) -> str:
        return self.name or doc[self.start : self.end].text


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Drop the articles and prepositions NER includes before a name, and a possessive after it."""
    while end - start > 1 and doc[start].lower_ in LEADING_WORDS:
        start += 1
    while end - start > 1 and (doc[end - 1].lower_ in TRAILING_WORDS or doc[end - 1].is_punct):
        end -= 1
    return start, end


def _has_name_shape(span: Span) -> bool:
    """Some token is capitalised, and the span neither starts nor ends on a stop word or punctuation."""
    return _name_edge(span[0]) and _name_edge(span[-1]) and any(_capitalised(t) for t in span)


def _name_edge(token: Token) -> bool:
    """A token a name may start or end on: a word, not a stop word."""
    return token.is_alpha and not token.is_stop


def _capitalised(token: Token) -> bool:
    return token.is_title or (token.is_upper and len(token) > 1)


class Geoparser:
    def __init__(
        self, gazetteer: Gazetteer, min_population_no_ner: int = 15_000, demonyms: bool = False
    ) -> None:
        self.gazetteer = gazetteer
        self.min_population_no_ner = min_population_no_ner
        # "Syrian" as a mention of Syria: what GeoWebNews counts, off by default.
        self.demonyms = demonyms

    # -- candidate spans -------------------------------------------------------------
    def gazetteer_matches(self, doc: Doc) -> list[Candidate]:
        """Longest gazetteer names over token n-grams, left to right, without overlaps.

        From each token the n-gram grows while its key is the start of some name (as
        ``MentionExtractor.gazetteer_spans`` scans the knowledge base): the key of a longer
        n-gram extends the key of a shorter one, so once no name starts with it, no longer
        n-gram from that token can be a name.
        """
        texts = [t.text for t in doc]
        found = self._scan(doc, texts)
        lemmas = lemma_forms(doc)
        if lemmas is None or lemmas == texts:
            return found
        # Inflected names through their lemmas ("в Москві"): the longest match wins, the
        # surface form on a tie; offsets stay on the surface tokens.
        found += self._scan(doc, lemmas, by_lemma=True)
        chosen: list[Candidate] = []
        taken: set[int] = set()
        for c in sorted(found, key=lambda c: (c.start - c.end, c.name is not None, c.start)):
            if not taken.intersection(range(c.start, c.end)):
                chosen.append(c)
                taken.update(range(c.start, c.end))
        return sorted(chosen, key=lambda c: c.start)

    def _scan(self, doc: Doc, texts: list[str], by_lemma: bool = False) -> list[Candidate]:
        gazetteer, demonyms = self.gazetteer, self.demonyms
        tokens = list(doc)
        n = len(tokens)
        with_ws = [text + t.whitespace_ for text, t in zip(texts, tokens, strict=True)]
        # _has_name_shape, token by token.
        edge = [_name_edge(t) for t in tokens]
        capital = [_capitalised(t) for t in tokens]
        sent_start = [bool(t.is_sent_start) for t in tokens]
        out: list[Candidate] = []
        i = 0
        while i < n:
            found = 0
            if edge[i]:
                text, capitalised = "", False
                for j in range(i, min(n, i + gazetteer.max_words)):
                    key = name_key(text + texts[j])  # the key of doc[i : j + 1].text
                    if not gazetteer.has_prefix(key):
                        break
                    capitalised = capitalised or capital[j]
                    # Names do not cross sentences; they begin and end on a word, capitalised.
                    if (
                        edge[j]
                        and capitalised
                        and (j == i or not sent_start[j])
                        and gazetteer.has_key(key, demonyms)
                        and (not by_lemma or lemma_match_ok(doc[i : j + 1]))
                    ):
                        found = j + 1
                    text += with_ws[j]
            if found:
                name = "".join(with_ws[i:found]).strip() if by_lemma else None
                if not by_lemma or name != doc[i:found].text:
                    out.append(Candidate(i, found, "gazetteer", name))
                i = found
            else:
                i += 1
        return out

    def candidate_spans(self, doc: Doc) -> list[Candidate]:
        has_ner = doc.has_annotation("ENT_IOB")
        # A NER that names only people and organisations (``nlp.slovnet_ner`` on Ukrainian)
        # leaves places to the gazetteer, under the rules for pipelines without NER.
        place_ner = has_ner and bool(PLACE_LABELS & set(doc.user_data.get(NER_LABELS_KEY, PLACE_LABELS)))
        chosen: list[Candidate] = []
        if has_ner:
            lemmas = lemma_forms(doc)
            for ent in doc.ents:
                start, end = _trim(doc, ent.start, ent.end)
                cands = self.gazetteer.candidates(doc[start:end].text, self.demonyms)
                name = None
                if not cands and lemmas is not None and ent.label_ in OTHER_LABELS:
                    # slovnet reads Ukrainian "Києва" as a surname: the lemma says it is Kyiv.
                    name = " ".join(lemmas[start:end])
                    cands = self.gazetteer.candidates(name, self.demonyms)
                if ent.label_ in PLACE_LABELS and not cands:
                    # "Greece Italy", "Mississippi State": the known names inside the span.
                    chosen += [
                        Candidate(start + g.start, start + g.end, "ner", g.name)
                        for g in self.gazetteer_matches(doc[start:end].as_doc())
                    ]
                elif ent.label_ in PLACE_LABELS or (
                    ent.label_ in OTHER_LABELS and any(is_strong(p) for p in cands) and start == ent.start
                ):
                    chosen.append(Candidate(start, end, "ner", name))
        for g in self.gazetteer_matches(doc):
            span = doc[g.start : g.end]
            overlapping = [c for c in chosen if c.start < g.end and g.start < c.end]
            if overlapping:
                # A longer gazetteer name wins over the NER span inside it
                # ("base aérienne d'Engels" over "Engels").
                if all(
                    g.start <= c.start and c.end <= g.end and (c.end - c.start) < (g.end - g.start)
                    for c in overlapping
                ):
                    chosen = [c for c in chosen if c not in overlapping] + [g]
                continue
            places = self.gazetteer.lookup(name_key(g.lookup_text(doc)), self.demonyms)
            if has_ner and any(t.ent_type_ and t.ent_type_ not in PLACE_LABELS for t in span):
                continue  # inside a person's or an organisation's name
            if place_ner:
                if not any(is_strong(p) for p in places):
                    continue
                if (
                    len(span) == 1
                    and span[0].is_sent_start
                    and not any((p.feature or "").startswith(("A.PCL", "H.", "L.")) for p in places)
                ):
                    continue  # sentence-initial capitals say nothing
            elif not any(is_strong(p) or (p.population or 0) >= self.min_population_no_ner for p in places):
                continue
            chosen.append(g)
        return sorted(chosen, key=lambda c: c.start)

    # -- the extractor ----------------------------------------------------------------
    def __call__(self, analysis: Analysis, doc: Doc) -> None:
        candidates = self.candidate_spans(doc)
        spans = [doc[c.start : c.end] for c in candidates]
        names = {(c.start, c.end): c.lookup_text(doc) for c in candidates}
        countries = [
            m.entity_id.split(":", 1)[1]
            for m in analysis.mentions
            if m.entity_id and m.entity_id.startswith("country:")
        ]
        # A name NER took for a person whose lemma is a known place ("Києва") stays a place.
        relabelled = {(c.start, c.end) for c in candidates if c.source == "ner" and c.name is not None}
        spans = [s for s in spans if (s.start, s.end) in relabelled or not _named_as_non_place(analysis, s)]
        places = resolve_toponyms(
            [names[(s.start, s.end)] for s in spans],
            self.gazetteer,
            countries,
            qualifiers(doc, spans),
            self.demonyms,
        )
        places = drop_unsupported(places, countries)
        mentions: list[PlaceMention] = []
        for span, place in zip(spans, places, strict=True):
            if place is None:
                continue
            analysis.places.setdefault(place.id, place)
            mentions.append(
                PlaceMention(
                    article_id=analysis.article.id,
                    place_id=place.id,
                    start=span.start_char,
                    end=span.end_char,
                    text=span.text,
                    sentence=analysis.sentence_at(span.start_char),
                    extractor=EXTRACTOR,
                    # Without a parser only the "selon Moscou" cue can fire.
                    metonymy=is_government_use(span),
                )
            )
        analysis.place_mentions.extend(mentions)
        chars = {(doc[a:b].start_char, doc[a:b].end_char) for a, b in relabelled}
        _drop_ner_mentions_of_places(analysis, [m for m in mentions if (m.start, m.end) in chars])
        analysis.relative_locations.extend(relative_locations(analysis, mentions))
        analysis.routes.extend(extract_routes(analysis, doc, mentions))


def qualifiers(doc: Doc, spans: list[Span]) -> list[int | None]:
    """Index of the name right after ", " that qualifies each name ("Paris, Texas"), else None."""
    out: list[int | None] = []
    text = doc.text  # built from the tokens on each access
    for i, span in enumerate(spans):
        nxt = spans[i + 1] if i + 1 < len(spans) else None
        between = text[span.end_char : nxt.start_char] if nxt is not None else ""
        out.append(i + 1 if nxt is not None and between.strip() == "," else None)
    return out


def _named_as_non_place(analysis: Analysis, span: Span) -> bool:
    """Entity resolution already linked this span to an organisation or a person ("Pentagone" as the ministry)."""
    return any(
        m.start <= span.start_char < m.end
        and m.entity_id is not None
        and m.entity_id.split(":", 1)[0] in {"org", "person"}
        for m in analysis.mentions
    )


def _drop_ner_mentions_of_places(analysis: Analysis, places: list[PlaceMention]) -> None:
    """A person or organisation that NER alone saw, on exactly the span of a place its lemma names, is the place."""
    spans = {(p.start, p.end) for p in places}
    dropped = [m for m in analysis.mentions if m.extractor == NER_EXTRACTOR and (m.start, m.end) in spans]
    if not dropped:
        return
    analysis.mentions = [m for m in analysis.mentions if m not in dropped]
    still = {m.entity_id for m in analysis.mentions}
    for m in dropped:
        if m.entity_id and m.entity_id not in still:
            analysis.entities.pop(m.entity_id, None)


def drop_unsupported(places: list[Place | None], countries: list[str]) -> list[Place | None]:
    """Forget small places that nothing else in the article backs up.

    A village or district that is neither in a country the article names nor within
    SUPPORT_KM of another place it names is more likely a misread name (an office, a
    person) than the article's location.
    """
    out: list[Place | None] = []
    for i, p in enumerate(places):
        if p is None or is_strong(p):
            out.append(p)
            continue
        others = [q for j, q in enumerate(places) if q is not None and j != i and q.id != p.id]
        backing = {q.country for q in others if q.country and is_strong(q)} | {c.upper() for c in countries}
        near = any(haversine_km(p.lat, p.lon, q.lat, q.lon) <= SUPPORT_KM for q in others if not is_area(q))
        out.append(p if (p.country in backing or near) else None)
    return out


def relative_locations(analysis: Analysis, mentions: list[PlaceMention]) -> list[RelativeLocation]:
    """Each "N km <direction> of ANCHOR" phrase, tied to the place named just before it."""
    out: list[RelativeLocation] = []
    text = analysis.article.text
    by_start = sorted(mentions, key=lambda m: m.start)
    for stated in find_stated_offsets(text):
        anchor = next((m for m in by_start if 0 <= m.start - stated.end <= 2), None)
        if anchor is None:
            continue
        sentence = analysis.sentence_at(stated.start)
        before = [m for m in by_start if m.end <= stated.start and m.sentence == sentence]
        target = before[-1] if before else None
        rel = RelativeLocation(
            article_id=analysis.article.id,
            start=stated.start,
            end=anchor.end,
            text=text[stated.start : anchor.end],
            sentence=sentence,
            extractor=EXTRACTOR,
            anchor=anchor.place_id,
            target=target.place_id if target else None,
            distance_km=stated.distance_km,
            bearing=stated.bearing,
            approximate=stated.approximate,
        )
        a = analysis.places.get(anchor.place_id)
        t = analysis.places.get(target.place_id) if target else None
        if a and t:
            rel.computed_km = round(haversine_km(a.lat, a.lon, t.lat, t.lon), 1)
            rel.computed_bearing = round(bearing_deg(a.lat, a.lon, t.lat, t.lon), 1)
            rel.consistent = check_consistency(
                rel.distance_km, rel.bearing, rel.computed_km, rel.computed_bearing, rel.approximate
            )
        out.append(rel)
    return out


def create_geoparser(settings: Settings) -> Geoparser:
    """Factory named in [extractors]: geo = "veille.geo.geoparse:create_geoparser"."""
    section = settings.section("geo")
    return Geoparser(
        gazetteer_from_settings(section),
        int(section.get("min_population_no_ner", 15_000)),
        bool(section.get("demonyms", False)),
    )
