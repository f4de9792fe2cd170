"""RSS/Atom and OPML parsing from bytes; entity attacks refused."""

from __future__ import annotations

import time

import pytest

from veille.errors import InputError
from veille.ingest.feeds import looks_like_feed, looks_like_opml, parse_feed, parse_opml

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>La Gazette du Port</title><link>https://gazette.example/</link>
<item><title>Le ferry reprend du service</title><link>https://gazette.example/ferry</link>
<guid>ferry-1</guid><pubDate>Tue, 05 Mar 2024 10:00:00 +0100</pubDate>
<description>Court resume.</description>
<content:encoded><![CDATA[<p>Le ferry entre l'ile et le continent reprend ses rotations lundi apres trois semaines d'arret technique.</p>]]></content:encoded>
</item>
<item><title>Tempete attendue</title><link>https://gazette.example/tempete</link>
<description>Des rafales a 120 km/h sont attendues jeudi.</description></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour News</title>
<entry><title>Ferry back in service</title><link href="https://harbour.example/ferry"/>
<id>tag:harbour.example,2024:ferry</id><updated>2024-03-05T09:00:00Z</updated>
<content type="html">&lt;p&gt;The island ferry resumes on Monday after three weeks of repairs.&lt;/p&gt;</content>
</entry></feed>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY lol "lol">
<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<ROOT><rss version="2.0"><channel><title>&lol9;</title></channel></rss></ROOT>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><body><outline text="&secret;" xmlUrl="https://a.example/rss"/></body></opml>"""

OPML = b"""<?xml version="1.0"?>
<opml version="2.0"><head><title>Veille</title></head><body>
<outline text="Presse locale">
  <outline text="Gazette" type="rss" xmlUrl="https://gazette.example/rss"/>
  <outline text="Harbour" type="rss" xmlUrl="https://harbour.example/atom"/>
</outline>
<outline text="Gazette again" xmlUrl="https://gazette.example/rss"/>
<outline text="A folder without a feed"/>
</body></opml>"""


def test_rss_entries_prefer_full_content() -> None:
    feed = parse_feed(RSS, "gazette.rss")
    assert feed.title == "La Gazette du Port"
    first, second = feed.entries
    assert first.link == "https://gazette.example/ferry"
    assert "reprend ses rotations lundi" in first.content
    assert first.published == "2024-03-05T09:00:00+00:00"
    assert first.entry_id == "ferry-1"
    assert second.content == "Des rafales a 120 km/h sont attendues jeudi."
    assert second.published is None


def test_atom_entries() -> None:
    feed = parse_feed(ATOM, "harbour.atom")
    (entry,) = feed.entries
    assert entry.title == "Ferry back in service"
    assert "resumes on Monday" in entry.content
    assert entry.published == "2024-03-05T09:00:00+00:00"


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body>Not a feed</body></html>",
        b"just words",
        b"<?xml version='1.0'?><catalog><book/></catalog>",
    ],
)
def test_non_feed_is_one_line_failure(data: bytes) -> None:
    with pytest.raises(InputError, match="not an RSS/Atom feed: broken.xml") as caught:
        parse_feed(data, "broken.xml")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-be", "utf-32"])
def test_billion_laughs_feed_refused_fast(encoding: str) -> None:
    data = BILLION_LAUGHS.decode("utf-8").encode(encoding)
    start = time.monotonic()
    with pytest.raises(InputError, match="declares XML entities"):
        parse_feed(data, "bomb.rss")
    assert time.monotonic() - start < 1


def test_opml_lists_feed_urls_once_in_order() -> None:
    assert parse_opml(OPML, "list.opml") == ["https://gazette.example/rss", "https://harbour.example/atom"]


@pytest.mark.parametrize("data", [BILLION_LAUGHS.replace(b"rss", b"opml"), EXTERNAL_ENTITY])
def test_opml_entity_attacks_refused(data: bytes) -> None:
    with pytest.raises(InputError, match="declares XML entities"):
        parse_opml(data, "bad.opml")


@pytest.mark.parametrize(
    "data",
    [
        b"<opml><body>",
        b"<rss version='2.0'/>",
        b"\xff\xfe garbage",
        b"<?xml version='1.0'?><opml\x00 version='2.0'/>",  # lxml's message for this ends in a newline
    ],
)
def test_broken_opml_is_one_line_failure(data: bytes) -> None:
    with pytest.raises(InputError, match="not an OPML file") as refused:
        parse_opml(data, "bad.opml")
    assert "\n" not in str(refused.value)


def test_sniffing() -> None:
    assert looks_like_feed(RSS) and looks_like_feed(ATOM)
    assert looks_like_feed(b"{}", "application/rss+xml")
    assert not looks_like_feed(b"<html><body>rss</body></html>", "text/html")
    assert looks_like_opml(OPML) and not looks_like_opml(RSS)
