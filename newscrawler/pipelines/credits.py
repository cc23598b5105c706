"""Image credits pipeline: credits leave body, summary and caption for `image_credits`."""

from __future__ import annotations

from ..cleaning.credits import remove_credits


class ImageCreditsPipeline:
    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        self.stats.inc_value("news/credits/removed", len(remove_credits(item)))
        return item
