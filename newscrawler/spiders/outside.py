"""Cards of outside stories: a feed row whose `link` leaves the site names a story another outlet
published. Where the site has no article of its own for it (its page or its call says not found),
the row is all the site publishes of it and is stored as such (`kind: "link"`): never a miss, never
retried, and the outside link is never followed."""

from __future__ import annotations

from datetime import datetime, timezone

from .. import meta as m
from ..items import ArticleItem, Extraction, Image


def story_of(request) -> dict | None:
    """The outside story an article request was made for, if any."""
    return request.meta.get(m.OUTSIDE_STORY) if request is not None else None


def link_item(story: dict, url: str, site: str, article_id: str, language: str | None) -> ArticleItem:
    published = story.get("published")
    return ArticleItem(
        url=url, site=site, article_id=article_id, title=story.get("title") or "", summary=story.get("summary"),
        published_at_raw=published, image=Image(story["thumbnail"]) if story.get("thumbnail") else None,
        related_status="absent", language=language, kind="link", source_url=story.get("source_url"),
        fetched_at=datetime.now(timezone.utc),
        extraction=Extraction(published_iso=published, date_source="declared"))
