"""The store's facts read back article by article, as model objects, for the graph and FtM exports."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from veille.model import Article, Claim, Entity, Event, Mention, Place, PlaceMention, Sentence
from veille.store.database import Store
from veille.store.records import from_row

ARTICLES_PER_READ = 200  # articles whose facts are read in one query per table


@dataclass
class ArticleFacts:
    """One article with the facts extracted from it, in text order."""

    article: Article
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    place_mentions: list[PlaceMention] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    @cached_property
    def _sentence_spans(self) -> dict[int, tuple[int, int]]:
        return {s.index: (s.start, s.end) for s in self.sentences}

    def sentence_text(self, index: int) -> str:
        """The text of sentence ``index`` ("" when the store has no such sentence)."""
        start, end = self._sentence_spans.get(index, (0, 0))
        return self.article.text[start:end].strip()


def _event(row: dict[str, Any]) -> Event:
    # quantity/amount are stored as JSON objects; these exports do not carry them
    return from_row(Event, {k: v for k, v in row.items() if k not in ("quantity", "amount")})


def iter_article_facts(store: Store, language: str | None = None) -> Iterator[ArticleFacts]:
    """Every article (only those in ``language`` when given) with its facts, a batch of articles per read."""
    rows = store.table_rows("articles", language)
    while batch := list(itertools.islice(rows, ARTICLES_PER_READ)):
        ids = [a["id"] for a in batch]

        def read(table: str, ids: list[str] = ids) -> dict[str, list[dict[str, Any]]]:
            return store.rows_for(table, "article_id", ids)

        sentences, mentions, place_mentions = read("sentences"), read("mentions"), read("place_mentions")
        claims, events = read("claims"), read("events")
        for row in batch:
            aid = row["id"]
            yield ArticleFacts(
                article=from_row(Article, row),
                sentences=[from_row(Sentence, r) for r in sentences.get(aid, [])],
                mentions=[from_row(Mention, r) for r in mentions.get(aid, [])],
                place_mentions=[from_row(PlaceMention, r) for r in place_mentions.get(aid, [])],
                claims=[from_row(Claim, r) for r in claims.get(aid, [])],
                events=[_event(r) for r in events.get(aid, [])],
            )


def read_entities(store: Store) -> dict[str, Entity]:
    return {row["id"]: from_row(Entity, row) for row in store.table_rows("entities")}


def read_places(store: Store) -> dict[str, Place]:
    return {row["id"]: from_row(Place, row) for row in store.table_rows("places")}
