"""The pipeline contract: what each extractor reads from an ``Analysis`` and what it adds.

An extractor factory (named in ``[extractors]``) declares it, as spaCy components do
with ``Language.factory(requires=..., assigns=...)``::

    @extractor_factory(requires=("mentions",), assigns=("claims",))
    def create_claim_extractor(settings: Settings) -> Extractor: ...

``check_order`` then refuses, at start-up, an ``[pipeline] order`` that runs an extractor
before every extractor that assigns what it requires. A field no configured extractor
assigns is not an error: extractors cope with an empty list (no geoparser, no places).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Generic, TypeVar

from veille.config import Settings
from veille.errors import ConfigError
from veille.model import Analysis

if TYPE_CHECKING:
    from spacy.tokens import Doc

Extractor = Callable[[Analysis, "Doc"], None]
E = TypeVar("E")
# What an extractor may read or add: the fact lists of an Analysis (not the article itself).
FACT_FIELDS = frozenset(f.name for f in fields(Analysis)) - {"article", "sentences", "extractor_runs"}


@dataclass(frozen=True)
class ExtractorFactory(Generic[E]):
    """A factory ``create(settings) -> extractor`` with the Analysis fields it reads and adds."""

    build: Callable[[Settings], E]
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()

    def __call__(self, settings: Settings) -> E:
        return self.build(settings)


def extractor_factory(
    *, requires: Sequence[str] = (), assigns: Sequence[str] = ()
) -> Callable[[Callable[[Settings], E]], ExtractorFactory[E]]:
    """Declare a factory's contract; an unknown field name fails at import, not at run time."""
    unknown = sorted((set(requires) | set(assigns)) - FACT_FIELDS)
    if unknown:
        raise ValueError(
            f"not Analysis fields: {', '.join(unknown)} (known: {', '.join(sorted(FACT_FIELDS))})"
        )

    def declare(build: Callable[[Settings], E]) -> ExtractorFactory[E]:
        return ExtractorFactory(build, tuple(requires), tuple(assigns))

    return declare


def check_order(factories: Sequence[tuple[str, object]]) -> None:
    """ConfigError if an extractor runs before all the extractors that assign a field it requires.

    ``factories`` are (name, factory) in run order; a factory without a declared contract (a
    plain function) is run unchecked.
    """
    declared = [(name, f) for name, f in factories if isinstance(f, ExtractorFactory)]
    position = {name: i for i, (name, _) in enumerate(factories)}
    for name, factory in declared:
        for field in factory.requires:
            assigners = [other for other, f in declared if field in f.assigns and other != name]
            if assigners and all(position[other] > position[name] for other in assigners):
                by = ", ".join(f"'{other}'" for other in assigners)
                raise ConfigError(
                    f"extractor '{name}' requires '{field}', assigned by {by}, which runs after it: "
                    "reorder [pipeline] order"
                )
