"""Typed settings from default.toml and a user's file; the pipeline contract checked at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from veille.config import ClusterSettings, default_settings, load_settings, with_values
from veille.contract import ExtractorFactory, doc_reads, extractor_factory
from veille.errors import ConfigError
from veille.ingest.hooks import after_write_hooks
from veille.model import Article
from veille.nlp.coverage import extractor_runs
from veille.pipeline import checked_factories, load_factory
from veille.store.database import Store


def user_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "veille.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_defaults_are_typed_and_the_clustering_tunables_unchanged() -> None:
    settings = default_settings()
    assert settings.ingest.user_agent == "veille/0.1 (+media monitoring)"
    assert settings.ingest.fetch_timeout == 20.0 and isinstance(settings.ingest.fetch_timeout, float)
    assert settings.ingest.languages[:2] == ("fr", "en")
    assert settings.store.url == "sqlite:///data/veille.db"
    assert settings.pipeline.order[0] == "entities" and settings.pipeline.chunk_chars == 20_000
    assert settings.embeddings.mode == "deferred" and settings.web.cors_origins == ()
    # The values stories/cluster.py had before [stories] existed: the clustering figures stay.
    assert settings.stories == ClusterSettings(
        threshold=0.15,
        crosslingual_threshold=0.20,
        query_features=30,
        postings_size=100,
        max_candidates=40,
        linkage_members=30,
        centroid_size=400,
        time_window_days=7,
        time_decay_days=30.0,
        regroup_every=6,
        regroup_near=0.6,
        regroup_stories=4,
        merge_min=0.5,
        prior_documents=500,
        vector_threshold=0.35,
        vector_decides=True,
        vector_candidates=10,
        vector_window=20_000,
        vector_baseline=0.77,
    )


def test_a_user_file_overrides_one_value_and_keeps_the_others(tmp_path: Path) -> None:
    settings = load_settings(user_file(tmp_path, "[ingest]\nfetch_timeout = 5\n"), db="here.db")
    assert settings.ingest.fetch_timeout == 5.0 and isinstance(settings.ingest.fetch_timeout, float)
    assert settings.ingest.user_agent == default_settings().ingest.user_agent
    assert settings.store.url == "sqlite:///here.db"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[ingest]\nfetch_timeout = "fast"\n', "[ingest] fetch_timeout must be a number, not 'fast'"),
        ("[web]\npublic_read = 1\n", "[web] public_read must be true or false, not 1"),
        ("[pipeline]\nbatch_size = 2.5\n", "[pipeline] batch_size must be an integer, not 2.5"),
        ("[pipeline]\nbatch_size = 0\n", "[pipeline] batch_size must be at least 1, not 0"),
        ('[embeddings]\nmode = "later"\n', "[embeddings] mode must be 'inline' or 'deferred', not 'later'"),
        ('[web]\ncors_origins = "https://a.example"\n', "[web] cors_origins must be a list of strings"),
        ('[ingest]\nuser_agnet = "me"\n', "[ingest] has no setting 'user_agnet' (known: max_bytes,"),
        ("[stories]\nvector_baseline = 0.5\n", "[stories] has no setting 'vector_baseline'"),
        ("[storys]\nthreshold = 0.2\n", "unknown section [storys]"),
        ("ingest = 3\n", "[ingest] must be a table, not 3"),
        ("[models]\nfr = 3\n", "[models] fr must be a string, not 3"),
        ('[pipeline]\norder = ["entities", "sentiment"]\n', "no [extractors] entry: sentiment"),
    ],
)
def test_a_wrong_user_file_is_a_one_line_config_error(tmp_path: Path, text: str, message: str) -> None:
    path = user_file(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    error = str(caught.value)
    assert error.startswith(f"{path}: ") and message in error
    assert "\n" not in error


def test_with_values_checks_like_a_user_file() -> None:
    changed = with_values(default_settings(), web={"public_read": True}, ingest={"fetch_timeout": 1})
    assert changed.web.public_read and changed.ingest.fetch_timeout == 1.0
    assert changed.web.token == default_settings().web.token
    with pytest.raises(ConfigError, match="must be true or false"):
        with_values(default_settings(), web={"public_read": "yes"})


def test_a_stories_tunable_in_a_toml_reaches_the_story_index(tmp_path: Path) -> None:
    text = "[stories]\nthreshold = 0.3\nvector_window = 50\n\n[embeddings]\nenabled = false\n"
    settings = load_settings(user_file(tmp_path, text), db=str(tmp_path / "v.db"))
    assert settings.stories.threshold == 0.3 and settings.stories.merge_min == 0.5
    store = Store(settings.store.url)
    try:
        (track,) = after_write_hooks(settings, store).hooks
        index = track.__self__.index  # type: ignore[attr-defined]  # StoryTracker.add
        assert index.settings.threshold == 0.3 and index.settings.vector_window == 50
    finally:
        store.close()


def test_every_configured_extractor_declares_its_contract() -> None:
    settings = default_settings()
    for name in settings.pipeline.order:
        factory = load_factory(settings.extractors[name])
        assert isinstance(factory, ExtractorFactory), name
        assert factory.assigns, name
    assert [name for name, _ in checked_factories(settings)] == list(settings.pipeline.order)


def test_an_extractor_before_what_it_requires_is_refused_at_start_up(tmp_path: Path) -> None:
    order = '["entities", "resolve", "geo", "amounts", "dates", "events", "claims", "geo_links"]'
    settings = load_settings(user_file(tmp_path, f"[pipeline]\norder = {order}\n"))
    with pytest.raises(ConfigError) as caught:
        checked_factories(settings)
    assert str(caught.value) == (
        "extractor 'events' requires 'claims', assigned by 'claims', which runs after it: reorder [pipeline] order"
    )


def test_geo_links_first_names_every_extractor_it_waits_for(tmp_path: Path) -> None:
    order = '["geo_links", "entities", "resolve", "geo", "claims", "events"]'
    settings = load_settings(user_file(tmp_path, f"[pipeline]\norder = {order}\n"))
    with pytest.raises(ConfigError, match="extractor 'geo_links' requires 'places', assigned by 'geo'"):
        checked_factories(settings)


def test_a_field_no_extractor_assigns_is_not_required_to_run(tmp_path: Path) -> None:
    # Without the geoparser, events still run: they find no places, as on a language without a gazetteer.
    settings = load_settings(user_file(tmp_path, '[pipeline]\norder = ["entities", "claims", "events"]\n'))
    assert [name for name, _ in checked_factories(settings)] == ["entities", "claims", "events"]


def test_a_contract_naming_no_analysis_field_fails_when_declared() -> None:
    with pytest.raises(ValueError, match="not Analysis fields: quotes"):
        extractor_factory(requires=("quotes",))


def test_a_contract_naming_no_doc_annotation_fails_when_declared() -> None:
    with pytest.raises(ValueError, match="not Doc annotations: DEPS"):
        extractor_factory(reads=("DEPS",))


def test_the_doc_annotations_an_extractor_reads_decide_its_limited_runs() -> None:
    settings = default_settings()
    reads = {name: doc_reads(load_factory(settings.extractors[name])) for name in settings.pipeline.order}
    assert reads["claims"] == reads["events"] == ("DEP",) and reads["amounts"] == ()
    # A blank pipeline parses nothing: what reads the parse is limited, the rest ran.
    doc = spacy.blank("xx")("Lamar Tehran na Moscow.")
    article = Article(id="a", text=doc.text, language="ha")
    runs = {r.name: r for r in extractor_runs(article, doc, [("tagged", ("POS", "DEP")), ("amounts", ())])}
    assert runs["tagged"].status == "limited"
    assert (
        runs["tagged"].note == "needs part-of-speech tags and a dependency parse; no tagger or parser for ha"
    )
    assert (runs["amounts"].status, runs["amounts"].note) == ("ran", "")
