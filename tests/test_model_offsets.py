"""``Analysis.by_offset`` and ``in_sentence`` answer exactly what a scan of the fact list would."""

from __future__ import annotations

import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from veille.model import Analysis, Article, Mention, OffsetIndex, Sentence

SPANS = st.lists(st.tuples(st.integers(0, 200), st.integers(1, 40), st.integers(0, 5)), max_size=60)


def _mentions(spans: list[tuple[int, int, int]]) -> list[Mention]:
    return [Mention("a", s, s + n, "x", "LOC", sentence, "test") for s, n, sentence in spans]


@settings(max_examples=200, deadline=None)
@given(SPANS, st.integers(-5, 250), st.integers(0, 60))
def test_queries_equal_scans_in_list_order(spans: list[tuple[int, int, int]], start: int, width: int) -> None:
    facts = _mentions(spans)
    index = OffsetIndex(facts)
    end = start + width
    assert index.overlapping(start, end) == [f for f in facts if f.start < end and f.end > start]
    assert index.containing(start) == [f for f in facts if f.start <= start < f.end]
    assert index.starting_in(start, end) == [f for f in facts if start <= f.start < end]


def test_the_cache_follows_the_list_and_is_not_pickled() -> None:
    analysis = Analysis(Article(id="a", text="x" * 300))
    analysis.sentences = [Sentence("a", i, i * 10, i * 10 + 10) for i in range(30)]
    assert analysis.sentence_at(125) == 12 and analysis.sentence_at(400) == -1
    analysis.mentions = _mentions([(5, 3, 0), (12, 4, 1)])
    assert analysis.by_offset("mentions").containing(13) == [analysis.mentions[1]]
    analysis.mentions.append(Mention("a", 12, 20, "y", "LOC", 1, "test"))  # grows: rebuilt
    assert len(analysis.by_offset("mentions").containing(13)) == 2
    assert len(analysis.in_sentence("mentions", 1)) == 2
    analysis.mentions = []  # replaced: rebuilt
    assert analysis.by_offset("mentions").containing(13) == [] and analysis.in_sentence("mentions", 1) == []
    assert "_derived" not in pickle.loads(pickle.dumps(analysis)).__dict__
