"""The item the spider yields and the pipelines complete: one article, shaped as stored.

`docs/article-schema.md` is the contract with MongoDB consumers; field names here are the
stored field names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class ArticleItem:
    url: str
    """Canonical absolute URL: no tracking parameters, no fragment."""
    site: str
    """The site profile's name, e.g. `replica`."""
    article_id: str
    """The site's own id of the article."""
    title: str
    """Headline, whitespace-normalised."""
    section: str | None = None
    """Section label as the site shows it, e.g. `Policy & Regulation`."""
    published_at_raw: str | None = None
    """The date text as the page showed it."""
    published_at_iso: str | None = None
    """Machine-readable date from JSON-LD or meta tags, when the page has one (not stored)."""
    published_at: datetime | None = None
    """Publication time, aware UTC; set by the dates pipeline, None when nothing parsed."""
    modified_at_raw: str | None = None
    """Machine-readable modification date, when the page has one (not stored)."""
    modified_at: datetime | None = None
    """Last modification, aware UTC, where the page says."""
    summary: str | None = None
    """Standfirst / description."""
    body: str = ""
    """Plain text, blocks separated by a blank line; image credits removed by the credits pipeline."""
    headings: list[str] = field(default_factory=list)
    """The body's sub-headings, in order."""
    image: dict | None = None
    """Hero image: `url`, `alt`, `caption` (caption without the credit)."""
    image_credits: list[dict] = field(default_factory=list)
    """Every credit removed from the article: `text`, `photographer`, `provider`."""
    related: list[str] = field(default_factory=list)
    """Canonical URLs of the "More to Read" cards, in page order."""
    related_status: str = "unavailable"
    """`complete`, `partial` or `unavailable`."""
    tags: list[str] = field(default_factory=list)
    """Tags or labels shown with the article."""
    language: str | None = None
    """E.g. `en`."""
    aliases: list[str] = field(default_factory=list)
    """Other URLs seen for this article (the URL it was requested under, duplicate copies)."""
    content_hash: str | None = None
    """SHA-256 hex of the normalised title and body; set by the dedupe pipeline."""
    fetched_at: datetime | None = None
    """When the page was fetched (aware UTC): relative dates count back from it (not stored)."""
