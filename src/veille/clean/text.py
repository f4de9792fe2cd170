"""Plain-text cleaning: keep the article, drop the site furniture saved around it.

A page copied or saved as text carries a rubric label, the title (often twice), a
reading-time line, and after the body a subscription pitch, teasers and a comment form.
The patterns for these live in ``boilerplate.toml`` (per language); the rules here are
structural, so that a phrase that merely *looks* like furniture inside the body is kept:

* head: a short rubric line right before a title-like line, repeats of the title;
* anywhere: short lines that are wholly furniture ("5 min read", "Partager");
* tail: from a subscription/comment cue to the end, when the cue sits after most of the text;
  then short teaser lines left at the very end.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from veille.model import normalise_text

# A line longer than this is body text even if it starts like furniture.
MAX_FURNITURE_CHARS = 160
# A rubric label is a word or three ("Incidents", "Monde", "Tech news").
MAX_RUBRIC_WORDS = 3
MAX_RUBRIC_CHARS = 40
# A title is one line, not a paragraph.
MAX_TITLE_CHARS = 300
# A tail cue cuts only after at least this share of the text (or in the last few lines),
# and only once some body exists above it.
TAIL_START_SHARE = 0.5
TAIL_LAST_LINES = 5
MIN_BODY_CHARS_BEFORE_CUE = 200
MAX_TEASER_WORDS = 8
# Fallback title length when the first line is a full paragraph rather than a title.
FALLBACK_TITLE_CHARS = 150

# C0/C1 controls except tab and newline, DEL, zero-width space and stray BOMs.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\ufeff]")
# Unicode space separators (category Zs) other than the plain space.
_UNICODE_SPACE = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")

_SENTENCE_END = (".", "!", "?", "…", ";", ",")
_TITLE_NEVER_ENDS = (".", "…", ";", ",")


@dataclass(frozen=True)
class BoilerplatePatterns:
    furniture: tuple[re.Pattern[str], ...]
    tail_cues: tuple[re.Pattern[str], ...]
    teasers: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class CleanedText:
    """The article body, its title, and what was dropped (for inspection and tests)."""

    text: str
    title: str | None
    dropped: tuple[str, ...] = field(default=())


@dataclass
class _Line:
    text: str
    blank_before: bool  # a paragraph break precedes it in the source


def _compile(section: dict[str, list[str]]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for patterns in section.values() for p in patterns)


@cache
def boilerplate_patterns() -> BoilerplatePatterns:
    """The packaged boilerplate patterns, all languages together (loaded once)."""
    raw = resources.files("veille.clean").joinpath("boilerplate.toml").read_text(encoding="utf-8")
    return patterns_from_toml(raw)


def patterns_from_toml(raw: str) -> BoilerplatePatterns:
    data = tomllib.loads(raw)
    return BoilerplatePatterns(
        furniture=_compile(data.get("furniture", {})),
        tail_cues=_compile(data.get("tail_cues", {})),
        teasers=_compile(data.get("teasers", {})),
    )


def normalise_layout(text: str) -> str:
    """NFC, Unix newlines, plain spaces, no control characters or trailing spaces, one blank line at most.

    No-break and other Unicode spaces become plain spaces: French typography puts them
    inside phrases, and patterns and later extractors should not have to care.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _UNICODE_SPACE.sub(" ", _INVISIBLE.sub("", text))
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _split_lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    blank = False
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            blank = True
            continue
        out.append(_Line(line, blank))
        blank = False
    return out


def _join_lines(lines: list[_Line]) -> str:
    parts: list[str] = []
    for i, line in enumerate(lines):
        if i:
            parts.append("\n\n" if line.blank_before else "\n")
        parts.append(line.text)
    return "".join(parts)


def _matches(patterns: tuple[re.Pattern[str], ...], line: str) -> bool:
    return any(p.search(line) for p in patterns)


def is_furniture(line: str, patterns: BoilerplatePatterns) -> bool:
    return len(line) <= MAX_FURNITURE_CHARS and _matches(patterns.furniture, line)


def is_title_like(line: str) -> bool:
    """One line, short, not ending like a sentence in running text (a question or exclamation may)."""
    return (
        len(line) <= MAX_TITLE_CHARS
        and any(ch.isalpha() for ch in line)
        and not line.endswith(_TITLE_NEVER_ENDS)
    )


def is_rubric(line: str) -> bool:
    return (
        len(line.split()) <= MAX_RUBRIC_WORDS
        and len(line) <= MAX_RUBRIC_CHARS
        and not line.endswith(_SENTENCE_END)
        and any(ch.isalpha() for ch in line)
    )


def _same(a: str, b: str) -> bool:
    return normalise_text(a) == normalise_text(b)


def _fallback_title(line: str) -> str:
    """A title cut from a first paragraph: its first sentence, shortened at a word boundary."""
    first = re.split(r"(?<=[.!?])\s", line, maxsplit=1)[0]
    if len(first) <= FALLBACK_TITLE_CHARS:
        return first
    return first[:FALLBACK_TITLE_CHARS].rsplit(" ", 1)[0] + "…"


def _clean_head(lines: list[_Line], title: str | None, dropped: list[str]) -> tuple[list[_Line], str | None]:
    # A rubric label stands right before the title: a title repeat, or a title-like line.
    if len(lines) >= 3 and is_rubric(lines[0].text):
        following = lines[1].text
        if (title and _same(following, title)) or (not title and is_title_like(following)):
            dropped.append(lines.pop(0).text)
    if title is None and lines:
        first = lines[0].text
        if len(lines) >= 2 and is_title_like(first):
            title = first
            dropped.append(lines.pop(0).text)
        else:
            # The text opens on its body: borrow a title from it but keep the body whole.
            title = _fallback_title(first)
            return lines, title
    if title:
        # Pages repeat the title (header, then article heading); drop every copy in the head.
        head = min(len(lines), 5)
        kept_head = [line for line in lines[:head] if not _same(line.text, title)]
        dropped.extend(line.text for line in lines[:head] if _same(line.text, title))
        lines = kept_head + lines[head:]
    return lines, title


def _tail_cut(lines: list[_Line], patterns: BoilerplatePatterns) -> int:
    """Index where the tail furniture starts (len(lines) when there is none)."""
    total = sum(len(line.text) for line in lines)
    before = 0
    for i, line in enumerate(lines):
        in_tail = before >= TAIL_START_SHARE * total or i >= len(lines) - TAIL_LAST_LINES
        if in_tail and before >= MIN_BODY_CHARS_BEFORE_CUE and _matches(patterns.tail_cues, line.text):
            return i
        before += len(line.text)
    return len(lines)


def _is_trailing_teaser(line: str, patterns: BoilerplatePatterns) -> bool:
    if len(line.split()) > MAX_TEASER_WORDS:
        return False
    return (
        _matches(patterns.teasers, line) or _matches(patterns.tail_cues, line) or is_furniture(line, patterns)
    )


def clean_text(
    raw: str, *, title: str | None = None, patterns: BoilerplatePatterns | None = None
) -> CleanedText:
    """The article body of ``raw`` with head and tail furniture removed, and its title.

    ``title`` is the known title (from HTML metadata or a feed); without one, the first
    title-like line becomes the title and leaves the body.
    """
    patterns = patterns or boilerplate_patterns()
    title = title.strip() or None if title else None
    dropped: list[str] = []
    lines = _split_lines(normalise_layout(raw))

    kept: list[_Line] = []
    pending_break = False
    for line in lines:
        if is_furniture(line.text, patterns):
            dropped.append(line.text)
            # The paragraph break that preceded the dropped line still separates its neighbours.
            pending_break = pending_break or line.blank_before
            continue
        kept.append(_Line(line.text, line.blank_before or pending_break))
        pending_break = False
    lines = kept

    lines, title = _clean_head(lines, title, dropped)

    cut = _tail_cut(lines, patterns)
    dropped.extend(line.text for line in lines[cut:])
    lines = lines[:cut]
    while lines and _is_trailing_teaser(lines[-1].text, patterns):
        dropped.append(lines.pop().text)

    if lines:
        lines[0].blank_before = False
    return CleanedText(text=_join_lines(lines), title=title, dropped=tuple(dropped))
