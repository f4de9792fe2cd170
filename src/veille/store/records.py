"""Rows read back into model objects (the inverse of the store's writes)."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


def from_row(cls: type[T], row: Mapping[str, Any]) -> T:
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
