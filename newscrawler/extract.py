"""What the crawler would store for one page, without crawling: `extract_article(html, url)`.

The same page classes and the same date and credit rules as a crawl (pipelines `dates` and
`credits`), run on one page. `scrapy extract FILE_OR_URL` prints it as JSON.
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from itemadapter import ItemAdapter

from .cleaning.credits import remove_credits
from .cleaning.dates import set_dates
from .items import ArticleItem, plain
from .pages import ArticleParseError
from .sites import configured_site

__all__ = ["ArticleParseError", "extract_article", "extract_item"]


def extract_item(html: str, url: str, site: str = "generic", fetched_at: datetime | None = None) -> ArticleItem:
    """The item of one article page as a crawl of `site` would store it (dates read, credits out of
    the text). Raises ArticleParseError when the page is not a usable article."""
    configured = configured_site({"NEWS_SITE_PROFILE": site})
    fetched_at = fetched_at or datetime.now(timezone.utc)
    page = configured.article_page(html, url, configured.urls)
    item = page.to_item(configured.name, fetched_at, [url])
    set_dates(item, ZoneInfo(item.published_at_zone) if item.published_at_zone else configured.zone, fetched_at)
    remove_credits(item)
    return item


def extract_article(html: str, url: str, site: str = "generic") -> dict:
    """The item's fields as plain JSON-ready values: dates as ISO 8601 strings (`published_at` in
    UTC with `+00:00`, or None when no instant can be known), typed parts as dicts."""
    fields = {name: plain(value) for name, value in ItemAdapter(extract_item(html, url, site)).items()}
    for name, value in fields.items():
        if isinstance(value, datetime):
            fields[name] = value.astimezone(timezone.utc).isoformat()
    return fields
