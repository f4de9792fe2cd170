"""Long texts go through the language pipeline in chunks under its limit, joined back into one Doc."""

from __future__ import annotations

import json
from pathlib import Path

import spacy
from spacy.language import Language

from veille.config import load_settings, with_values
from veille.model import Article, article_id_for
from veille.pipeline import Pipeline, chunk_bounds, join_docs, pipe_long

PARAGRAPH = "The council met on Monday. It voted to extend the tram line to the airport by 2027!\n\n"


def _blank(max_length: int) -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = max_length
    return nlp


def _covers(text: str, bounds: list[tuple[int, int]], limit: int) -> None:
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a < b <= a + limit for a, b in bounds)
    assert all(b == a2 for (_, b), (a2, _) in zip(bounds, bounds[1:], strict=False))


def test_chunks_cut_at_paragraphs_then_sentences_then_spaces_then_anywhere() -> None:
    text = PARAGRAPH * 50
    bounds = chunk_bounds(text, 1000)
    _covers(text, bounds, 1000)
    assert all(text[b : b + 2] == "\n\n" for _, b in bounds[:-1])  # the break opens the next chunk
    one_paragraph = "Iran sent drones. " * 500
    bounds = chunk_bounds(one_paragraph, 1000)
    _covers(one_paragraph, bounds, 1000)
    assert all(one_paragraph[b - 2 : b] == ". " for _, b in bounds[:-1])
    words = "drones " * 500
    _covers(words, chunk_bounds(words, 1000), 1000)
    assert all(words[b - 1] == " " for _, b in chunk_bounds(words, 1000)[:-1])
    solid = "x" * 2500
    assert chunk_bounds(solid, 1000) == [(0, 1000), (1000, 2000), (2000, 2500)]
    assert chunk_bounds("short", 1000) == [(0, 5)]


def test_a_text_over_max_length_gives_the_doc_of_the_whole_text() -> None:
    text = PARAGRAPH * 40
    small = _blank(1000)
    whole = _blank(10**6)(text)
    (doc,) = pipe_long(small, [text], small.max_length, 8)
    assert doc.text == text
    assert [(s.start_char, s.end_char) for s in doc.sents] == [
        (s.start_char, s.end_char) for s in whole.sents
    ]
    assert [t.idx for t in doc] == [t.idx for t in whole]


def test_texts_short_and_long_come_back_in_order() -> None:
    nlp = _blank(500)
    texts = ["Short one.", PARAGRAPH * 20, "Another short one.", "Iran sent drones. " * 100]
    assert [d.text for d in pipe_long(nlp, texts, 500, 2)] == texts
    assert join_docs([nlp("One.")], "One.").text == "One."


def test_pipeline_analyses_a_long_article_with_offsets_into_its_text() -> None:
    settings = with_values(load_settings(), pipeline={"chunk_chars": 2000})
    text = ("Washington said on Friday that Iran had sent drones to Russia. " * 5 + "\n\n") * 40
    article = Article(id=article_id_for(text), text=text, language="en")
    (analysis,) = Pipeline(settings).analyse([article])
    assert analysis.sentences[-1].end <= len(text) and analysis.sentences[-1].start > len(text) - 200
    assert max(m.start for m in analysis.mentions) > len(text) - 200
    assert all(text[m.start : m.end] == m.text for m in analysis.mentions)


def test_a_failing_article_is_that_articles_error_and_the_batch_goes_on() -> None:
    @Language.component("veille_test_refuses_marker")
    def refuse(doc):  # type: ignore[no-untyped-def]
        if "REFUSED" in doc.text:
            raise ValueError("this text is refused\nsecond line")
        return doc

    nlp = _blank(10**6)
    nlp.add_pipe("veille_test_refuses_marker")
    texts = ["A good one.", "This one is REFUSED.", "Another good one."]
    arts = [Article(id=article_id_for(t), text=t, language="en") for t in texts]
    got = list(Pipeline(load_settings())._docs(nlp, arts))
    assert [a.text for a, _ in got] == texts
    assert [type(d).__name__ for _, d in got] == ["Doc", "ValueError", "Doc"]


def refusing_extractor(_settings: object) -> object:
    """An extractor factory (named in a test config) that fails on one article's text."""

    def extract(analysis: object, doc: object) -> None:
        if "REFUSED" in getattr(doc, "text", ""):
            raise ValueError("this text is refused\nsecond line of the message")

    return extract


def test_the_ingest_summary_gives_a_failing_article_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from veille.cli import app

    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in [
        ("a", "A good one about Paris."),
        ("b", "This one is REFUSED."),
        ("c", "Another about Lyon."),
    ]:
        (folder / f"{name}.txt").write_text(text * 5)
    config = tmp_path / "veille.toml"
    order = [*load_settings().pipeline.order, "refuse"]
    config.write_text(
        f'[pipeline]\norder = {order!r}\n\n[extractors]\nrefuse = "test_pipeline_chunks:refusing_extractor"\n'.replace(
            "'", '"'
        )
    )
    args = ["--db", str(tmp_path / "v.db"), "--config", str(config), "ingest", "--json", str(folder)]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert report["ingested"] == 2
    assert [f["reason"] for f in report["failed"]] == ["extraction failed: ValueError: this text is refused"]
    assert report["failed"][0]["origin"].endswith("b.txt")
    assert "Traceback" not in done.output
