"""Model objects to table rows and back: the store's writes and reads of declared record types."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import RowMapping, Table

from veille.facts import RecordType
from veille.model import fact_id
from veille.store import schema

T = TypeVar("T")

_PLAIN = (str, int, float, type(None))


def from_row(cls: type[T], row: Mapping[str, Any] | RowMapping) -> T:
    """A model dataclass from a row dict; columns the class lacks (``id`` of a mention) are ignored.

    A field that holds a model object (an event's ``quantity``, stored as a JSON object) is
    rebuilt as that object.
    """
    names, nested = _fields(cls)  # type: ignore[arg-type]  # a class is hashable
    values = {k: v for k, v in row.items() if k in names}
    for name, inner in nested.items():
        if isinstance(values.get(name), Mapping):
            values[name] = from_row(inner, values[name])
    return cls(**values)


def to_row(record: RecordType[Any], obj: object) -> dict[str, object]:
    """Model object -> row of its table, in column order (columns the object lacks are left out;
    an object-valued field becomes its JSON object). The row a read of the table gives back.

    A fact whose class has no ``id`` gets one derived from its provenance and content.
    """
    row: dict[str, object] = {}
    for name in _column_names(schema.table(record)):
        if hasattr(obj, name):
            row[name] = _jsonable(getattr(obj, name))
    if record.provenance and not record.keyed:
        row["id"] = _fact_key(record.table, obj)
    return row


def _jsonable(value: object) -> object:
    if isinstance(value, _PLAIN):  # most values: skip the dataclass check
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return value


def _fact_key(table: str, obj: Any) -> str:
    return fact_id(
        obj.article_id,
        table,
        obj.start,
        obj.end,
        obj.extractor,
        getattr(obj, "entity_id", "") or getattr(obj, "place_id", "") or getattr(obj, "text", ""),
    )


@cache
def _column_names(table: Table) -> tuple[str, ...]:
    return tuple(column.name for column in table.columns)


@cache
def _fields(cls: type) -> tuple[frozenset[str], dict[str, type]]:
    """The field names of ``cls`` and, for fields typed ``Model | None``, that model class."""
    hints = typing.get_type_hints(cls)
    nested: dict[str, type] = {}
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        args = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        models = [a for a in args if isinstance(a, type) and dataclasses.is_dataclass(a)]
        if models:
            nested[f.name] = models[0]
    return frozenset(f.name for f in dataclasses.fields(cls)), nested
