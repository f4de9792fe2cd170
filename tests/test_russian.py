"""The Russian pipeline (natasha wrapped as spaCy) and the extractors on Russian text written by us."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from spacy.language import Language

from veille.errors import ConfigError
from veille.geo.spatial import haversine_km
from veille.model import Analysis
from veille.nlp.models import load_pipeline, normal_form, pipeline_for
from veille.nlp.russian import MAX_SENTENCE_WORDS, NER_CHUNK_CHARS, blocks, segment, tree
from veille.quantities.amounts import find_amounts

ARTICLE = (
    Path(__file__).resolve().parents[1] / "samples" / "corpus" / "ru" / "drony-alabuga-ru.txt"
)  # written by the veille team


@pytest.fixture(scope="module")
def nlp(settings) -> Language:
    return pipeline_for("ru", settings.models)


@pytest.fixture(scope="module")
def article(analyse) -> Analysis:
    return analyse(ARTICLE.read_text(encoding="utf-8"), "ru", "2026-11-27")


# -- the pipeline ---------------------------------------------------------------------------


def test_segment_keeps_every_character():
    text = "  Первое  предложение.\n\nВторое —\tтретье слово.  \n"
    pieces = segment(text)
    assert "".join(p.text + (" " if p.space else "") for p in pieces) == text
    assert [p.text for p in pieces if p.word][:3] == ["Первое", "предложение", "."]


def test_line_breaks_end_sentences_unless_the_text_goes_on_in_lower_case():
    text = "Заголовок без точки\nПервая фраза текста,\nпродолжение фразы."
    assert [b for _, b in blocks(text)] == ["Заголовок без точки", "Первая фраза текста,\nпродолжение фразы."]


@pytest.mark.parametrize(
    "slovnet_heads",
    [
        [0, 1, 4, 3, 0],  # two roots, a cycle 2 <-> 3
        [0, 3, 4, 3],  # a cycle 2 <-> 3 reached first through token 1
        [2, 3, 1],  # no root, one cycle through every token
        [1, 1, 0, 3],  # tokens heading themselves
        [0, 5, 2, 3, 4],  # a long cycle 1 -> 4 -> 3 -> 2 -> 1
    ],
)
def test_tree_repairs_slovnet_heads(slovnet_heads):
    n = len(slovnet_heads)
    heads, rels = tree(slovnet_heads, ["root" if h == 0 else "dep" for h in slovnet_heads])
    root = next(i for i in range(n) if heads[i] == i)
    assert rels[root] == "ROOT" and rels.count("ROOT") == 1 and "root" not in rels
    for i in range(n):  # every token reaches the root
        seen, j = set(), i
        while heads[j] != j:
            assert j not in seen
            seen.add(j)
            j = heads[j]
        assert j == root


def test_configured_russian_pipeline_is_natasha(settings, nlp):
    assert settings.models["ru"] == "veille.nlp.russian:load"
    assert nlp.lang == "ru" and "natasha" in nlp.pipe_names


def test_doc_has_offsets_sentences_lemmas_parse_and_entities(nlp):
    text = "Дроны из Алабуги\n\nВ пятницу министр  обороны Ирана заявил, что Тегеран договорился с Россией."
    doc = nlp(text)
    assert doc.text == text
    assert all(text[t.idx : t.idx + len(t.text)] == t.text for t in doc)
    assert [s.text.strip() for s in doc.sents] == [
        "Дроны из Алабуги",
        "В пятницу министр  обороны Ирана заявил, что Тегеран договорился с Россией.",
    ]
    by_text = {t.text: t for t in doc}
    said = by_text["заявил"]
    assert said.lemma_ == "заявить" and said.pos_ == "VERB" and said.dep_ == "ROOT"
    assert by_text["министр"].dep_ == "nsubj" and by_text["министр"].head == said
    assert by_text["договорился"].dep_ == "ccomp"
    assert by_text["Россией"].lemma_ == "Россия" and by_text["Россией"].morph.get("Case") == ["Ins"]
    assert {(e.text, e.label_) for e in doc.ents} >= {
        ("Ирана", "LOC"),
        ("Тегеран", "LOC"),
        ("Россией", "LOC"),
    }


def test_names_get_their_normal_form(nlp):
    doc = nlp("Дипломаты встретились с Мохаммадом Багери и Дмитрием Песковым в Москве.")
    normals = {e.text: normal_form(e) for e in doc.ents}
    assert normals["Мохаммадом Багери"] == "Мохаммад Багери"
    assert normals["Дмитрием Песковым"] == "Дмитрий Песков"
    assert normals["Москве"] == "Москва"


def test_pipe_batches_like_single_calls(nlp):
    texts = ["Песков ответил журналистам.", "", "   ", "Иран и Россия.\n\nКирби в Вашингтоне."]
    piped = list(nlp.pipe(texts, batch_size=2))
    for text, doc in zip(texts, piped, strict=True):
        single = nlp(text)
        assert doc.text == text
        assert [(t.text, t.lemma_, t.dep_, t.head.i, t.ent_type_) for t in doc] == [
            (t.text, t.lemma_, t.dep_, t.head.i, t.ent_type_) for t in single
        ]


def test_long_text_gets_the_same_entities_as_its_parts(nlp):
    one = ARTICLE.read_text(encoding="utf-8").strip() + "\n\n"
    single = [(e.text, e.label_) for e in nlp(one).ents]
    doc = nlp(one * 12)  # ~17,000 characters: NER runs on pieces of whole sentences
    assert len(doc.text) > 3 * NER_CHUNK_CHARS
    assert [(e.text, e.label_) for e in doc.ents] == single * 12
    assert all(doc.text[e.start_char : e.end_char] == e.text for e in doc.ents)


def test_run_on_text_is_parsed_in_bounded_pieces(nlp):
    text = " ".join(["слово", "Москва", "и"] * 700)  # 2100 words, no full stop
    doc = nlp(text)
    assert doc.text == text
    assert max(sum(not t.is_space for t in s) for s in doc.sents) == MAX_SENTENCE_WORDS


WORDS = [
    "Иран",
    "России",
    "заявил",
    "что",
    "и",
    "не",
    "«",
    "»",
    ",",
    ".",
    "—",
    "дроны",
    "в",
    "Москве",
    "'",
    "нет",
    "!",
    "\n",
]


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=60))
def test_any_word_soup_gives_a_valid_doc(nlp, words):
    text = " ".join(words)
    doc = nlp(text)
    assert doc.text == text
    for sent in doc.sents:
        assert sent.root is not None  # spaCy walks the tree: E039 on a cycle
    for ent in doc.ents:
        assert ent.root is not None


def test_pipeline_factory_spec_is_loaded_and_a_bad_one_is_a_config_error():
    assert isinstance(load_pipeline("veille.nlp.russian:load"), Language)
    with pytest.raises(ConfigError, match="cannot load the pipeline factory"):
        load_pipeline("veille.nlp.russian:no_such_factory")


# -- amounts and dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("Проект стоит 2,76 млрд долларов.", 2.76e9, "USD"),
        ("Проект стоит 2,76 млрд. долларов.", 2.76e9, "USD"),
        ("Сумма составила 1 500 рублей.", 1500.0, "RUB"),
        ("Бюджет вырос на 350 миллионов евро.", 3.5e8, "EUR"),
        ("Дальность около 2 500 километров.", 2500.0, "km"),
        ("Отменено 2,4 тыс. рейсов.", 2400.0, "рейс"),
    ],
)
def test_russian_amounts(nlp, text, value, unit):
    amounts = find_amounts(nlp(text), "ru")
    assert [(a.value, a.unit) for a in amounts] == [(value, unit)]


def test_russian_vague_quantity_takes_its_genitive_noun(nlp):
    (amount,) = find_amounts(nlp("Иран поставил сотни дронов."), "ru")
    assert amount.text == "сотни дронов" and amount.value_min == 200 and amount.unit == "дрон"
    assert amount.approximate


def test_reporting_verb_is_not_an_event(analyse):
    a = analyse("Представитель аэропорта Анна Петрова передала, что рейсы в Москву отменены.", "ru")
    assert [c.cue for c in a.claims] == ["передала"]
    assert not [e for e in a.events if e.kind in {"transfer", "arms_transfer"}]


def test_russian_dates(analyse):
    a = analyse(
        "Во вторник министр заявил, что в прошлом году завод выпустил дроны. Встреча 30 сентября.",
        "ru",
        "2026-11-27",
    )
    values = {d.text: d.value for d in a.dates}
    assert values["вторник"] == "2026-11-24"  # the Tuesday before Friday 27 November
    assert values["в прошлом году"] == "2025"
    assert values["30 сентября"] == "2026-09-30"


# -- the test article -----------------------------------------------------------------------


def test_article_people_organisations_places(article):
    names = {e.id: e.name for e in article.entities.values()}
    assert {"person:джон-кирби", "person:мохаммад-багери", "person:дмитрии-песков"} <= set(names)
    assert names["person:мохаммад-багери"] == "Мохаммад Багери"
    assert {
        "org:white-house",
        "org:kremlin",
        "org:uk-ministry-of-defence",
        "country:RU",
        "country:IR",
    } <= set(names)
    places = {p.id for p in article.places.values()}
    assert {"veille:caspian-sea", "geonames:532096", "geonames:524901"} <= places
    # «Алабуга» in Tatarstan: the zone or the town of Yelabuga beside it (also "Алабуга" in
    # GeoNames, and in the Tatarstan the article names); either is within a few km of the zone.
    text = article.article.text
    (alabuga,) = {m.place_id for m in article.place_mentions if text[m.start : m.end] == "Алабуга"}
    place = article.places[alabuga]
    assert haversine_km(place.lat, place.lon, 55.8, 52.1) < 25


def test_inflected_names_resolve_to_one_entity(article):
    text = article.article.text
    by_text: dict[str, set[str | None]] = {}
    for m in article.mentions:
        by_text.setdefault(text[m.start : m.end], set()).add(m.entity_id)
    assert by_text["Иране"] == {"country:IR"}
    assert by_text["Ираном"] == {"country:IR"}
    assert by_text["Россией"] == {"country:RU"}
    assert by_text["Мохаммадом Багери"] == by_text["Мохаммад Багери"] == {"person:мохаммад-багери"}
    assert by_text["Кремля"] == {"org:kremlin"}
    assert by_text["Песков"] == {"person:дмитрии-песков"}  # the bare surname joins the full name
    inflected = {p.text: p.place_id for p in article.place_mentions}
    assert inflected["Махачкалу"] == "geonames:532096" and inflected["Москве"] == "geonames:524901"


def claims_by(article: Analysis, entity: str) -> list[str]:
    return [c.content for c in article.claims if c.source_entity == entity]


def test_article_claims_who_said_what(article):
    kirby = claims_by(article, "person:джон-кирби")
    assert any(c.startswith("иранские инженеры помогают строить завод") for c in kirby)  # по словам
    assert "предприятие может заработать уже в следующем году" in kirby  # сообщил, что
    assert "Россия инвестирует в проект 2,76 млрд долларов" in kirby  # ..., отметил Кирби
    assert claims_by(article, "person:дмитрии-песков") == [
        "Мы не обсуждаем военно-техническое сотрудничество с Ираном"
    ]
    mod = [c for c in article.claims if c.source_entity == "org:uk-ministry-of-defence"]
    assert {c.kind for c in mod} == {"warning", "statement"}  # предупредило; как утверждает
    assert any(c.content.startswith("первые партии беспилотников") for c in mod)
    assert any(c.source_entity == "org:white-house" and c.cue == "заявил" for c in article.claims)
    # a person named inside a participle clause of the subject is not the source
    diplomats = next(c for c in article.claims if c.cue == "утверждают")
    assert diplomats.source_entity is None and diplomats.source_text == "Западные дипломаты"


def test_article_claims_keep_provenance(article):
    text = article.article.text
    for c in article.claims:
        assert c.article_id == article.article.id and c.extractor == "claims.attribution"
        assert text[c.start : c.end] == c.content
        assert c.cue_start is not None and text[c.cue_start : c.cue_end] == c.cue
        assert c.sentence == article.sentence_at(c.cue_start)


def test_article_investment_with_its_amount_and_provenance(article):
    text = article.article.text
    (amount,) = [a for a in article.amounts if a.unit == "USD"]
    assert amount.value == 2.76e9 and text[amount.start : amount.end] == amount.text == "2,76 млрд долларов"
    assert amount.article_id == article.article.id and amount.sentence == article.sentence_at(amount.start)
    investment = next(e for e in article.events if e.kind == "investment")
    assert investment.actor == "country:RU" and investment.amount == amount
    assert investment.source_entity == "person:джон-кирби"  # reported by Kirby's claim


def test_article_arms_transfer_from_iran_to_russia(article):
    transfers = [e for e in article.events if e.kind == "arms_transfer"]
    assert any(e.actor == "country:IR" and e.target == "country:RU" for e in transfers)
