"""Names of places and countries in many languages, read from offline sources.

- ``geonames-locales``: town, region and country names in ~190 languages keyed by
  GeoNames id, admin-1 code or ISO code (GeoNames, CC BY 4.0, from Debian's
  ``libgeonames-common``; ``data/geonames_locales.tsv.xz`` is built by
  tools/build_geonames_locales.py, so no apt is needed at run time);
- ``iso3166-2``: pycountry's subdivision names in all its locales (70);
- ``cldr-all``: country names in every CLDR locale Babel has.

Read by the knowledge base (``veille.names.knowledge``) and by the gazetteer build
(``veille.geo.locale_names`` adds them to the gazetteer's places). Which sources are used
can be narrowed with $VEILLE_NAME_SOURCES (comma-separated, "none" for none), which is
how bench/eval_name_sources.py measures what each adds.
"""

from __future__ import annotations

import gettext
import json
import lzma
import os
import tempfile
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

GEONAMES_LOCALES = "geonames-locales"
ISO3166_2 = "iso3166-2"
CLDR = "cldr-all"
SOURCES = (CLDR, GEONAMES_LOCALES, ISO3166_2)
SOURCES_ENV = "VEILLE_NAME_SOURCES"


def enabled_sources() -> frozenset[str]:
    """The name sources in use: all of ``SOURCES`` unless $VEILLE_NAME_SOURCES narrows them."""
    value = os.environ.get(SOURCES_ENV)
    if value is None:
        return frozenset(SOURCES)
    return frozenset(s.strip() for s in value.split(",") if s.strip() in SOURCES)


def sources_tag() -> str:
    """A short tag for cache file names when the sources are not the default set."""
    enabled = enabled_sources()
    return "" if enabled == frozenset(SOURCES) else "-names-" + ("+".join(sorted(enabled)) or "none")


def _data_path() -> Path:
    return Path(str(resources.files("veille.names"))) / "data" / "geonames_locales.tsv.xz"


@lru_cache(maxsize=1)
def geonames_locale_names(path: Path | None = None) -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """Key ("703448", "UA.12", "UA") -> ((name, languages), ...)."""
    out: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {}
    with lzma.open(path or _data_path(), "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            pairs = zip(fields[1::2], fields[2::2], strict=False)
            out[fields[0]] = tuple((name, tuple(langs.split())) for name, langs in pairs)
    return out


def subdivision_names() -> Iterator[tuple[str, str, list[tuple[str, str]]]]:
    """(country code, ISO 3166-2 code, [(name, language), ...]) from pycountry, all its locales."""
    import pycountry

    locales_dir = Path(pycountry.LOCALES_DIR)
    translations = [
        (mo.parts[-3].split("_")[0].split("@")[0], gettext.GNUTranslations(mo.open("rb")))
        for mo in sorted(locales_dir.glob("*/LC_MESSAGES/iso3166-2.mo"))
    ]
    for sub in pycountry.subdivisions:
        names = [(_uninvert(sub.name), "en")]
        for lang, tr in translations:
            local = tr.gettext(sub.name)
            if local != sub.name:
                names.append((_uninvert(local), lang))
        yield sub.country_code, sub.code, names


def _uninvert(name: str) -> str:
    """ISO's sorted form "Adygeya, Respublika" -> "Respublika Adygeya"."""
    head, sep, tail = name.partition(", ")
    return f"{tail} {head}" if sep and "," not in tail else name


# Languages whose common words a new short name must not be (the matchers fold case and
# accents, so "Man" or "Bene" would fire on every sentence that starts with the word).
COMMON_WORD_LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl", "pl", "ru", "uk", "tr", "ar", "cs")
COMMON_ZIPF = 3.0
SHORT = 5  # names with fewer letters than this get the common-word check


def plausible_name(name: str, languages: Iterable[str] = ()) -> bool:
    """Whether a name from a many-language source may enter the matchers.

    In a cased script it starts with a capital and has three letters or more; shorter
    than ``SHORT`` letters, it must not be a common word (wordfreq Zipf >= 3) in a news
    language unless it is common in its own language too (``languages``): Lower Sorbian's
    "Man" (Isle of Man, an English word), Hausa's "Sin" (China, Spanish "without") stay
    out; German "Wien" and Ukrainian "Київ", frequent because they are the cities, go in. Caseless scripts
    (Chinese, Arabic) need two characters.
    """
    letters = sum(c.isalpha() for c in name)
    first = next((c for c in name if c.isalpha()), "")
    if not first:
        return False
    if first.lower() == first.upper():  # caseless script
        return letters >= 2
    if not first.isupper() or letters < 3:
        return False
    if letters >= SHORT:
        return True
    common_in = common_short_words().get(name.casefold(), frozenset())
    # Frequent in its own language too: the word is the name there ("Київ" in Ukrainian, and
    # in Russian text); frequent only elsewhere: it is another language's word ("Man").
    return not common_in or bool(common_in & set(languages))


@lru_cache(maxsize=1)
def common_short_words() -> dict[str, frozenset[str]]:
    """Words under ``SHORT`` letters with Zipf >= 3 in a news language -> those languages (wordfreq).

    Reading 13 wordfreq lists takes seconds, so the table is kept in the cache directory
    (keyed by wordfreq's version and the settings above) after the first use.
    """
    import wordfreq

    tag = f"{metadata.version('wordfreq')}-{COMMON_ZIPF}-{SHORT}-{'.'.join(COMMON_WORD_LANGUAGES)}"
    path = cache_dir() / f"common-short-words-{tag}.tsv"
    if path.is_file():
        rows = (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines())
        return {word: frozenset(langs.split(",")) for word, langs in rows}
    words: dict[str, set[str]] = {}
    for lang in COMMON_WORD_LANGUAGES:
        for word in wordfreq.iter_wordlist(lang):
            if wordfreq.zipf_frequency(word, lang) < COMMON_ZIPF:
                break
            if sum(c.isalpha() for c in word) < SHORT and "\t" not in word:
                words.setdefault(word.casefold(), set()).add(lang)
    write_atomically(path, "\n".join(f"{w}\t{','.join(sorted(ls))}" for w, ls in sorted(words.items())))
    return {w: frozenset(ls) for w, ls in words.items()}


def cache_dir() -> Path:
    """$XDG_CACHE_HOME/veille (or ~/.cache/veille), where built data files are kept."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "veille"


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


@lru_cache(maxsize=1)
def cldr_country_names() -> dict[str, list[str]]:
    """ISO code -> country names in every CLDR locale Babel has that pass ``plausible_name``
    (kept in the cache directory: reading 300 locales takes seconds)."""
    import babel
    from babel import Locale
    from babel.localedata import locale_identifiers

    path = cache_dir() / f"cldr-country-names-{babel.__version__}-{SHORT}-{COMMON_ZIPF}-2.json"
    if path.is_file():
        loaded: dict[str, list[str]] = json.loads(path.read_text(encoding="utf-8"))
        return loaded
    names: dict[str, set[str]] = {}
    for code in sorted(c for c in locale_identifiers() if "_" not in c and c != "root"):
        for territory, name in Locale.parse(code).territories.items():
            if len(territory) == 2 and territory.isalpha() and plausible_name(name, [code]):
                names.setdefault(territory, set()).add(name)
    out = {k: sorted(v) for k, v in sorted(names.items())}
    write_atomically(path, json.dumps(out, ensure_ascii=False))
    return out
