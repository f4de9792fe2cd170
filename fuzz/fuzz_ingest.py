"""Coverage-guided fuzzing (atheris/libFuzzer) of what reads untrusted input.

    python fuzz/fuzz_ingest.py TARGET [libFuzzer flags, e.g. -runs=20000 -max_len=8192 CORPUS_DIR]

TARGET is one of: decode, html, feed, opml, jsonl, all. A target may refuse its input
only with a one-line ``InputError`` (or, for JSONL, per-line failures); any other exception,
a multi-line message or a hang is a finding, and libFuzzer saves the input that caused it.
The hypothesis suites in tests/ cover the same readers with structured inputs; this one
lets coverage steer byte-level mutations into branches those strategies do not reach.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import atheris

with atheris.instrument_imports(include=["veille"]):
    from veille.clean.html import extract_page
    from veille.config import load_settings
    from veille.errors import InputError
    from veille.ingest.feeds import parse_feed, parse_opml
    from veille.ingest.files import decode_bytes
    from veille.ingest.sources import IngestFailure, SourceReader

SETTINGS = load_settings()
READER = SourceReader(SETTINGS, allow_private=False)


def _one_line(exc: InputError) -> None:
    if not str(exc) or "\n" in str(exc):
        raise AssertionError(f"error message must be one non-empty line: {str(exc)!r}")


def fuzz_decode(data: bytes) -> None:
    try:
        text = decode_bytes(data)
    except InputError as exc:
        _one_line(exc)
        return
    if not text.strip():
        raise AssertionError("decode_bytes returned blank text instead of refusing it")


def fuzz_html(data: bytes) -> None:
    html = data.decode("utf-8", "replace")
    page = extract_page(html, max_chars=200_000)
    if not isinstance(page.text, str):
        raise AssertionError("extract_page returned no text string")


def fuzz_feed(data: bytes) -> None:
    try:
        parse_feed(data, "fuzz.xml")
    except InputError as exc:
        _one_line(exc)


def fuzz_opml(data: bytes) -> None:
    try:
        parse_opml(data, "fuzz.opml")
    except InputError as exc:
        _one_line(exc)


def fuzz_jsonl(data: bytes) -> None:
    try:
        results = list(READER.jsonl(data, "fuzz.jsonl"))
    except InputError as exc:
        _one_line(exc)
        return
    for result in results:
        if isinstance(result, IngestFailure) and "\n" in result.reason:
            raise AssertionError(f"multi-line per-line failure: {result.reason!r}")


TARGETS: dict[str, Callable[[bytes], None]] = {
    "decode": fuzz_decode,
    "html": fuzz_html,
    "feed": fuzz_feed,
    "opml": fuzz_opml,
    "jsonl": fuzz_jsonl,
}


def fuzz_all(data: bytes) -> None:
    """The first byte picks the reader, so one run spreads over all of them."""
    if data:
        list(TARGETS.values())[data[0] % len(TARGETS)](data[1:])


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in {*TARGETS, "all"}:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join([*TARGETS, 'all'])}}} [libFuzzer flags]")
    target = fuzz_all if sys.argv[1] == "all" else TARGETS[sys.argv[1]]
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
