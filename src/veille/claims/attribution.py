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

Beyond verbs: quotations are paired over sentences and paragraphs (``claims.quotes``) and
read whole before an inverted cue or after "said:"; speech nouns with a named owner
("Smith's warning that"), stance adjectives, speakers before a colon ("SMITH: ...") and
after a dash ('"..." ― Name') are cues too. A cue inside a quotation, or inside another
claim's content, is reported speech within that claim, not a claim of its own.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc, Span, Token

from veille.claims.lexicon import CueLexicon, cue_lexicon
from veille.claims.quotes import Quotations, find_quotations, is_paragraph_break
from veille.config import Settings
from veille.contract import extractor_factory
from veille.lexicons import language_of
from veille.model import Analysis, Claim, ClaimKind, Mention, SourceType, entity_kind, fact_id
from veille.nlp.syntax import is_passive, mention_for, resolved_mentions, segments, subject_of, subtree_span

EXTRACTOR = "claims.attribution"
AGENT_DEPS = {"obl:agent", "agent"}
CLAUSE_DEPS = {"ccomp", "xcomp", "oprd"}
RELATIVE_DEPS = {"relcl", "acl:relcl"}
# A source phrase keeps its relative clause ("Joseph, who has four children") but not a
# participle or adverbial trailing it ("Trump, speaking to veterans", "a poll released in May").
SOURCE_CUT_DEPS = {"acl", "advcl", "npadvmod"}
EDGE_SKIP = {"PUNCT", "SPACE", "SCONJ", "CCONJ"}
COMPLEMENTISERS = {"que", "qu'", "qu’", "that"}
PERSONAL_PRONOUNS = {"il", "elle", "he", "she", "him", "his", "her"}
CARRY_WINDOW = 5  # sentences an attribution stays available to pronouns and connectives
QUOTE_MAX_TOKENS = 200  # longest quotation looked back over
MAX_NAME_TOKENS = 6  # a speaker's name before a colon or after a dash
DASHES = {"―", "—", "–", "-", "--"}
AS_MARKERS = {"как", "as", "comme"}  # "как сообщил X, ...", "as X said, ..."


@dataclass(frozen=True)
class Source:
    """Who a claim is attributed to, as found in the text."""

    entity: str | None
    text: str
    start: int
    end: int
    channel: str | None = None
    sentence: int = -1

    @classmethod
    def of(cls, span: Span, mention: Mention | None, sentence: int, channel: str | None = None) -> Source:
        """The words of ``span`` as the source, with the entity of its mention when one was found."""
        return cls(
            mention.entity_id if mention else None,
            span.text,
            span.start_char,
            span.end_char,
            channel=channel,
            sentence=sentence,
        )


@dataclass
class Found:
    """A claim before ids and provenance are filled in."""

    source: Source
    cue: Span
    content: Span
    kind: ClaimKind
    segment: Span  # the sentence (or part of a merged one) the claim was read from
    # A sentence with no cue that carries on an earlier attribution ("En outre, ..."): the cue of
    # the sentence that named the source. ``cue`` then only anchors the claim in its sentence;
    # the connective is a discourse marker, never the cue.
    carried_cue: Span | None = None


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


def clip(span: Span | None, bounds: Span) -> Span | None:
    """The part of ``span`` inside ``bounds``, edges trimmed."""
    if span is None:
        return None
    return trim(span.doc, max(span.start, bounds.start), min(span.end, bounds.end))


def is_as_clause(cue: Token) -> bool:
    """The cue heads an "as" clause ("как сообщил X", "as X said", "comme l'a dit X")."""
    return any(c.dep_ == "mark" and c.lower_ in AS_MARKERS for c in cue.children)


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
            if lex.nominal:  # "Trump's claim that", "his warning about"
                matcher.add("nominal", [[{"LEMMA": {"IN": sorted(lex.nominal)}, "POS": "NOUN"}]])
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
        by_start = sorted(
            range(len(matches)), key=lambda k: matches[k][1]
        )  # found by bisection, kept in order
        starts = [matches[k][1] for k in by_start]
        for index, sent in enumerate(doc.sents):
            for segment in segments(sent):
                here = sorted(by_start[bisect_left(starts, segment.start) : bisect_left(starts, segment.end)])
                cues = [Span(doc, s, e, label=m) for m, s, e in (matches[k] for k in here)]
                reader.read_sentence(index, segment, cues)
        reader.read_credits()
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
        self.quotes: Quotations = find_quotations(self.doc)
        self.speech_objects = set(self.speech.values())
        self.claims: list[Found] = []
        self.focus: Source | None = None
        self.focus_cue: Span | None = None  # the cue that put ``focus`` in focus
        self.last_claim_sentence = -10
        self.last_substantive = -10  # index of the last sentence with words in it

    # -- sentences ---------------------------------------------------------------------------

    def read_sentence(self, index: int, sent: Span, cues: list[Span]) -> None:
        if sum(t.is_alpha for t in sent) < 3 and not cues:
            return  # a lone quote mark or heading fragment neither carries nor breaks attribution
        previous, self.last_substantive = self.last_substantive, index
        found: list[Found] = []
        for cue in cues:
            if cue.label_ == "according":
                claim = self.read_according(index, sent, cue)
            elif cue.label_ == "nominal":
                claim = self.read_nominal(index, sent, cue[0])
            else:
                claim = self.read_cue(index, sent, cue[0])
            if claim:
                found.append(claim)
        speaker = self.read_speaker_line(index, sent)
        if speaker is not None:
            found.append(speaker)
        if not found and not cues and self.last_claim_sentence == previous:
            claim = self.read_continuation(index, sent)
            if claim:
                found.append(claim)
        for claim in drop_nested(found):
            self.claims.append(claim)
            self.last_claim_sentence = index
            if claim.source.entity:
                self.focus, self.focus_cue = claim.source, claim.carried_cue or claim.cue

    def carried(self, index: int) -> Source | None:
        if self.focus and index - self.focus.sentence <= CARRY_WINDOW:
            return self.focus
        return None

    # -- reporting verbs ---------------------------------------------------------------------

    def read_cue(self, index: int, sent: Span, cue: Token) -> Found | None:
        noun = self.doc[self.speech[cue.i]] if cue.i in self.speech else None
        if noun is not None:
            kind: ClaimKind | None = self.lex.speech_nouns.get(noun.lemma_.lower())
        else:
            kind = self.lex.kind_of(cue.lemma_.lower(), cue.lower_)
        if kind is None:
            return None
        if self.quotes.around(cue.i) is not None:
            return (
                None  # a cue inside a quotation is the quoted speaker's wording: the quotation is the claim
            )
        source = self.source_of(index, sent, cue)
        content = self.quoted_content(cue) if noun is None else None
        if content is None:
            content = self.speech_content(noun, sent) if noun is not None else self.content_of(cue, sent)
            if (
                content is not None and content.end > sent.start
            ):  # a quotation before the sentence stays whole
                content = self.whole_quotation(clip(content, sent), cue)
        if source is None:
            return None
        if content is None:
            if source.entity:  # "Cela a été signalé par X": X in focus
                self.focus, self.focus_cue = source, self.doc[cue.i : cue.i + 1]
            return None
        channel = self.channel_in(sent, content)
        if channel is None and kind == "evidence":  # "a publié un message sur Telegram"
            channel = self.channel_in(sent, None)
        if channel:
            source = replace(source, channel=channel)
        if kind == "assessment" and any(t.lower_ in self.lex.modals for t in content):
            kind = "forecast"
        return Found(source=source, cue=self.cue_span(cue, content), content=content, kind=kind, segment=sent)

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
            if (
                head.lemma_.lower() in self.lex.anaphoric_nouns
                or mention_for(self.analysis, self.doc[head.i : head.i + 1])
                or (cue.tag_ == "VBG" and head.pos_ in {"NOUN", "PROPN", "NUM"})  # "a tweet attacking X"
            ):
                subject = head
        if subject is None:
            if "Inf" in cue.morph.get("VerbForm", []) or "Imp" in cue.morph.get("Mood", []):
                return None  # "Veuillez noter que": an instruction to the reader, nobody's claim
            return self.adjacent_source(index, sent, cue)
        if subject.lower_ in self.lex.non_sources:
            return None  # "a letter that says", generic "you": not who is speaking
        full = self.source_span(subject)
        if full.start < cue.i < full.end:  # the cue modifies its source ("the newspaper to endorse")
            full = self.doc[full.start : max(cue.left_edge.i, subject.i + 1)]
        return self.source_phrase(index, sent, subject, full)

    def source_span(self, head: Token) -> Span:
        """The source phrase: the head's subtree, cut before a participle or adverbial set off by
        a comma ("Trump, speaking to veterans, said"; "a union representing pilots" stays whole)
        and before a relative clause that reports on its own ("The Post, which gave X its support")."""
        doc = head.doc
        end = head.right_edge.i + 1
        for child in head.rights:
            # the comma before the phrase, which the parse may have attached to the phrase itself
            comma = child.left_edge.i if doc[child.left_edge.i].text == "," else child.left_edge.i - 1
            after_comma = comma > head.i and doc[comma].text == ","
            reports = child.dep_ in RELATIVE_DEPS and self.reports(child)
            if after_comma and (child.dep_ in SOURCE_CUT_DEPS or reports):
                end = min(end, comma)
        return doc[head.left_edge.i : max(end, head.i + 1)]

    def reports(self, verb: Token) -> bool:
        """A cue verb, or a verb whose object is a speech noun ("gave Clinton its support")."""
        if self.lex.kind_of(verb.lemma_.lower(), verb.lower_):
            return True
        return any(c.dep_ in {"dobj", "obj"} and c.lemma_.lower() in self.lex.nominal for c in verb.children)

    def source_phrase(self, index: int, sent: Span, head: Token, full: Span) -> Source:
        """The source a phrase names: its entity, else the one a pronoun or description points back to."""
        subject = head
        span = clip(full, sent) or full
        start = span.start
        for token in span:  # "BRUSSELS - European leaders", "predictable - Donald J. Trump": after the dash
            if token.i >= head.i:
                break
            spaced = bool(token.whitespace_) and token.i > 0 and bool(self.doc[token.i - 1].whitespace_)
            if token.text in DASHES and spaced and token.i + 1 <= head.i:  # not "Holtz-Eakin"
                start = token.i + 1
        span = self.doc[start : span.end] if start > span.start else span
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
            if span.end < len(self.doc) and self.doc[span.end].pos_ == "VERB":
                end = min(end, self.doc[span.end].idx)  # not over the cue ("Obama Says" read as a name)
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
            if entity_kind(m.entity_id) == "person"
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
                return Source.of(span, mention, index, channel)
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
            if token.pos_ == "NOUN" and token.tag_ == "NNS" and token.dep_ not in {"pobj", "dobj", "obj"}:
                # "the $20 million experts say it costs": a bare plural the parse left unattached
                return self.source_phrase(index, sent, token, self.doc[token.left_edge.i : i + 1])
            return None
        return Source(mention.entity_id, mention.text, mention.start, mention.end, sentence=index)

    def is_anaphoric(self, subject: Token) -> bool:
        word = subject.lower_
        if word in self.lex.pronouns:
            return True
        # "the ministry", "le porte-parole" point back; "officials", "a senior diplomat" do not
        definite = any(
            c.dep_ in {"det", "poss"} and ("Def" in c.morph.get("Definite", []) or c.dep_ == "poss")
            for c in subject.children
        )
        if self.lex.bare_definite and not definite:  # no articles (Russian): "ведомство" yes, "чиновники" no
            definite = "Sing" in subject.morph.get("Number", [])
        return definite and subject.lemma_.lower() in self.lex.anaphoric_nouns

    def link_affiliation(self, mention: Mention | None, span: Span) -> None:
        """Person -> organisation link from the source phrase ("Marc Dubois, porte-parole de la Maison Blanche")."""
        if mention is None or entity_kind(mention.entity_id) != "person":
            return
        person = self.analysis.entities.get(mention.entity_id or "")
        if person is None or "affiliation" in person.attributes:
            return
        for other in resolved_mentions(self.analysis, span.start_char, span.end_char):
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
        has_object = any(c.dep_ in {"obj", "dobj"} for c in children)
        head_is_cue = self.lex.kind_of(cue.head.lemma_.lower(), cue.head.lower_) is not None
        if (
            cue.dep_ in {"parataxis", "ccomp", "advcl"}
            and sent.start <= cue.head.i < cue.i
            and not (has_object or head_is_cue)  # "X says she opposes the deal": the content of "says"
        ):
            # '"Le partenariat s'est renforcé", a indiqué le message': content before the cue
            span = trim(self.doc, cue.head.left_edge.i, cue.left_edge.i)
            if span is not None and len(span) > 2:
                return span
        if cue.dep_ == "parataxis" and cue.i < cue.head.i < sent.end:
            # "During his term, Mr. Obama said, a majority came to believe ...": the rest of the clause
            span = trim(self.doc, cue.right_edge.i + 1, cue.head.right_edge.i + 1)
            if span is not None and len(span) > 2:
                return span
        if cue.dep_ == "advcl" and cue.i < cue.head.i < sent.end and is_as_clause(cue):
            # "Как сообщил X, <content>": the clause the "as" clause opens onto, not the cue's own
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
        topic = self.topic_of(cue, children)
        if topic is not None:
            return topic
        if cue.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in cue.children):
            # "Hawaii, as one adviser pointed out, rarely gets two hurricanes": the clause around
            span = trim(self.doc, cue.head.left_edge.i, cue.head.right_edge.i + 1)
            if span is not None and len(span) > len(list(cue.subtree)) + 2:
                return span
        tail = self.parenthetical_tail(cue, sent)
        if tail is not None:
            return tail
        if cue.dep_ in RELATIVE_DEPS and cue.head.i < cue.i and cue.head.pos_ in {"NOUN", "PROPN"}:
            # "an explosion that the mayor described as ...", "the rate he has proposed": the noun it modifies
            return trim(self.doc, cue.head.left_edge.i, cue.left_edge.i)
        subject = subject_of(cue)
        if is_passive(cue) and subject is not None and subject.pos_ in {"NOUN", "PROPN"}:
            return trim(self.doc, sent.start, sent.end)  # "Une image ... a été publiée, montrant ..."
        return self.quote_before(cue) or self.that_clause_below(cue, sent)

    def that_clause_below(self, cue: Token, sent: Span) -> Span | None:
        """ "reported at the time that X", "tweeted in the early hours that X": the parse hung the
        cue's that-clause on a noun of an adverbial after the cue."""
        for token in self.doc[cue.i + 1 : min(cue.right_edge.i + 1, sent.end)]:
            if token.dep_ in {"ccomp", "acl", "relcl"} and token.head.i != cue.i:
                marks = [c for c in token.children if c.dep_ == "mark" and c.lower_ in COMPLEMENTISERS]
                if marks and marks[0].i > cue.i:
                    return trim(self.doc, marks[0].i, token.right_edge.i + 1)
        return None

    def parenthetical_tail(self, cue: Token, sent: Span) -> Span | None:
        """ "People like Scott, he said.": a cue clause closing the sentence after a comma."""
        subject = subject_of(cue)
        if subject is None or subject.i > cue.i:
            return None
        start = subject.left_edge.i
        rest = [t for t in self.doc[cue.i + 1 : sent.end] if not (t.is_punct or t.is_space)]
        if start - 1 <= sent.start or self.doc[start - 1].text != "," or len(rest) > 3:
            return None
        span = trim(self.doc, sent.start, start - 1)
        return span if span is not None and len(span) > 2 else None

    def topic_of(self, cue: Token, children: list[Token]) -> Span | None:
        """ "called for X", "spoke of X", "warned against X", "responded by X": the preposition's object."""
        for child in children:
            if child.dep_ == "prep" and child.lower_ in self.lex.topic_prepositions and child.i > cue.i:
                objects = [c for c in child.children if c.dep_ in {"pobj", "pcomp"}]
                if child.lower_ == "by":  # "responded by citing X", not "fell by four points"
                    objects = [c for c in objects if c.dep_ == "pcomp"]
                objects = [c for c in objects if c.ent_type_ not in {"DATE", "TIME"}]  # "spoke on Saturday"
                if objects:
                    return trim(self.doc, objects[0].left_edge.i, objects[-1].right_edge.i + 1)
        return None

    def cue_span(self, cue: Token, content: Span) -> Span:
        """The cue word with its particle and the preposition before its content ("called for", "pointed out")."""
        end = cue.i + 1
        while end < len(self.doc) and self.doc[end].dep_ == "prt" and self.doc[end].head.i == cue.i:
            end += 1
        if content.start == end + 1 and self.doc[end].dep_ == "prep" and self.doc[end].head.i == cue.i:
            end += 1
        return self.doc[cue.i : end]

    # -- quotations ------------------------------------------------------------------------------

    def quoted_content(self, cue: Token) -> Span | None:
        """A quotation the cue introduces or follows, whole, across sentences and paragraphs.

        '"A. B," said X.', '"A," he said, "B."', 'X said: "A."', 'He said:\n\n"A."'.
        A quotation right after the cue clause that goes on in the same paragraph
        ('"A," said X. "B."') is the same speaker's and extends the content.
        """
        before = self.quote_closing_before(cue)
        if before is not None:
            end = self.continued_quotation(cue, before[1])
            return trim(self.doc, before[0] + 1, end)
        return self.after_colon(cue)

    def quote_closing_before(self, cue: Token) -> tuple[int, int] | None:
        """The quotation closing right before the cue or its subject ('"A," he said', '"A," said X')."""
        # the parse may hang the speaker's words on the quotation: walk back over them instead
        for i in range(cue.i - 1, max(cue.i - 1 - 2 * MAX_NAME_TOKENS, -1), -1):
            token = self.doc[i]
            if token.is_quote:
                return self.quotes.closed_at(i)
            if token.text in {".", "!", "?", ";", ":"} or token.is_space or self.quotes.around(i) is not None:
                return None
            if token.pos_ == "VERB" and self.lex.kind_of(token.lemma_.lower(), token.lower_):
                return None  # '"…," said X, speaking of Y': the quotation is the first cue's
        return None

    def continued_quotation(self, cue: Token, close: int) -> int:
        """End of the content: after the cue clause, a quotation opening in the same paragraph goes on."""
        # after the cue and its speaker ("said Anna Smith", "Anna Smith said Friday"), a comma or a
        # full stop, then an opening mark in the same paragraph
        for j in range(cue.i + 1, min(cue.i + 2 * MAX_NAME_TOKENS, len(self.doc))):
            if is_paragraph_break(self.doc, j) or self.quotes.around(j) is not None:
                break
            nxt = self.quotes.opened_at(j)
            if nxt is not None:
                before = self.doc[j - 1].text
                return nxt[1] if before in {",", ".", ";", ":"} or self.doc[j - 1].is_space else close
        return close

    def after_colon(self, cue: Token) -> Span | None:
        """'X said: "A."', 'told reporters:' then a quotation, or the next paragraph ('added:\n\nA.')."""
        j = cue.i + 1
        limit = min(len(self.doc), cue.i + 8)
        while j < limit and self.doc[j].text not in {":", ","} and self.doc[j].pos_ not in {"VERB", "PUNCT"}:
            j += 1
        if j >= limit or self.doc[j].text not in {":", ","}:
            return None
        comma = self.doc[j].text == ","  # 'Trump said, "When people ..."': only a quotation follows a comma
        j += 1
        new_paragraph = False
        while j < len(self.doc) and self.doc[j].is_space:
            new_paragraph = new_paragraph or is_paragraph_break(self.doc, j)
            j += 1
        quoted = self.quotes.opened_at(j)
        if quoted is not None:
            return trim(self.doc, quoted[0] + 1, quoted[1])
        return trim(self.doc, j, self.paragraph_end(j)) if new_paragraph and not comma else None

    def whole_quotation(self, content: Span | None, cue: Token) -> Span | None:
        """A complement that opens a quotation runs to its close, across sentences ('said, "A. B."')."""
        if content is None:
            return None
        q = self.quotes.around(content.start)
        if q is None or q[0] < content.start - 2 or q[1] <= content.end or q[0] < cue.i < q[1]:
            return content
        return trim(self.doc, content.start, q[1])

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

    # -- speech nouns: "Trump's claim that", "his warning about", "a Times report that" ----------

    def read_nominal(self, index: int, sent: Span, noun: Token) -> Found | None:
        """A speech noun whose owner is named (possessive, compound name, "from X") and whose
        content follows it (a that-clause, "about X", a quotation in apposition)."""
        if self.quotes.around(noun.i) is not None or noun.i in self.speech_objects:
            return None  # inside a quotation, or read with its light verb ("made comments about")
        owner = self.noun_owner(noun)
        if owner is None or owner.pos_ == "PRON":
            return None  # "his attacks on": a pronoun owner is too loose a source for a noun
        content = self.noun_content(noun, sent)
        if content is None or len(content) < 2:
            return None
        full = subtree_span(owner, RELATIVE_DEPS)
        if full.end > noun.i:
            full = self.doc[full.start : noun.i]
        if len(full) == 0:
            return None
        source = self.source_phrase(index, sent, owner, full)
        kind = self.lex.nominal.get(noun.lemma_.lower(), "statement")
        return Found(
            source=source, cue=self.cue_span(noun, content), content=content, kind=kind, segment=sent
        )

    def noun_owner(self, noun: Token) -> Token | None:
        for child in noun.children:
            if child.dep_ == "poss":
                return child
        for child in noun.children:  # "a New York Times report": a named compound
            named = child.dep_ == "compound" and child.i < noun.i and child.pos_ == "PROPN"
            if named and mention_for(self.analysis, self.doc[child.i : child.i + 1]):
                return child
        for child in noun.children:  # "criticism from Democrats", "a statement by the ministry"
            if child.dep_ in {"prep", "agent"} and child.lower_ in {"from", "by"}:
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects and objects[0].pos_ in {"PROPN", "NOUN"}:
                    return objects[0]
        verb = noun.head
        if noun.dep_ == "pobj" and verb.lower_ == "with":  # "peppered him with attacks on"
            verb = verb.head
        elif noun.dep_ not in {"dobj", "obj"}:
            return None
        # a light verb's subject owns its speech noun: "raised questions about", "sounded a call for"
        return subject_of(verb) if verb.pos_ == "VERB" and verb.i < noun.i else None

    def noun_content(self, noun: Token, sent: Span) -> Span | None:
        for child in noun.children:
            if (
                child.dep_ in {"acl", "ccomp"}
                and child.i > noun.i
                and any(c.lower_ in COMPLEMENTISERS or c.dep_ == "mark" for c in child.children)
            ):
                return clip(self.doc[child.left_edge.i : child.right_edge.i + 1], sent)
        topic = self.topic_of(noun, [c for c in noun.children if sent.start <= c.i < sent.end])
        if topic is not None:
            return topic
        nxt = noun.i + 1
        while nxt < len(self.doc) and self.doc[nxt].text in {",", ":"}:
            nxt += 1
        quoted = self.quotes.opened_at(nxt)
        return trim(self.doc, quoted[0] + 1, quoted[1]) if quoted is not None else None

    # -- "selon X", "according to X" ---------------------------------------------------------

    def read_according(self, index: int, sent: Span, marker: Span) -> Found | None:
        head = self.according_object(marker)
        relative = head is not None and (
            "Rel" in head.morph.get("PronType", [])
            or head.tag_ in {"WDT", "WP"}
            or head.lower_.startswith("lesquel")
        )
        if head is None or relative or (head.pos_ == "PRON" and not self.is_anaphoric(head)):
            return None  # "selon lesquelles": a relative, not a source; "according to him" is one
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
        source = Source.of(span, mention, index)
        if mention is None and self.is_anaphoric(
            head
        ):  # "according to her": the words stay, the entity is resolved
            source = self.source_phrase(index, sent, head, span)
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

    # -- speakers named before a colon or after a dash ------------------------------------------

    def read_speaker_line(self, index: int, sent: Span) -> Found | None:
        """'PENCE: Well, ...' (a transcript) or 'Flynn: Trump Was Right' (a headline): a name
        opening a paragraph, then a colon; the content runs to the paragraph's end."""
        start = sent.start
        if start > 0 and not is_paragraph_break(self.doc, start - 1):
            return None
        if start < len(self.doc) and self.doc[start].is_quote:
            start += 1  # transcripts quote each turn
        colon = next(
            (t.i for t in self.doc[start : min(start + MAX_NAME_TOKENS + 1, sent.end)] if t.text == ":"), None
        )
        if colon is None or colon == start or colon + 1 >= sent.end:
            return None
        name = self.doc[start:colon]
        if not all(t.is_title or t.is_upper or t.pos_ == "PROPN" or t.is_punct for t in name):
            return None
        if not any(t.is_alpha for t in name) or any(t.like_num for t in name) or name[0].pos_ == "DET":
            return None  # "The Latest: ...", "5:45 p.m.": a news slug or a time, not a speaker
        if name.text.lower() in self.lex.slugs:
            return None  # "UPDATE:", "Photo:", "Read more:"
        end = self.paragraph_end(colon)
        q = self.quotes.around(colon)
        if q is not None:
            end = min(end, q[1])
        content = trim(self.doc, colon + 1, end)
        if content is None or len(content) < 3:
            return None
        mention = mention_for(self.analysis, name) or self.named_earlier(name)
        source = Source.of(name, mention, index)
        return Found(source, self.doc[colon : colon + 1], content, "statement", sent)

    def read_credits(self) -> None:
        """'"…" ― Sonya Herridge': a quotation credited after a dash, up to the line's end."""
        for open_, close in self.quotes.spans:
            i = self.skip_inline_space(close + 1)
            if self.doc[close].text[1:2] in DASHES:  # '.”― Name': one token
                i = close
            elif i >= len(self.doc) or self.doc[i].text not in DASHES:
                continue
            j = self.skip_inline_space(i + 1)
            end = j
            while end < len(self.doc) and end - j < MAX_NAME_TOKENS and not is_paragraph_break(self.doc, end):
                if not (self.doc[end].is_title or self.doc[end].is_upper or self.doc[end].is_punct):
                    break
                end += 1
            name = trim(self.doc, j, end)
            content = trim(self.doc, open_ + 1, close)
            after = self.skip_inline_space(end)
            if (
                name is None
                or content is None
                or not (after >= len(self.doc) or is_paragraph_break(self.doc, after))
            ):
                continue
            mention = mention_for(self.analysis, name)
            index = self.analysis.sentence_at(self.doc[i].idx)
            source = Source.of(name, mention, index)
            self.claims.append(Found(source, self.doc[i : i + 1], content, "statement", content))

    def skip_inline_space(self, i: int) -> int:
        """The first token from ``i`` that is not a space inside the line."""
        while i < len(self.doc) and self.doc[i].is_space and not is_paragraph_break(self.doc, i):
            i += 1
        return i

    def named_earlier(self, name: Span) -> Mention | None:
        """An upper-case transcript name ("WALLACE") is the person named so earlier ("Chris Wallace")."""
        word = name[-1].lower_
        earlier = [
            m
            for m in self.analysis.mentions
            if m.entity_id and m.end <= name.start_char and m.text.lower().split()[-1:] == [word]
        ]
        return earlier[-1] if earlier else None

    def paragraph_end(self, i: int) -> int:
        while i < len(self.doc) and not is_paragraph_break(self.doc, i):
            i += 1
        return i

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
                kind: ClaimKind = (
                    "forecast" if any(t.lower_ in self.lex.modals for t in content) else "statement"
                )
                source = replace(carried, sentence=index)
                return Found(source, opener, content, kind, sent, carried_cue=self.focus_cue)
        return None


def holds(outer: Found, inner: Found) -> bool:
    # a content that opens with another cue ("According to X, ...") was read too wide: it holds nothing
    return outer.content.start < inner.cue.start and inner.cue.end <= outer.content.end


def reported_within(inner: Found, outer: Found) -> bool:
    """``inner``'s cue lies in ``outer``'s content; when each holds the other's cue (a bad
    parse), the claim with the wider content is the one that swallowed the other."""
    if not holds(outer, inner):
        return False
    if holds(inner, outer):
        return len(inner.content) > len(outer.content)
    return True


def drop_nested(found: list[Found]) -> list[Found]:
    """Keep one claim per content: a same-source claim inside another is the same report."""
    kept: list[Found] = []
    # a cue inside another claim's content is reported speech within the report
    # ("Merrill says Machado promised to ..."): the outer claim holds it
    found = [f for f in found if not any(o is not f and reported_within(f, o) for o in found)]
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
    content, anchor, source = found.content, found.cue, found.source
    cue = found.carried_cue or anchor
    about: list[str] = []
    for m in resolved_mentions(analysis, content.start_char, content.end_char):
        if m.entity_id and m.entity_id not in about:
            about.append(m.entity_id)
    sentence = analysis.sentence_at(anchor.start_char)
    return Claim(
        id=fact_id(analysis.article.id, "claim", anchor.start_char, content.start_char, content.end_char),
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
        source_type=source_type(analysis, found),
    )


def source_type(analysis: Analysis, found: Found) -> SourceType:
    """named, pronoun, description (a phrase resolved to the entity in focus) or anonymous."""
    source = found.source
    span = found.cue.doc.char_span(source.start, source.end, alignment_mode="expand")
    if span is not None and len(span) == 1 and span[0].pos_ == "PRON":
        return "pronoun"
    if span is not None and mention_for(analysis, span) is not None:
        return "named"
    return "description" if source.entity else "anonymous"


def claim_date(analysis: Analysis, segment: Span, content: Span) -> str | None:
    """When the claim was made: a date of its sentence outside the content ("le 30 septembre, X estime")."""
    for ref in analysis.dates:
        inside = segment.start_char <= ref.start < segment.end_char
        if inside and (ref.end <= content.start_char or ref.start >= content.end_char):
            return ref.value
    return None


@extractor_factory(requires=("mentions", "entities", "dates"), assigns=("claims", "entities"), reads=("DEP",))
def create_claim_extractor(settings: Settings) -> Callable[[Analysis, Doc], None]:
    """Pipeline factory (``[extractors] claims``)."""
    return AttributionExtractor()
