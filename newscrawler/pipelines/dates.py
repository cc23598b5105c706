"""Dates pipeline: the page's date text, read in the site's zone, becomes aware UTC."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured

from ..cleaning.dates import parse_site_date
from ..sites import SiteConfigError, configured_site

logger = logging.getLogger(__name__)


class DatesPipeline:
    def __init__(self, zone: ZoneInfo, stats):
        self.zone = zone
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        try:
            zone = configured_site(crawler.settings).zone
        except SiteConfigError as error:
            raise NotConfigured(str(error)) from None
        return cls(zone, crawler.stats)

    def zone_of(self, name: str | None) -> ZoneInfo:
        """The zone a page says its date text is in, else the site's."""
        if not name:
            return self.zone
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return self.zone

    def process_item(self, item):
        adapter = ItemAdapter(item)
        now = adapter.get("fetched_at") or datetime.now(timezone.utc)
        # A machine-readable date (JSON-LD) wins over the text; the text is kept either way.
        candidates = [adapter.get("published_at_iso"), adapter.get("published_at_raw")]
        parsed = None
        zone = self.zone_of(adapter.get("published_at_zone"))
        for text in filter(None, candidates):
            parsed = parse_site_date(text, zone, now)
            if parsed.value:
                break
        adapter["published_at"] = parsed.value if parsed else None
        if adapter["published_at"] is None:
            problem = parsed.problem if parsed else "empty"
            self.stats.inc_value(f"news/dates/{problem}")
            logger.warning("Publication date %s (%r): %s", problem, adapter.get("published_at_raw"), adapter.get("url"))
        modified = adapter.get("modified_at_raw")
        adapter["modified_at"] = parse_site_date(modified, self.zone, now).value if modified else None
        return item
