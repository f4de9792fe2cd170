"""What an article brings to story clustering, as typed sparse features.

Feature keys carry their channel as a prefix so one sparse vector holds them all:

- ``e:`` resolved entity ids (``e:country:RU`` whatever the language), or the
  normalised mention text when an entity is unresolved (``e:~tara reid``);
- ``p:`` gazetteer place ids; ``a:`` amounts (unit + value to 3 significant
  digits, so "2,76 milliards de dollars" and "$2.76 billion" meet);
- ``d:`` dates named in the text, resolved to ISO days or months;
- ``t:<lang>:`` title and body terms, which only match within one language.

Everything but terms is language-independent: that is the cross-lingual signal, with the
article's multilingual embedding (``vector``) beside it when embeddings are on.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from veille.model import Analysis, entity_kind, normalise_text, outlet_of, parse_day

ENTITY, PLACE, AMOUNT, DATE, TERM = "e:", "p:", "a:", "d:", "t:"
CROSSLINGUAL_CHANNELS = (ENTITY, PLACE, AMOUNT, DATE)

# Relative weight of one feature of each channel: a shared named entity or amount
# says much more about "same event" than a shared common word.
CHANNEL_WEIGHTS: dict[str, float] = {ENTITY: 3.0, PLACE: 2.0, AMOUNT: 2.0, DATE: 1.5, TERM: 1.0}
COUNTRY_WEIGHT = 1.5
# GeoNames feature codes of places too broad to tell events apart (countries, continents).
BROAD_PLACE_FEATURES = ("A.PCL", "L.CONT")
TITLE_BOOST = 2  # title words count this many times
# News is written as an inverted pyramid: the lead says which event, the rest adds
# background (often earlier events with the same actors). Lead words count double.
LEAD_WORDS = 60
LEAD_BOOST = 2
MIN_TERM_LENGTH = 3
# Mention labels that name things worth clustering on (not CARDINAL, ORDINAL, ...).
NAMED_LABELS = frozenset(
    {"PER", "PERSON", "ORG", "LOC", "GPE", "MISC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
)
_WORD = re.compile(r"[^\W\d_]{3,}")
_TOKEN = re.compile(r"\S+")


# Share of documents a feature is expected to appear in before the index has seen
# enough articles to know: common words from wordfreq's word frequencies, other
# features (names, ids, amounts) assumed rare-ish until the stream says otherwise.
WORDS_PER_DOCUMENT = 400
DEFAULT_DOC_RATE = 0.002
COUNTRY_DOC_RATE = 0.05
MIN_DOC_RATE = 1e-5


@lru_cache(maxsize=200_000)
def prior_doc_rate(key: str) -> float:
    """Expected document frequency rate of a feature, from general word frequencies."""
    if key.startswith(TERM):
        _, lang, word = key.split(":", 2)
    elif key.startswith(ENTITY + "~"):
        lang, word = "", key[3:]
    elif is_country(key):
        return COUNTRY_DOC_RATE  # countries are named in a large share of all news
    else:
        return DEFAULT_DOC_RATE
    try:
        from wordfreq import word_frequency
    except ImportError:  # optional: without it the stream's own counts decide
        return DEFAULT_DOC_RATE
    freq = word_frequency(word, lang or "en") if lang in {"", "en", "fr"} or len(lang) == 2 else 0.0
    if freq <= 0.0:
        return DEFAULT_DOC_RATE if not lang else MIN_DOC_RATE
    return min(1.0, max(MIN_DOC_RATE, freq * WORDS_PER_DOCUMENT))


def is_country(key: str) -> bool:
    return key.startswith(ENTITY) and entity_kind(key[len(ENTITY) :]) == "country"


def channel_of(key: str) -> str:
    return key[:2]


def weight_of(key: str) -> float:
    """Channel weight of a feature; countries say where, not which event, so they weigh less."""
    if is_country(key):
        return COUNTRY_WEIGHT
    return CHANNEL_WEIGHTS[channel_of(key)]


@lru_cache(maxsize=32)
def stop_words(language: str) -> frozenset[str]:
    """spaCy's stop-word list for a language (empty when spaCy has none)."""
    from spacy.util import get_lang_class

    try:
        words = get_lang_class(language).Defaults.stop_words
    except Exception:  # unknown language code: no stop words rather than a crash
        return frozenset()
    return frozenset(normalise_text(w) for w in words)


def terms_of(text: str, language: str) -> list[str]:
    """Content words of a text: normalised, stop words and numbers dropped, plurals folded."""
    stops = stop_words(language)
    out = []
    for word in _WORD.findall(normalise_text(text)):
        if word in stops:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]  # crude plural folding; good enough for matching, both languages
        out.append(word)
    return out


def split_lead(text: str, words: int = LEAD_WORDS) -> tuple[str, str]:
    """The text's first ``words`` whitespace-separated tokens, and the rest."""
    tokens = _TOKEN.finditer(text)
    end = 0
    for _, m in zip(range(words), tokens, strict=False):
        end = m.end()
    return text[:end], text[end:]


def amount_key(unit: str | None, value: float | None) -> str | None:
    if value is None or value == 0 or not math.isfinite(value):
        return None
    return f"{(unit or '').upper()}:{float(f'{value:.3g}'):g}"


def date_key(value: str | None) -> str | None:
    """Days and months only: a bare year is too common to tell events apart."""
    if not value or len(value) < 7:
        return None
    return value[:10]


@dataclass
class ArticleFeatures:
    """The clustering view of one article: sparse feature counts plus when and in what language."""

    article_id: str
    language: str
    day: int | None = None  # ordinal of the publication day
    counts: dict[str, float] = field(default_factory=dict)
    title: str = ""
    source: str = ""
    # The article's unit-length embedding (title + lead), when embeddings are on: the
    # cross-language signal for languages whose entities the pipeline cannot resolve.
    vector: Any = field(default=None, repr=False, compare=False)
    _weighted: dict[str, float] | None = field(default=None, init=False, repr=False, compare=False)

    def weighted(self) -> dict[str, float]:
        """Counts dampened (1 + log) and scaled by channel weight; IDF is applied by the index."""
        if self._weighted is None:  # counts never change once collected; computed on every lookup otherwise
            self._weighted = {k: weight_of(k) * (1.0 + math.log(c)) for k, c in self.counts.items() if c > 0}
        return self._weighted


def features_of(analysis: Analysis) -> ArticleFeatures:
    """Collect an analysis' clustering features (works with whatever stages filled it)."""
    art = analysis.article
    lang = (art.language or "und").lower()
    counts: Counter[str] = Counter()
    for m in analysis.mentions:
        if m.entity_id:
            counts[ENTITY + m.entity_id] += 1
        elif m.label in NAMED_LABELS:
            name = normalise_text(m.text)
            if len(name) >= MIN_TERM_LENGTH:
                counts[ENTITY + "~" + name] += 1
    for pm in analysis.place_mentions:
        place = analysis.places.get(pm.place_id)
        if place is not None and (place.feature or "").startswith(BROAD_PLACE_FEATURES):
            continue  # countries and continents: already an entity id, and they say where, not what
        counts[PLACE + pm.place_id] += 1
    for a in analysis.amounts:
        key = amount_key(a.unit, a.value if a.value is not None else a.value_min)
        if key:
            counts[AMOUNT + key] += 1
    for d in analysis.dates:
        key = date_key(d.value) if (d.resolved or d.kind == "absolute") else None
        if key:
            counts[DATE + key] += 1
    term_prefix = f"{TERM}{lang}:"
    for word in terms_of(art.title or "", lang):
        counts[term_prefix + word] += TITLE_BOOST
    lead, rest = split_lead(art.text)
    for word in terms_of(lead, lang):
        counts[term_prefix + word] += LEAD_BOOST
    for word in terms_of(rest, lang):
        counts[term_prefix + word] += 1
    return ArticleFeatures(
        article_id=art.id,
        language=lang,
        day=parse_day(art.published),
        counts=dict(counts),
        title=art.title or "",
        source=outlet_of(art.source, art.url) or "",
    )
