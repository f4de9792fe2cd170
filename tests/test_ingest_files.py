"""Reading untrusted files: encodings, size limits, empty and binary files."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from veille.errors import InputError
from veille.ingest.files import decode_bytes, read_bytes, read_text

FRENCH = "L'été dernier, la députée a réclamé une enquête sur les dépenses de la préfecture."


def test_utf8_plain_and_with_bom() -> None:
    assert decode_bytes(FRENCH.encode("utf-8")) == FRENCH
    assert decode_bytes(codecs.BOM_UTF8 + FRENCH.encode("utf-8")) == FRENCH


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_utf16_and_utf32_with_bom(encoding: str) -> None:
    assert decode_bytes(FRENCH.encode(encoding)) == FRENCH


def test_legacy_encoding_is_detected() -> None:
    text = (FRENCH + " ") * 5
    assert decode_bytes(text.encode("cp1252")) == text


def test_declared_charset_is_used_when_not_utf8() -> None:
    assert decode_bytes("Préfecture".encode("latin-1"), declared="iso-8859-1") == "Préfecture"


def test_wrong_declared_charset_falls_back_to_detection() -> None:
    assert decode_bytes(FRENCH.encode("utf-8"), declared="no-such-charset") == FRENCH


@pytest.mark.parametrize("data", [b"", b"   \n\t  \r\n"])
def test_empty_input_is_refused(data: bytes) -> None:
    with pytest.raises(InputError, match="empty"):
        decode_bytes(data)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 binary", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (b"PK\x03\x04\x14\x00", "ZIP"),
        (b"some text\x00\x00\x01\x02 more", "binary"),
    ],
)
def test_binary_input_is_refused(data: bytes, kind: str) -> None:
    with pytest.raises(InputError, match=kind):
        decode_bytes(data)


def test_control_characters_are_not_text() -> None:
    with pytest.raises(InputError, match="binary"):
        decode_bytes(bytes(range(1, 32)) * 20)


def test_file_over_limit_is_refused_without_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(50_000_000)  # sparse: costs no disk, would cost 50 MB of memory to read
    with pytest.raises(InputError, match=r"too large \(50,000,000 bytes; the limit is ingest.max_bytes"):
        read_bytes(big, max_bytes=1_000_000)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        read_text(tmp_path / "absent.txt", 1000)
    with pytest.raises(InputError, match="folder"):
        read_text(tmp_path, 1000)


def test_read_text_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(FRENCH, encoding="utf-8")
    assert read_text(path, 1000) == FRENCH


def test_mixed_utf8_and_legacy_lines_both_decode() -> None:
    second = "Le préfet a répondu qu'une enquête était déjà ouverte."
    data = FRENCH.encode("utf-8") + b"\n\n" + second.encode("cp1252")
    assert decode_bytes(data) == f"{FRENCH}\n\n{second}"
