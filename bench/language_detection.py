"""Language detection on public news text nobody on the team wrote: accuracy and speed.

Reads ../shared/eval (ECB+ English news, HIPE-2020 French newspapers) and prints, for
lingua's low- and high-accuracy modes, the share of documents and of short snippets
(first 60 characters) detected correctly, the cold-start time and the time per document.

    PYTHONPATH=src python bench/language_detection.py [--mode low|high]

Run one mode per process: lingua's model cache is per process, so cold start is honest.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from veille.language import detect_language

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
SNIPPET_CHARS = 60


def ecb_documents() -> list[tuple[str, str]]:
    path = EVAL / "clustering" / "ecbplus_docs_SAMPLE_topics1-10.jsonl"
    docs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        docs.append(("en", f"{record.get('title') or ''}\n\n{record['text']}"))
    return docs


def hipe_documents() -> list[tuple[str, str]]:
    path = EVAL / "ner" / "hipe2022_hipe2020_fr_test_SAMPLE_5docs.tsv"
    docs: list[tuple[str, str]] = []
    tokens: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# hipe2022:document_id") and tokens:
            docs.append(("fr", "".join(tokens)))
            tokens = []
        if not line or line.startswith(("#", "TOKEN\t")):
            continue
        fields = line.split("\t")
        tokens.append(fields[0] + ("" if "NoSpaceAfter" in fields[-1] else " "))
    if tokens:
        docs.append(("fr", "".join(tokens)))
    # Split the long French issues into article-sized chunks so both languages weigh alike.
    chunks = []
    for code, text in docs:
        chunks.extend((code, text[i : i + 3000]) for i in range(0, len(text), 3000))
    return chunks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["low", "high"], default="low")
    args = parser.parse_args()
    if not EVAL.is_dir():
        print(f"evaluation data not found at {EVAL}", file=sys.stderr)
        return 1
    high = args.mode == "high"
    docs = ecb_documents() + hipe_documents()
    start = time.perf_counter()
    detect_language(docs[0][1][:SNIPPET_CHARS], high_accuracy=high)  # short text loads the most models
    cold = time.perf_counter() - start
    start = time.perf_counter()
    full = sum(detect_language(text, high_accuracy=high) == code for code, text in docs)
    per_doc = (time.perf_counter() - start) / len(docs)
    short = sum(detect_language(text[:SNIPPET_CHARS], high_accuracy=high) == code for code, text in docs)
    counts = {code: sum(1 for c, _ in docs if c == code) for code in ("en", "fr")}
    print(f"mode={args.mode} documents={len(docs)} {counts}")
    print(f"  documents correct: {full}/{len(docs)} = {full / len(docs):.3f}")
    print(f"  {SNIPPET_CHARS}-char snippets correct: {short}/{len(docs)} = {short / len(docs):.3f}")
    print(f"  cold start: {cold:.2f} s; per document (warm, <=3000 chars): {per_doc * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
