"""Corroboration: equivalent claims/events across articles, independent origins, contradictions."""

from __future__ import annotations

from veille.model import Amount, Analysis, Article, Claim, Entity, Event
from veille.stories.corroboration import corroborate
from veille.stories.neardup import NearDupIndex


def article(aid: str, text: str, source: str, language: str = "en") -> Analysis:
    return Analysis(article=Article(id=aid, text=text, source=source, language=language))


def drones(a: Analysis, source: str | None, count: float | None = None, approximate: bool = False) -> Event:
    qty = None
    if count is not None:
        qty = Amount(
            a.article.id, 0, 5, "drones", 0, "test", unit="drone", value=count, approximate=approximate
        )
    ev = Event(
        id=f"{a.article.id}:ev",
        article_id=a.article.id,
        kind="military_aid",
        start=0,
        end=len(a.article.text),
        sentence=0,
        extractor="test",
        actor="country:IR",
        target="country:RU",
        quantity=qty,
        source_entity=source,
    )
    a.events.append(ev)
    return ev


MOD = "British defence intelligence says Iran has supplied hundreds of attack drones to Russia."
US = "Washington says Iran has delivered hundreds of attack drones to Russia for use in Ukraine."


def test_two_governments_are_two_independent_sources() -> None:
    a, b = article("a", MOD, "Outlet A"), article("b", US, "Outlet B")
    drones(a, "org:uk-ministry-of-defence")
    drones(b, "country:US")
    (group,) = corroborate([a, b])
    assert group.independent_sources == ["country:US", "org:uk-ministry-of-defence"]
    assert group.article_ids == ["a", "b"]


def test_two_outlets_reprinting_one_bulletin_are_one_origin() -> None:
    a, b = article("a", MOD, "Outlet A"), article("b", MOD + " (AFP)", "Outlet B")
    drones(a, "org:uk-ministry-of-defence")
    drones(b, "org:uk-ministry-of-defence")
    (group,) = corroborate([a, b])
    assert group.independent_sources == ["org:uk-ministry-of-defence"]


def test_wire_copies_without_named_source_collapse_to_the_original_outlet() -> None:
    text = (
        "Iran has shipped hundreds of attack drones to Russia across the Caspian Sea in recent months, "
        "according to shipping records seen by our reporters in the port of Makhachkala this week."
    )
    a, b, c = (
        article("a", text, "Wire"),
        article("b", text + " More at eleven.", "Daily"),
        article("c", US, "Herald"),
    )
    for x in (a, b, c):
        drones(x, None)
    nd = NearDupIndex()
    for x in (a, b, c):
        nd.add(x.article.id, x.article.text)
    (group,) = corroborate([a, b, c], original_of=nd.origin_of)
    assert group.independent_sources == ["outlet:Herald", "outlet:Wire"]


def test_different_numbers_are_flagged() -> None:
    a, b, c = article("a", MOD, "A"), article("b", US, "B"), article("c", US, "C")
    drones(a, "org:uk-ministry-of-defence", 400)
    drones(b, "country:US", 1700)
    drones(c, "country:US", 420)
    (group,) = corroborate([a, b, c])
    reasons = [(x.first, x.second, x.reason) for x in group.contradictions]
    assert ("a:ev", "b:ev", "different numbers: 400 vs 1700 drone") in reasons
    assert not any({"a:ev", "c:ev"} == {x.first, x.second} for x in group.contradictions)


def test_denial_contradicts_assertion_and_claims_group_by_content() -> None:
    a = article("a", "", "A")
    b = article("b", "", "B")
    c = article("c", "", "C")
    for x, source, content in (
        (a, "country:US", "Iran supplied attack drones to Russia last summer"),
        (b, "country:IR", "Iran never supplied attack drones to Russia"),
        (c, "country:IR", "the oil price will rise in the winter"),
    ):
        x.claims.append(
            Claim(
                id=f"{x.article.id}:c",
                article_id=x.article.id,
                source_entity=source,
                source_text="",
                cue="said",
                content=content,
                start=0,
                end=0,
                sentence=0,
                kind="statement",
                extractor="test",
                about=["country:IR", "country:RU"],
            )
        )
    groups = corroborate([a, b, c])
    assert len(groups) == 2
    top = groups[0]
    assert {x.id for x in top.assertions} == {"a:c", "b:c"}
    assert top.independent_sources == ["country:IR", "country:US"]
    assert [x.reason for x in top.contradictions] == ["one asserts what the other denies"]


def test_a_spokesman_his_office_and_his_government_are_one_origin() -> None:
    from veille.names.knowledge import knowledge_base

    kb = knowledge_base()
    kirby = Entity("person:john-kirby", "John Kirby", "person", attributes={"affiliation": "org:white-house"})
    a, b, c, d = (article(x, US, f"Outlet {x}") for x in "abcd")
    for analysis, source in (
        (a, kirby.id),
        (b, "org:white-house"),
        (c, "country:US"),
        (d, "org:uk-ministry-of-defence"),
    ):
        analysis.entities = {
            e.id: e
            for e in (
                kirby,
                *(kb.entities[i] for i in ("org:white-house", "country:US", "org:uk-ministry-of-defence")),
            )
        }
        drones(analysis, source)
    (group,) = corroborate([a, b, c, d])
    # Two origins (US, UK), each named by its most specific source.
    assert group.independent_sources == ["org:uk-ministry-of-defence", "org:white-house"]
