"""What each extractor could do on an article, given what its language's pipeline provides.

The entity extractor needs NER for people and organisations; claims and events declare
that they read the dependency parse (``veille.contract``: ``reads=("DEP",)``). A language
with neither still runs every extractor (gazetteer names, places, amounts and dates are
language-independent), and the article records what was missing, which ``veille show``
and the API report.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc

from veille.contract import DOC_ANNOTATIONS
from veille.model import Article, ExtractorRun, RunStatus
from veille.nlp.lemmas import LEMMAS_FROM
from veille.nlp.slovnet_ner import NER_LABELS_KEY

RAN: RunStatus = "ran"
LIMITED: RunStatus = "limited"


def _entities(doc: Doc, lang: str) -> tuple[RunStatus, str]:
    lemmas = doc.user_data.get(LEMMAS_FROM)
    on_lemmas = f"; names also matched on lemmas ({lemmas})" if lemmas else ""
    if not doc.has_annotation("ENT_IOB"):
        return LIMITED, f"gazetteer only, no NER model for {lang}{on_lemmas}"
    labels = doc.user_data.get(NER_LABELS_KEY)
    if labels:
        return (
            LIMITED,
            f"NER for {', '.join(labels)} only (slovnet), other names from the gazetteer{on_lemmas}",
        )
    return RAN, "NER model and knowledge base"


def extractor_runs(
    article: Article, doc: Doc, extractors: Iterable[tuple[str, tuple[str, ...]]]
) -> list[ExtractorRun]:
    """One record per extractor run on ``doc``, given as (name, the Doc annotations it reads)."""
    lang = article.language or "und"
    out = []
    for name, reads in extractors:
        status, note = RAN, ""
        missing = [DOC_ANNOTATIONS[a] for a in reads if not doc.has_annotation(a)]
        if name == "entities":
            status, note = _entities(doc, lang)
        elif missing:
            needs = " and ".join(what for what, _ in missing)
            makers = " or ".join(maker for _, maker in missing)
            status, note = LIMITED, f"needs {needs}; no {makers} for {lang}"
        out.append(ExtractorRun(article_id=article.id, name=name, status=status, note=note))
    return out
