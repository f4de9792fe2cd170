"""Offline model loading: installed packages, user paths, blank fallback; never a download."""

from __future__ import annotations

import pytest
import spacy

from veille.errors import ConfigError
from veille.nlp.models import load_pipeline, pipeline_for


def test_missing_package_is_a_clear_config_error():
    with pytest.raises(ConfigError, match="not installed"):
        load_pipeline("xx_not_a_real_pipeline_pkg")


def test_pipeline_loads_from_a_user_path(tmp_path):
    nlp = spacy.blank("fr")
    nlp.add_pipe("sentencizer")
    nlp.to_disk(tmp_path / "my_pipeline")
    loaded = load_pipeline(str(tmp_path / "my_pipeline"))
    assert loaded.lang == "fr" and "sentencizer" in loaded.pipe_names


def test_unusable_path_is_a_config_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="cannot load"):
        load_pipeline(str(tmp_path / "empty"))


def test_language_without_model_gets_blank_pipeline_with_sentences():
    nlp = pipeline_for("de", {})
    doc = nlp("Erster Satz hier. Zweiter Satz dort.")
    assert len(list(doc.sents)) == 2


def test_configured_french_model_is_the_packaged_one(settings):
    nlp = pipeline_for("fr", settings.models)
    assert nlp.meta["name"] == "core_news_md" and nlp.has_pipe("ner")
