"""Ranking helpers: passages, nearest rows, reciprocal-rank fusion, language diversification."""

from __future__ import annotations

import re

import numpy as np

from veille.embed.rank import calibrate, diversify, reciprocal_rank_fusion, top_k
from veille.embed.text import Passage, embedding_input, passages_of

TEXT = (
    "Le gouvernement a présenté mardi son budget. Les dépenses militaires augmentent de 7 %. "
    "L'opposition dénonce des coupes dans la santé. Le vote aura lieu en décembre."
)


def test_passages_follow_sentences_and_the_lead_carries_the_title() -> None:
    spans = [(m.start(), m.end()) for m in re.finditer(r"[^.]+\.", TEXT)]
    spans = [(s + (TEXT[s] == " "), e) for s, e in spans]
    passages = passages_of(TEXT, 90, count=3, sentences=spans)
    assert [TEXT[p.start : p.end] for p in passages] == [
        "Le gouvernement a présenté mardi son budget. Les dépenses militaires augmentent de 7 %.",
        "L'opposition dénonce des coupes dans la santé. Le vote aura lieu en décembre.",
    ]
    assert embedding_input("Budget 2025", TEXT, passages[0]).startswith("Budget 2025. Le gouvernement")
    assert embedding_input("Budget 2025", TEXT, passages[1]) == TEXT[passages[1].start : passages[1].end]
    assert passages_of(TEXT, 0) == [Passage(0, 0, 0)]  # title only
    assert embedding_input("Budget 2025", TEXT, Passage(0, 0, 0)) == "Budget 2025"
    # Without sentences: cut at a word boundary; a title repeated as the first line is not doubled.
    (lead,) = passages_of(TEXT, 30)
    assert TEXT[lead.start : lead.end] == "Le gouvernement a présenté"
    assert embedding_input("Le gouvernement", TEXT, lead) == "Le gouvernement a présenté"


def test_top_k_respects_the_mask_and_orders_by_score() -> None:
    m = np.eye(4, dtype=np.float32)
    q = np.array([0.9, 0.1, 0.5, 0.0], dtype=np.float32)
    assert [i for i, _ in top_k(m, q, 3)] == [0, 2, 1]
    assert [i for i, _ in top_k(m, q, 3, mask=np.array([False, True, True, True]))] == [2, 1, 3]
    assert top_k(np.zeros((0, 4), dtype=np.float32), q, 3) == []


def test_fusion_rewards_agreement() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["c", "a", "d"]])
    assert [x for x, _ in fused] == ["a", "c", "b", "d"]


def test_diversify_interleaves_languages_unless_relevance_differs_a_lot() -> None:
    lang = {"en1": "en", "en2": "en", "en3": "en", "ru1": "ru", "uk1": "uk"}
    close = {"en1": 0.60, "en2": 0.58, "en3": 0.57, "ru1": 0.55, "uk1": 0.50}
    assert diversify(list(close), lang.__getitem__, close.__getitem__) == ["en1", "ru1", "uk1", "en2", "en3"]
    far = close | {"uk1": 0.05}  # barely related: stays below the English results
    assert diversify(list(far), lang.__getitem__, far.__getitem__) == ["en1", "ru1", "en2", "en3", "uk1"]
    assert diversify(list(close), lang.__getitem__, close.__getitem__, decay=1.0) == list(close)
    assert diversify(list(close), lang.__getitem__, decay=0.0)[:3] == ["en1", "ru1", "uk1"]


def test_calibration_is_monotone_and_clipped() -> None:
    assert float(calibrate(0.78, 0.78)) == 0.0 and float(calibrate(1.0, 0.78)) == 1.0
    assert float(calibrate(0.5, 0.78)) == 0.0
    assert 0 < float(calibrate(0.85, 0.78)) < float(calibrate(0.9, 0.78)) < 1
