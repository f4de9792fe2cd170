"""The geo extractor: place mentions, resolved places, relative locations and routes.

Candidate spans come from the spaCy model's NER (place labels, and other labels when
the gazetteer knows the name well) and from gazetteer matching over token n-grams,
so languages with only a blank pipeline still get places.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from veille.config import GeoSettings, Settings, default_settings
from veille.contract import extractor_factory
from veille.geo.embedded_sources import default_gazetteer_path, ensure_embedded_gazetteer
from veille.geo.gazetteer import CAPITALS, Gazetteer, name_key
from veille.geo.routes import extract_routes
from veille.geo.spatial import (
    bearing_deg,
    check_consistency,
    find_stated_offsets,
    haversine_km,
)
from veille.geo.toponyms import COMPASS_WORDS, LEADS_TO_PLACE, is_area, is_strong, resolve_toponyms
from veille.model import Analysis, Place, PlaceMention, RelativeLocation, entity_kind
from veille.nlp.entities import NER as NER_EXTRACTOR
from veille.nlp.lemmas import lemma_forms, lemma_match_ok
from veille.nlp.models import normal_form
from veille.nlp.slovnet_ner import NER_LABELS_KEY
from veille.resolve.metonymy import is_government_use

log = logging.getLogger(__name__)

EXTRACTOR = "geo"
_GEO = default_settings().geo  # the [geo] defaults, for a parser built without settings (tests, benches)
PLACE_LABELS = {"LOC", "GPE", "FAC"}
# Labels NER sometimes gives to places; kept only when the gazetteer knows the name well.
OTHER_LABELS = {"ORG", "MISC", "NORP", "PERSON", "PER"}
ORGANISATION_LABELS = {"ORG"}
PERSON_LABELS = {"PERSON", "PER"}
# Prepositions after which a known name is a place whatever NER's label.
LOCATIVE_WORDS = {"in", "near", "outside", "around", "across", "to", "from", "à", "près", "dans", "en"}
_INITIALS = re.compile(r"(?:[A-Z]\.){2,}")
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


def gazetteer_from_settings(geo: GeoSettings) -> Gazetteer:
    return open_gazetteer(geo.gazetteer, geo.cities)


@dataclass
class Candidate:
    start: int  # token indices
    end: int
    source: str  # "ner" or "gazetteer"
    name: str | None = None  # the lemmas' text when matched through them ("Москва" for "Москві")

    def lookup_text(self, doc: Doc) -> str:
        return self.name or doc[self.start : self.end].text


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Drop the articles, prepositions and lower-case compass words ("eastern Ghouta") NER
    includes before a name, and a possessive after it."""
    while end - start > 1 and (
        doc[start].lower_ in LEADING_WORDS or (doc[start].is_lower and doc[start].text in COMPASS_WORDS)
    ):
        start += 1
    while end - start > 1 and (doc[end - 1].lower_ in TRAILING_WORDS or doc[end - 1].is_punct):
        end -= 1
    return start, end


def _has_name_shape(span: Span) -> bool:
    """Some token is capitalised, and the span neither starts nor ends on a stop word or punctuation."""
    return _name_edge(span[0]) and _name_edge(span[-1]) and any(_capitalised(t) for t in span)


def _after_locative(doc: Doc, start: int) -> bool:
    """The name follows "in", "near", "outside": "In Klamath Falls, users..." names a place
    even where NER calls it a person."""
    return start > 0 and doc[start - 1].lower_ in LOCATIVE_WORDS


def _compass_only(span: Span) -> bool:
    """A name made of compass words only ("Centre", "West", "Southern"): a region's name
    somewhere, but in news more often a direction or a government ("the Centre")."""
    return all(t.lower_ in COMPASS_WORDS or not t.is_alpha for t in span)


def _name_edge(token: Token) -> bool:
    """A token a name may start or end on: a word, not a stop word ("US" is not "us"), or
    dotted initials ("U.S.")."""
    if _INITIALS.fullmatch(token.text):
        return True
    return token.is_alpha and (not token.is_stop or (token.is_upper and len(token) > 1))


def _capitalised(token: Token) -> bool:
    return token.is_title or (token.is_upper and len(token) > 1)


class Geoparser:
    def __init__(
        self,
        gazetteer: Gazetteer,
        min_population_no_ner: int = _GEO.min_population_no_ner,
        demonyms: bool = _GEO.demonyms,
        embedded: bool = _GEO.embedded,
    ) -> None:
        self.gazetteer = gazetteer
        self.min_population_no_ner = min_population_no_ner
        # "Syrian" as a mention of Syria: what GeoWebNews counts, off by default.
        self.demonyms = demonyms
        # "Washington" in "The Washington Post", "Jamaica" in "Jamaica Cancer Society": what
        # GeoWebNews counts (embedded toponyms), off by default, as they say nothing of where
        # the story happens.
        self.embedded = embedded

    # -- candidate spans -------------------------------------------------------------
    def gazetteer_matches(self, doc: Doc | Span) -> list[Candidate]:
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

    def _scan(self, doc: Doc | Span, texts: list[str], by_lemma: bool = False) -> list[Candidate]:
        gazetteer, demonyms = self.gazetteer, self.demonyms
        tokens = list(doc)
        n = len(tokens)
        with_ws = [text + t.whitespace_ for text, t in zip(texts, tokens, strict=True)]
        # _has_name_shape, token by token.
        edge = [_name_edge(t) for t in tokens]
        capital = [_capitalised(t) for t in tokens]
        title = [t.is_title and t.is_alpha for t in tokens]
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
                    # A capitalised stop word may end a longer name ("Holy See").
                    if (
                        (edge[j] or (j > i and title[j]))
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

    def _names_a_place_inside(self, doc: Doc, outer: int, start: int, end: int) -> bool:
        """Whether a known name inside a longer place name names a place of its own: at the
        start, after "of", a feature or a compass word, or a strong place; not "Union" in
        "Soviet Union" or "Peninsula" in "Korean Peninsula" (as ``contained_toponym``)."""
        if start == outer or doc[start - 1].lower_ in LEADS_TO_PLACE:
            return True
        places = self.gazetteer.lookup(name_key(doc[start:end].text), self.demonyms)
        return any(is_strong(p) for p in places)

    def embedded_names(self, doc: Doc, start: int, end: int) -> list[Candidate]:
        """Strong place names (countries, regions, big cities) inside an organisation's name:
        "Toronto" in "Toronto Police Services Board"; not compass words ("Centre", "West")."""
        out = []
        for g in self.gazetteer_matches(doc[start:end].as_doc()):
            if g.end - g.start == end - start or _compass_only(doc[start + g.start : start + g.end]):
                continue
            places = self.gazetteer.lookup(name_key(doc[start + g.start : start + g.end].text), self.demonyms)
            if any(is_strong(p) for p in places):
                out.append(Candidate(start + g.start, start + g.end, "embedded"))
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
                cands = self.gazetteer.candidates(self.name_of(doc[start:end]), self.demonyms)
                name = None
                if not cands and lemmas is not None and ent.label_ in OTHER_LABELS:
                    # slovnet reads Ukrainian "Києва" as a surname: the lemma says it is Kyiv.
                    name = " ".join(lemmas[start:end])
                    cands = self.gazetteer.candidates(name, self.demonyms)
                if ent.label_ in PLACE_LABELS and not cands:
                    # "Greece Italy", "Mississippi State": the known names inside the span.
                    chosen += [
                        Candidate(start + g.start, start + g.end, "ner", g.name)
                        # The span itself, not ``as_doc()``: that reads all the doc's entities per call.
                        for g in self.gazetteer_matches(doc[start:end])
                        if self._names_a_place_inside(doc, start, start + g.start, start + g.end)
                    ]
                elif ent.label_ in PLACE_LABELS or (
                    ent.label_ in OTHER_LABELS
                    and (any(is_strong(p) for p in cands) or (cands and _after_locative(doc, start)))
                    and (start == ent.start or doc[ent.start].lower_ == "the")
                    and not _compass_only(doc[start:end])
                ):
                    chosen.append(Candidate(start, end, "ner", name))
                elif self.embedded and ent.label_ in ORGANISATION_LABELS:
                    chosen += self.embedded_names(doc, start, end)
        # NER candidates never overlap each other, nor gazetteer matches each other: sorted
        # by start, the NER ones a match overlaps are found by bisection (a scan of every
        # candidate per match is quadratic in a long article).
        ner = sorted(chosen, key=lambda c: c.start)
        starts = [c.start for c in ner]
        dropped: set[int] = set()
        added: list[Candidate] = []
        for g in self.gazetteer_matches(doc):
            span = doc[g.start : g.end]
            lo, hi = bisect_right(starts, g.start) - 1, bisect_left(starts, g.end)
            if lo < 0 or ner[lo].end <= g.start:
                lo += 1
            overlapping = ner[lo:hi]
            if overlapping:
                # A longer gazetteer name wins over the NER span inside it
                # ("base aérienne d'Engels" over "Engels").
                if all(
                    g.start <= c.start and c.end <= g.end and (c.end - c.start) < (g.end - g.start)
                    for c in overlapping
                ):
                    dropped.update(range(lo, hi))
                    added.append(g)
                continue
            places = self.gazetteer.lookup(name_key(g.lookup_text(doc)), self.demonyms)
            if _compass_only(span):
                continue  # "the Centre" (a government), "the West": only NER's place labels say so
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
            added.append(g)
        chosen = [c for k, c in enumerate(ner) if k not in dropped] + added
        chosen += self.state_codes(doc, chosen)
        return sorted(chosen, key=lambda c: c.start)

    def name_of(self, span: Span) -> str:
        """The span's text, or its normal form when only that is known ("Махачкалу" -> "Махачкала")."""
        normal = normal_form(span)
        if normal and not self.gazetteer.candidates(span.text, self.demonyms):
            return normal
        return span.text

    def state_codes(self, doc: Doc, chosen: list[Candidate]) -> list[Candidate]:
        """A state or province code right after "Town, " ("Portland, CT", "Vancouver, BC"):
        matched only there, and written in capitals, as "CT" alone is too often something else."""
        taken = {i for c in chosen for i in range(c.start, c.end)}
        out = []
        for c in chosen:
            i = c.end + 1
            if i >= len(doc) or doc[c.end].text != "," or i in taken:
                continue
            token = doc[i]
            if (
                2 <= len(token) <= 3
                and token.is_upper
                and token.is_alpha
                and self.gazetteer.lookup(name_key(token.text) + CAPITALS)
            ):
                out.append(Candidate(i, i + 1, "gazetteer"))
        return out

    # -- the extractor ----------------------------------------------------------------
    def __call__(self, analysis: Analysis, doc: Doc) -> None:
        candidates = self.candidate_spans(doc)
        spans = [doc[c.start : c.end] for c in candidates]
        # Names matched through their lemmas look up the lemmas' text ("Москві" -> "Москва").
        names = {(c.start, c.end): c.name for c in candidates if c.name}
        countries = [
            entity.country
            for m in analysis.mentions
            if entity_kind(m.entity_id) == "country"
            and (entity := analysis.entities.get(m.entity_id or "")) is not None
            and entity.country
        ]
        # A name NER took for a person whose lemma is a known place ("Києва") stays a place.
        relabelled = {(c.start, c.end) for c in candidates if c.source == "ner" and c.name is not None}
        spans = [
            s
            for s in spans
            if (s.start, s.end) in relabelled or not _named_as_non_place(analysis, s, self.embedded)
        ]
        persons = person_words(doc)
        spans = [
            s
            for s in spans
            if not (
                len(s) == 1
                and s[0].lower_ in persons
                and not any(is_strong(p) for p in self.gazetteer.candidates(s.text, self.demonyms))
            )
        ]
        places = resolve_toponyms(
            [names.get((s.start, s.end)) or self.name_of(s) for s in spans],
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


def person_words(doc: Doc) -> set[str]:
    """Words of the people's full names in the text: "Nelson" after "Dewly Nelson" is the man,
    not Nelson, British Columbia (a small place; strong ones keep their name)."""
    return {t.lower_ for e in doc.ents if e.label_ in PERSON_LABELS and len(e) > 1 for t in e if t.is_alpha}


def qualifiers(doc: Doc, spans: list[Span]) -> list[int | None]:
    """Index of the name right after ", " that qualifies each name ("Paris, Texas"), else None."""
    out: list[int | None] = []
    text = doc.text  # built from the tokens on each access
    for i, span in enumerate(spans):
        nxt = spans[i + 1] if i + 1 < len(spans) else None
        between = text[span.end_char : nxt.start_char] if nxt is not None else ""
        out.append(i + 1 if nxt is not None and between.strip() == "," else None)
    return out


def _named_as_non_place(analysis: Analysis, span: Span, embedded: bool = False) -> bool:
    """Entity resolution already linked this span to an organisation or a person ("Pentagone" as the ministry).

    With ``embedded``, a place name strictly inside the organisation's name stays.
    """
    return any(
        not (embedded and (m.start, m.end) != (span.start_char, span.end_char))
        and entity_kind(m.entity_id) in {"organisation", "person"}
        for m in analysis.by_offset("mentions").containing(span.start_char)
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


@extractor_factory(
    requires=("mentions", "entities"),
    # It drops the NER mentions it reads as places, and their entities.
    assigns=("mentions", "entities", "places", "place_mentions", "routes", "relative_locations"),
)
def create_geoparser(settings: Settings) -> Geoparser:
    """Factory named in [extractors]: geo = "veille.geo.geoparse:create_geoparser"."""
    geo = settings.geo
    return Geoparser(gazetteer_from_settings(geo), geo.min_population_no_ner, geo.demonyms, geo.embedded)
