"""Spiders that exist only to be measured against newscrawler's own."""

from __future__ import annotations

import json

import scrapy
from scrapy_playwright.page import PageMethod

from newscrawler.spiders.news import NewsSpider


class CeilingSpider(scrapy.Spider):
    """(a) Fetches a fixed list of URLs: no parsing, no pipelines, no browser."""

    name = "ceiling"

    def __init__(self, urls_file: str, **kwargs):
        super().__init__(**kwargs)
        self.urls = json.load(open(urls_file))

    async def start(self):
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response):
        self.crawler.stats.inc_value("news/pages/article" if "/article/" in response.url else "news/pages/listing")


async def settle_like_a_naive_scraper(page, pause_ms: int = 2000):
    """What typical scrapers do: wait for the network to go idle, scroll, sleep a fixed time."""
    await page.wait_for_load_state("networkidle")
    for _ in range(3):
        await page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        await page.wait_for_timeout(pause_ms // 3)
    # What it saw, where the parser reads a render's outcome (newscrawler.pages.related).
    await page.evaluate("""() => document.documentElement.setAttribute("data-newscrawler-related",
        document.querySelector(".related-list .loading") ? "partial" : "complete")""")


class NaiveSpider(NewsSpider):
    """(d) Every request through Playwright, nothing blocked, network idle plus a fixed pause."""

    name = "naive"

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        # scrapy-playwright as it comes: a new page for every request, none kept open.
        handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
        settings.set("DOWNLOAD_HANDLERS", {"http": handler, "https": handler}, priority="spider")
        settings.set("PLAYWRIGHT_ABORT_REQUEST", None, priority="spider")
        # All its pages share the default context, as typical scrapers do, with the same page budget.
        settings.set("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", settings.getint("NEWS_RENDER_CONCURRENCY"), priority="spider")

    def naive_meta(self) -> dict:
        return {"playwright": True, "playwright_page_methods": [PageMethod(settle_like_a_naive_scraper)],
                "autothrottle_dont_adjust_delay": True}

    def listing_request(self, follow, source_index, start_url):
        request = super().listing_request(follow, source_index, start_url)
        return request.replace(meta={**request.meta, **self.naive_meta()})

    def article_request(self, url, depth=0):
        request = super().article_request(url, depth)
        if request is None:
            return None
        meta = {k: v for k, v in request.meta.items() if not k.startswith("playwright")}
        return request.replace(meta={**meta, **self.naive_meta()})

