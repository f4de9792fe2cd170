"""The story index survives a save and a reload: same assignments, same next decisions."""

from __future__ import annotations

from stories_helpers import make_analysis
from test_stories_cluster import ANGELS_1, ANGELS_2, ENTITIES, SOX_1, SOX_2
from veille.store.database import Store
from veille.stories.cluster import StoryIndex
from veille.stories.persist import StoryTracker, load_index, save_index


def batch() -> list:
    return [
        make_analysis("a1", ANGELS_1, ENTITIES, published="2008-12-08", source="Times"),
        make_analysis("a1copy", ANGELS_1 + " Read more on our site.", ENTITIES, source="Daily"),
        make_analysis("s1", SOX_1, ENTITIES, published="2008-12-09"),
        make_analysis("a2", ANGELS_2, ENTITIES, published="2008-12-09"),
        make_analysis("s2", SOX_2, ENTITIES, published="2008-12-10"),
    ]


def test_reloaded_index_continues_like_the_original(tmp_path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'v.db'}")
    first, rest = batch()[:3], batch()[3:]
    live = StoryIndex()
    for a in first:
        live.add(a)
    save_index(store.engine, live)
    reloaded = load_index(store.engine)
    assert reloaded.article_story == live.article_story
    assert reloaded.neardup.origin_of("a1copy") == "a1"
    for a in rest:
        assert reloaded.add(a) == live.add(a)
    save_index(store.engine, reloaded)
    again = load_index(store.engine)
    assert again.article_story == live.article_story
    assert [h.op for h in again.history] == [h.op for h in live.history]
    rows = {r["id"]: r for r in store.table_rows("stories")}
    assert set(rows) == set(live.stories)
    angels = rows[live.story_of("a1")]
    assert angels["sources"] == ["Daily", "Times", "a2"] and angels["independent_sources"] == ["Times", "a2"]
    store.close()


def test_tracker_saves_each_batch_and_is_idempotent(tmp_path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'v.db'}")
    tracker = StoryTracker(store.engine)
    assigned = tracker.add(batch())
    assert assigned["a1"] == assigned["a1copy"] == assigned["a2"] != assigned["s1"]
    history_rows = len(list(store.table_rows("story_history")))
    assert StoryTracker(store.engine).add(batch()) == assigned
    assert len(list(store.table_rows("story_history"))) == history_rows
    store.close()
