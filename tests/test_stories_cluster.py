"""Incremental story clustering on short articles written for these tests."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from stories_helpers import make_analysis
from veille.config import default_settings
from veille.stories.cluster import StoryIndex, average_linkage
from veille.stories.summary import story_history, story_summary

STORIES = default_settings().stories  # the [stories] defaults
ENTITIES = {"Teixeira": "person:mark-teixeira", "Angels": "org:angels", "Red Sox": "org:red-sox"}

ANGELS_1 = (
    "The Angels offered Mark Teixeira an eight-year contract worth 160 million dollars on Monday, "
    "general manager Tony Reagins said. Teixeira hit 33 home runs last season for Atlanta and the Angels."
)
ANGELS_2 = (
    "Los Angeles made first baseman Teixeira an eight-year offer, Reagins confirmed: the Angels hope "
    "to keep the slugger they acquired from Atlanta in July. The contract would pay 160 million dollars."
)
SOX_1 = (
    "The Red Sox signed pitcher Daisuke Matsuzaka to a six-year extension, the Boston front office "
    "announced at Fenway Park. Matsuzaka won eighteen games and the Red Sox celebrated the signing."
)
SOX_2 = (
    "Boston kept Matsuzaka: the Red Sox front office announced a six-year extension for the Japanese "
    "pitcher at Fenway Park, after his eighteen wins this season."
)


def test_same_event_joins_other_event_starts_a_story() -> None:
    index = StoryIndex()
    a1 = index.add(make_analysis("a1", ANGELS_1, ENTITIES, title="Angels offer Teixeira eight years"))
    a2 = index.add(
        make_analysis("a2", ANGELS_2, ENTITIES, title="Teixeira gets eight-year offer from Angels")
    )
    s1 = index.add(make_analysis("s1", SOX_1, ENTITIES, title="Red Sox extend Matsuzaka"))
    s2 = index.add(make_analysis("s2", SOX_2, ENTITIES, title="Matsuzaka stays with the Red Sox"))
    assert a1 == a2
    assert s1 == s2
    assert a1 != s1
    assert [h.op for h in index.history] == ["create", "join", "create", "join"]


def test_adding_an_article_again_changes_nothing() -> None:
    index = StoryIndex()
    first = index.add(make_analysis("a1", ANGELS_1, ENTITIES))
    again = index.add(make_analysis("a1", ANGELS_1, ENTITIES))
    assert first == again and len(index.history) == 1 and index.n_docs == 1


def test_same_story_months_apart_is_a_new_story() -> None:
    index = StoryIndex()
    first = index.add(make_analysis("a1", ANGELS_1, ENTITIES, published="2008-12-10"))
    later = index.add(make_analysis("a2", ANGELS_2, ENTITIES, published="2009-06-10"))
    assert first != later


def test_wire_copy_joins_its_original_without_weighing_on_the_story() -> None:
    index = StoryIndex()
    sid = index.add(make_analysis("a1", ANGELS_1, ENTITIES, source="Wire"))
    copy = index.add(make_analysis("a1copy", ANGELS_1 + " Read more on our site.", ENTITIES, source="Daily"))
    assert copy == sid and index.history[-1].op == "duplicate"
    assert index.n_docs == 1
    summary = story_summary(index, sid)
    assert summary.sources == ["Daily", "Wire"] and summary.independent_sources == ["Wire"]


def test_merge_keeps_history_and_old_id_resolves() -> None:
    index = StoryIndex(settings=replace(STORIES, threshold=0.99))  # force separate stories
    s1 = index.add(make_analysis("a1", ANGELS_1, ENTITIES))
    s2 = index.add(make_analysis("a2", ANGELS_2, ENTITIES))
    assert s1 != s2
    kept = index.merge(s1, s2)
    assert index.resolve(s2) == kept == index.resolve(s1)
    assert index.story_of("a2") == kept and sorted(index.stories[kept].article_ids) == ["a1", "a2"]
    ops = [h.op for h in story_history(index, s2)]
    assert ops == ["create", "create", "merge"]
    assert story_summary(index, s2).merged_from == [s2 if kept == s1 else s1]


def test_split_moves_articles_to_a_new_story() -> None:
    index = StoryIndex(settings=replace(STORIES, threshold=0.0))  # force one story
    for aid, text in (("a1", ANGELS_1), ("a2", ANGELS_2), ("s1", SOX_1), ("s2", SOX_2)):
        index.add(make_analysis(aid, text, ENTITIES))
    assert len(index.stories) == 1
    story_id = next(iter(index.stories))
    new = index.split(story_id, ["s1", "s2"])
    assert index.story_of("s1") == index.story_of("s2") == new != index.story_of("a1")
    assert index.history[-1].op == "split"


def test_regroup_splits_two_events_glued_together() -> None:
    index = StoryIndex()
    for aid, text in (("a1", ANGELS_1), ("a2", ANGELS_2), ("s1", SOX_1), ("s2", SOX_2)):
        index.add(make_analysis(aid, text, ENTITIES))
    glued = index.merge(index.story_of("a1") or "", index.story_of("s1") or "")
    assert len(index.stories) == 1
    index.regroup([glued])
    assert index.story_of("a1") == index.story_of("a2")
    assert index.story_of("s1") == index.story_of("s2") != index.story_of("a1")
    assert [h.op for h in index.history][-2:] == ["merge", "split"]


def test_periodic_regroup_splits_a_story_that_absorbed_another_event() -> None:
    # Threshold 0 glues everything into one story; the periodic regroup (every 4 additions)
    # re-clusters with the threshold in force by then and splits the two events apart.
    index = StoryIndex(settings=replace(STORIES, threshold=0.0, regroup_every=4))
    for aid, text in (("a1", ANGELS_1), ("a2", ANGELS_2), ("s1", SOX_1)):
        index.add(make_analysis(aid, text, ENTITIES))
    assert len(index.stories) == 1
    index.settings = replace(index.settings, threshold=0.15)
    index.add(make_analysis("s2", SOX_2, ENTITIES))
    assert index.story_of("a1") == index.story_of("a2")
    assert index.story_of("s1") == index.story_of("s2") != index.story_of("a1")
    assert any(h.op == "split" for h in index.history)


def test_average_linkage_needs_most_members_not_one() -> None:
    # One member of the Angels story shares a paragraph with the new article; the other
    # member does not: the mean over members stays low, so a new story starts.
    index = StoryIndex()
    index.add(make_analysis("a1", ANGELS_1, ENTITIES))
    index.add(make_analysis("a2", ANGELS_2, ENTITIES))
    joined = index.add(make_analysis("a3", ANGELS_1 + " " + ANGELS_2, ENTITIES))
    assert joined == index.story_of("a1")
    probe = index.features["a3"]
    sims = [index.similarity(probe, index.features[a]) for a in ("a1", "a2")]
    score = next(h.score for h in index.history if h.article_id == "a3")
    assert score is not None and abs(score - sum(sims) / 2) < 0.05  # IDF moved a little since


def test_average_linkage_groups() -> None:
    sim = np.array(
        [
            [0.0, 0.5, 0.4, 0.0],
            [0.5, 0.0, 0.3, 0.1],
            [0.4, 0.3, 0.0, 0.0],
            [0.0, 0.1, 0.0, 0.0],
        ]
    )
    assert average_linkage(sim, 0.3) == [[0, 1, 2], [3]]
    # {0,1} then 2 joins at mean 0.35; 3 would join {0,1,2} at mean 0.033 only.
    assert average_linkage(sim, 0.36) == [[0, 1], [2], [3]]
    assert average_linkage(sim, 0.0) == [[0, 1, 2, 3]]


def test_postings_are_capped_so_lookups_stay_bounded() -> None:
    index = StoryIndex(settings=replace(STORIES, postings_size=3))
    for i in range(6):
        index.add(make_analysis(f"x{i}", f"{ANGELS_1} Note {i}.", ENTITIES))
    assert max(len(p) for p in index.postings.values()) <= 3


def test_article_bridging_two_stories_merges_them() -> None:
    # A high join threshold keeps the two Angels reports apart; at the usual threshold a fuller
    # report close to both triggers a regroup, which merges them.
    index = StoryIndex(settings=replace(STORIES, threshold=0.9))
    first = index.add(make_analysis("a1", ANGELS_1, ENTITIES))
    second = index.add(make_analysis("a2", ANGELS_2, ENTITIES))
    assert first != second
    index.settings = replace(index.settings, threshold=0.15)
    bridge = index.add(make_analysis("both", ANGELS_2 + " " + ANGELS_1, ENTITIES))
    assert index.story_of("a1") == index.story_of("a2") == bridge
    assert [h.op for h in index.history][-2:] == ["join", "merge"]


def test_unrelated_stories_are_not_merged_by_a_bridge() -> None:
    # A round-up close to both stories joins one; the two stories stay apart (their centroids differ).
    index = StoryIndex()
    index.add(make_analysis("a1", ANGELS_1, ENTITIES))
    index.add(make_analysis("s1", SOX_1, ENTITIES))
    joined = index.add(make_analysis("both", ANGELS_1 + " " + SOX_1, ENTITIES))
    assert joined in (index.story_of("a1"), index.story_of("s1"))
    assert index.story_of("a1") != index.story_of("s1")
    assert "merge" not in [h.op for h in index.history]


def test_bridge_into_a_smaller_story_keeps_the_larger_id() -> None:
    index = StoryIndex(settings=replace(STORIES, threshold=0.9))
    first = index.add(make_analysis("a1", ANGELS_1, ENTITIES))
    index.add(make_analysis("a2", ANGELS_2, ENTITIES))
    index.settings = replace(index.settings, threshold=0.15)
    for extra in ("Reagins added nothing.", "Boras did not comment."):  # wire copies grow the second story
        index.add(make_analysis(extra, f"{ANGELS_2} {extra}", ENTITIES))
    larger = index.story_of("a2")
    assert larger != first and len(index.stories[larger].article_ids) == 3
    index.add(make_analysis("both", ANGELS_1 + " " + ANGELS_2, ENTITIES))
    assert index.story_of("a1") == index.story_of("a2") == index.story_of("both") == larger
    assert index.resolve(first) == larger
