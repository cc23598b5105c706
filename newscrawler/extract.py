"""What the crawler would store for one page, without crawling: `extract_article(html, url)`.

The same components as a crawl, in the same order: the site's page class, then the item pipelines
that clean an item (`DatesPipeline`, `ImageCreditsPipeline`), built for the site as a crawl builds
them. Only deduplication and storage, which need a database, are left out. `scrapy extract
FILE_OR_URL` prints the result as JSON.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from .items import ArticleItem, plain
from .pages import ArticleParseError
from .pages.generic import is_article_address
from .pipelines.credits import ImageCreditsPipeline
from .pipelines.dates import DatesPipeline
from .sites import configured_site

__all__ = ["ArticleParseError", "extract_article", "extract_item"]


class Tally(Counter):
    """The stats a pipeline counts into, kept for the caller (`extract_item(..., stats=...)`)."""

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self[key] += count


def extract_item(html: str, url: str, site: str = "generic", fetched_at: datetime | None = None,
                 stats: Tally | None = None) -> ArticleItem:
    """The item of one article page as a crawl of `site` would store it (dates read, credits out of
    the text). Raises ArticleParseError when the page is not a usable article, or when a pipeline
    refuses it (a text of nothing but credits)."""
    configured = configured_site({"NEWS_SITE_PROFILE": site})
    stats = Tally() if stats is None else stats
    fetched_at = fetched_at or datetime.now(timezone.utc)
    page = configured.article_page(html, url, configured.urls, fetched_at=fetched_at)
    # A page the user hands over is read as an article when it is one (declared or shown), or
    # shows a headline and text, or stands at an article's address with a headline (its text drawn
    # by a script) or with text (its headline in no form we read); anything else (a listing, a tag
    # page, an error page) is refused.
    if not page.is_article() and not (page.title() and page.blocks) \
            and not (is_article_address(url) and (page.title() or page.blocks)):
        raise ArticleParseError("no_article", url)
    item = page.to_item(configured.name, fetched_at, [url])
    try:
        for pipeline in (DatesPipeline(configured.zone, stats), ImageCreditsPipeline(stats)):
            item = pipeline.process_item(item)
    except DropItem as refused:
        raise ArticleParseError(str(refused).split(":", 1)[0], url) from None
    return item


def extract_article(html: str, url: str, site: str = "generic") -> dict:
    """The item's fields as plain JSON-ready values: dates as ISO 8601 strings (`published_at` in
    UTC with `+00:00`, or None when no instant can be known), typed parts as dicts."""
    fields = {name: plain(value) for name, value in ItemAdapter(extract_item(html, url, site)).items()}
    for name, value in fields.items():
        if isinstance(value, datetime):
            fields[name] = value.astimezone(timezone.utc).isoformat()
    return fields
