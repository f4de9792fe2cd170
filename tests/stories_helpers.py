"""Build small analyses by hand for story tests: our own text, entity ids placed on their mentions."""

from __future__ import annotations

from veille.model import Analysis, Article, Mention


def make_analysis(
    article_id: str,
    text: str,
    entities: dict[str, str],
    *,
    title: str = "",
    language: str = "en",
    published: str | None = None,
    source: str | None = None,
) -> Analysis:
    """An analysis whose mentions are every occurrence of each surface form in ``entities``."""
    mentions = []
    for surface, entity_id in entities.items():
        start = text.find(surface)
        while start >= 0:
            end = start + len(surface)
            mentions.append(Mention(article_id, start, end, surface, "ORG", 0, "test", entity_id=entity_id))
            start = text.find(surface, end)
    article = Article(
        id=article_id,
        text=text,
        title=title,
        language=language,
        published=published,
        source=source or article_id,
    )
    return Analysis(article=article, mentions=mentions)
