"""Is a place name used for its government ("Moscou a déclaré", "Washington says")?

Shared by entity resolution (the mention resolves to the country) and geoparsing
(the place link is kept but flagged), so both make the same call.
"""

from __future__ import annotations

from spacy.tokens import Span

# Dependency labels of a subject across the UD (French) and ClearNLP (English) schemes.
SUBJECT_DEPS = {"nsubj", "nsubj:pass", "nsubjpass", "csubj", "agent", "expl:subj"}
# "selon Moscou", "d'après Téhéran", "according to Washington"
SOURCE_MARKERS = ({"selon"}, {"d'", "après"}, {"d'après"}, {"according", "to"})


def is_government_use(span: Span) -> bool:
    """True when the place name acts as an agent: subject of a verb, or a cited source."""
    root = span.root
    if root.dep_ in SUBJECT_DEPS and root.head.pos_ in {"VERB", "AUX"}:
        return True
    if root.dep_ == "conj" and root.head.dep_ in SUBJECT_DEPS:
        return True
    doc = span.doc
    for marker in SOURCE_MARKERS:
        before = {doc[i].lower_ for i in range(max(0, span.start - len(marker)), span.start)}
        if before == marker:
            return True
    return False
