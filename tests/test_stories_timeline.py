"""Story timelines: items ordered by date, relative dates resolved against publication."""

from __future__ import annotations

from veille.model import Analysis, Article, Claim, DateRef, Event
from veille.stories.timeline import resolve_relative, story_timeline


def test_relative_dates_resolve_against_publication() -> None:
    assert resolve_relative("vendredi", "2023-06-13") == "2023-06-09"  # a Tuesday -> previous Friday
    assert resolve_relative("on Tuesday", "2023-06-13") == "2023-06-13"
    assert resolve_relative("hier", "2023-06-13T08:00:00") == "2023-06-12"
    assert resolve_relative("early next year", "2023-06-13") == "2024"
    assert resolve_relative("vendredi", None) is None


def test_timeline_orders_items_and_says_how_each_was_dated() -> None:
    text = "John Kirby a déclaré vendredi que l'usine serait prête. Le 30 septembre, un expert a douté."
    art = Article(id="a", text=text, language="fr", published="2023-06-13")
    friday = DateRef("a", 21, 29, "vendredi", 0, "test", kind="relative")
    sept = DateRef("a", 56, 70, "Le 30 septembre", 1, "test", kind="absolute", value="--09-30", resolved=True)
    claim = Claim(
        "a:c1",
        "a",
        "person:john-kirby",
        "John Kirby",
        "a déclaré",
        "l'usine serait prête",
        33,
        53,
        0,
        "statement",
        "test",
    )
    doubt = Claim(
        "a:c2", "a", None, "un expert", "a douté", "un expert a douté", 72, 90, 1, "assessment", "test"
    )
    event = Event(
        "a:e1",
        "a",
        "licensed_production",
        33,
        53,
        0,
        "test",
        actor="country:IR",
        target="country:RU",
        time="2023-01-05",
    )
    other = Analysis(article=Article(id="b", text="x", published=None))
    other.claims.append(Claim("b:c", "b", None, "", "", "x", 0, 1, 0, "statement", "test"))
    timeline = story_timeline(
        [Analysis(article=art, dates=[friday, sept], claims=[claim, doubt], events=[event]), other]
    )
    assert [(e.item_id, e.date, e.date_from) for e in timeline] == [
        ("a:c2", "2022-09-30", "text"),  # 30 September with no year: the last one before publication
        ("a:e1", "2023-01-05", "event"),
        ("a:c1", "2023-06-09", "text"),  # "vendredi" before Tuesday 13 June
        ("b:c", None, "none"),
    ]
