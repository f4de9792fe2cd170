"""Near-duplicates: wire copies and light edits link to their original; independent reports do not."""

from __future__ import annotations

from veille.stories.neardup import NearDupIndex, signature, signature_from_bytes, signature_to_bytes

WIRE = (
    "The Russian defence ministry said on Friday that its air defences had shot down twelve drones "
    "over the Belgorod region overnight. The ministry said there were no casualties. Regional governor "
    "Vyacheslav Gladkov wrote on Telegram that debris had damaged two houses and a power line in the "
    "village of Maslova Pristan, and that repair crews were at work."
)
REPRINT = (
    "Russia's defence ministry said on Friday that its air defences had shot down twelve drones "
    "over the Belgorod region overnight. The ministry said there were no casualties. Regional governor "
    "Vyacheslav Gladkov wrote on Telegram that debris had damaged two houses and a power line in the "
    "village of Maslova Pristan, and that repair crews were at work. Subscribe to our newsletter."
)
OWN_REPORT = (
    "Twelve Ukrainian drones were destroyed above Belgorod during the night, Moscow claimed, while local "
    "residents described loud explosions. Our correspondent saw a damaged roof in Maslova Pristan; "
    "the authorities gave no figure for injuries and the governor promised compensation."
)


def test_lightly_edited_reprint_links_to_original() -> None:
    index = NearDupIndex()
    assert index.add("wire", WIRE, "2024-05-03") is None
    link = index.add("reprint", REPRINT, "2024-05-03T10:00")
    assert link is not None and link.original_id == "wire" and link.similarity >= 0.5
    assert index.origin_of("reprint") == "wire"


def test_independent_report_of_same_event_is_not_a_copy() -> None:
    index = NearDupIndex()
    index.add("wire", WIRE)
    assert index.add("own", OWN_REPORT) is None
    assert index.origin_of("own") == "own"


def test_earlier_publication_ingested_late_becomes_the_original() -> None:
    index = NearDupIndex()
    index.add("reprint", REPRINT, "2024-05-04")
    assert index.add("wire", WIRE, "2024-05-03") is None
    assert index.origin_of("reprint") == "wire"


def test_adding_twice_is_a_no_op_and_short_texts_never_match() -> None:
    index = NearDupIndex()
    index.add("wire", WIRE)
    index.add("reprint", REPRINT)
    assert index.add("reprint", REPRINT) is not None and len(index.original) == 1
    assert index.add("brief1", "Breaking news.") is None
    assert index.add("brief2", "Breaking news.") is None


def test_signature_round_trips_through_bytes() -> None:
    sig = signature(WIRE)
    assert signature_from_bytes(signature_to_bytes(sig)).jaccard(sig) == 1.0
