"""The item of one flash, shaped as stored (`docs/flash-schema.md`)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime


@dataclass
class FlashItem:
    url: str
    """The flash's page on the site (`https://coinness.com/en/news/5012`; `ko`: `/news/5012`)."""
    site: str
    """The site's name (`NEWS_SITE_PROFILE`), e.g. `coinness`."""
    flash_id: str
    """The site's own id of the flash, qualified by its edition: `en:5012` (ids are per edition)."""
    title: str
    """Headline, whitespace-normalised, as the row gives it (a `[속보]` tag included)."""
    body: str = ""
    """Plain text: paragraphs separated by a blank line, lines of one paragraph by a newline."""
    published_at: datetime | None = None
    """Publication instant, aware UTC."""
    published_at_local: str | None = None
    """The publication in the site's zone, ISO 8601 with its offset, as the site's readers see it."""
    published_at_precision: str | None = None
    """`second` where the feed gives seconds, else `minute`."""
    published_at_raw: str | None = None
    """The publication as the feed gave it (`2026-12-05T08:14:10.000Z`)."""
    important: bool = False
    """The site marks the flash important."""
    bull_count: int | None = None
    """Readers' bullish votes: refreshed by every crawl that reads the flash, never a new version."""
    bear_count: int | None = None
    """Readers' bearish votes: as `bull_count`."""
    source_url: str | None = None
    """The outside source the flash links to (`link`), or None."""
    source_name: str | None = None
    """That source's name as the site writes it (`linkTitle`)."""
    language: str | None = None
    """The edition, e.g. `en` or `ko`."""
    content_hash: str | None = None
    """SHA-256 hex of the normalised title and body: a new value is a new version."""


def flash_fields() -> tuple[str, ...]:
    """The item's field names: every one is stored."""
    return tuple(f.name for f in fields(FlashItem))


def is_flash(item) -> bool:
    """Whether an item is a flash: the article pipelines pass it on untouched."""
    return isinstance(item, FlashItem)
