"""Claims with attribution: who stated, assessed, warned or forecast what.

A spaCy Matcher finds the cues (reporting verbs from ``cues.toml``, "selon X",
"according to X"); the dependency parse gives each cue its source (the subject,
the passive agent, the object of "selon") and its content (the clausal
complement, or the quoted clause a parenthetical cue follows). Sources are
resolved through ``analysis.mentions``. Attribution is carried to later
sentences when their source is a pronoun or a generic noun ("Il a noté",
"a indiqué le message"), when the cue is an agentless passive ("Il a été noté
que"), and when a sentence with no cue opens with a connective ("En outre, ...")
right after an attributed sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc, Span, Token

from veille.claims.lexicon import CueLexicon, cue_lexicon
from veille.config import Settings
from veille.lexicons import language_of
from veille.model import Analysis, Claim, Mention, fact_id

EXTRACTOR = "claims.attribution"
SUBJECT_DEPS = {"nsubj", "nsubj:pass", "nsubjpass", "expl:subj", "expl:pass"}
PASSIVE_DEPS = {"aux:pass", "auxpass", "nsubj:pass", "nsubjpass"}
AGENT_DEPS = {"obl:agent", "agent"}
CLAUSE_DEPS = {"ccomp", "xcomp", "oprd"}
RELATIVE_DEPS = {"relcl", "acl:relcl"}
EDGE_SKIP = {"PUNCT", "SPACE", "SCONJ", "CCONJ"}
COMPLEMENTISERS = {"que", "qu'", "qu’", "that"}
PERSONAL_PRONOUNS = {"il", "elle", "he", "she"}
CARRY_WINDOW = 5  # sentences an attribution stays available to pronouns and connectives
QUOTE_MAX_TOKENS = 200  # longest quotation looked back over
AS_MARKERS = {"как", "as", "comme"}  # "как сообщил X, ...", "as X said, ..."
APPOSITION = {"appos", "flat:name"}
SOURCE_SKIP = RELATIVE_DEPS | {"acl"}  # "дипломаты, встречавшиеся с X": X is not the source


@dataclass(frozen=True)
class Source:
    """Who a claim is attributed to, as found in the text."""

    entity: str | None
    text: str
    start: int
    end: int
    channel: str | None = None
    sentence: int = -1


@dataclass
class Found:
    """A claim before ids and provenance are filled in."""

    source: Source
    cue: Span
    content: Span
    kind: str
    segment: Span  # the sentence (or part of a merged one) the claim was read from


def trim(doc: Doc, start: int, end: int) -> Span | None:
    """Token range without the punctuation, quotes and "que/that" at its edges."""
    while start < end and (
        doc[start].pos_ in EDGE_SKIP
        or doc[start].is_punct
        or doc[start].is_space
        or doc[start].lower_ in COMPLEMENTISERS
    ):
        start += 1
    while end > start and (doc[end - 1].pos_ in {"PUNCT", "SPACE"} or doc[end - 1].is_space):
        end -= 1
    return doc[start:end] if end > start else None


def subtree_span(token: Token, skip_deps: Iterable[str] = ()) -> Span:
    """The token's subtree as a span, cut before children with ``skip_deps`` that follow it."""
    end = token.right_edge.i + 1
    for child in token.rights:
        if child.dep_ in skip_deps:
            end = min(end, child.left_edge.i)
    return token.doc[token.left_edge.i : max(end, token.i + 1)]


def segments(sent: Span) -> list[Span]:
    """Split a parser sentence that swallowed a full stop or a paragraph break.

    Parsers merge sentences on noisy text ("... de Moscou.\n\nSelon X, ..."); a claim's
    content and the carried attribution must not run across such a boundary.
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


def clip(span: Span | None, bounds: Span) -> Span | None:
    """The part of ``span`` inside ``bounds``, edges trimmed."""
    if span is None:
        return None
    return trim(span.doc, max(span.start, bounds.start), min(span.end, bounds.end))


def mentions_in(analysis: Analysis, start: int, end: int) -> list[Mention]:
    """Resolved mentions overlapping the character range."""
    return [m for m in analysis.mentions if m.entity_id and m.start < end and m.end > start]


def mention_for(analysis: Analysis, span: Span) -> Mention | None:
    """The mention naming a phrase: the one on its head word, else the nearest to it."""
    found = mentions_in(analysis, span.start_char, span.end_char)
    if not found:
        return None
    head = span.root.idx
    on_head = [m for m in found if m.start <= head < m.end]
    if not on_head:  # "представителя Белого дома Джона Кирби": the title's appositive names the speaker
        named = {c.idx for c in span.root.children if c.dep_ in APPOSITION and c.i < span.end}
        on_head = [m for m in found if m.start in named]
    return min(on_head or found, key=lambda m: abs(m.start - head))


def is_as_clause(cue: Token) -> bool:
    """The cue heads an "as" clause ("как сообщил X", "as X said", "comme l'a dit X")."""
    return any(c.dep_ == "mark" and c.lower_ in AS_MARKERS for c in cue.children)


def is_passive(cue: Token) -> bool:
    return any(child.dep_ in PASSIVE_DEPS for child in cue.children)


def subject_of(cue: Token) -> Token | None:
    for child in cue.children:
        if child.dep_ in SUBJECT_DEPS:
            return child
    if cue.dep_ in {"conj", "xcomp"} and cue.head.i != cue.i:  # "a déclaré ... et a ajouté"
        return subject_of(cue.head)
    if cue.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in cue.children):
        return subject_of(cue.head)  # "X became the first paper to endorse": X
    head = cue
    for _ in range(3):  # "..., adding that", "before noting that": the participle's governing verb speaks
        if head.tag_ != "VBG" or head.head.i == head.i:
            break
        head = head.head
        while head.pos_ == "ADP" and head.head.i != head.i:
            head = head.head
        found = next((c for c in head.children if c.dep_ in SUBJECT_DEPS), None)
        if found is not None:
            return found
    return None


class AttributionExtractor:
    """Finds the claims of one article; matchers are built once per vocabulary and language."""

    def __init__(self) -> None:
        self._matchers: dict[tuple[int, str], Matcher] = {}
        self._speech: dict[tuple[int, str], DependencyMatcher] = {}

    def matcher_for(self, doc: Doc, lang: str, lex: CueLexicon) -> Matcher:
        key = (id(doc.vocab), lang)
        if key not in self._matchers:
            matcher = Matcher(doc.vocab)
            matcher.add("cue", [[{"LEMMA": {"IN": sorted(lex.verbs)}, "POS": {"IN": ["VERB", "ADJ"]}}]])
            # the tagger sometimes reads "estime" as a noun; content is still required downstream
            matcher.add(
                "cue", [[{"LOWER": {"IN": sorted(lex.forms)}, "POS": {"IN": ["VERB", "ADJ", "NOUN"]}}]]
            )
            matcher.add("according", [[{"LOWER": word} for word in phrase] for phrase in lex.according])
            self._matchers[key] = matcher
        return self._matchers[key]

    def speech_matcher_for(self, doc: Doc, lang: str, lex: CueLexicon) -> DependencyMatcher:
        """Verb + speech-noun object ("took note of", "a exprimé son inquiétude")."""
        key = (id(doc.vocab), lang)
        if key not in self._speech:
            matcher = DependencyMatcher(doc.vocab)
            if lex.speech_nouns:
                pattern = [
                    {
                        "RIGHT_ID": "verb",
                        "RIGHT_ATTRS": {"POS": "VERB", "LEMMA": {"IN": sorted(lex.speech_verbs)}},
                    },
                    {
                        "LEFT_ID": "verb",
                        "REL_OP": ">",
                        "RIGHT_ID": "noun",
                        "RIGHT_ATTRS": {
                            "DEP": {"IN": ["obj", "dobj"]},
                            "LEMMA": {"IN": sorted(lex.speech_nouns)},
                        },
                    },
                ]
                matcher.add("speech", [pattern])
            self._speech[key] = matcher
        return self._speech[key]

    def __call__(self, analysis: Analysis, doc: Doc) -> None:
        if not (doc.has_annotation("DEP") and doc.has_annotation("POS")):
            return  # a blank pipeline (language without a model): no parse, no attribution
        lang = language_of(analysis, doc)
        lex = cue_lexicon(lang)
        matches = self.matcher_for(doc, lang, lex)(doc)
        speech = {verb: noun for _m, (verb, noun) in self.speech_matcher_for(doc, lang, lex)(doc)}
        cue_starts = {s for _m, s, _e in matches}  # a verb both cue and speech verb is read once
        matches += [(doc.vocab.strings.add("speech"), v, v + 1) for v in speech if v not in cue_starts]
        reader = ArticleReader(analysis, doc, lex, speech)
        for index, sent in enumerate(doc.sents):
            for segment in segments(sent):
                cues = [Span(doc, s, e, label=m) for m, s, e in matches if segment.start <= s < segment.end]
                reader.read_sentence(index, segment, cues)
        for found in reader.claims:
            analysis.claims.append(to_claim(analysis, found))


@dataclass
class ArticleReader:
    """Reads an article sentence by sentence, keeping the source in focus for carried attribution."""

    analysis: Analysis
    doc: Doc
    lex: CueLexicon
    speech: dict[int, int] = field(default_factory=dict)  # verb index -> speech-noun object index

    def __post_init__(self) -> None:
        self.text = self.doc.text  # Doc.text joins the tokens again on each access
        self.claims: list[Found] = []
        self.focus: Source | None = None
        self.last_claim_sentence = -10
        self.last_substantive = -10  # index of the last sentence with words in it

    # -- sentences ---------------------------------------------------------------------------

    def read_sentence(self, index: int, sent: Span, cues: list[Span]) -> None:
        if sum(t.is_alpha for t in sent) < 3:
            return  # a lone quote mark or heading fragment neither carries nor breaks attribution
        previous, self.last_substantive = self.last_substantive, index
        found: list[Found] = []
        for cue in cues:
            if cue.label_ == "according":
                claim = self.read_according(index, sent, cue)
            else:
                claim = self.read_cue(index, sent, cue[0])
            if claim:
                found.append(claim)
        if not found and not cues and self.last_claim_sentence == previous:
            claim = self.read_continuation(index, sent)
            if claim:
                found.append(claim)
        for claim in drop_nested(found):
            self.claims.append(claim)
            self.last_claim_sentence = index
            if claim.source.entity:
                self.focus = claim.source

    def carried(self, index: int) -> Source | None:
        if self.focus and index - self.focus.sentence <= CARRY_WINDOW:
            return self.focus
        return None

    # -- reporting verbs ---------------------------------------------------------------------

    def read_cue(self, index: int, sent: Span, cue: Token) -> Found | None:
        noun = self.doc[self.speech[cue.i]] if cue.i in self.speech else None
        if noun is not None:
            kind: str | None = self.lex.speech_nouns.get(noun.lemma_.lower())
        else:
            kind = self.lex.kind_of(cue.lemma_.lower(), cue.lower_)
        if kind is None:
            return None
        source = self.source_of(index, sent, cue)
        content = self.speech_content(noun, sent) if noun is not None else self.content_of(cue, sent)
        if content is not None and content.end > sent.start:  # a quotation before the sentence stays whole
            content = clip(content, sent)
        if source is None:
            return None
        if content is None:
            self.focus = source if source.entity else self.focus  # "Cela a été signalé par X": X in focus
            return None
        channel = self.channel_in(sent, content)
        if channel is None and kind == "evidence":  # "a publié un message sur Telegram"
            channel = self.channel_in(sent, None)
        if channel:
            source = replace(source, channel=channel)
        if kind == "assessment" and any(t.lower_ in self.lex.modals for t in content):
            kind = "forecast"
        return Found(source=source, cue=self.doc[cue.i : cue.i + 1], content=content, kind=kind, segment=sent)

    def source_of(self, index: int, sent: Span, cue: Token) -> Source | None:
        lemma = self.lex.lemma_of(cue.lemma_.lower(), cue.lower_)
        subject = subject_of(cue)
        if is_passive(cue) and lemma not in self.lex.stative:
            agent = self.agent_of(cue, index, sent)
            if agent is not None:
                return agent
            return self.with_sentence(self.carried(index), index)
        if subject is None and cue.dep_ in {"acl", "relcl"} and cue.head.i < cue.i:
            head = cue.head  # "the latest newspaper to endorse X": the speaker the cue modifies
            if head.lemma_.lower() in self.lex.anaphoric_nouns or mention_for(
                self.analysis, self.doc[head.i : head.i + 1]
            ):
                subject = head
        if subject is None:
            if "Inf" in cue.morph.get("VerbForm", []) or "Imp" in cue.morph.get("Mood", []):
                return None  # "Veuillez noter que": an instruction to the reader, nobody's claim
            return self.adjacent_source(index, sent, cue)
        full = subtree_span(subject, SOURCE_SKIP)
        if full.start < cue.i < full.end:  # the cue modifies its source ("the newspaper to endorse")
            full = self.doc[full.start : cue.i]
        span = clip(full, sent) or full
        mention = mention_for(self.analysis, span)
        if mention is None and self.is_anaphoric(subject):
            carried = self.carried(index) or self.last_person(index, subject)
            if carried:
                return replace(
                    carried, text=span.text, start=span.start_char, end=span.end_char, sentence=index
                )
        self.link_affiliation(mention, full)
        start, end = span.start_char, span.end_char
        if mention is not None:  # the parse may split a name ("Anna" / "Petrova"): keep all of it
            start, end = min(start, mention.start), max(end, mention.end)
        return Source(
            entity=mention.entity_id if mention else None,
            text=self.text[start:end],
            start=start,
            end=end,
            sentence=index,
        )

    def last_person(self, index: int, pronoun: Token) -> Source | None:
        """For "he"/"elle" with no source in focus: the last person named before it."""
        if pronoun.lower_ not in PERSONAL_PRONOUNS:
            return None
        people = [
            m
            for m in self.analysis.mentions
            if (m.entity_id or "").startswith("person:")
            and m.end <= pronoun.idx
            and index - m.sentence <= CARRY_WINDOW
        ]
        if not people:
            return None
        m = max(people, key=lambda m: m.start)
        return Source(m.entity_id, m.text, m.start, m.end, sentence=index)

    def with_sentence(self, source: Source | None, index: int) -> Source | None:
        return replace(source, sentence=index) if source else None

    def agent_of(self, cue: Token, index: int, sent: Span) -> Source | None:
        """The passive agent ("par X"); else an oblique naming an entity ("signalé au ministère")."""
        obliques = [c for c in cue.children if c.dep_ in AGENT_DEPS]
        obliques += [c for c in cue.children if c.dep_.startswith("obl") and c.pos_ in {"NOUN", "PROPN"}]
        for oblique in obliques:
            if not sent.start <= oblique.i < sent.end:
                continue
            phrase = oblique
            if oblique.dep_ == "agent":  # English: "by" heads its noun
                phrase = next((c for c in oblique.children if c.dep_ == "pobj"), oblique)
            span = subtree_span(phrase, RELATIVE_DEPS)
            mention = mention_for(self.analysis, span)
            if mention or oblique.dep_ in AGENT_DEPS:
                channel = self.channel_in(span, None)
                return Source(
                    entity=mention.entity_id if mention else None,
                    text=span.text,
                    start=span.start_char,
                    end=span.end_char,
                    channel=channel,
                    sentence=index,
                )
        return None

    def adjacent_source(self, index: int, sent: Span, cue: Token) -> Source | None:
        """A name right before the cue when the parse lost the subject ("l'expert X estime")."""
        i = cue.i - 1
        while i >= sent.start and self.doc[i].pos_ in {"AUX", "ADV"}:
            i -= 1
        if i < sent.start:
            return None
        token = self.doc[i]
        mention = mention_for(self.analysis, self.doc[i : i + 1])
        if mention is None or not (mention.start <= token.idx < mention.end):
            return None
        return Source(mention.entity_id, mention.text, mention.start, mention.end, sentence=index)

    def is_anaphoric(self, subject: Token) -> bool:
        word = subject.lower_
        return word in self.lex.pronouns or subject.lemma_.lower() in self.lex.anaphoric_nouns

    def link_affiliation(self, mention: Mention | None, span: Span) -> None:
        """Person -> organisation link from the source phrase ("Marc Dubois, porte-parole de la Maison Blanche")."""
        if mention is None or not (mention.entity_id or "").startswith("person:"):
            return
        person = self.analysis.entities.get(mention.entity_id or "")
        if person is None or "affiliation" in person.attributes:
            return
        for other in mentions_in(self.analysis, span.start_char, span.end_char):
            org = self.analysis.entities.get(other.entity_id or "")
            if org is not None and org.kind == "organisation":
                # a copy: the resolver may share one Entity object between articles
                linked = replace(person, attributes={**person.attributes, "affiliation": org.id})
                self.analysis.entities[person.id] = linked
                return

    def content_of(self, cue: Token, sent: Span) -> Span | None:
        """What was said: the clausal complement, else the clause a parenthetical cue follows."""
        children = [c for c in cue.children if sent.start <= c.i < sent.end]  # the parse may cross sentences
        for child in children:
            if child.dep_ in CLAUSE_DEPS:
                span = trim(self.doc, child.left_edge.i, child.right_edge.i + 1)
                if span is not None and len(span) > 1:
                    return span
        if cue.dep_ in {"parataxis", "ccomp", "advcl"} and sent.start <= cue.head.i < cue.i:
            # '"Le partenariat s'est renforcé", a indiqué le message': content before the cue
            span = trim(self.doc, cue.head.left_edge.i, cue.left_edge.i)
            if span is not None and len(span) > 2:
                return span
        if cue.dep_ in {"parataxis", "advcl"} and cue.i < cue.head.i < sent.end and is_as_clause(cue):
            # "Как сообщил X, <content>", "As X said, <content>": the clause the cue opens onto
            span = trim(self.doc, cue.right_edge.i + 1, cue.head.right_edge.i + 1)
            if span is not None and len(span) > 2:
                return span
        for child in children:  # "сообщил о том, что <content>": the clause on the pronoun
            if child.pos_ == "PRON" and child.dep_ in {"obl", "obj"}:
                for clause in child.children:
                    if clause.dep_ in {"acl", "ccomp"} and any(m.dep_ == "mark" for m in clause.children):
                        span = trim(self.doc, clause.left_edge.i, clause.right_edge.i + 1)
                        if span is not None and len(span) > 1:
                            return span
        for child in children:
            if child.dep_ in {"obj", "dobj"} and child.pos_ != "PRON":
                return trim(self.doc, child.left_edge.i, child.right_edge.i + 1)
        subject = subject_of(cue)
        if is_passive(cue) and subject is not None and subject.pos_ in {"NOUN", "PROPN"}:
            return trim(self.doc, sent.start, sent.end)  # "Une image ... a été publiée, montrant ..."
        return self.quote_before(cue)

    def quote_before(self, cue: Token) -> Span | None:
        """« … », a déclaré X: the quotation closing right before the cue, even when the
        parser made it a sentence of its own."""
        i = cue.i - 1
        while i >= 0 and (self.doc[i].pos_ == "AUX" or self.doc[i].text in {",", "-", "—"}):
            i -= 1
        if i < 0 or not self.doc[i].is_quote:
            return None
        close = i
        for j in range(close - 1, max(close - QUOTE_MAX_TOKENS, -1), -1):
            if self.doc[j].is_quote:
                return trim(self.doc, j + 1, close)
        return None

    def speech_content(self, noun: Token, sent: Span) -> Span | None:
        """What a speech noun is about: its complement ("inquiétude quant aux efforts", "note of X")."""
        deps = {"prep", "nmod", "acl", "ccomp", "obl", "obl:mod", "obl:arg"}
        after = [c for c in noun.children if c.i > noun.i] + [c for c in noun.head.children if c.i > noun.i]
        for child in after:
            if child.dep_ in deps and sent.start <= child.i < sent.end:
                start = child.left_edge.i
                while start < child.right_edge.i and self.doc[start].pos_ in {"ADP", "ADV"}:
                    start += 1  # "about the tariffs", "quant aux livraisons": the topic, not the preposition
                return trim(self.doc, start, child.right_edge.i + 1)
        return trim(self.doc, noun.left_edge.i, noun.right_edge.i + 1)

    def channel_in(self, sent: Span, content: Span | None) -> str | None:
        for token in sent:
            if content is not None and content.start <= token.i < content.end:
                continue
            marked = token.i > 0 and self.doc[token.i - 1].lower_ in self.lex.channel_markers
            if token.lower_ in self.lex.channels and marked:
                return token.text
        return None

    # -- "selon X", "according to X" ---------------------------------------------------------

    def read_according(self, index: int, sent: Span, marker: Span) -> Found | None:
        head = self.according_object(marker)
        if head is None or head.pos_ == "PRON":
            return None  # "selon lesquelles": a relative, not a source
        span = subtree_span(head, RELATIVE_DEPS)
        if span.start < marker.end:
            span = self.doc[marker.end : max(span.end, marker.end + 1)]
        span = clip(span, sent) or span
        comma = next((t.i for t in span if t.text in {",", ";", ":"}), None)
        if (
            comma is not None and comma > marker.end
        ):  # a bad parse must not let the source run into the content
            span = self.doc[marker.end : comma]
        phrase_end = span.end
        if marker.start - sent.start <= 1:  # "Selon X, contenu."
            content = trim(self.doc, phrase_end, sent.end)
        else:  # "contenu, selon X."
            content = trim(self.doc, sent.start, marker.start)
        if content is None or len(content) < 3:
            return None
        mention = mention_for(self.analysis, span)
        self.link_affiliation(mention, span)
        source = Source(
            mention.entity_id if mention else None, span.text, span.start_char, span.end_char, sentence=index
        )
        if mention is None and self.is_anaphoric(head) and self.carried(index):
            source = replace(self.carried(index) or source, sentence=index)
        return Found(source=source, cue=marker, content=content, kind="statement", segment=sent)

    def according_object(self, marker: Span) -> Token | None:
        last = marker[-1]
        for child in last.children:
            if child.dep_ in {"pobj", "obj", "obl", "nmod"}:  # nmod: "по словам X" (genitive)
                return child
        for token in marker:
            if token.dep_ in {"case", "mark", "fixed"} and token.head.i >= marker.end:
                return token.head
        nxt = marker.end
        return self.doc[nxt] if nxt < len(self.doc) and self.doc[nxt].pos_ in {"PROPN", "NOUN"} else None

    # -- sentences that carry the attribution on -------------------------------------------------

    def read_continuation(self, index: int, sent: Span) -> Found | None:
        """A cue-less sentence opened by a connective right after an attributed one."""
        carried = self.carried(index)
        if carried is None:
            return None
        words = [t.lower_ for t in sent[:4]]
        for phrase in self.lex.connectives:
            if tuple(words[: len(phrase)]) == phrase:
                opener = sent[: len(phrase)]
                content = trim(self.doc, opener.end, sent.end)
                if content is None or len(content) < 3:
                    return None
                kind = "forecast" if any(t.lower_ in self.lex.modals for t in content) else "statement"
                return Found(replace(carried, sentence=index), opener, content, kind, sent)
        return None


def drop_nested(found: list[Found]) -> list[Found]:
    """Keep one claim per content: a same-source claim inside another is the same report."""
    kept: list[Found] = []
    for claim in sorted(found, key=lambda f: -(f.content.end - f.content.start)):
        inside = any(
            k.source.entity == claim.source.entity
            and k.content.start <= claim.content.start
            and claim.content.end <= k.content.end
            for k in kept
        )
        if not inside:
            kept.append(claim)
    return sorted(kept, key=lambda f: f.content.start)


def to_claim(analysis: Analysis, found: Found) -> Claim:
    """A model Claim with provenance, the entities it is about and the date it was made."""
    content, cue, source = found.content, found.cue, found.source
    about: list[str] = []
    for m in mentions_in(analysis, content.start_char, content.end_char):
        if m.entity_id and m.entity_id not in about:
            about.append(m.entity_id)
    sentence = analysis.sentence_at(cue.start_char)
    return Claim(
        id=fact_id(analysis.article.id, "claim", cue.start_char, content.start_char, content.end_char),
        article_id=analysis.article.id,
        source_entity=source.entity,
        source_text=source.text,
        cue=cue.text,
        content=content.text,
        start=content.start_char,
        end=content.end_char,
        sentence=sentence,
        kind=found.kind,
        extractor=EXTRACTOR,
        about=about,
        channel=source.channel,
        date=claim_date(analysis, found.segment, content),
        source_start=source.start,
        source_end=source.end,
        cue_start=cue.start_char,
        cue_end=cue.end_char,
    )


def claim_date(analysis: Analysis, segment: Span, content: Span) -> str | None:
    """When the claim was made: a date of its sentence outside the content ("le 30 septembre, X estime")."""
    for ref in analysis.dates:
        inside = segment.start_char <= ref.start < segment.end_char
        if inside and (ref.end <= content.start_char or ref.start >= content.end_char):
            return ref.value
    return None


def create_claim_extractor(settings: Settings) -> Callable[[Analysis, Doc], None]:
    """Pipeline factory (``[extractors] claims``)."""
    return AttributionExtractor()
