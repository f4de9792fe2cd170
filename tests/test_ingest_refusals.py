"""Inputs that are not articles get one clear line, never a hang, a wrong reason or a stored
scrap (issue 13, item 7): FIFOs, symlink loops, empty folders, 1-byte files; and UTF-16 text
without a byte-order mark is read, not refused as binary."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from veille.config import Settings, load_settings
from veille.ingest.files import decode_bytes, read_bytes
from veille.ingest.sources import IngestFailure, read_sources
from veille.model import Article

ROOT = Path(__file__).resolve().parents[1]
SETTINGS: Settings = load_settings()
TEXT_FR = (
    "Le navire a accosté mardi au port de Marseille après deux jours de tempête, "
    "a déclaré le capitaine à la presse locale."
)
TEXT_RU = "Паром прибыл в гавань Кавказ во вторник после двухдневного шторма, сообщил капитан."


def _read(*paths: Path) -> list[Article | IngestFailure]:
    results: list[Article | IngestFailure] = []

    def run() -> None:
        results.extend(read_sources([str(p) for p in paths], SETTINGS))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "reading hung"
    return results


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_named_txt_is_refused_not_waited_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "good.txt").write_text(TEXT_FR, encoding="utf-8")
    results = _read(tmp_path)
    failure = next(r for r in results if isinstance(r, IngestFailure))
    assert failure.origin.endswith("pipe.txt") and "not a regular file (a FIFO)" in failure.reason
    assert sum(isinstance(r, Article) for r in results) == 1


def test_a_symlink_loop_is_called_one(tmp_path: Path) -> None:
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    dangling = tmp_path / "gone.txt"
    dangling.symlink_to(tmp_path / "never-there.txt")
    reasons = {
        Path(r.origin).name: r.reason
        for r in _read(loop, tmp_path / "a.txt", dangling, tmp_path / "nope.txt")
    }
    assert reasons["loop.txt"].startswith("symlink loop")
    assert reasons["a.txt"].startswith("symlink loop")
    assert reasons["gone.txt"].startswith("broken symlink") and "never-there.txt" in reasons["gone.txt"]
    assert reasons["nope.txt"] == "no such file or folder"
    with pytest.raises(Exception, match="symlink loop"):
        read_bytes(loop, 1000)


def test_a_one_byte_file_is_not_an_article(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_bytes(b"x")
    (tmp_path / "short.txt").write_text("Ok, see above.", encoding="utf-8")
    (tmp_path / "good.txt").write_text(TEXT_FR, encoding="utf-8")
    results = {Path(r.origin).name: r for r in _read(tmp_path)}
    for name in ("x.txt", "short.txt"):
        failure = results[name]
        assert isinstance(failure, IngestFailure) and failure.reason.startswith("too short to be an article")
        assert "ingest.min_chars" in failure.reason
    assert isinstance(results["good.txt"], Article)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [TEXT_FR, TEXT_RU])
def test_utf16_without_bom_is_read(encoding: str, text: str) -> None:
    assert decode_bytes(text.encode(encoding)) == text


def test_utf16_file_without_bom_is_ingested(tmp_path: Path) -> None:
    (tmp_path / "windows.txt").write_bytes(TEXT_FR.encode("utf-16-le"))
    [result] = _read(tmp_path / "windows.txt")
    assert isinstance(result, Article) and result.text == TEXT_FR


def test_binary_with_nuls_is_still_binary() -> None:
    blob = bytes(range(256)) * 40
    with pytest.raises(Exception, match="binary"):
        decode_bytes(blob)


def test_an_empty_folder_is_said_and_fails_the_run(tmp_path: Path) -> None:
    empty = tmp_path / "inbox"
    empty.mkdir()
    (empty / "notes.pdf").write_bytes(b"%PDF-1.4")  # nothing veille reads
    [result] = _read(empty)
    assert isinstance(result, IngestFailure) and result.reason.startswith("folder holds no files to ingest")
    done = subprocess.run(
        [sys.executable, "-m", "veille", "--db", str(tmp_path / "v.db"), "ingest", str(empty)],
        capture_output=True, text=True, cwd=ROOT, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "folder holds no files to ingest" in done.stdout and "Traceback" not in done.stderr
