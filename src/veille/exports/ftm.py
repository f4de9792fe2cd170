"""The store as FollowTheMoney entities (JSON lines) that Aleph / OpenAleph ingest.

Mapping (docs/export.md):

- article -> ``Article`` (title, bodyText, language, publishedAt, sourceUrl, publisher);
- entity -> ``Person``; ``Organization``, or ``Company`` when a commercial legal form is in
  its name; ``PublicBody`` for a country (the state as an actor: "Moscou a déclaré"), with
  topic ``gov.national``; ``Address`` for a place; ``LegalEntity`` for other kinds;
- geocoded place -> ``Address`` with latitude and longitude;
- each mention of a person or organisation -> ``Mention`` (name, document, resolved);
- entity or place named in an article -> ``Documentation`` (role "mentioned") whose
  description lists each mention's offsets, sentence and extractor;
- claim -> ``UnknownLink`` from its source to each entity it is about (role: kind and cue;
  summary: the content; proof: the article), or ``Documentation`` of the one resolved end;
- event -> ``Event`` (involved: actor and target, organizer: actor, addressEntity: place).

Provenance (article id, sentence, character offsets, extractor) is written into
``description``, the sentence into ``summary`` or ``indexText``. Ids are deterministic:
``make_id`` over veille's own ids, so a re-export updates the same Aleph entities.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from followthemoney import model
from followthemoney.proxy import EntityProxy

from veille.exports.facts import ArticleFacts, iter_article_facts, read_entities, read_places
from veille.model import Claim, Entity, Event, Mention, Place, PlaceMention
from veille.store.database import Store

NAMESPACE = "veille"
# Forms of commercial companies (the ``legal_forms`` ruler also knows NGOs, funds and state
# bodies, which are not companies), and the Latin-script forms that close a company's name.
COMPANY_FORMS = frozenset(
    "ТОВ ТзОВ ПАТ ПрАТ АТ ВАТ ЗАТ ТД ООО ОАО ЗАО ПАО АО НАО ТОО ООД ЕООД АД ЕАД "
    "GmbH AG SA SAS SARL Ltd LLC Inc PLC Corp NV BV SpA AB ASA Oy".casefold().split()
)
SCHEMA_OF_KIND = {
    "person": "Person",
    "organisation": "Organization",
    "country": "PublicBody",
    "place": "Address",
}
WORDS = re.compile(r"\w+")


def ftm_id(*parts: str) -> str:
    """The FtM id of a veille record: a hash of its kind and veille id (stable across exports)."""
    proxy = model.make_entity("Thing")
    proxy.make_id(NAMESPACE, *parts)
    assert proxy.id is not None
    return proxy.id


def _proxy(schema: str, *id_parts: str, **properties: Any) -> EntityProxy:
    """An entity with cleaned properties: a value FtM cannot read (a year-less date) is dropped."""
    proxy = model.make_entity(schema)
    proxy.id = ftm_id(*id_parts)
    for prop, value in properties.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            if item is not None and item != "":
                proxy.add(prop, item)
    return proxy


def entity_schema(entity: Entity) -> str:
    schema = SCHEMA_OF_KIND.get(entity.kind, "LegalEntity")
    if schema == "Organization" and COMPANY_FORMS & {w.casefold() for w in WORDS.findall(entity.name)}:
        return "Company"
    return schema


def _entity(entity: Entity) -> EntityProxy:
    schema = entity_schema(entity)
    common: dict[str, Any] = {
        "country": entity.country,
        "notes": f"veille entity {entity.id} ({entity.kind})",
    }
    if schema == "Address":
        attrs = entity.attributes or {}
        return _proxy(schema, "entity", entity.id, full=entity.name, latitude=attrs.get("lat"),
                      longitude=attrs.get("lon"), **common)  # fmt: skip
    topics = "gov.national" if entity.kind == "country" else None
    return _proxy(
        schema, "entity", entity.id, name=entity.name, alias=entity.aliases, topics=topics, **common
    )


def _place(place: Place) -> EntityProxy:
    where = f"GeoNames {place.geonames_id}" if place.geonames_id else "veille gazetteer"
    return _proxy("Address", "place", place.id, full=place.name, latitude=place.lat, longitude=place.lon,
                  country=place.country, notes=f"veille place {place.id}; {where} ({place.feature or '?'})")  # fmt: skip


def provenance(article_id: str, sentence: int, start: int, end: int, extractor: str) -> str:
    return (
        f"veille article {article_id}, sentence {sentence}, characters {start}-{end}, extractor {extractor}"
    )


@dataclass
class FtmExport:
    """Entities built article by article; the entities and places they name are emitted last."""

    entities: dict[str, Entity]
    places: dict[str, Place]
    named_entities: set[str] = field(default_factory=set)
    named_places: set[str] = field(default_factory=set)
    schemas: dict[str, str] = field(default_factory=dict)

    def schema_of(self, entity_id: str) -> str | None:
        entity = self.entities.get(entity_id)
        return entity_schema(entity) if entity else None

    def is_party(self, entity_id: str | None) -> bool:
        """Whether the entity is a LegalEntity in FtM (what Mention.resolved and Event.involved take)."""
        schema = self.schema_of(entity_id) if entity_id else None
        return schema is not None and model.schemata[schema].is_a("LegalEntity")

    def entity_ref(self, entity_id: str | None) -> str | None:
        """The FtM id of an entity the store holds (None for an unknown id: no dangling reference)."""
        if entity_id is None or entity_id not in self.entities:
            return None
        self.named_entities.add(entity_id)
        return ftm_id("entity", entity_id)

    def article(self, facts: ArticleFacts) -> Iterator[EntityProxy]:
        art = facts.article
        doc = ftm_id("article", art.id)
        yield _proxy("Article", "article", art.id, title=art.title, bodyText=art.text, language=art.language,
                     publishedAt=art.published, sourceUrl=art.url, publisher=art.source,
                     notes=f"veille article {art.id}")  # fmt: skip
        yield from self._mentions(facts, doc)
        yield from self._place_mentions(facts, doc)
        for claim in facts.claims:
            yield from self._claim(facts, claim, doc)
        for event in facts.events:
            yield self._event(facts, event, doc)

    def _documentation(self, facts: ArticleFacts, doc: str, target: str, key: str,
                       spans: list[Mention] | list[PlaceMention]) -> EntityProxy:  # fmt: skip
        art = facts.article
        where = "; ".join(
            f"«{m.text}» " + provenance(art.id, m.sentence, m.start, m.end, m.extractor) for m in spans
        )
        return _proxy("Documentation", "mentioned", art.id, key, document=doc, entity=target, role="mentioned",
                      summary=facts.sentence_text(spans[0].sentence), description=where, date=art.published,
                      sourceUrl=art.url, publisher=art.source)  # fmt: skip

    def _mentions(self, facts: ArticleFacts, doc: str) -> Iterator[EntityProxy]:
        by_entity: dict[str, list[Mention]] = {}
        for m in facts.mentions:
            ref = self.entity_ref(m.entity_id)
            if ref is None or m.entity_id is None:
                continue
            by_entity.setdefault(m.entity_id, []).append(m)
            if self.is_party(m.entity_id):
                yield _proxy("Mention", "mention", facts.article.id, str(m.start), m.entity_id, name=m.text,
                             document=doc, resolved=ref, detectedSchema=self.schema_of(m.entity_id),
                             contextCountry=self.entities[m.entity_id].country)  # fmt: skip
        for entity_id, spans in by_entity.items():
            yield self._documentation(facts, doc, ftm_id("entity", entity_id), entity_id, spans)

    def _place_mentions(self, facts: ArticleFacts, doc: str) -> Iterator[EntityProxy]:
        by_place: dict[str, list[PlaceMention]] = {}
        for pm in facts.place_mentions:
            if pm.place_id in self.places:
                by_place.setdefault(pm.place_id, []).append(pm)
        for place_id, spans in by_place.items():
            self.named_places.add(place_id)
            yield self._documentation(facts, doc, ftm_id("place", place_id), place_id, spans)

    def _claim(self, facts: ArticleFacts, claim: Claim, doc: str) -> Iterator[EntityProxy]:
        art = facts.article
        common = {
            "summary": claim.content,
            "description": f"source «{claim.source_text}», cue «{claim.cue}»; "
            + provenance(art.id, claim.sentence, claim.start, claim.end, claim.extractor),
            "indexText": facts.sentence_text(claim.sentence),
            "date": claim.date or art.published,
            "sourceUrl": art.url,
            "publisher": art.source,
        }
        source = self.entity_ref(claim.source_entity)
        about = [
            (a, ref)
            for a in dict.fromkeys(claim.about)
            if a != claim.source_entity and (ref := self.entity_ref(a))
        ]
        role = f"claim ({claim.kind}): {claim.cue}"
        if source and about:
            for about_id, ref in about:
                yield _proxy("UnknownLink", "claim", claim.id, about_id, subject=source, object=ref, role=role,
                             proof=doc, **common)  # fmt: skip
        elif source or about:  # one resolved end: the claim documents it
            target = source or about[0][1]
            yield _proxy("Documentation", "claim", claim.id, document=doc, entity=target, role=role, **common)

    def _event(self, facts: ArticleFacts, event: Event, doc: str) -> EntityProxy:
        art = facts.article
        actor, target = self.entity_ref(event.actor), self.entity_ref(event.target)
        place = event.place if event.place in self.places else None
        if place:
            self.named_places.add(place)
        parties = [
            ref for ref, eid in ((actor, event.actor), (target, event.target)) if ref and self.is_party(eid)
        ]
        return _proxy("Event", "event", event.id, name=event.kind + (f": {event.object}" if event.object else ""),
                      summary=facts.sentence_text(event.sentence),
                      description=provenance(art.id, event.sentence, event.start, event.end, event.extractor),
                      date=[event.time, art.published], involved=parties,
                      organizer=actor if actor in parties else None,
                      addressEntity=ftm_id("place", place) if place else None, proof=doc,
                      sourceUrl=art.url, publisher=art.source)  # fmt: skip

    def named(self) -> Iterator[EntityProxy]:
        """The entities and places the exported articles named, each once."""
        for entity_id in sorted(self.named_entities):
            yield _entity(self.entities[entity_id])
        for place_id in sorted(self.named_places):
            yield _place(self.places[place_id])


def iter_ftm(store: Store, language: str | None = None) -> Iterator[EntityProxy]:
    """Every FtM entity of the export (articles in ``language`` only, when given)."""
    export = FtmExport(read_entities(store), read_places(store))
    for facts in iter_article_facts(store, language):
        yield from export.article(facts)
    yield from export.named()


def iter_ftm_lines(store: Store, language: str | None = None) -> Iterator[str]:
    """The export as JSON lines, one entity a line (``ftm`` / ``followthemoney`` tools read this)."""
    for proxy in iter_ftm(store, language):
        yield json.dumps(proxy.to_dict(), ensure_ascii=False, sort_keys=True) + "\n"


def write_ftm(store: Store, out: Path, language: str | None = None) -> dict[str, int]:
    """The JSON lines written to ``out`` (atomically); entities by schema."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    counts: dict[str, int] = {}
    with tmp.open("w", encoding="utf-8") as fh:
        for proxy in iter_ftm(store, language):
            fh.write(json.dumps(proxy.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
            counts[proxy.schema.name] = counts.get(proxy.schema.name, 0) + 1
    tmp.replace(out)
    return dict(sorted(counts.items()))
