"""The story index survives a save and a reload: same assignments, same next decisions."""

from __future__ import annotations

from stories_helpers import make_analysis
from test_stories_cluster import ANGELS_1, ANGELS_2, ENTITIES, SOX_1, SOX_2
from veille.model import Claim, DateRef
from veille.store.database import Store
from veille.stories.cluster import StoryIndex
from veille.stories.export import export_stories
from veille.stories.persist import StoryTracker, load_index, save_index
from veille.stories.view import story_record


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
    save_index(store, live)
    reloaded = load_index(store)
    assert reloaded.article_story == live.article_story
    assert reloaded.neardup.origin_of("a1copy") == "a1"
    for a in rest:
        assert reloaded.add(a) == live.add(a)
    save_index(store, reloaded)
    again = load_index(store)
    assert again.article_story == live.article_story
    assert [h.op for h in again.history] == [h.op for h in live.history]
    rows = {r["id"]: r for r in store.table_rows("stories")}
    assert set(rows) == set(live.stories)
    angels = rows[live.story_of("a1")]
    assert angels["sources"] == ["Daily", "Times", "a2"] and angels["independent_sources"] == ["Times", "a2"]
    store.close()


def test_tracker_saves_each_batch_and_is_idempotent(tmp_path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'v.db'}")
    tracker = StoryTracker(store)
    assigned = tracker.add(batch())
    assert assigned["a1"] == assigned["a1copy"] == assigned["a2"] != assigned["s1"]
    history_rows = len(list(store.table_rows("story_history")))
    assert StoryTracker(store).add(batch()) == assigned
    assert len(list(store.table_rows("story_history"))) == history_rows
    store.close()


def test_export_reads_stories_with_timelines_from_the_store(tmp_path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'v.db'}")
    analyses = [
        make_analysis("a1", ANGELS_1, {}, published="2008-12-08", source="Times"),
        make_analysis("a2", ANGELS_2, {}, published="2008-12-09", source="Herald"),
    ]
    for a, source in zip(analyses, ("person:tony-reagins", None), strict=True):
        start = a.article.text.index("eight-year")
        a.claims.append(
            Claim(
                f"{a.article.id}:c",
                a.article.id,
                source,
                "Reagins",
                "said",
                "offer",
                start,
                start + 10,
                0,
                "statement",
                "test",
            )
        )
        a.dates.append(DateRef(a.article.id, 0, 3, "Monday", 0, "test", kind="relative"))
    store.write(analyses)
    tracker = StoryTracker(store)
    sid = tracker.add(analyses)["a1"]
    (exported,) = export_stories(store)
    assert exported["id"] == sid and exported["article_ids"] == ["a1", "a2"]
    assert [(e["item_id"], e["date"]) for e in exported["timeline"]] == [
        ("a1:c", "2008-12-08"),
        ("a2:c", "2008-12-08"),
    ]
    record = story_record(store, sid)
    assert (
        record is not None
        and record.story.first_seen == "2008-12-08"
        and record.story.last_seen == "2008-12-09"
    )
    assert story_record(store, "story-unknown") is None
    store.close()
