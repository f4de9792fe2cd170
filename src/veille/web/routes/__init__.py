"""The API and the pages, one ``APIRouter`` per concern; ``veille.web.app`` includes them all."""

from fastapi import APIRouter

from veille.web.routes import admin, articles, entities, facts, overview, pages, search, stories, watch

ROUTERS: tuple[APIRouter, ...] = (
    articles.router,
    facts.router,
    entities.router,
    stories.router,
    search.router,
    admin.router,
    watch.router,
    overview.router,
    pages.router,
)
