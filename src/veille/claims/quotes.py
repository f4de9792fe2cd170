"""Quotations of a parsed article: where each opens and closes, across sentences and paragraphs.

The parser splits a long quotation into sentences, and news copy runs one quotation over
several paragraphs by opening each paragraph with a quote mark and closing only the last.
Curly and guillemet marks say which way they face; a straight ``"`` is read from the
spacing around it, else as the opposite of the current state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc

OPENING = {"“", "«", "„"}
CLOSING = {"”", "»"}
STRAIGHT = {'"', "''", "``"}
DASH_CHARS = {"―", "—", "–", "-"}
MAX_TOKENS = 1500  # a quotation never left open further than this (a stray mark)


@dataclass
class Quotations:
    """Quotation token ranges ``(open, close)``: the marks' indices, content strictly between."""

    spans: list[tuple[int, int]] = field(default_factory=list)
    by_open: dict[int, int] = field(default_factory=dict)  # opening mark index -> span index
    by_close: dict[int, int] = field(default_factory=dict)  # closing mark index -> span index
    inside: list[int] = field(default_factory=list)  # token index -> span index, or -1

    def around(self, i: int) -> tuple[int, int] | None:
        """The quotation a token lies inside, marks excluded."""
        k = self.inside[i] if 0 <= i < len(self.inside) else -1
        return self.spans[k] if k >= 0 else None

    def closed_at(self, i: int) -> tuple[int, int] | None:
        k = self.by_close.get(i)
        return self.spans[k] if k is not None else None

    def opened_at(self, i: int) -> tuple[int, int] | None:
        k = self.by_open.get(i)
        return self.spans[k] if k is not None else None


def is_paragraph_break(doc: Doc, i: int) -> bool:
    token = doc[i]
    return token.is_space and "\n" in token.text


def faces_open(doc: Doc, i: int) -> bool | None:
    """True/False when a straight quote's spacing shows its side, None when it does not."""
    before = i == 0 or bool(doc[i - 1].whitespace_) or doc[i - 1].is_space or doc[i - 1].text in "([—–-"
    after = bool(doc[i].whitespace_) or i + 1 >= len(doc) or doc[i + 1].is_space or doc[i + 1].is_punct
    if before and not after:
        return True
    if after and not before:
        return False
    return None


def find_quotations(doc: Doc) -> Quotations:
    """Pair the quote marks of ``doc`` in one pass."""
    found = Quotations(inside=[-1] * len(doc))
    start: int | None = None
    broken = False  # a paragraph ended inside the open quotation

    def close(end: int) -> None:
        nonlocal start, broken
        if start is not None and end > start:
            found.by_open[start] = len(found.spans)
            found.by_close[end] = len(found.spans)
            found.spans.append((start, end))
            for j in range(start + 1, end):
                found.inside[j] = len(found.spans) - 1
        start, broken = None, False

    last_break = -1
    for token in doc:
        i, text = token.i, token.text
        if not (token.is_space or token.is_punct or start is not None):
            continue  # only marks and breaks change the state, and breaks only inside a quotation
        if len(text) > 1 and text[0] in CLOSING and set(text[1:]) <= DASH_CHARS:
            text = text[0]  # '.”― Name': the tokenizer keeps a credit's dash on the closing mark
        if start is not None and i - start > MAX_TOKENS:
            start, broken = None, False
        if token.is_space and "\n" in text:
            if start is not None:
                broken, last_break = True, i
            continue
        if start is not None and broken and i > last_break:
            # a new paragraph: it goes on with the quotation only if it opens with a mark
            if text in OPENING or (text in STRAIGHT and faces_open(doc, i) is not False):
                broken = False
                continue
            close(last_break)  # an unclosed quotation ends with its paragraph
        if text in OPENING:
            if start is None:
                start = i
        elif text in CLOSING:
            if start is not None:
                close(i)
            elif i > 0 and faces_open(doc, i):  # ”Fear. ...: a closing mark used to open
                start = i
        elif text in STRAIGHT:
            side = faces_open(doc, i)
            if start is None and side is not False:
                start = i
            elif start is not None and side is not True:
                close(i)
    if start is not None and broken:
        close(last_break)
    return found
