"""Build the gazetteer's town and region names in ~190 languages from Debian's ``libgeonames-common``.

    apt-get install libgeonames-common          # 0.3.0: /usr/share/locale/*/LC_MESSAGES/geonames.mo
    python tools/build_geonames_locales.py      # or: python tools/build_geonames_locales.py LOCALE_DIR

The package's gettext catalogues map GeoNames keys to names in each locale: a GeoNames
id for ~24k towns ("703448" -> "Київ"), an admin-1 code for regions ("UA.12" ->
"Київська область") and an ISO code for countries. This script merges them into
``src/veille/names/data/geonames_locales.tsv.xz``, one line per key::

    KEY <TAB> NAME <TAB> LANG LANG ... [<TAB> NAME <TAB> LANGS ...]

where each distinct name is listed once with the languages (base codes: "sr@latin" is
"sr") that use it. ``veille.names.locales`` reads it for the knowledge base and the gazetteer build,
so a user's ``make run`` needs neither apt nor the catalogues.

Data: GeoNames (https://www.geonames.org), CC BY 4.0, as packaged by UBports' geonames
library (libgeonames-common); see data/GEONAMES-LOCALES-LICENSE.txt.
"""

from __future__ import annotations

import gettext
import lzma
import sys
from collections import defaultdict
from pathlib import Path

LOCALE_DIR = Path("/usr/share/locale")
OUT = Path(__file__).resolve().parents[1] / "src" / "veille" / "names" / "data" / "geonames_locales.tsv.xz"


def base_language(locale: str) -> str:
    """ "sr@latin" -> "sr", "pt_BR" -> "pt", "zh_Hant" -> "zh"."""
    return locale.split("@")[0].split("_")[0]


def read_catalogues(locale_dir: Path) -> dict[str, dict[str, set[str]]]:
    """key -> name -> languages, over every geonames.mo under ``locale_dir``."""
    names: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for mo in sorted(locale_dir.glob("*/LC_MESSAGES/geonames.mo")):
        lang = base_language(mo.parts[-3])
        with mo.open("rb") as f:
            catalogue = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
        for key, name in catalogue.items():
            if not isinstance(key, str) or not key or not isinstance(name, str):
                continue
            name = " ".join(name.split())
            if len(name) >= 2 and not name.isdigit() and "\t" not in name:
                names[key][name].add(lang)
    return names


def write(names: dict[str, dict[str, set[str]]], out: Path) -> tuple[int, int]:
    lines = []
    for key in sorted(names):
        fields = [key]
        for name, langs in sorted(names[key].items()):
            fields += [name, " ".join(sorted(langs))]
        lines.append("\t".join(fields))
    header = (
        "# GeoNames names by locale (https://www.geonames.org, CC BY 4.0), from Debian's "
        "libgeonames-common; built by tools/build_geonames_locales.py\n"
    )
    out.write_bytes(
        lzma.compress((header + "\n".join(lines) + "\n").encode("utf-8"), preset=9 | lzma.PRESET_EXTREME)
    )
    return len(lines), sum(len(v) for v in names.values())


def main() -> int:
    locale_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else LOCALE_DIR
    catalogues = list(locale_dir.glob("*/LC_MESSAGES/geonames.mo"))
    if not catalogues:
        print(f"no geonames.mo under {locale_dir}: apt-get install libgeonames-common", file=sys.stderr)
        return 1
    keys, distinct = write(read_catalogues(locale_dir), OUT)
    print(
        f"{len(catalogues)} catalogues -> {OUT.name}: {keys} keys, {distinct} distinct names, {OUT.stat().st_size:,} bytes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
