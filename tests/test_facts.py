"""The record-type declarations (veille.facts): every stored type declared once, and the
store, its reads and the export all following them."""

from __future__ import annotations

import dataclasses
import typing
from typing import get_args

import pytest

from veille import facts
from veille.claims.lexicon import _kinds
from veille.errors import VeilleError
from veille.export import CSV_TABLES, build_export
from veille.model import (
    ENTITY_KINDS,
    Amount,
    Analysis,
    Article,
    Claim,
    DateRef,
    Entity,
    EntityKind,
    Event,
    ExtractorRun,
    Mention,
    Place,
    PlaceMention,
    RelativeLocation,
    Route,
    Sentence,
    article_id_for,
)
from veille.store import schema
from veille.store.database import Store
from veille.store.records import from_row

TEXT = "Moscou a déclaré que 3 drones partiront de Kazan vers Minsk le 2 mai, à 800 km à l'est de Moscou."


@pytest.fixture()
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'v.db'}")
    yield s
    s.close()


def one_of_each() -> Analysis:
    """An analysis with one record of every declared type, every optional field set."""
    aid = article_id_for(TEXT)
    prov = {"article_id": aid, "sentence": 0, "extractor": "test"}
    drones = Amount(start=21, end=28, text="3 drones", unit="drone", value=3.0, **prov)
    return Analysis(
        article=Article(
            id=aid, text=TEXT, title="Drones", source="wire", language="fr", published="2024-05-01"
        ),
        sentences=[Sentence(aid, 0, 0, len(TEXT))],
        mentions=[
            Mention(
                start=0, end=6, text="Moscou", label="LOC", entity_id="country:RU", role="government", **prov
            )
        ],
        entities={
            "country:RU": Entity("country:RU", "Russie", "country", "RU", ["Russia"], {"wikidata": "Q159"})
        },
        amounts=[drones],
        dates=[
            DateRef(
                start=62, end=69, text="2 mai", kind="absolute", value="2024-05-02", resolved=True, **prov
            )
        ],
        claims=[
            Claim(
                id=f"{aid}:claim:1",
                source_entity="country:RU",
                source_text="Moscou",
                cue="a déclaré",
                content="3 drones partiront",
                start=21,
                end=40,
                kind="statement",
                about=["country:RU"],
                channel="TASS",
                date="2024-05-01",
                source_start=0,
                source_end=6,
                cue_start=7,
                cue_end=16,
                source_type="named",
                **prov,
            )
        ],  # fmt: skip
        events=[
            Event(
                id=f"{aid}:event:1",
                kind="transfer",
                start=21,
                end=60,
                actor="country:RU",
                object="drones",
                quantity=drones,
                amount=dataclasses.replace(drones, unit="USD"),
                place="place:kazan",
                time="2024-05-02",
                claim_id=f"{aid}:claim:1",
                source_entity="country:RU",
                **prov,
            )
        ],  # fmt: skip
        places={"place:kazan": Place("place:kazan", "Kazan", 55.8, 49.1, "RU", "P.PPLA", 551487, 1_300_000)},
        place_mentions=[PlaceMention(aid, "place:kazan", 43, 48, "Kazan", 0, "test", metonymy=False)],
        routes=[
            Route(
                f"{aid}:route:1",
                aid,
                ["place:kazan", "place:minsk"],
                40,
                60,
                0,
                "test",
                "drones",
                f"{aid}:event:1",
                f"{aid}:claim:1",
            )
        ],  # fmt: skip
        relative_locations=[
            RelativeLocation(
                aid,
                73,
                98,
                "800 km à l'est de Moscou",
                0,
                "test",
                "place:moscow",
                "place:kazan",
                800.0,
                90.0,
                False,
                719.0,
                85.0,
                True,
            )
        ],  # fmt: skip
        extractor_runs=[ExtractorRun(aid, "claims", "limited", "no parser")],
    )


def test_every_analysis_field_is_declared_once_with_its_table() -> None:
    hints = typing.get_type_hints(Analysis)
    declared = {r.field: r for r in facts.RECORD_TYPES}
    assert len(declared) == len(facts.RECORD_TYPES)  # no field declared twice
    assert set(declared) == {f.name for f in dataclasses.fields(Analysis)}
    for name, record in declared.items():
        assert record.cls in get_args(hints[name]) + (hints[name],), name  # list[X], dict[str, X] or X
        assert record.table in schema.metadata.tables, record.table
        assert facts.BY_TABLE[record.table] is record


def test_facts_carry_their_provenance_columns() -> None:
    for record in facts.RECORD_TYPES:
        columns = list(schema.table(record).columns.keys())
        if record.provenance:
            assert columns[:6] == ["id", *facts.PROVENANCE], record.table
            assert set(facts.PROVENANCE) <= {f.name for f in dataclasses.fields(record.cls)}
        else:
            assert "extractor" not in columns, record.table


def test_exported_fields_are_columns() -> None:
    """``exported`` reads rows with .get: a misspelt field would export null, so none is."""
    for record in facts.RECORD_TYPES:
        if record.export:
            assert set(record.export.fields) <= set(schema.table(record).columns.keys()), record.table
        if record.named_by:  # a shared type's naming fact and column exist, and the fact is exported
            naming, column = record.named_by
            assert facts.BY_TABLE[naming].provenance and facts.BY_TABLE[naming].export
            assert column in schema.metadata.tables[naming].c
    assert CSV_TABLES == (
        "articles", "entities", "mentions", "claims", "events", "places", "place_mentions", "routes",
        "relative_locations",
    )  # fmt: skip


def test_every_record_round_trips_through_the_store(store: Store) -> None:
    written = one_of_each()
    assert store.write([written]) == 1
    read = store.analysis(written.article.id[:8])
    assert read is not None
    for record in facts.RECORD_TYPES:
        assert getattr(read, record.field) == getattr(written, record.field), record.field
    assert isinstance(read.events[0].quantity, Amount)


def test_article_rows_and_analysis_agree(store: Store) -> None:
    written = one_of_each()
    store.write([written])
    rows = store.article(written.article.id)
    assert rows is not None
    assert list(rows)[-11:] == [
        "mentions", "amounts", "dates", "claims", "events", "place_mentions", "routes", "relative_locations",
        "entities", "sentences", "extractors",
    ]  # fmt: skip
    assert [from_row(Claim, r) for r in rows["claims"]] == written.claims
    assert rows["extractors"] == [{"name": "claims", "status": "limited", "note": "no parser"}]
    assert rows["mentions"][0]["id"].startswith(f"{written.article.id}:mentions:")  # derived fact id
    assert store.analysis("nope") is None and store.article("nope") is None


def test_counts_follow_the_declarations(store: Store) -> None:
    store.write([one_of_each()])
    counts = store.counts()
    assert list(counts) == ["articles", "entities", "mentions", "claims", "events", "places", "routes"]
    assert set(counts.values()) == {1}


def test_export_records_follow_the_declarations(store: Store) -> None:
    written = one_of_each()
    store.write([written])
    export = build_export(store)
    assert list(export) == [
        "veille_export", "articles", "entities", "claims", "events", "places", "routes", "relative_locations",
        "stories",
    ]  # fmt: skip
    event = export["events"][0]
    assert list(event) == list(facts.EVENT.export.fields)  # type: ignore[union-attr]
    assert event["amount"] == {"value": 3.0, "unit": "USD", "text": "3 drones"}  # reduced to its parts
    assert event["quantity"] == dataclasses.asdict(written.events[0].quantity)  # type: ignore[arg-type]
    entity = export["entities"][0]
    assert entity["mentions"] == [
        {"article_id": written.article.id, "start": 0, "end": 6, "text": "Moscou", "sentence": 0,
         "role": "government", "extractor": "test"}
    ]  # fmt: skip
    assert export["places"][0]["mentions"][0]["text"] == "Kazan"


def test_records_streams_model_objects(store: Store) -> None:
    written = one_of_each()
    store.write([written])
    assert list(store.records(facts.ROUTE)) == written.routes
    assert list(store.records(facts.PLACE)) == list(written.places.values())


def test_pipeline_facts_round_trip(store: Store, analyse) -> None:
    written = analyse("Le Kremlin a annoncé lundi que 2 000 soldats quitteraient Kherson pour Moscou.")
    assert written.claims and written.mentions and written.amounts and written.dates
    store.write([written])
    read = store.analysis(written.article.id)
    assert read is not None
    for record in facts.PER_ARTICLE:
        order = lambda f: (getattr(f, "start", 0), getattr(f, "name", ""))  # noqa: E731  # runs: by name
        assert sorted(getattr(read, record.field), key=order) == sorted(
            getattr(written, record.field), key=order
        )
    assert read.entities.items() <= written.entities.items()


def test_kinds_are_closed_vocabularies() -> None:
    assert ENTITY_KINDS == get_args(EntityKind) == ("country", "organisation", "person", "place", "other")
    assert _kinds({"say": "statement"}) == {"say": "statement"}
    with pytest.raises(VeilleError, match="claim kind 'rumour'"):
        _kinds({"whisper": "rumour"})
