"""Image credits pipeline: credits leave body, summary and caption for `image_credits`.

An article whose body was nothing but credits is refused (and counted): stored, it would be an
article without text."""

from __future__ import annotations

import logging

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from ..cleaning.credits import remove_credits
from ..flashes.item import is_flash

logger = logging.getLogger(__name__)


class ImageCreditsPipeline:
    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        if is_flash(item):  # stored by newscrawler.pipelines.flashes
            return item
        had_body = bool(ItemAdapter(item).get("body"))
        self.stats.inc_value("news/credits/removed", len(remove_credits(item)))
        if had_body and not ItemAdapter(item).get("body"):
            self.stats.inc_value("news/parse_failed/body_only_credits")
            raise DropItem(f"body_only_credits: nothing but picture credits in {ItemAdapter(item).get('url')}",
                           log_level="WARNING")
        return item
