"""End to end on public news nobody on the team wrote (../shared/eval, ECB+ sample)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from veille.clean.text import clean_text, normalise_layout
from veille.config import load_settings
from veille.ingest.sources import IngestFailure, read_sources
from veille.model import Article

ECB = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "eval"
    / "clustering"
    / "ecbplus_docs_SAMPLE_topics1-10.jsonl"
)


@pytest.fixture(scope="module")
def records() -> list[dict[str, object]]:
    if not ECB.is_file():
        pytest.skip(f"public evaluation sample not found at {ECB}")
    return [json.loads(line) for line in ECB.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_cleaner_leaves_clean_bodies_alone(records: list[dict[str, object]]) -> None:
    # These bodies carry no site furniture: every line dropped would be a false positive.
    altered = [
        r["doc_id"]
        for r in records
        if isinstance(r["text"], str)
        and clean_text(r["text"], title=r["title"] if isinstance(r["title"], str) else None).text
        != normalise_layout(r["text"])
    ]
    assert altered == []


def test_jsonl_batch_of_public_news(records: list[dict[str, object]]) -> None:
    results = list(read_sources([str(ECB)], load_settings()))
    articles = [r for r in results if isinstance(r, Article)]
    failures = [r for r in results if isinstance(r, IngestFailure)]
    empty = sum(1 for r in records if not (isinstance(r["text"], str) and r["text"].strip()))
    assert len(articles) == len(records) - empty
    assert {f.reason for f in failures} <= {"no non-empty 'text' or 'html' string field"}
    assert len(failures) == empty
    assert {a.language for a in articles} == {"en"}
    assert all(a.title for a in articles)
