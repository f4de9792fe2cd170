"""Amounts of money, counts, distances and percentages, read from spaCy tokens.

"4,35 milliards de dollars" -> 4.35e9 USD; "des centaines de drones" -> at least
200 drones, approximate; "à environ 900 kilomètres" -> 900 km, approximate.
Numbers are normalised per language (French decimal comma and spaced thousands,
English thousands comma); scale and unit words come from ``units.toml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.tokens import Doc, Token

from veille.config import Settings
from veille.contract import extractor_factory
from veille.lexicons import language_of, package_toml
from veille.model import Amount, Analysis
from veille.quantities.dates import calendar_words

EXTRACTOR = "quantities.amounts"
YEAR_MIN, YEAR_MAX = 1800, 2100

_FR_NUMBER = re.compile(r"^\d{1,3}(?:[.\u202f\u00a0 ]\d{3})+(?:,\d+)?$|^\d+(?:,\d+)?$")
_EN_NUMBER = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")
_THREE_DIGITS = re.compile(r"^\d{3}$")
_CALENDAR = calendar_words("months") | calendar_words("weekdays")


@dataclass(frozen=True)
class Lexicon:
    scales: dict[str, float]
    vague: dict[str, float]
    units: dict[str, str]
    approximators: frozenset[str]
    linkers: frozenset[str]
    genitive: bool  # a counted noun may follow a vague quantity directly ("сотни дронов")


@lru_cache(maxsize=1)
def _raw_lexicon() -> dict[str, Any]:
    return package_toml("veille.quantities", "units.toml")


@lru_cache(maxsize=8)
def lexicon_for(lang: str) -> Lexicon:
    """The scale, vague-quantity and unit words of one language (English when unknown)."""
    raw = _raw_lexicon()
    code = lang if lang in raw["scales"] else "en"
    return Lexicon(
        scales={k: float(v) for k, v in raw["scales"][code].items()},
        vague={k: float(v) for k, v in raw["vague"][code].items()},
        units=dict(raw["units"]),
        approximators=frozenset(raw["approximators"].get(code, [])),
        linkers=frozenset(raw["linkers"]["words"]),
        genitive=lang in raw["linkers"].get("genitive", []),
    )


# Languages writing a decimal comma and spaced thousands ("2,76", "1 500").
DECIMAL_COMMA = {"fr", "ru", "uk"}


def parse_number(text: str, lang: str) -> float | None:
    """A numeral as written in ``lang`` ("4,35" fr, "1,500" en, "1 500" fr), or None."""
    text = text.strip()
    if lang in DECIMAL_COMMA:
        if not _FR_NUMBER.match(text):
            return None
        return float(re.sub(r"[.\u202f\u00a0 ]", "", text).replace(",", "."))
    if not _EN_NUMBER.match(text):
        return None
    return float(text.replace(",", ""))


def _is_year(token: Token, value: float) -> bool:
    return token.text.isdigit() and len(token.text) == 4 and YEAR_MIN <= value <= YEAR_MAX


def _unit_at(doc: Doc, i: int, lex: Lexicon) -> tuple[str, int] | None:
    """Unit word at token ``i`` (one or two tokens, "pour cent"): (unit, tokens used)."""
    if i >= len(doc):
        return None
    if i + 1 < len(doc):
        pair = f"{doc[i].lower_} {doc[i + 1].lower_}"
        if pair in lex.units:
            return lex.units[pair], 2
    unit = lex.units.get(doc[i].lower_) or lex.units.get(doc[i].lemma_.lower())
    return (unit, 1) if unit else None


def _counted_noun(doc: Doc, i: int) -> str | None:
    """The noun being counted ("drones" in "500 drones"), as its lemma; calendar words are dates."""
    if (
        i < len(doc)
        and doc[i].pos_ in {"NOUN", "PROPN"}
        and doc[i].is_alpha
        and doc[i].lower_ not in _CALENDAR
    ):
        return doc[i].lemma_.lower()
    return None


def _read_amount(doc: Doc, i: int, lang: str, lex: Lexicon) -> tuple[Amount, int] | None:
    """Read one amount starting at token ``i``; returns it and the index after it."""
    start = i
    prefix_unit = lex.units.get(doc[i].text) if doc[i].text in {"$", "€", "£"} else None
    if prefix_unit:
        i += 1
        if i >= len(doc):
            return None
    token = doc[i]
    number = parse_number(token.text, lang)
    vague = lex.vague.get(token.lower_) if number is None else None
    if number is None and vague is None:
        return None
    i += 1
    if number is not None and lang in DECIMAL_COMMA and token.text.isdigit() and len(token.text) <= 3:
        # "1 500": spaCy splits spaced thousands ("en 2022 500 soldats" is not one number)
        while i < len(doc) and _THREE_DIGITS.match(doc[i].text) and doc[i - 1].whitespace_:
            number = number * 1000 + float(doc[i].text)
            i += 1
    scale = 1.0
    if i < len(doc) and doc[i].lower_ in lex.scales:
        scale = lex.scales[doc[i].lower_]
        i += 1
        if (
            i + 1 < len(doc)
            and doc[i].text == "."
            and not doc[i - 1].whitespace_
            and len(doc[i - 1].text) <= 4  # an abbreviation ("млрд", "тыс"), not "millions."
            and not doc[i + 1].is_title  # nor the end of a sentence
            and (_unit_at(doc, i + 1, lex) or _counted_noun(doc, i + 1))
        ):
            i += 1  # "2,76 млрд. долларов", "2,4 тыс. рейсов": the abbreviation's full stop
    unit = prefix_unit
    after_number = i
    if i < len(doc) and doc[i].lower_ in lex.linkers and (scale != 1.0 or vague is not None):
        i += 1
    found = _unit_at(doc, i, lex)
    if found and not unit:
        unit, used = found
        i += used
    elif not unit:
        noun = _counted_noun(doc, i)
        if noun and (i > after_number or number is not None or lex.genitive):
            unit = noun
            i += 1
        else:
            i = after_number
    if number is not None and scale == 1.0 and not unit:
        return None  # a bare number: a rank, a page, a year - not an amount we can type
    if vague is not None and scale == 1.0 and unit is None:
        return None  # "plusieurs" alone is not an amount
    if number is not None and _is_year(token, number) and scale == 1.0 and unit not in lex.units.values():
        return None  # "2022 drones" is rare; "en 2022 les drones" is common
    end_tok = doc[i - 1]
    prev = doc[start - 1].lower_ if start > 0 else ""
    prev2 = doc[start - 2].lower_ if start > 1 else ""
    approximate = vague is not None or prev in lex.approximators or prev2 in lex.approximators
    amount = Amount(
        article_id="",
        start=doc[start].idx,
        end=end_tok.idx + len(end_tok.text),
        text=doc[start:i].text,  # not doc.text[...]: Doc.text joins every token
        sentence=-1,
        extractor=EXTRACTOR,
        unit=unit,
        approximate=approximate,
    )
    if number is not None:
        amount.value = number * scale
        amount.value_min = amount.value_max = amount.value
    elif vague is not None:
        amount.value_min = vague * scale
    return amount, i


def find_amounts(doc: Doc, lang: str) -> list[Amount]:
    """All amounts in ``doc``, in text order, without article provenance filled in."""
    lex = lexicon_for(lang)
    out: list[Amount] = []
    i = 0
    while i < len(doc):
        found = _read_amount(doc, i, lang, lex)
        if found:
            amount, i = found
            out.append(amount)
        else:
            i += 1
    return out


def extract_amounts(analysis: Analysis, doc: Doc) -> None:
    """Add the amounts of the article to ``analysis.amounts``."""
    for amount in find_amounts(doc, language_of(analysis, doc)):
        amount.article_id = analysis.article.id
        amount.sentence = analysis.sentence_at(amount.start)
        analysis.amounts.append(amount)


@extractor_factory(assigns=("amounts",))
def create_amount_extractor(settings: Settings) -> Any:
    """Pipeline factory (``[extractors] amounts``)."""
    return extract_amounts
