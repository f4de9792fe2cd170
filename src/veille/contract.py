"""The pipeline contract: what each extractor reads from an ``Analysis`` and what it adds.

An extractor factory (named in ``[extractors]``) declares it, as spaCy components do
with ``Language.factory(requires=..., assigns=...)``::

    @extractor_factory(requires=("mentions",), assigns=("claims",))
    def create_claim_extractor(settings: Settings) -> Extractor: ...

``check_order`` then refuses, at start-up, an ``[pipeline] order`` that runs an extractor
before every extractor that assigns what it requires. A field no configured extractor
assigns is not an error: extractors cope with an empty list (no geoparser, no places).

``reads`` names the spaCy annotations an extractor needs from the Doc (``Doc.has_annotation``
names: ``"DEP"`` for the dependency parse). A language whose pipeline lacks one still runs
the extractor, and the article records the run as limited (``veille.nlp.coverage``).
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
# What an extractor may read from the Doc: what it is, and the pipeline component that makes it.
DOC_ANNOTATIONS = {
    "DEP": ("a dependency parse", "parser"),
    "ENT_IOB": ("named-entity tags", "NER model"),
    "POS": ("part-of-speech tags", "tagger"),
}


@dataclass(frozen=True)
class ExtractorFactory(Generic[E]):
    """A factory ``create(settings) -> extractor`` with the Analysis fields it reads and adds."""

    build: Callable[[Settings], E]
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()

    def __call__(self, settings: Settings) -> E:
        return self.build(settings)


def extractor_factory(
    *, requires: Sequence[str] = (), assigns: Sequence[str] = (), reads: Sequence[str] = ()
) -> Callable[[Callable[[Settings], E]], ExtractorFactory[E]]:
    """Declare a factory's contract; an unknown field or annotation fails at import, not at run time."""
    unknown = sorted((set(requires) | set(assigns)) - FACT_FIELDS)
    if unknown:
        raise ValueError(
            f"not Analysis fields: {', '.join(unknown)} (known: {', '.join(sorted(FACT_FIELDS))})"
        )
    unknown = sorted(set(reads) - set(DOC_ANNOTATIONS))
    if unknown:
        raise ValueError(f"not Doc annotations: {', '.join(unknown)} (known: {', '.join(DOC_ANNOTATIONS)})")

    def declare(build: Callable[[Settings], E]) -> ExtractorFactory[E]:
        return ExtractorFactory(build, tuple(requires), tuple(assigns), tuple(reads))

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


def doc_reads(factory: object) -> tuple[str, ...]:
    """The Doc annotations a factory declares it reads (none for an undeclared plain function)."""
    return factory.reads if isinstance(factory, ExtractorFactory) else ()
