"""Errors meant for people: one line that says what was wrong and what to do."""

from __future__ import annotations


class VeilleError(Exception):
    """A user-facing error. The CLI prints its message (no traceback) and exits non-zero."""

    def __init__(self, message: str = "", *args: object) -> None:
        # Messages often quote a parser's own (lxml's end in a newline): keep them one line.
        super().__init__(" ".join(str(message).split()), *args)


class InputError(VeilleError):
    """A file, URL, feed or line that veille cannot read. Batches report it and go on."""


class ConfigError(VeilleError):
    """A configuration value or model that cannot be used."""


class FetchRefused(InputError):
    """A URL veille will not fetch (private address, wrong scheme, too large)."""
