"""``veille ingest --engine ray`` on a real local Ray (2 CPUs): same store as the local engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import ray
from typer.testing import CliRunner

from veille.cli import app
from veille.store.database import Store

STORIES = [
    "Kyiv said the grain ship left Odesa on Monday, officials in Washington confirmed.",
    "Moscow denied that Iran had delivered drones to Russia, the Kremlin said on Tuesday.",
    "The White House warned that China could send weapons to Russia, John Kirby said.",
    "France and Germany agreed on new sanctions against Iran, the ministers said in Brussels.",
    "Turkey said the talks between Ukraine and Russia would resume in Istanbul next week.",
    "The United Nations said 40 trucks of aid had entered Gaza from Egypt on Sunday.",
]


@pytest.fixture(scope="module")
def local_ray():
    # Two CPUs and a small object store: the CI machine's size, started fresh for the test.
    ray.init(num_cpus=2, include_dashboard=False, object_store_memory=80 * 1024 * 1024, log_to_driver=False)
    yield
    ray.shutdown()


def _corpus(folder: Path) -> Path:
    folder.mkdir()
    for i, story in enumerate(STORIES * 3):
        # The third copy of each story repeats the first word for word: 12 articles, 6 duplicates.
        (folder / f"{i:02d}.txt").write_text(f"{story} Report number {i // 6 % 2}.\n")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "lines.jsonl").write_text(
        json.dumps({"text": "Poland said NATO troops arrived in Warsaw on Friday.", "title": "NATO"})
        + "\n{not json\n"
        + json.dumps({"text": "Japan and South Korea held talks in Tokyo about North Korea."})
        + "\n"
    )
    return folder


def _ingest(db: str, folder: Path, *engine: str) -> dict:
    result = CliRunner().invoke(app, ["--db", db, "ingest", "--json", *engine, str(folder)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_ray_engine_stores_what_the_local_engine_stores(local_ray, tmp_path: Path) -> None:
    folder = _corpus(tmp_path / "in")
    ray_db, local_db = f"sqlite:///{tmp_path / 'ray.db'}", f"sqlite:///{tmp_path / 'local.db'}"

    by_ray = _ingest(ray_db, folder, "--engine", "ray", "--workers", "2")
    by_local = _ingest(local_db, folder)

    assert by_ray["ingested"] == by_local["ingested"] == 14  # 12 distinct files + 2 JSONL lines
    assert by_ray["duplicates"] == by_local["duplicates"] == 6
    assert sorted(f["origin"] for f in by_ray["failed"]) == sorted(f["origin"] for f in by_local["failed"])
    assert len(by_ray["failed"]) == 2  # the empty file and the bad JSONL line, one line each
    assert sorted(by_ray["article_ids"]) == sorted(by_local["article_ids"])
    ray_store, local_store = Store(ray_db), Store(local_db)
    assert ray_store.counts() == local_store.counts()
    assert list(ray_store.table_rows("mentions")) == list(local_store.table_rows("mentions"))
    # Vectors embedded on the workers: one per article, equal to the local engine's.
    import numpy as np

    def vectors(store: Store) -> dict[str, np.ndarray]:
        return {
            r["article_id"]: np.frombuffer(r["vector"], dtype="<f4") for r in store.table_rows("embeddings")
        }

    on_ray, local = vectors(ray_store), vectors(local_store)
    assert sorted(on_ray) == sorted(local) == sorted(by_ray["article_ids"])
    assert all(float(on_ray[a] @ local[a]) > 0.999 for a in local)

    again = _ingest(ray_db, folder, "--engine", "ray")
    assert again["ingested"] == 0 and again["duplicates"] == 20
