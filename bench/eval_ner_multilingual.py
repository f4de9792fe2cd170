"""NER beyond French and English: official scorers on public dev sets, and document-level recall.

    python bench/eval_ner_multilingual.py [--shared ../shared] [--lang ru] [--xling ru,uk] [--limit N]

Russian (``--lang ru``): factRuEval-2016's devset (122 news documents), scored by the
task's own track-1 comparator (``factRuEval2016_scripts/t1_eval.py``) from the
``book_N.task1`` files it expects ("per|loc|org START LENGTH" per line). Printed
for four systems:

- ``natasha``: natasha itself (razdel + slovnet NER over each text), the reference;
- ``ru pipeline``: the entities of veille's ``ru`` spaCy pipeline (natasha wrapped);
- ``veille mentions``: what veille stores, the mention extractor (knowledge base + NER);
- ``before``: today's fallback for a language without a model, blank tokenizer + gazetteer.

Each is scored with ``-l`` (LocOrg counted as a location: the models tag PER/LOC/ORG),
overall and per type, and the primary system also without ``-l`` (the official
setting, where LocOrg mentions are their own type, which no model here produces).

Document-level entity recall (``--xling``): BSNLP 2019 ``annotated/LANG`` files list
each document's entities (mention form, lemma, type, cross-lingual id). A gold
PER/LOC/ORG form is found when veille extracted a mention with exactly that text in
that document (typed: with the same type, GPE counting as LOC); an entity is found
when any of its forms is. "before" is the blank pipeline + gazetteer, "after" the
configured pipeline of that language.

Ukrainian (``--lang uk``): NER-UK 2.0 dev (391 documents), exact-span P/R/F1 per type
(PERS/LOC/ORG), from ``bench/eval_ner_uk.py``.

Adding a language: put ``section_LANG(shared, args)`` in ``LANGUAGE_SECTIONS`` (it may
live in its own bench module, as Ukrainian's NER-UK scorer does); ``--xling`` already
takes any BSNLP language (bg cs pl ru sl uk).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from veille.config import Settings, load_settings, with_values
from veille.model import Article, article_id_for
from veille.nlp.models import pipeline_for
from veille.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
FACTRU_TAGS = {"PER": "per", "ORG": "org", "LOC": "loc", "GPE": "loc"}
BSNLP_TYPES = {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "GPE": "LOC"}
QUOTES = "\"«»„“”'"

Span = tuple[str, int, int]  # (veille label, start, end)


# -- systems: texts -> entity spans per text --------------------------------------------------


def natasha_spans(texts: list[str]) -> list[list[Span]]:
    from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter

    segmenter, ner = Segmenter(), NewsNERTagger(NewsEmbedding())
    out = []
    for text in texts:
        doc = Doc(text)
        doc.segment(segmenter)
        doc.tag_ner(ner)
        out.append([(s.type, s.start, s.stop) for s in doc.spans])
    return out


def pipeline_spans(lang: str, settings: Settings) -> Callable[[list[str]], list[list[Span]]]:
    def run(texts: list[str]) -> list[list[Span]]:
        nlp = pipeline_for(lang, settings.models)
        return [
            [(e.label_, e.start_char, e.end_char) for e in doc.ents]
            for doc in nlp.pipe(texts, batch_size=settings.pipeline.batch_size)
        ]

    return run


def mention_spans(lang: str, settings: Settings) -> Callable[[list[str]], list[list[Span]]]:
    """The mentions veille stores: knowledge base + NER, resolved (the resolver corrects some labels)."""
    only_mentions = with_values(settings, pipeline={"order": ["entities", "resolve"]})

    def run(texts: list[str]) -> list[list[Span]]:
        pipeline = Pipeline(only_mentions)
        articles = [
            Article(id=article_id_for(t) + str(i), text=t, language=lang) for i, t in enumerate(texts)
        ]
        return [[(m.label, m.start, m.end) for m in a.mentions] for a in pipeline.analyse(articles)]

    return run


def without_model(settings: Settings, lang: str) -> Settings:
    return replace(settings, models={k: v for k, v in settings.models.items() if k != lang})


@dataclass
class Timed:
    spans: list[list[Span]]
    cpu_s: float


def timed(system: Callable[[list[str]], list[list[Span]]], texts: list[str]) -> Timed:
    start = time.process_time()
    spans = system(texts)
    return Timed(spans, time.process_time() - start)


# -- factRuEval-2016, track 1 -------------------------------------------------------------------


def write_task1(folder: Path, names: list[str], spans: list[list[Span]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, doc_spans in zip(names, spans, strict=True):
        lines = [
            f"{FACTRU_TAGS[label]} {start} {end - start}"
            for label, start, end in doc_spans
            if label in FACTRU_TAGS and end > start
        ]
        (folder / f"{name}.task1").write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")


def official_t1(scripts: Path, devset: Path, responses: Path, locorg_as_loc: bool) -> str:
    """The comparator's table, as it prints it."""
    cmd = [sys.executable, "t1_eval.py", "-s", str(devset.resolve()), "-t", str(responses.resolve())]
    if locorg_as_loc:
        cmd.append("-l")
    done = subprocess.run(cmd, cwd=scripts, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"t1_eval.py failed: {done.stderr.strip()[-2000:]}")
    lines = done.stdout.strip().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Type"))
    return "\n".join(lines[start:])


def section_ru(shared: Path, args: argparse.Namespace) -> None:
    base = shared / "eval" / "ner_ru"
    devset, scripts = base / "factRuEval2016_devset", base / "factRuEval2016_scripts"
    names = sorted((p.stem for p in devset.glob("book_*.txt")), key=lambda n: int(n.split("_")[1]))
    if args.limit:
        names = names[: args.limit]
    texts = [(devset / f"{n}.txt").read_text(encoding="utf-8") for n in names]
    settings = load_settings()
    words = sum(len(t.split()) for t in texts)
    print(f"== Russian NER: factRuEval-2016 devset, {len(names)} documents, {words} words")
    print("   scorer: factRuEval2016_scripts/t1_eval.py (official track 1), -l: LocOrg counted as loc\n")
    systems: list[tuple[str, Callable[[list[str]], list[list[Span]]]]] = [
        ("natasha (reference: natasha's own Doc pipeline)", natasha_spans),
        ("ru pipeline (veille.nlp.russian, doc.ents)", pipeline_spans("ru", settings)),
        ("veille mentions (knowledge base + NER, as stored)", mention_spans("ru", settings)),
        (
            "before: blank tokenizer + gazetteer (no ru model)",
            mention_spans("ru", without_model(settings, "ru")),
        ),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for i, (title, system) in enumerate(systems):
            result = timed(system, texts)
            out = Path(tmp) / f"system{i}"
            write_task1(out, names, result.spans)
            print(f"-- {title}: CPU {result.cpu_s:.1f} s with model loading")
            print(official_t1(scripts, devset, out, locorg_as_loc=True))
            if i == 1:
                print("   official setting (LocOrg its own type; no system here tags it):")
                print(official_t1(scripts, devset, out, locorg_as_loc=False))
            print()


# -- BSNLP 2019: document-level entity recall ---------------------------------------------------


@dataclass(frozen=True)
class GoldEntity:
    form: str
    kind: str  # PER, LOC, ORG
    entity: str  # cross-lingual id


def bsnlp_documents(shared: Path, lang: str) -> list[tuple[str, list[GoldEntity]]]:
    """(text, gold PER/LOC/ORG entities) of every annotated document of ``lang``."""
    docs = []
    for topic in sorted((shared / "eval" / "xling").glob("bsnlp2019_*")):
        folder = topic / "annotated" / lang
        for ann in sorted(folder.glob("*.out")) if folder.is_dir() else []:
            raw = topic / "raw" / lang / (ann.stem + ".txt")
            if not raw.is_file():
                continue
            text = "\n".join(raw.read_text(encoding="utf-8").splitlines()[4:]).strip()
            gold = []
            for line in ann.read_text(encoding="utf-8").splitlines()[1:]:
                parts = line.split("\t")
                if len(parts) >= 4 and parts[2] in BSNLP_TYPES:
                    gold.append(GoldEntity(parts[0].strip().strip(QUOTES), parts[2], parts[3].strip()))
            docs.append((text, gold))
    return docs


def recall(docs: list[tuple[str, list[GoldEntity]]], spans: list[list[Span]]) -> dict[str, float]:
    forms = typed = entities = entities_found = extracted = extracted_ok = 0
    found_forms = found_typed = 0
    per_type: dict[str, list[int]] = {}
    for (text, gold), doc_spans in zip(docs, spans, strict=True):
        system = {(text[s:e].strip(QUOTES), BSNLP_TYPES.get(label)) for label, s, e in doc_spans}
        system = {(f, k) for f, k in system if k}
        system_forms = {f for f, _k in system}
        gold_forms = {(g.form, g.kind) for g in gold}
        for form, kind in gold_forms:
            forms += 1
            hit = form in system_forms
            found_forms += hit
            found_typed += (form, kind) in system
            counts = per_type.setdefault(kind, [0, 0])
            counts[0] += 1
            counts[1] += hit
        typed += len(gold_forms)
        by_entity: dict[str, set[str]] = {}
        for g in gold:
            by_entity.setdefault(g.entity, set()).add(g.form)
        entities += len(by_entity)
        entities_found += sum(bool(fs & system_forms) for fs in by_entity.values())
        extracted += len(system_forms)
        extracted_ok += len(system_forms & {g.form for g in gold})
    out = {
        "form recall": found_forms / max(forms, 1),
        "typed form recall": found_typed / max(typed, 1),
        "entity recall": entities_found / max(entities, 1),
        "form precision": extracted_ok / max(extracted, 1),
    }
    out.update({f"{k} form recall": v[1] / max(v[0], 1) for k, v in sorted(per_type.items())})
    return out


def section_xling(shared: Path, args: argparse.Namespace, lang: str) -> None:
    docs = bsnlp_documents(shared, lang)
    if args.limit:
        docs = docs[: args.limit]
    if not docs:
        print(f"== BSNLP 2019 {lang}: no annotated documents found\n")
        return
    settings = load_settings()
    n_gold = sum(len({(g.form, g.kind) for g in gold}) for _t, gold in docs)
    print(
        f"== Document-level entity recall, BSNLP 2019 annotated/{lang}: {len(docs)} documents, {n_gold} gold forms"
    )
    texts = [t for t, _g in docs]
    runs = [("before (blank + gazetteer)", without_model(settings, lang))]
    if lang in settings.models:
        runs.append((f"after ({settings.models[lang]})", settings))
    for title, run_settings in runs:
        result = timed(mention_spans(lang, run_settings), texts)
        scores = recall(docs, result.spans)
        line = "  ".join(f"{k} {v:.3f}" for k, v in scores.items())
        print(f"-- {title}: {line}  (CPU {result.cpu_s:.1f} s)")
    print()


def section_uk(shared: Path, args: argparse.Namespace) -> None:
    """Ukrainian: NER-UK 2.0 dev (391 documents), P/R/F1 per type (bench/eval_ner_uk.py)."""
    from eval_ner_uk import section_uk as ner_uk

    print("== Ukrainian: NER-UK 2.0 dev, exact spans")
    ner_uk(shared, "veille", None, args.limit or None)
    print()


LANGUAGE_SECTIONS: dict[str, Callable[[Path, argparse.Namespace], None]] = {
    "ru": section_ru,
    "uk": section_uk,
}


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--lang", default=",".join(LANGUAGE_SECTIONS), help="dev-set sections to run")
    parser.add_argument(
        "--xling", default="ru,uk", help="BSNLP languages for document-level recall ('' for none)"
    )
    parser.add_argument(
        "--limit", type=int, default=0, help="first N documents only (a smoke run, not a figure)"
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    for lang in [x for x in args.lang.split(",") if x]:
        if lang not in LANGUAGE_SECTIONS:
            raise SystemExit(f"no dev-set section for '{lang}' (have: {', '.join(LANGUAGE_SECTIONS)})")
        LANGUAGE_SECTIONS[lang](args.shared, args)
    for lang in [x for x in args.xling.split(",") if x]:
        section_xling(args.shared, args, lang)


if __name__ == "__main__":
    main()
