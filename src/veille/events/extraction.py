"""Event extraction: typed "who did what to whom" from trigger words and the dependency parse.

Trigger verbs and nouns of the ontology (``ontology.toml``, docs/events.md) are
found by lemma and part of speech. Each trigger's arguments come from its parse: the subject, the
passive agent, the direct object and the prepositional phrases, mapped to actor
and target by the trigger's group. Entities come from ``analysis.mentions``;
places from ``analysis.place_mentions`` when geoparsing ran. An event inside the
content of a claim keeps that claim and its source.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from veille.config import Settings
from veille.contract import extractor_factory
from veille.events.ontology import STATEMENT, Ontology, TriggerGroup, load_ontology
from veille.model import Amount, Analysis, Claim, Event, entity_kind, fact_id
from veille.names.knowledge import entity_id_for
from veille.nlp.syntax import is_passive, mention_for, segments, subject_of, subtree_span

EXTRACTOR = "events.extraction"
CURRENCIES = {"USD", "EUR", "GBP", "RUB", "IRR", "CNY"}
OTHER_CLAUSES = {"relcl", "acl:relcl", "ccomp", "parataxis", "advcl", "csubj"}
OBJECT_DEPS = {"obj", "dobj"}
AGENT_CASES = {"par", "by"}
GENITIVE = {"de", "d'", "d’", "du", "des", "of"}
PLACE_PREPS = {"en", "à", "au", "dans", "in", "at", "près", "near", "sur", "в", "во", "на"}


@dataclass
class Roles:
    actor: str | None = None
    target: str | None = None
    place: str | None = None
    object: Span | None = None
    used: set[int] = field(default_factory=set)  # token indices of argument phrases

    def fill(self, role: str, entity: str | None) -> None:
        if entity and role in {"actor", "target"} and getattr(self, role) is None:
            setattr(self, role, entity)


class EventExtractor:
    """Finds events in an article; the trigger index is built once."""

    def __init__(self, ontology: Ontology) -> None:
        self.ontology = ontology
        # Lemma -> indices of the groups it triggers, as verb and as noun (in group order).
        self._verbs: dict[str, list[int]] = {}
        self._nouns: dict[str, list[int]] = {}
        for i, group in enumerate(ontology.groups):
            for lemma in group.verbs:
                self._verbs.setdefault(lemma, []).append(i)
            for lemma in group.nouns:
                self._nouns.setdefault(lemma, []).append(i)

    def triggers(self, doc: Doc) -> Iterator[tuple[Token, TriggerGroup]]:
        """Each trigger token with its group, in text order; a lemma of two groups triggers both.

        A dictionary lookup per token: a spaCy Matcher with one lemma-list pattern per group
        finds the same tokens, in the same order, ten times slower.
        """
        for token in doc:
            pos = token.pos_
            index = self._verbs if pos == "VERB" else self._nouns if pos == "NOUN" else None
            if index is not None:
                for i in index.get(token.lemma_, ()):
                    yield token, self.ontology.groups[i]

    def __call__(self, analysis: Analysis, doc: Doc) -> None:
        if not (doc.has_annotation("DEP") and doc.has_annotation("POS")):
            analysis.events.extend(statement_events(analysis))
            return  # a blank pipeline (language without a model): no parse to read arguments from
        segs = [seg for sent in doc.sents for seg in segments(sent)]
        seg_starts = [s.start for s in segs]  # in order, not overlapping: found by bisection
        seen: set[tuple[int, str, str | None, str | None]] = set()
        cues = {c.cue_start for c in analysis.claims}
        for trigger, group in self.triggers(doc):
            if trigger.idx in cues:
                continue  # "передала, что ...": the verb reports, it hands nothing over
            start = trigger.i
            k = bisect_right(seg_starts, start) - 1
            segment = segs[k] if k >= 0 and start < segs[k].end else trigger.sent
            event = self.read_event(analysis, group, trigger, segment)
            if event is None:
                continue
            key = (segment.start, event.kind, event.actor, event.target)
            if key not in seen:
                seen.add(key)
                analysis.events.append(event)
        analysis.events.extend(statement_events(analysis))

    def read_event(
        self, analysis: Analysis, group: TriggerGroup, trigger: Token, segment: Span
    ) -> Event | None:
        roles = Roles()
        kind = group.kind
        self.read_subject(analysis, group, trigger, roles)
        self.read_object(analysis, group, trigger, roles)
        for phrase in case_marked(trigger, group):
            if phrase.i not in roles.used and segment.start <= phrase.i < segment.end:
                mention = mention_for(analysis, subtree_span(phrase, OTHER_CLAUSES))
                if mention:
                    entity, place = country_of(analysis, mention.entity_id)
                    roles.fill(group.cases[phrase.morph.get("Case", [])[0]], entity)
                    roles.used.add(phrase.i)
        for prep, phrase in prepositional_phrases(trigger):
            if phrase.i in roles.used or not segment.start <= phrase.i < segment.end:
                continue
            if is_claim_source(analysis, phrase.idx):
                continue  # "according to the White House": the source, not a party
            span = subtree_span(phrase, OTHER_CLAUSES)
            mention = mention_for(analysis, span)
            if prep in AGENT_CASES and mention:
                roles.fill("actor", mention.entity_id)
            elif prep in group.preps and mention:
                entity, place = country_of(analysis, mention.entity_id)
                roles.fill(group.preps[prep], entity)
                roles.place = roles.place or place
            if roles.place is None and prep in PLACE_PREPS:
                roles.place = place_in(analysis, span)
        if trigger.pos_ == "NOUN":
            kind = self.read_noun_modifiers(analysis, trigger, roles, kind)
        if group.origin and roles.object is not None:
            for token in roles.object:
                if token.dep_ == "amod":
                    mention = mention_for(analysis, token.doc[token.i : token.i + 1])
                    roles.fill("actor", mention.entity_id if mention else None)
        if group.military and not self.is_military(trigger, roles.object):
            kind = group.fallback or kind
        if roles.actor is None and roles.target is None:
            return None
        complete_dyad(analysis, segment, trigger, roles, self.instrument_origins(segment, kind))
        if roles.actor == roles.target:
            roles.target = None
        return build_event(analysis, kind, trigger, segment, roles)

    def read_subject(self, analysis: Analysis, group: TriggerGroup, trigger: Token, roles: Roles) -> None:
        subject: Token | None = None
        if trigger.pos_ == "VERB":
            subject = subject_of(trigger)
            if subject is not None and is_passive(trigger):  # "Kiev a été frappée": the subject undergoes it
                if group.object == "target":
                    mention = mention_for(analysis, subtree_span(subject, OTHER_CLAUSES))
                    roles.fill("target", country_of(analysis, mention.entity_id)[0] if mention else None)
                else:
                    roles.object = subtree_span(subject, OTHER_CLAUSES)
                roles.used.add(subject.i)
                return
        elif trigger.dep_ in OBJECT_DEPS:  # "accueillir une usine": the governing verb's subject
            subject = subject_of(trigger.head)
        if subject is None or subject.i == trigger.i:
            return
        roles.used.add(subject.i)
        mention = mention_for(analysis, subtree_span(subject, OTHER_CLAUSES))
        if mention:
            entity, place = country_of(analysis, mention.entity_id)
            roles.fill(group.subject, entity)
            roles.place = roles.place or place

    def read_object(self, analysis: Analysis, group: TriggerGroup, trigger: Token, roles: Roles) -> None:
        candidates = [c for c in trigger.children if c.dep_ in OBJECT_DEPS]
        if trigger.pos_ == "NOUN":  # "production d'UAV", "livraison des drones": genitive complements
            candidates += [
                c
                for c in trigger.children
                if c.dep_ == "nmod"
                and c.i > trigger.i
                and (any(g.lower_ in GENITIVE for g in c.children) or is_bare_genitive(c))
            ]
        for child in candidates:
            span = subtree_span(child, OTHER_CLAUSES)
            mention = mention_for(analysis, span)
            if child.dep_ in OBJECT_DEPS and group.object == "target" and mention is not None:
                entity, place = country_of(analysis, mention.entity_id)
                roles.fill("target", entity)
                roles.place = roles.place or place
                roles.used.add(child.i)
            elif mention is None or mention.start > child.idx:  # a thing, maybe with a demonym on it
                roles.object = roles.object or span
                roles.used.add(child.i)

    def read_noun_modifiers(self, analysis: Analysis, trigger: Token, roles: Roles, kind: str) -> str:
        """Demonyms on a noun trigger ("assistance militaire iranienne") and campaigns ("campagne russe de frappes")."""
        holders = [trigger]
        if trigger.head.lemma_.lower() in self.ontology.campaign_nouns and kind == "strike":
            holders.append(trigger.head)
            kind = self.ontology.campaign_kind
        for holder in holders:
            for child in holder.children:
                if child.dep_ == "amod":
                    mention = mention_for(analysis, trigger.doc[child.i : child.i + 1])
                    roles.fill("actor", mention.entity_id if mention else None)
        return kind

    def instrument_origins(self, segment: Span, kind: str) -> set[int]:
        """Character offsets of demonyms on weapons ("drones iraniens"): in a strike they name the maker, not the attacker."""
        if kind not in {"strike", self.ontology.campaign_kind}:
            return set()
        return {
            t.idx
            for t in segment
            if t.dep_ == "amod" and t.head.lemma_.lower() in self.ontology.military_words
        }

    def is_military(self, trigger: Token, obj: Span | None) -> bool:
        # the trigger, its own modifiers and its object: not the whole sentence it may govern
        near = [trigger, *trigger.children, *(obj if obj is not None else [])]
        words = {t.lemma_.lower() for t in near} | {t.lower_ for t in near}
        return bool(words & self.ontology.military_words)


def prepositional_phrases(trigger: Token) -> Iterator[tuple[str, Token]]:
    """(preposition, noun) pairs under the trigger, without entering other clauses."""
    stack = list(trigger.children)
    while stack:
        token = stack.pop(0)
        if token.dep_ in OTHER_CLAUSES:
            continue
        cases = [c for c in token.children if c.dep_ == "case"]
        if cases:
            yield cases[-1].lower_, token  # "en provenance de Russie": the nearest preposition
            yield cases[0].lower_, token
        elif token.dep_ == "pobj" and token.head.dep_ in {"prep", "agent"}:
            yield token.head.lower_, token
        stack.extend(token.children)


def case_marked(trigger: Token, group: TriggerGroup) -> Iterator[Token]:
    """Bare noun arguments whose case names their role ("передал России": dative = target)."""
    if not group.cases:
        return
    for child in trigger.children:
        if child.dep_ in {"iobj", "obl"} and not any(c.dep_ == "case" for c in child.children):
            cases = child.morph.get("Case", [])
            if cases and cases[0] in group.cases:
                yield child


def is_bare_genitive(token: Token) -> bool:
    """A genitive complement without preposition ("производство дронов")."""
    return "Gen" in token.morph.get("Case", []) and not any(c.dep_ == "case" for c in token.children)


def is_claim_source(analysis: Analysis, offset: int) -> bool:
    return bool(analysis.by_offset("claims", "source_start", "source_end").containing(offset))


def country_of(analysis: Analysis, entity_id: str | None) -> tuple[str | None, str | None]:
    """A place stands for its country in actor/target roles; the place itself is kept as `place`."""
    if entity_id is None:
        return None, None
    place = analysis.places.get(entity_id)
    if place is not None:
        return (entity_id_for("country", place.country) if place.country else None), place.id
    entity = analysis.entities.get(entity_id)
    if entity is not None and entity.kind == "place":
        return (entity_id_for("country", entity.country) if entity.country else None), entity_id
    return entity_id, None


def place_in(analysis: Analysis, span: Span) -> str | None:
    found = analysis.by_offset("place_mentions").starting_in(span.start_char, span.end_char)
    return found[0].place_id if found else None


def countries_mentioned(analysis: Analysis, start: int, end: int) -> list[tuple[int, str]]:
    return [
        (m.start, m.entity_id)
        for m in analysis.by_offset("mentions").starting_in(start, end)
        if m.entity_id and entity_kind(m.entity_id) == "country"
    ]


def complete_dyad(analysis: Analysis, segment: Span, trigger: Token, roles: Roles, skip: set[int]) -> None:
    """Name the missing party of a two-party event from context.

    First another country named in the same sentence (nearest to the trigger), else
    the article's most mentioned country other than the known party: bilateral
    reporting ("cet arrangement ... à l'entreprise russe") leaves the partner implicit.
    """
    known = roles.actor or roles.target
    missing = "target" if roles.actor else "actor"
    nearby = [
        (abs(pos - trigger.idx), eid)
        for pos, eid in countries_mentioned(analysis, segment.start_char, segment.end_char)
        if eid != known and pos not in skip
    ]
    if nearby:
        roles.fill(missing, min(nearby)[1])
        return
    counts = analysis.derived(  # once per article, not per event
        "mentions",
        "country_counts",
        lambda _: Counter(eid for _pos, eid in countries_mentioned(analysis, 0, len(analysis.article.text))),
    )
    for eid, _n in counts.most_common():
        if eid != known:
            roles.fill(missing, eid)
            return


def build_event(analysis: Analysis, kind: str, trigger: Token, segment: Span, roles: Roles) -> Event:
    claim = claim_around(analysis, trigger.idx)
    quantity, amount = amounts_for(analysis, segment, roles.object)
    return Event(
        id=fact_id(analysis.article.id, "event", kind, trigger.idx, roles.actor, roles.target),
        article_id=analysis.article.id,
        kind=kind,
        start=segment.start_char,
        end=segment.end_char,
        sentence=analysis.sentence_at(trigger.idx),
        extractor=EXTRACTOR,
        actor=roles.actor,
        target=roles.target,
        object=roles.object.text if roles.object is not None else None,
        quantity=quantity,
        amount=amount,
        place=roles.place,
        time=time_in(analysis, segment),
        claim_id=claim.id if claim else None,
        source_entity=claim.source_entity if claim else None,
    )


def claim_around(analysis: Analysis, offset: int) -> Claim | None:
    """The innermost claim whose content holds ``offset``: the event is reported by its source."""
    around = analysis.by_offset("claims").containing(offset)
    return min(around, key=lambda c: c.end - c.start) if around else None


def amounts_for(analysis: Analysis, segment: Span, obj: Span | None) -> tuple[Amount | None, Amount | None]:
    """(quantity, money) of the event: amounts in its object, else anywhere in its sentence."""
    quantity = money = None
    in_segment = [a for a in analysis.amounts if segment.start_char <= a.start < segment.end_char]
    if obj is not None:
        in_object = [a for a in in_segment if obj.start_char <= a.start < obj.end_char]
        in_segment = in_object + [a for a in in_segment if a not in in_object]
    for a in in_segment:
        if a.unit in CURRENCIES:
            money = money or a
        elif a.unit not in {"km", "m", "mi", "percent"}:
            quantity = quantity or a
    return quantity, money


def time_in(analysis: Analysis, segment: Span) -> str | None:
    for ref in analysis.dates:
        if segment.start_char <= ref.start < segment.end_char and ref.value:
            return f"{ref.value}/{ref.end_value}" if ref.end_value else ref.value
    return None


def statement_events(analysis: Analysis) -> list[Event]:
    """Every attributed claim is also a `statement` event by its source."""
    events = []
    for claim in analysis.claims:
        if not claim.source_entity:
            continue
        start = min(claim.start, claim.source_start if claim.source_start is not None else claim.start)
        events.append(
            Event(
                id=fact_id(analysis.article.id, "event", STATEMENT, claim.id),
                article_id=analysis.article.id,
                kind=STATEMENT,
                start=start,
                end=claim.end,
                sentence=claim.sentence,
                extractor=EXTRACTOR,
                actor=claim.source_entity,
                object=claim.content,
                time=claim.date,
                claim_id=claim.id,
                source_entity=claim.source_entity,
            )
        )
    return events


@extractor_factory(
    requires=("mentions", "entities", "places", "place_mentions", "claims", "amounts", "dates"),
    assigns=("events",),
    reads=("DEP",),
)
def create_event_extractor(settings: Settings) -> Callable[[Analysis, Doc], None]:
    """Pipeline factory (``[extractors] events``)."""
    return EventExtractor(load_ontology())
