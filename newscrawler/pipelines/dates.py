"""Dates pipeline: the page's date, read in the site's zone when it states none, becomes an aware UTC
instant where one can be known, and is kept as stated (`published_at_local`) and as raw text."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from itemadapter import ItemAdapter

from ..cleaning.dates import set_dates
from ..flashes.item import is_flash
from ..items import extraction_of
from ..sites import crawl_site

logger = logging.getLogger(__name__)


class DatesPipeline:
    def __init__(self, zone: ZoneInfo | None, stats):
        self.zone = zone
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        # A bad site or zone stops the crawl (SiteConfigError): never a crawl without dates.
        return cls(crawl_site(crawler).zone, crawler.stats)

    def zone_of(self, name: str | None) -> ZoneInfo | None:
        """The zone a page says its date text is in, else the site's (None: not known)."""
        if not name:
            return self.zone
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return self.zone

    def process_item(self, item):
        if is_flash(item):  # stored by newscrawler.pipelines.flashes
            return item
        adapter = ItemAdapter(item)
        now = adapter.get("fetched_at") or datetime.now(timezone.utc)
        publication = set_dates(item, self.zone_of(extraction_of(adapter).published_zone), now)
        if adapter["published_at_local"] is None:
            problem = publication.problem if publication else "empty"
            self.stats.inc_value(f"news/dates/{problem}")
            logger.warning("Publication date %s (%r): %s", problem, adapter.get("published_at_raw"), adapter.get("url"))
        return item
