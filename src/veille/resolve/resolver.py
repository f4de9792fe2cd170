"""Resolve mentions to entities: one canonical entity per real-world thing.

Knowledge-base names resolve directly ("Fédération de Russie", "Russie",
"russes" -> Russia). A capital used as an agent resolves to its country's
government ("Moscou cherche…" -> Russia, role "government"); used as a place it
resolves to the city. People are keyed by full name, and a bare surname joins
the person of that surname already named in the article ("Kirby" -> John Kirby).
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from veille.config import Settings
from veille.model import Analysis, Entity, EntityKind, Mention
from veille.names.knowledge import CAPITAL, KnowledgeBase, entity_id_for, knowledge_base, slug
from veille.nlp.models import normal_form
from veille.resolve.metonymy import is_government_use

GOVERNMENT = "government"

# Titles that precede a name but are not part of it.
HONORIFICS = re.compile(
    r"^(?:M\.|Mme|Mlle|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Pr\.?|President|Président|Présidente|General|Général|Gen\.)\s+",
    re.IGNORECASE,
)

KIND_BY_LABEL: dict[str, EntityKind] = {
    "PER": "person",
    "ORG": "organisation",
    "LOC": "place",
    "GPE": "place",
}


def person_name(text: str) -> str:
    name = " ".join(text.split())
    while True:
        stripped = HONORIFICS.sub("", name)
        if stripped == name:
            return name
        name = stripped


class Resolver:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def __call__(self, analysis: Analysis, doc: Doc) -> None:
        resolved: list[Mention] = []
        surnames: dict[str, str] = {}
        # Full names first, so a later bare surname can join them.
        order = sorted(
            analysis.mentions, key=lambda m: (m.label == "PER" and " " not in m.text.strip(), m.start)
        )
        for mention in order:
            entity = self.resolve(mention, doc, surnames)
            if entity is None:
                continue
            mention.entity_id = entity.id
            analysis.entities.setdefault(entity.id, entity)
            resolved.append(mention)
        analysis.mentions = sorted(resolved, key=lambda m: m.start)

    def resolve(self, mention: Mention, doc: Doc, surnames: dict[str, str]) -> Entity | None:
        if mention.entity_id and mention.role == CAPITAL:
            return self._capital(mention, doc)
        if mention.entity_id:
            return self.kb.entities[mention.entity_id]
        normal = normal_name(mention, doc)
        if mention.label == "PER":
            return self._person(normal, surnames)
        kind = KIND_BY_LABEL.get(mention.label)
        if kind is None:
            return None
        known = self.kb.lookup(mention.text) or self.kb.lookup(normal)
        if known:
            mention.entity_id = known[0].entity_id
            if known[0].how == CAPITAL:
                mention.role = CAPITAL
                return self._capital(mention, doc)
            entity = self.kb.entities[known[0].entity_id]
            if entity.kind == "organisation" and mention.label in {"LOC", "GPE"}:
                mention.label = (
                    "ORG"  # NER read "Кремля", "Евросоюзом" as places; the knowledge base knows better
                )
            return entity
        name = " ".join(normal.split())
        return Entity(id=entity_id_for(kind, slug(name)), name=name, kind=kind)

    def _capital(self, mention: Mention, doc: Doc) -> Entity:
        country_id = mention.entity_id or ""
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is not None and is_government_use(span):
            mention.role = GOVERNMENT
            return self.kb.entities[country_id]
        mention.role = None
        mention.label = "LOC"
        place_id = self.kb.capitals.get(self.kb.entities[country_id].country or "")
        return self.kb.entities[place_id] if place_id else self.kb.entities[country_id]

    def _person(self, text: str, surnames: dict[str, str]) -> Entity:
        name = person_name(text)
        parts = name.split()
        if len(parts) == 1 and parts[0] in surnames:
            full = surnames[parts[0]]
        else:
            full = name
            if len(parts) > 1:
                surnames.setdefault(parts[-1], full)
        return Entity(id=entity_id_for("person", slug(full)), name=full, kind="person")


def normal_name(mention: Mention, doc: Doc) -> str:
    """The mention's name in dictionary form when the pipeline gives one ("Россией" -> "Россия"), else its text."""
    span = doc.char_span(mention.start, mention.end)
    return (normal_form(span) if span is not None else None) or mention.text


def create_resolver(settings: Settings) -> Resolver:
    return Resolver(knowledge_base())
