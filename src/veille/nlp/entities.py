"""Entity mentions: spaCy NER spans plus gazetteer matches from the knowledge base.

Gazetteer matches win where they overlap NER (NER often glues "ministère
britannique de la Défense de Telegram" into one span); NER fills in people,
organisations and places the knowledge base does not know. Languages without a
model get the gazetteer alone.
"""

from __future__ import annotations

import jellyfish
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from veille.config import Settings
from veille.model import Analysis, Mention, entity_kind, fold_token
from veille.names.knowledge import CAPITAL, DEMONYM, KnowledgeBase, knowledge_base
from veille.nlp.lemmas import lemma_forms, lemma_match_ok

GAZETTEER = "entities.gazetteer"
NER = "entities.ner"
PHONETIC = "entities.phonetic"

NER_LABELS = {
    "PER": "PER",
    "PERSON": "PER",
    "ORG": "ORG",
    "LOC": "LOC",
    "GPE": "GPE",
    "FAC": "LOC",
    "NORP": "NORP",
}


def _label_for(kb: KnowledgeBase, entity_id: str, how: str) -> str:
    if how == DEMONYM:
        return "NORP"
    kind = kb.entities[entity_id].kind
    return {"country": "GPE", "organisation": "ORG", "person": "PER", "place": "LOC"}.get(kind, "MISC")


def _case_ok(alias: str, matched: str, how: str) -> bool:
    """Acronyms match their exact case; names must be capitalised in the text ("Chad", not "chad")."""
    if how == DEMONYM:
        return True
    if alias.isupper() and len(alias) <= 6:
        return matched == alias
    return matched[:1].isupper() or not alias[:1].isupper()


class MentionExtractor:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.kb = knowledge_base()
        self._phonetic = self._phonetic_keys()

    def _phonetic_keys(self) -> dict[str, str]:
        """Metaphone keys of organisation acronyms: machine translation spells BRICS "Brix"."""
        keys: dict[str, str] = {}
        for alias, targets in self.kb.names.items():
            if alias.isupper() and len(alias) >= 4 and alias.isalpha() and alias.isascii():
                for t in targets:
                    if entity_kind(t.entity_id) == "organisation":
                        keys.setdefault(jellyfish.metaphone(alias), t.entity_id)
        return keys

    def gazetteer_spans(self, doc: Doc) -> list[Span]:
        """Longest knowledge-base names in the doc, case- and accent-insensitive.

        A scan over tokens that extends a span while its folded text is a prefix
        of some alias: no per-language matcher to build, any tokenizer works. Where
        ``nlp.lemmas`` set lemmas, a second scan over them finds inflected names
        ("Москві" is "Москва"); spans stay on the surface text.
        """
        spans = self._scan(doc, [fold_token(t.text) for t in doc])
        lemmas = lemma_forms(doc)
        if lemmas is not None:
            spans += self._scan(doc, [fold_token(lemma) for lemma in lemmas], by_lemma=True)
        return filter_spans(spans)

    def _scan(self, doc: Doc, folded: list[str], by_lemma: bool = False) -> list[Span]:
        aliases, prefixes = self.kb.folded_aliases()
        spaced = [bool(t.whitespace_) for t in doc]
        n = len(folded)
        spans = []
        for i in range(n):
            if folded[i].strip()[:1] not in prefixes:
                continue
            key = ""
            for j in range(i, n):
                key = (key + folded[j]).replace("  ", " ").lstrip()
                candidate = key.rstrip()
                if candidate not in prefixes:
                    break
                if by_lemma and not lemma_match_ok(doc[i : j + 1]):
                    pass
                else:
                    for alias in aliases.get(candidate, ()):
                        if any(_case_ok(alias, doc[i : j + 1].text, t.how) for t in self.kb.names[alias]):
                            spans.append(Span(doc, i, j + 1, label=alias))
                            break
                if spaced[j]:
                    key += " "
        return spans

    def __call__(self, analysis: Analysis, doc: Doc) -> None:
        gaz = self.gazetteer_spans(doc)
        taken = {i for span in gaz for i in range(span.start, span.end)}
        for span in gaz:
            target = self.kb.names[span.label_][0]
            analysis.mentions.append(
                self._mention(
                    analysis,
                    span,
                    _label_for(self.kb, target.entity_id, target.how),
                    GAZETTEER,
                    entity_id=target.entity_id,
                    role=CAPITAL if target.how == CAPITAL else None,
                )
            )
        for found in doc.ents:
            ent: Span | None = found
            if any(i in taken for i in range(found.start, found.end)):
                # "України Володимир Зеленський": the person after the country.
                ent = _person_beside(found, taken)
            if ent is None:
                continue
            label = NER_LABELS.get(ent.label_)
            if (
                label in (None, "ORG")
                and not self.kb.lookup(ent.text)
                and self._phonetic_match(analysis, ent)
            ):
                continue
            if label is None:
                continue
            trimmed = _trim(ent)
            if trimmed is not None and trimmed.text[:1].isupper():
                analysis.mentions.append(self._mention(analysis, trimmed, label, NER))
        analysis.mentions.sort(key=lambda m: m.start)

    def _phonetic_match(self, analysis: Analysis, ent: Span) -> bool:
        """An unknown ORG/MISC span whose word sounds like a known acronym ("Brix" ~ BRICS)."""
        found = False
        for token in ent:
            # Metaphone is for Latin letters: a Cyrillic word has no key ("МИД" is not "IRGC")
            if token.is_alpha and token.text[:1].isupper() and len(token) >= 3 and token.text.isascii():
                entity_id = self._phonetic.get(jellyfish.metaphone(token.text))
                if entity_id:
                    span = ent.doc[token.i : token.i + 1]
                    analysis.mentions.append(
                        self._mention(analysis, span, "ORG", PHONETIC, entity_id=entity_id)
                    )
                    found = True
        return found

    @staticmethod
    def _mention(
        analysis: Analysis,
        span: Span,
        label: str,
        extractor: str,
        entity_id: str | None = None,
        role: str | None = None,
    ) -> Mention:
        return Mention(
            article_id=analysis.article.id,
            start=span.start_char,
            end=span.end_char,
            text=span.text,
            label=label,
            sentence=analysis.sentence_at(span.start_char),
            extractor=extractor,
            entity_id=entity_id,
            role=role,
        )


def _person_beside(ent: Span, taken: set[int]) -> Span | None:
    """The capitalised words of a PER span left after a gazetteer name at its start is cut off.

    NER trained on one language glues a country to a name in another ("України Володимир
    Зеленський"); what follows the known name is still a person if every word is capitalised.
    """
    if ent.label_ not in ("PER", "PERSON"):
        return None
    start = ent.start
    while start < ent.end and start in taken:
        start += 1
    rest = ent.doc[start : ent.end]
    if start == ent.start or len(rest) < 2 or any(i in taken for i in range(start, ent.end)):
        return None
    if not all(t.is_alpha and t.text[:1].isupper() for t in rest):
        return None
    return Span(ent.doc, start, ent.end, label=ent.label_)


def _trim(span: Span) -> Span | None:
    """Drop leading/trailing whitespace and punctuation tokens that NER sometimes includes."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].is_space or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].is_space or doc[end - 1].is_punct):
        if doc[end - 1].is_quote and any(t.is_quote for t in doc[start : end - 1]):
            break  # the closing quote of ТОВ «Укргеоекологія» is part of the name
        end -= 1
    return doc[start:end] if end > start else None


def create_mention_extractor(settings: Settings) -> MentionExtractor:
    return MentionExtractor(settings)
