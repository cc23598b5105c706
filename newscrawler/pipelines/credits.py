"""Image credits pipeline: credits leave body, summary and caption for `image_credits`."""

from __future__ import annotations

from dataclasses import replace

from itemadapter import ItemAdapter

from ..cleaning.credits import strip_body_credits, strip_credits


class ImageCreditsPipeline:
    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        adapter = ItemAdapter(item)
        credits = []
        image = adapter.get("image")
        if image and image.caption:
            caption, found = strip_credits(image.caption)
            adapter["image"] = replace(image, caption=caption or None)
            credits.extend(found)
        summary, found = strip_credits(adapter.get("summary"))
        adapter["summary"] = summary or None
        credits.extend(found)
        body, found = strip_body_credits(adapter.get("body") or "")
        adapter["body"] = body
        credits.extend(found)
        adapter["image_credits"] = list(adapter.get("image_credits") or []) + credits
        self.stats.inc_value("news/credits/removed", len(credits))
        return item
