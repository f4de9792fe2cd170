"""Gazetteer matching over token n-grams: the spans it finds are pinned.

``reference_matches`` is the plain matcher (every n-gram length up to the gazetteer's
longest name, longest first); the geoparser's own matcher may find them faster, but
must find exactly these.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.tokens import Doc

from veille.config import Settings
from veille.geo.gazetteer import Gazetteer, name_key
from veille.geo.geoparse import Geoparser, _has_name_shape
from veille.nlp.models import pipeline_for

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "corpus"

TEXTS = {
    "en": (
        "The U.S. Navy sailed from New York City to the Gulf of Mexico. Bosnia and Herzegovina's "
        "army met near Rostov-on-Don, Russia's south. Kharkiv. Zaporizhzhia Nuclear Power Plant is "
        "50 km south-east of Dnipro! NEW DELHI — Indian officials in Saint-Petersburg and the Strait "
        "of Hormuz, the Black Sea, Sri Lanka and St. Louis; washington. Syrian and Ukrainian troops."
    ),
    "fr": (
        "Les troupes ont quitté Saint-Pétersbourg pour la mer Noire. Le Kremlin, à Moscou, et la "
        "Bande de Gaza. Washington. L'Île-de-France et Aix-en-Provence; Côte d'Ivoire, République "
        "démocratique du Congo. Les forces russes à Kherson."
    ),
    "de": (
        "Die Truppen zogen von Sankt Petersburg nach Nordrhein-Westfalen und an die Ostsee. "
        "Frankfurt am Main und New York. Die ukrainische Armee in Charkiw."
    ),
    # No model for Italian: a blank pipeline, no sentence starts, no NER.
    "it": "Le truppe sono arrivate a Kharkiv e poi a Odessa. Nuova Delhi, Città del Messico e Reggio Emilia.",
}


def reference_matches(parser: Geoparser, doc: Doc) -> list[tuple[int, int]]:
    """Longest gazetteer names, left to right, without overlaps: every length tried."""
    out: list[tuple[int, int]] = []
    i, n = 0, len(doc)
    while i < n:
        found = None
        for j in range(min(n, i + parser.gazetteer.max_words), i, -1):
            span = doc[i:j]
            if span[-1].is_sent_start and j - 1 > i:
                continue
            if _has_name_shape(span) and parser.gazetteer.has_key(name_key(span.text), parser.demonyms):
                found = j
                break
        if found:
            out.append((i, found))
            i = found
        else:
            i += 1
    return out


def _texts() -> list[tuple[str, str]]:
    out = list(TEXTS.items())
    for path in sorted(SAMPLES.glob("*.txt")):
        out.append((path.stem.rsplit("-", 1)[-1], path.read_text(encoding="utf-8")))
    for line in (SAMPLES / "wire.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item.get("text"):
            out.append((item.get("language") or "en", item["text"]))
    return out


@pytest.mark.parametrize("demonyms", [False, True])
def test_matches_are_those_of_the_plain_matcher(
    geo_gazetteer: Gazetteer, settings: Settings, demonyms: bool
) -> None:
    parser = Geoparser(geo_gazetteer, demonyms=demonyms)
    for lang, text in _texts():
        doc = pipeline_for(lang, settings.models)(text)
        found = [(c.start, c.end) for c in parser.gazetteer_matches(doc)]
        assert found == reference_matches(parser, doc), (lang, text[:40])
        assert all(c.source == "gazetteer" for c in parser.gazetteer_matches(doc))


def test_matches_on_a_small_text_are_pinned(geo_gazetteer: Gazetteer, settings: Settings) -> None:
    parser = Geoparser(geo_gazetteer)
    got = {}
    for lang, text in TEXTS.items():
        doc = pipeline_for(lang, settings.models)(text)
        got[lang] = [doc[c.start : c.end].text for c in parser.gazetteer_matches(doc)]
    assert got == PINNED


# From the plain matcher on the test gazetteer (towns of 15,000+); a change to the
# gazetteer's data may add names here; a change to the matcher only by a deliberate rule.
PINNED = {
    "en": [
        "U.S.",  # dotted initials can be a name
        "New York City",
        "Gulf",
        "Mexico",
        "Bosnia and Herzegovina",
        "Rostov-on-Don",
        "Russia",
        "Kharkiv",
        "Zaporizhzhia Nuclear Power Plant",
        "Dnipro",
        "NEW DELHI",
        "Saint-Petersburg",
        "Strait of Hormuz",
        "Black Sea",
        "Sri Lanka",
    ],
    "fr": [
        "mer Noire",
        "Kremlin",
        "Moscou",
        "Bande de Gaza",
        "Washington",
        "Côte d'Ivoire",
        "République démocratique du Congo",
        "Kherson",
    ],
    "de": ["Sankt Petersburg", "Ostsee", "Frankfurt am Main", "New York", "Charkiw"],
    "it": ["Kharkiv", "Odessa", "Nuova Delhi", "Messico", "Reggio Emilia"],
}
