"""Russian as an ordinary spaCy pipeline, from natasha's models (slovnet, navec, pymorphy2).

natasha 1.6.0 ships everything in its wheel: razdel segmentation, the slovnet
morphology tagger, dependency parser and NER tagger (PER/LOC/ORG, trained on
news), the navec embeddings they share, and a pymorphy2 dictionary for lemmas
and name normalisation. Nothing is downloaded.

The pipeline is a real ``spacy.Language`` for "ru" (Russian stop words and
lexical attributes): a razdel tokenizer makes the Doc, keeping every character
(whitespace runs become SPACE tokens, as spaCy does), and the ``natasha``
component fills in POS, morphology, lemmas, the UD dependency parse (slovnet's
relations are UD v2, like the French spaCy model's; ``root`` becomes spaCy's
``ROOT``) and entities. ``nlp.pipe`` batches sentences of many documents through
slovnet at once. Each entity carries natasha's normal form in ``span._.normal``
("Мохаммадом Багери" -> "Мохаммад Багери"), which the resolver uses so that
inflected mentions name one entity.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from veille.nlp.models import NORMAL, register_extensions
from veille.nlp.slovnet_ner import ner_tagger, news_embedding

COMPONENT = "natasha"
SPACE_DEP = "dep"
BATCH_DOCS = 32
# slovnet's parser scores every pair of words of a sentence: a run-on "sentence" (a list, a
# table, hostile text without full stops) is cut into pieces this long before it is parsed.
MAX_SENTENCE_WORDS = 200
NER_CHUNK_CHARS = 5_000  # NER input pieces: whole sentences, about this long


@dataclass(frozen=True)
class Piece:
    """One token of the Doc: a razdel token, or the whitespace between two."""

    text: str
    space: bool  # followed by one space
    sent_start: bool
    word: bool  # a razdel token (analysed by slovnet), not whitespace


def segment(text: str) -> list[Piece]:
    """razdel sentences and tokens, with whatever lies between them kept as tokens.

    Joining ``text + (" " if space)`` of the pieces gives back ``text`` exactly, so
    every character offset of the Doc is an offset into the article.
    """
    from razdel import sentenize, tokenize

    pieces: list[Piece] = []
    pos = 0

    def gap(upto: int) -> None:
        nonlocal pos
        between = text[pos:upto]
        if not between:
            return
        if between[0] == " " and pieces and not pieces[-1].space:
            last = pieces[-1]
            pieces[-1] = Piece(last.text, True, last.sent_start, last.word)
            between = between[1:]
        if between:
            pieces.append(Piece(between, False, not pieces, False))

    for block_start, block in blocks(text):
        for sent in sentenize(block):
            first = True
            for tok in tokenize(sent.text):
                start = block_start + sent.start + tok.start
                gap(start)
                pieces.append(Piece(tok.text, False, first, True))
                first = False
                pos = start + len(tok.text)
    gap(len(text))
    return pieces


# A line break ends a sentence unless the next line goes on in lower case (hard-wrapped text):
# razdel alone runs a headline into the first sentence of the body.
_BLOCK_BREAK = re.compile(r"\n\s*(?=\S)")


def blocks(text: str) -> Iterator[tuple[int, str]]:
    """(offset, text) of the parts of ``text`` between sentence-ending line breaks."""
    start = 0
    for m in _BLOCK_BREAK.finditer(text):
        if text[m.end()].islower():
            continue
        yield start, text[start : m.start()]
        start = m.end()
    yield start, text[start:]


class RazdelTokenizer:
    """A spaCy tokenizer over razdel: text -> Doc with sentence starts from razdel."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        pieces = segment(text)
        if not pieces:
            return Doc(self.vocab, words=[], spaces=[])
        return Doc(
            self.vocab,
            words=[p.text for p in pieces],
            spaces=[p.space for p in pieces],
            sent_starts=[p.sent_start for p in pieces],
        )

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    def to_bytes(self, **kwargs: Any) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> RazdelTokenizer:
        return self


class NatashaModels:
    """The slovnet models and pymorphy2 vocabulary, loaded once per process (about 2 s, 200 MB)."""

    def __init__(self) -> None:
        from natasha import MorphVocab, NewsMorphTagger, NewsSyntaxParser

        emb = news_embedding()
        self.morph = NewsMorphTagger(emb)
        self.syntax = NewsSyntaxParser(emb)
        self.ner = ner_tagger()
        with warnings.catch_warnings():  # pymorphy2 imports pkg_resources, which setuptools deprecates
            warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
            self.vocab = MorphVocab()
        self.lemma = lru_cache(maxsize=200_000)(self._lemma)
        self._normals: dict[tuple[Any, ...], str | None] = {}

    def normal(self, kind: str, words: list[Any]) -> str | None:
        """natasha's normal form of an entity's words (DocTokens), cached: names recur."""
        from natasha.norm import normalize, syntax_normalize

        first, ids = words[0].start, {w.id for w in words}
        key = (
            kind,
            *(
                (
                    w.start - first,
                    w.text,
                    w.pos,
                    tuple(sorted(w.feats.items())),
                    int(w.head_id) - int(w.id) if w.head_id in ids else None,  # the tree inside the name
                )
                for w in words
            ),
        )
        if key not in self._normals:
            if len(self._normals) > 100_000:
                self._normals.clear()
            method = syntax_normalize if kind == "ORG" else normalize
            try:
                self._normals[key] = method(self.vocab, words)
            except Exception:  # noqa: BLE001 - pymorphy2 on odd tokens: then the mention's text is used
                self._normals[key] = None
        return self._normals[key]

    def _lemma(self, word: str, pos: str, feats: tuple[tuple[str, str], ...]) -> str:
        from natasha.shape import recover_shape

        lemma: str = self.vocab.lemmatize(word, pos, dict(feats))
        # pymorphy2 lower-cases: names keep their capital ("Ирана" -> "Иран", not "иран")
        return str(recover_shape(lemma, word)) if pos == "PROPN" else lemma


@lru_cache(maxsize=1)
def natasha_models() -> NatashaModels:
    return NatashaModels()


def tree(heads: Sequence[int], rels: Sequence[str]) -> tuple[list[int], list[str]]:
    """slovnet's heads (1-based, 0 = root; argmax per token) as one well-formed tree.

    The parser picks each head independently, so a sentence may have no root, two,
    or a cycle. Keep the first root (else the first token), attach the other roots to
    it, and break each cycle by attaching the token where the walk came back to it to
    the root. Returns 0-based heads (the root heads itself) and the relations.
    """
    n = len(heads)
    heads = [h - 1 if 0 < h <= n else -1 for h in heads]
    rels = list(rels)
    root = next((i for i, h in enumerate(heads) if h < 0), 0)
    heads[root], rels[root] = root, "ROOT"
    for i in range(n):
        if i != root and heads[i] < 0:
            heads[i], rels[i] = root, rels[i] if rels[i] != "root" else "parataxis"
    reaches = {root}
    for i in range(n):
        path: list[int] = []
        j = i
        while j not in reaches and j not in path:
            path.append(j)
            j = heads[j]
        if j not in reaches:  # the walk came back to ``j``: a cycle, broken at j
            heads[j] = root
            if rels[j] in {"root", "ROOT"}:
                rels[j] = "parataxis"
        reaches.update(path)
    return heads, rels


class NatashaComponent:
    """Morphology, lemmas, dependency parse and entities for docs made by ``RazdelTokenizer``."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.annotate([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = BATCH_DOCS) -> Iterator[Doc]:
        it = iter(docs)
        while batch := list(islice(it, max(1, batch_size))):
            yield from self.annotate(batch)

    def annotate(self, docs: list[Doc]) -> list[Doc]:
        models = natasha_models()
        layouts = [Layout.of(doc) for doc in docs]
        # every sentence of every doc, as its word tokens (whitespace tokens are not words)
        sents = [(d, idx) for d, lay in enumerate(layouts) for idx in lay.sentences]
        chunks = [[layouts[d].texts[i] for i in idx] for d, idx in sents]
        morphs = list(models.morph.map(chunks)) if chunks else []
        parses = list(models.syntax.map(chunks)) if chunks else []
        spans = entity_spans(models, [doc.text for doc in docs], layouts)
        per_doc: list[list[tuple[list[int], Any, Any]]] = [[] for _ in docs]
        for (d, idx), morph, parse in zip(sents, morphs, parses, strict=True):
            per_doc[d].append((idx, morph, parse))
        return [
            self._build(doc, lay, analysed, doc_spans, models)
            for doc, lay, analysed, doc_spans in zip(docs, layouts, per_doc, spans, strict=True)
        ]

    def _build(
        self,
        doc: Doc,
        lay: Layout,
        analysed: list[tuple[list[int], Any, Any]],
        spans: list[tuple[int, int, str]],
        models: NatashaModels,
    ) -> Doc:
        from natasha.doc import DocToken

        n = len(lay.texts)
        heads = list(range(n))
        deps = [SPACE_DEP] * n
        pos = ["SPACE" if blank else "X" for blank in lay.blank]
        morphs = [""] * n
        lemmas = list(lay.texts)
        natasha_tokens: dict[int, Any] = {}  # token index -> natasha DocToken, for normalisation
        for idx, morph, parse in analysed:
            sent_heads, sent_rels = tree(
                [int(t.head_id) for t in parse.tokens], [t.rel for t in parse.tokens]
            )
            for k, (i, m) in enumerate(zip(idx, morph.tokens, strict=True)):
                heads[i] = idx[sent_heads[k]]
                deps[i] = sent_rels[k]
                pos[i] = m.pos
                feats = tuple(sorted(m.feats.items()))
                morphs[i] = "|".join(f"{key}={value}" for key, value in feats)
                text = lay.texts[i]
                lemmas[i] = models.lemma(text, m.pos, feats)
                natasha_tokens[i] = DocToken(
                    lay.starts[i],
                    lay.starts[i] + len(text),
                    text,
                    id=str(i),
                    head_id=str(idx[sent_heads[k]]) if sent_heads[k] != k else "-1",
                    rel=sent_rels[k],
                    pos=m.pos,
                    feats=m.feats,
                )
        attach_spaces(lay.blank, heads)
        ents, normals = self._entities(lay, spans, natasha_tokens, models)
        new = Doc(
            doc.vocab,
            words=lay.texts,
            spaces=lay.spaces,
            pos=pos,
            morphs=morphs,
            lemmas=lemmas,
            heads=heads,
            deps=deps,
            ents=ents,
        )
        for (start, end), normal in normals.items():
            span = new.char_span(start, end)
            if span is not None:
                span._.set(NORMAL, normal)
        return new

    @staticmethod
    def _entities(
        lay: Layout, spans: list[tuple[int, int, str]], tokens: dict[int, Any], models: NatashaModels
    ) -> tuple[list[str], dict[tuple[int, int], str]]:
        """IOB tags from natasha's character spans, and each entity's normal form."""
        tags = ["O"] * len(lay.texts)
        normals: dict[tuple[int, int], str] = {}
        starts = {start: i for i, start in enumerate(lay.starts)}
        ends = {
            start + len(text): i for i, (start, text) in enumerate(zip(lay.starts, lay.texts, strict=True))
        }
        for span_start, span_stop, label in spans:
            first, last = starts.get(span_start), ends.get(span_stop)
            if first is None or last is None or last < first:
                continue  # slovnet split a word razdel kept whole: rare, skipped rather than misaligned
            if any(tags[i] != "O" for i in range(first, last + 1)):
                continue
            tags[first] = f"B-{label}"
            for i in range(first + 1, last + 1):
                tags[i] = f"I-{label}"
            words = [tokens[i] for i in range(first, last + 1) if i in tokens]
            if words:
                normal = models.normal(label, words)
                if normal:
                    normals[(span_start, span_stop)] = normal
        return tags, normals


def entity_spans(
    models: NatashaModels, texts: list[str], layouts: list[Layout]
) -> list[list[tuple[int, int, str]]]:
    """slovnet NER over each text, in pieces of whole sentences of at most NER_CHUNK_CHARS.

    slovnet pads a batch to its longest text: one long article beside short ones would
    cost the memory of the long one times the batch. Pieces are cut at sentence starts
    and sent shortest first; the NER's context is a few words, so its spans do not
    change.
    """
    pieces: list[tuple[int, int, int]] = []  # (doc, start, end)
    for d, (text, lay) in enumerate(zip(texts, layouts, strict=True)):
        start = 0
        for idx in lay.sentences:
            begin = lay.starts[idx[0]]
            if begin - start >= NER_CHUNK_CHARS:
                pieces.append((d, start, begin))
                start = begin
        if text[start:].strip():
            pieces.append((d, start, len(text)))
    pieces = [p for p in pieces if texts[p[0]][p[1] : p[2]].strip()]
    pieces.sort(key=lambda p: p[2] - p[1])
    out: list[list[tuple[int, int, str]]] = [[] for _ in texts]
    markups = models.ner.map([texts[d][a:b] for d, a, b in pieces]) if pieces else []
    for (d, a, _b), markup in zip(pieces, markups, strict=True):
        out[d].extend((a + span.start, a + span.stop, span.type) for span in markup.spans)
    for doc_spans in out:
        doc_spans.sort()
    return out


@dataclass
class Layout:
    """A Doc's tokens as plain lists, read once (each spaCy Token access builds an object)."""

    texts: list[str]
    starts: list[int]
    spaces: list[bool]  # followed by a space
    blank: list[bool]  # a whitespace token
    sentences: list[list[int]]  # word token indices per sentence

    @classmethod
    def of(cls, doc: Doc) -> Layout:
        lay = cls([], [], [], [], [])
        current: list[int] = []
        for t in doc:
            if current and (t.is_sent_start or len(current) >= MAX_SENTENCE_WORDS):
                lay.sentences.append(current)
                current = []
            lay.texts.append(t.text)
            lay.starts.append(t.idx)
            lay.spaces.append(bool(t.whitespace_))
            lay.blank.append(t.is_space)
            if not t.is_space:
                current.append(t.i)
        if current:
            lay.sentences.append(current)
        return lay


def attach_spaces(blank: list[bool], heads: list[int]) -> None:
    """Whitespace tokens hang on the word before them (the next one at the start), as spaCy's parser does."""
    last_word = -1
    for i, is_blank in enumerate(blank):
        if not is_blank:
            last_word = i
        elif last_word >= 0:
            heads[i] = last_word
        else:
            heads[i] = next((j for j in range(i, len(blank)) if not blank[j]), i)


@Language.factory(COMPONENT)
def make_natasha_component(nlp: Language, name: str) -> NatashaComponent:
    return NatashaComponent(nlp, name)


def load() -> Language:
    """The ``ru`` pipeline (``[models] ru = "veille.nlp.russian:load"``)."""
    nlp = spacy.blank("ru")
    nlp.tokenizer = RazdelTokenizer(nlp.vocab)
    nlp.add_pipe(COMPONENT)
    natasha_models()  # load now, not on the first article
    return nlp
