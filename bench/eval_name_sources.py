"""What each many-language name source adds: names counted, and BSNLP document-level recall.

    python bench/eval_name_sources.py [--shared ../shared] [--langs bg cs pl ru sl uk]

Runs, each in a fresh process with its own gazetteer build ($VEILLE_NAME_SOURCES):
none (lemmas only), each source alone, and all of them. For each it prints the
knowledge base's alias count, the names each source inserted into the gazetteer (rows
and places, from the build's meta table), and bench/eval_bsnlp_recall.py's lines.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = ("none", "cldr-all", "geonames-locales", "iso3166-2", "cldr-all,geonames-locales,iso3166-2")

COUNTS = """
import sqlite3
from veille.geo.embedded_sources import default_gazetteer_path, ensure_embedded_gazetteer
from veille.names.knowledge import knowledge_base
path = ensure_embedded_gazetteer(default_gazetteer_path(5000), 5000)
conn = sqlite3.connect(path)
meta = dict(conn.execute("SELECT key, value FROM meta WHERE key LIKE 'names:%'").fetchall())
names = conn.execute("SELECT count(*) FROM names").fetchone()[0]
print(f"knowledge base aliases {len(knowledge_base().names)}; gazetteer name rows {names}; "
      + "; ".join(f"{k}: {v.split()[0]} names on {v.split()[1]} places" for k, v in sorted(meta.items())))
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--langs", nargs="*", default=["bg", "cs", "pl", "ru", "sl", "uk"])
    args = ap.parse_args()
    for variant in VARIANTS:
        env = {**os.environ, "VEILLE_NAME_SOURCES": variant}
        print(f"== name sources: {variant}", flush=True)
        for cmd in (
            [sys.executable, "-c", COUNTS],
            [sys.executable, str(ROOT / "bench" / "eval_bsnlp_recall.py"), "--shared", str(args.shared)]
            + ["--langs", *args.langs],
        ):
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
            print(out.stdout.strip() or out.stderr.strip()[-2000:], flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
