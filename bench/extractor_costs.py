"""Where an article's time goes: spaCy, then each extractor, in ms/article.

    python bench/extractor_costs.py [--articles 150]

Reads N articles made from the sample corpus (bench/corpus.py), runs spaCy per language,
then times every configured extractor separately on the same docs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from corpus import write_corpus  # bench/ is on sys.path when this script runs
from veille.config import load_settings
from veille.ingest.sources import read_sources
from veille.model import Analysis, Article
from veille.nlp.models import pipeline_for
from veille.pipeline import Pipeline, sentences_of


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=150)
    args = parser.parse_args()
    settings = load_settings()
    pipeline = Pipeline(settings)
    pipeline.warm_up([*settings.models, "de"])
    with tempfile.TemporaryDirectory() as tmp:
        write_corpus(Path(tmp), args.articles)
        articles = [a for a in read_sources([tmp], settings) if isinstance(a, Article)]
    by_lang: dict[str, list[Article]] = {}
    for art in articles:
        by_lang.setdefault(art.language or "xx", []).append(art)
    started = time.perf_counter()
    pairs = []
    for lang, group in by_lang.items():
        docs = pipeline_for(lang, settings.models).pipe([a.text for a in group])
        pairs.extend(zip(group, docs, strict=True))
    costs = {"spacy": time.perf_counter() - started}
    for art, doc in pairs:
        analysis = Analysis(article=art, sentences=sentences_of(art.id, doc))
        for name, extract in pipeline.extractors:
            started = time.perf_counter()
            extract(analysis, doc)
            costs[name] = costs.get(name, 0.0) + time.perf_counter() - started
    print(f"{len(pairs)} articles, languages {sorted(by_lang)}")
    for name, seconds in sorted(costs.items(), key=lambda kv: -kv[1]):
        print(f"{name:12s} {seconds * 1000 / len(pairs):8.1f} ms/article")
    print(f"command: python bench/extractor_costs.py --articles {args.articles}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
