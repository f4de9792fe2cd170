"""HTML pages: trafilatura's article text and metadata, a fallback, and hostile markup."""

from __future__ import annotations

import time

from veille.clean.html import extract_page, html_to_plain_text

PARAGRAPHS = [
    "Le gouvernement a présenté mercredi un plan de réduction du déficit public de dix milliards "
    "d'euros, selon le ministre des Finances, qui veut le voter avant l'été.",
    "Les syndicats ont critiqué des coupes dans les services publics et annoncé une journée de "
    "mobilisation le mois prochain dans les principales villes du pays.",
]
PAGE = f"""<!doctype html><html lang="fr"><head>
<title>Budget : le plan du gouvernement | Le Quotidien</title>
<meta property="og:title" content="Budget : le plan du gouvernement">
<meta property="og:site_name" content="Le Quotidien">
<meta property="article:published_time" content="2024-03-06T08:30:00+01:00">
</head><body>
<nav><a href="/">Accueil</a> <a href="/monde">Monde</a> <a href="/sport">Sport</a></nav>
<article><h1>Budget : le plan du gouvernement</h1>
<p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p></article>
<aside>Les plus lus : Météo, Football, Recettes</aside>
<footer>Abonnez-vous à notre newsletter. Mentions légales. Contact.</footer>
</body></html>"""


def test_article_text_and_metadata() -> None:
    page = extract_page(PAGE, "https://quotidien.example/budget")
    assert page.extractor == "trafilatura"
    for paragraph in PARAGRAPHS:
        assert paragraph in page.text
    assert "Accueil" not in page.text and "Mentions légales" not in page.text
    assert page.title == "Budget : le plan du gouvernement"
    assert page.published == "2024-03-06"
    assert page.sitename == "Le Quotidien"


def test_fallback_to_plain_text_when_no_article_found() -> None:
    page = extract_page("<html><head><title>Bref</title></head><body><p>Pluie demain.</p></body></html>")
    assert page.extractor == "fallback"
    assert page.text == "Pluie demain."
    assert page.title == "Bref"


def test_plain_text_drops_scripts_and_keeps_paragraphs_apart() -> None:
    text = html_to_plain_text("<p>Un.</p><script>alert('x')</script><p>Deux.</p>")
    assert "alert" not in text
    assert [line for line in text.split("\n") if line.strip()] == ["Un.", "Deux."]


def test_deeply_nested_html_does_not_crash() -> None:
    depth = 100_000
    sentence = "The mayor opened the new library on Saturday morning after two years of building work."
    html = "<html><body>" + "<div>" * depth + f"<p>{sentence}</p>" + "</div>" * depth + "</body></html>"
    start = time.monotonic()
    page = extract_page(html)
    assert sentence in page.text
    assert time.monotonic() - start < 10


def test_input_is_cut_at_max_chars() -> None:
    tail_marker = "MARQUEUR-DE-FIN"
    html = "<html><body><p>" + "mot " * 50_000 + f"</p><p>{tail_marker}</p></body></html>"
    page = extract_page(html, max_chars=10_000)
    assert tail_marker not in page.text
    assert "mot" in page.text


def test_page_without_text_gives_empty_body() -> None:
    assert extract_page("<html><body><img src='a.png'></body></html>").text == ""
