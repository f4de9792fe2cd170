"""Settings in one place: the packaged defaults, overlaid by a user's TOML file."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from veille.errors import ConfigError

ENV_CONFIG = "VEILLE_CONFIG"
ENV_DB = "VEILLE_DB"


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


@dataclass
class Settings:
    models: dict[str, str] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    extractors: dict[str, str] = field(default_factory=dict)
    batch_size: int = 32
    ingest: dict[str, Any] = field(default_factory=dict)
    store_url: str = "sqlite:///data/veille.db"
    raw: dict[str, Any] = field(default_factory=dict)

    def section(self, name: str) -> dict[str, Any]:
        value = self.raw.get(name, {})
        return value if isinstance(value, dict) else {}


def default_config() -> dict[str, Any]:
    text = resources.files("veille").joinpath("default.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def load_settings(path: str | Path | None = None, db: str | None = None) -> Settings:
    """Packaged defaults, then ``path`` (or $VEILLE_CONFIG, or ./veille.toml), then ``db``/$VEILLE_DB."""
    data = default_config()
    candidate = (
        path or os.environ.get(ENV_CONFIG) or ("veille.toml" if Path("veille.toml").is_file() else None)
    )
    if candidate:
        p = Path(candidate)
        try:
            data = _merge(data, tomllib.loads(p.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {p}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {p} is not valid TOML: {exc}") from None
    pipeline = data.get("pipeline", {})
    store_url = db or os.environ.get(ENV_DB) or data.get("store", {}).get("url", "sqlite:///data/veille.db")
    if "://" not in store_url:  # a bare path means a SQLite file
        store_url = f"sqlite:///{store_url}"
    settings = Settings(
        models=dict(data.get("models", {})),
        order=list(pipeline.get("order", [])),
        extractors=dict(data.get("extractors", {})),
        batch_size=int(pipeline.get("batch_size", 32)),
        ingest=dict(data.get("ingest", {})),
        store_url=store_url,
        raw=data,
    )
    unknown = [name for name in settings.order if name not in settings.extractors]
    if unknown:
        raise ConfigError(f"pipeline.order names extractors with no [extractors] entry: {', '.join(unknown)}")
    return settings
