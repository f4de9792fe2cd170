"""Organisations named by a legal form and a quoted name: ТОВ «Укргеоекологія», ООО «Ромашка».

Business news in Ukrainian and Russian names companies this way; a NER model trained
elsewhere misses most of them (slovnet on NER-UK 2.0: ORG recall 0.17). spaCy's
``entity_ruler`` matches the form (from ``legal_forms.toml``) followed by a name in
quotes, and its spans replace what the NER found there.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources

from spacy.language import Language

RULER = "veille_legal_forms"
OPENING = ["«", '"', "„", "“"]
CLOSING = ["»", '"', "“", "”"]


@lru_cache(maxsize=1)
def legal_forms() -> dict[str, list[str]]:
    text = resources.files("veille.nlp").joinpath("legal_forms.toml").read_text(encoding="utf-8")
    return {lang: list(forms) for lang, forms in tomllib.loads(text).items()}


def add_legal_form_ruler(nlp: Language, lang: str | None) -> bool:
    """Add the ruler for a language with legal forms listed; whether it was added."""
    forms = legal_forms().get((lang or "").lower())
    if not forms or nlp.has_pipe(RULER):
        return False
    ruler = nlp.add_pipe("entity_ruler", name=RULER, config={"overwrite_ents": True})
    ruler.add_patterns(  # type: ignore[attr-defined]
        [
            {
                "label": "ORG",
                "pattern": [
                    {"ORTH": {"IN": forms}, "OP": "{1,2}"},  # "ТОВ НПП «...»"
                    {"ORTH": {"IN": OPENING}},
                    {"ORTH": {"NOT_IN": CLOSING}, "IS_SENT_START": False, "OP": "{1,8}"},
                    {"ORTH": {"IN": CLOSING}},
                ],
            }
        ]
    )
    return True
