"""How the pages print dates: partial ISO dates from the date extractor included."""

from __future__ import annotations

import pytest

from veille.web.dates import date_label


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("--09-30", "30 Sep (year unknown)"),  # "le 30 septembre" with no year to resolve it
        ("--09", "Sep (year unknown)"),
        ("2024-03-03", "3 Mar 2024"),
        ("2024-03-05T10:00:00+00:00", "5 Mar 2024"),
        ("2024-03", "Mar 2024"),
        ("2022", "2022"),
        ("2022/2023", "2022–2023"),  # an event's period (start/end)
        ("2024-03-01/2024-03-03", "1 Mar 2024–3 Mar 2024"),
        ("--09-30/--10-02", "30 Sep (year unknown)–2 Oct (year unknown)"),
    ],
)
def test_dates_read_as_people_write_them(value: str, label: str) -> None:
    assert date_label(value) == label


@pytest.mark.parametrize("value", ["vendredi", "2024-13-01", "-", "2022/", "<b>2024</b>"])
def test_what_is_not_a_date_is_left_as_it_is(value: str) -> None:
    assert date_label(value) == value


def test_no_date_is_empty() -> None:
    assert date_label(None) == date_label("") == ""
