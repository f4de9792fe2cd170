"""Reading the dependency parse: subjects, passives, phrases, sentence parts, the mention a phrase names.

Shared by the extractors that read arguments off the parse (``claims.attribution``,
``events.extraction``), so a subject or a phrase is found the same way by both. The
labels cover the UD (French, Russian) and ClearNLP (English) schemes.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Span, Token

from veille.model import Analysis, Mention

SUBJECT_DEPS = {"nsubj", "nsubj:pass", "nsubjpass", "expl:subj", "expl:pass"}
PASSIVE_DEPS = {"aux:pass", "auxpass", "nsubj:pass", "nsubjpass"}
APPOSITION = {"appos", "flat:name"}


def subtree_span(token: Token, skip_deps: Iterable[str] = ()) -> Span:
    """The token's subtree as a span, cut before children with ``skip_deps`` that follow it."""
    end = token.right_edge.i + 1
    for child in token.rights:
        if child.dep_ in skip_deps:
            end = min(end, child.left_edge.i)
    return token.doc[token.left_edge.i : max(end, token.i + 1)]


def segments(sent: Span) -> list[Span]:
    """Split a parser sentence that swallowed a full stop or a paragraph break.

    Parsers merge sentences on noisy text ("... de Moscou.\\n\\nSelon X, ..."); a claim's
    content, an event's arguments and a carried attribution must not run across such a boundary.
    """
    doc = sent.doc
    cuts = [sent.start]
    for token in sent[:-1]:
        nxt = doc[token.i + 1]
        final_stop = token.text in {".", "!", "?"} and (nxt.is_title or nxt.is_space or nxt.is_quote)
        if final_stop and token.text == "." and token.i > 0 and is_abbreviation(doc[token.i - 1]):
            final_stop = False  # "M. Dupont", "Dr. Smith"
        if (final_stop or (token.is_space and "\n" in token.text)) and token.i + 1 > cuts[-1]:
            cuts.append(token.i + 1)
    cuts.append(sent.end)
    return [doc[a:b] for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


def is_abbreviation(token: Token) -> bool:
    """A title or initial before a full stop ("M", "Mme", "Dr", "J")."""
    short_title = token.is_title and len(token.text) <= 3  # "M", "Mme", "Dr"; "USA." still ends a sentence
    return token.is_alpha and short_title and not token.whitespace_


def is_passive(verb: Token) -> bool:
    return any(child.dep_ in PASSIVE_DEPS for child in verb.children)


def subject_of(verb: Token) -> Token | None:
    """The verb's subject; for a verb without one, the subject of the verb it depends on."""
    subjects = [child for child in verb.children if child.dep_ in SUBJECT_DEPS]
    if subjects:  # a bad parse may give two: the one next to the verb speaks ('"…," The Hill reported')
        return min(subjects, key=lambda child: abs(child.i - verb.i))
    if verb.dep_ in {"conj", "xcomp", "acomp"} and verb.head.i != verb.i:  # "a déclaré ... et a ajouté"
        return subject_of(verb.head)
    if verb.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return subject_of(verb.head)  # "X became the first paper to endorse": X
    head = verb
    for _ in range(3):  # "..., adding that", "before noting that": the participle's governing verb speaks
        if head.tag_ != "VBG" or head.head.i == head.i:
            break
        head = head.head
        while head.pos_ == "ADP" and head.head.i != head.i:
            head = head.head
        found = next((c for c in head.children if c.dep_ in SUBJECT_DEPS), None)
        if found is not None:
            return found
        if head.dep_ in {"conj", "xcomp", "acomp"} and head.tag_ != "VBG":  # "never seem to tire of telling"
            return subject_of(head)
    return None


def resolved_mentions(analysis: Analysis, start: int, end: int) -> list[Mention]:
    """Resolved mentions overlapping the character range."""
    return [m for m in analysis.by_offset("mentions").overlapping(start, end) if m.entity_id]


def mention_for(analysis: Analysis, span: Span) -> Mention | None:
    """The mention naming a phrase: the one on its head word, else the nearest to it."""
    found = resolved_mentions(analysis, span.start_char, span.end_char)
    if not found:
        return None
    head = span.root.idx
    on_head = [m for m in found if m.start <= head < m.end]
    if not on_head:  # "представителя Белого дома Джона Кирби": the title's appositive names the speaker
        named = {c.idx for c in span.root.children if c.dep_ in APPOSITION and c.i < span.end}
        on_head = [m for m in found if m.start in named]
    return min(on_head or found, key=lambda m: abs(m.start - head))
