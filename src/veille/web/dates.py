"""Dates as the dashboard prints them: "3 Mar 2024", "Mar 2024", "2024", "2022–2023",
and "30 Sep (year unknown)" for the partial dates the date extractor keeps ("--09-30")
when an article gives no year to resolve them against.

The JSON keeps the ISO values; only the pages use these labels.
"""

from __future__ import annotations

import re

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
YEAR_UNKNOWN = "(year unknown)"
# ISO day, month or year ("2024-03-03", "2024-03", "2024"; a time after the day is dropped),
# or a year-less day or month ("--09-30", "--09").
_ISO = re.compile(r"^(?P<year>\d{4}|-)(?:-(?P<month>\d\d)(?:-(?P<day>\d\d))?)?(?:[T ].*)?$")
RANGE_SEPARATORS = ("/", "..")


def date_label(value: str | None) -> str:
    """A date, partial date or range written for people; anything unrecognised comes back as is."""
    if not value:
        return ""
    for sep in RANGE_SEPARATORS:
        if sep in value:
            start, _, end = value.partition(sep)
            labels = (_day_month_year(start), _day_month_year(end))
            return f"{labels[0]}–{labels[1]}" if None not in labels else value
    return _day_month_year(value) or value


def _day_month_year(value: str) -> str | None:
    match = _ISO.match(value)
    if match is None:
        return None
    year, month, day = match["year"], match["month"], match["day"]
    if (month is None and year == "-") or (month is not None and not 1 <= int(month) <= 12):
        return None
    words = [str(int(day))] if day else []
    if month:
        words.append(MONTHS[int(month) - 1])
    words.append(YEAR_UNKNOWN if year == "-" else year)
    return " ".join(words)
