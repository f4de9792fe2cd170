"""What of an article is embedded: its title and lead (one vector per article), and passages.

News puts the event in the title and the first sentences; a multilingual encoder's cost
grows with every token, so the article vector reads the title and the lead (the first
``lead_chars`` characters of the body, cut at a word boundary). Passages are the lead and
the following ``passages - 1`` slices of about the same length, sentence-aligned when the
article's sentences are known: a search shows the one that matched best.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPACE = re.compile(r"\s+")
MAX_TITLE_CHARS = 300  # a "title" longer than this is a feed's mangled body: cut it


@dataclass(frozen=True)
class Passage:
    """A slice of an article's stored text (offsets into ``articles.text``); index 0 is the lead."""

    index: int
    start: int
    end: int


def _cut(text: str, start: int, limit: int) -> int:
    """End offset of about ``limit`` characters from ``start``, at a word boundary."""
    end = min(len(text), start + limit)
    if end < len(text):
        space = text.rfind(" ", start + limit // 2, end)
        if space > start:
            end = space
    return end


def passages_of(
    text: str, lead_chars: int, count: int = 1, sentences: list[tuple[int, int]] | None = None
) -> list[Passage]:
    """The lead and up to ``count - 1`` further passages of roughly ``lead_chars`` characters.

    With sentence spans, a passage ends at the sentence end nearest its size (within 1.5x); a
    longer sentence is cut at a word boundary.
    """
    if lead_chars <= 0:
        return [Passage(0, 0, 0)]  # the title alone
    out: list[Passage] = []
    start = len(text) - len(text.lstrip())
    while start < len(text) and len(out) < count:
        end = _cut(text, start, lead_chars)
        if sentences:
            ends = [e for _, e in sentences if start < e <= start + lead_chars * 3 // 2]
            if ends:  # the sentence end nearest the size
                end = min(ends, key=lambda e: (abs(e - start - lead_chars), e))
        if not text[start:end].strip():
            break
        out.append(Passage(len(out), start, end))
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
    return out or [Passage(0, 0, len(text))]


def embedding_input(title: str | None, text: str, passage: Passage) -> str:
    """The string the model reads for one passage: the lead carries the title in front."""
    body = _SPACE.sub(" ", text[passage.start : passage.end]).strip()
    if passage.index != 0:
        return body
    head = _SPACE.sub(" ", title or "").strip()[:MAX_TITLE_CHARS]
    if not head or body.startswith(head):
        return body
    return f"{head}. {body}" if body else head
