"""Reading untrusted files: bounded size, a known encoding, no binary blobs."""

from __future__ import annotations

import codecs
import errno
import os
import stat
from pathlib import Path

import charset_normalizer

from veille.errors import InputError

# BOMs decide the encoding outright; UTF-32 is checked before UTF-16 because its LE BOM starts with UTF-16's.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Signatures of common binary formats people drop into an input folder by mistake.
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "ZIP/Office"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"\x1f\x8b", "gzip"),
    (b"\x7fELF", "executable"),
    (b"SQLite format 3", "SQLite"),
)

# When several legacy encodings decode a text equally well, the first of these wins.
PREFERRED_LEGACY_ENCODINGS: tuple[str, ...] = (
    "cp1252",
    "iso8859_15",
    "latin_1",
    "cp1251",
    "koi8_r",
    "cp1256",
)

_SNIFF_BYTES = 8192
# Text decoded by guesswork that is more than this share of control characters was never text.
_MAX_CONTROL_SHARE = 0.02
_MIN_CONTROLS = 8


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refusing files over ``max_bytes`` before reading them.

    Only regular files are read: a FIFO or a device named ``*.txt`` would block the batch
    forever (or never end), so the file is opened without blocking and checked before reading.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputError(path_error(path, exc)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError("is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"not a regular file ({file_kind(info.st_mode)}); only regular files are read")
        if info.st_size > max_bytes:
            raise InputError(_too_large(info.st_size, max_bytes))
        with os.fdopen(fd, "rb", closefd=False) as handle:
            # Read one byte more than allowed: the file may have grown since fstat().
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(path_error(path, exc)) from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise InputError(_too_large(len(data), max_bytes))
    return data


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISDIR, "a folder"),
    ):
        if test(mode):
            return name
    return "not a plain file"


def path_error(path: Path, exc: OSError, missing: str = "file not found") -> str:
    """A one-line reason for an error met opening or reading ``path``."""
    if exc.errno == errno.ELOOP:
        return "symlink loop: the link leads back to itself"
    if exc.errno == errno.ENOENT:
        if path.is_symlink():
            return f"broken symlink: its target {os.readlink(path)} does not exist"
        return missing
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EISDIR:
        return "is a folder, not a file"
    return f"cannot read file: {exc.strerror or exc}"


def _too_large(size: int, max_bytes: int) -> str:
    return f"too large ({size:,} bytes; the limit is ingest.max_bytes = {max_bytes:,})"


def binary_kind(data: bytes, max_nul_bytes: int = 0) -> str | None:
    """A name for the binary format of ``data``, or None when it may be text.

    More than ``max_nul_bytes`` NUL bytes in the first 8 KiB mean binary (unless a UTF-16/32 BOM
    explains them); line-oriented readers allow a few, so that one bad line fails alone.
    """
    for magic, name in _BINARY_MAGIC:
        if data.startswith(magic):
            return name
    head = data[:_SNIFF_BYTES]
    if head.count(b"\x00") > max_nul_bytes and not head.startswith(tuple(bom for bom, _ in _BOMS[1:])):
        return "binary data"
    return None


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Text from bytes: BOM, then UTF-8, then a declared charset, then charset-normalizer's guess.

    Raises InputError for empty, binary or undecodable input.
    """
    if not data.strip():
        raise InputError("empty: no text in it")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked_text(data.decode(encoding))
            except UnicodeDecodeError:
                raise InputError(f"invalid {encoding.upper()} despite its byte-order mark") from None
    kind = binary_kind(data)
    if kind == "binary data":  # NUL bytes: UTF-16 or UTF-32 text without a byte-order mark?
        wide = _wide_unicode(data)
        if wide is not None:
            return wide
    if kind:
        raise InputError(f"binary file ({kind}), not text")
    try:
        return _checked_text(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return _checked_text(data.decode(declared))
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declared charset is common; fall through to detection
    mixed = _decode_mixed_lines(data)
    if mixed is not None:
        return _checked_text(mixed)
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        raise InputError("undecodable text: not UTF-8 and no other encoding fits")
    return _checked_text(str(_preferred_match(matches)))


def _wide_unicode(data: bytes) -> str | None:
    """Text from UTF-16/UTF-32 bytes that carry no BOM (Windows tools write them), else None.

    charset-normalizer recognises them by their code units; the result must still read as
    text (few control characters), so binary data with NULs is not taken for it.
    """
    best = charset_normalizer.from_bytes(data[: _SNIFF_BYTES * 4]).best()
    if best is None or not best.encoding.startswith(("utf_16", "utf_32")):
        return None
    try:
        return _checked_text(data.decode(best.encoding.replace("_", "-")))
    except (UnicodeDecodeError, InputError):
        return None


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_mixed_lines(data: bytes) -> str | None:
    """Text pasted together from UTF-8 and a legacy encoding, decoded line by line.

    A whole-file guess would turn the UTF-8 part into mojibake ("Ã©"); only used when some
    lines are non-ASCII valid UTF-8 and others are not UTF-8 at all. None otherwise.
    """
    lines = data.split(b"\n")
    valid = [_is_utf8(line) for line in lines]
    if all(valid) or not any(ok and not line.isascii() for ok, line in zip(valid, lines, strict=True)):
        return None
    legacy = b"\n".join(line for ok, line in zip(valid, lines, strict=True) if not ok)
    matches = list(charset_normalizer.from_bytes(legacy))
    encoding = _preferred_match(matches).encoding if matches else "cp1252"
    return "\n".join(
        line.decode("utf-8") if ok else line.decode(encoding, errors="replace")
        for ok, line in zip(valid, lines, strict=True)
    )


def _preferred_match(matches: list[charset_normalizer.CharsetMatch]) -> charset_normalizer.CharsetMatch:
    """charset-normalizer's best match, or among equally good ones the likeliest for news text.

    Short accented French fits cp1250 (Central European) as well as cp1252 and the tie goes
    to the first code page by name: "enquête" would come out as "enquęte".
    """
    best = matches[0]
    tied = [m for m in matches if m.chaos == best.chaos and m.coherence == best.coherence]
    for encoding in PREFERRED_LEGACY_ENCODINGS:
        for match in tied:
            if match.encoding == encoding:
                return match
    return best


def _checked_text(text: str) -> str:
    if not text.strip():
        raise InputError("empty: no text in it")
    sample = text[:_SNIFF_BYTES]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    # A minimum count keeps a stray escape character in a short text from condemning it.
    if controls >= _MIN_CONTROLS and controls > _MAX_CONTROL_SHARE * len(sample):
        raise InputError("binary data (control characters), not text")
    return text


def read_text(path: Path, max_bytes: int) -> str:
    """A text file's content, bounded and decoded; InputError with a one-line reason otherwise."""
    return decode_bytes(read_bytes(path, max_bytes))
