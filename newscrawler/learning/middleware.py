"""Decides, as an article request leaves, whether it is rendered or read from the learned calls.

Article requests are made as listings are read, mostly before anything has been learned; the
decision waits until a request is about to be downloaded: a render of an article whose kind has
been learned meanwhile is swapped for the article call (and the reverse happens in the spider: a
read whose kind went back to learning is rendered). Renders that learn, check or replace a reading
are never swapped.

A read the server answers with a bot check only a browser passes is sent back to the browser at once
(ChallengedReadsMiddleware).

While a kind learns, no more of its articles are rendered at once than learning needs: the others
wait here, and leave as reads once it has learned (or as renders, should it go on learning or give
up). Renders let go while it learned were, before, a render lost each (about a second of CPU).
"""

from __future__ import annotations

import asyncio

from scrapy.exceptions import NotConfigured
from scrapy.http import TextResponse

from .. import meta as m
from ..pages.gates import COOKIE_GATE, page_gate


class LearnedReadsMiddleware:
    KEEP_RENDERING = (m.CHECK_OF, m.RENDER_AGAIN)
    # How often a waiting render looks again whether its kind has learned: a render takes a second.
    WAIT_S = 0.05

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        if (crawler.settings.get("NEWS_RENDER_MODE") or "learn") != "learn":
            raise NotConfigured  # always or never: nothing to swap
        return cls(crawler)

    async def process_request(self, request):
        meta = request.meta
        if meta.get(m.PAGE_KIND) != m.ARTICLE or not meta.get("playwright") or m.READ_AS in meta \
                or any(key in meta for key in self.KEEP_RENDERING):
            return None
        spider = self.crawler.spider
        learner = getattr(spider, "learner", None)
        if learner is None:
            return None
        url = meta.get(m.LINKED_AS) or request.url
        kind = spider.kind_of(url)
        while learner.holds_render(kind, url):
            await asyncio.sleep(self.WAIT_S)
        recipe = learner.recipe_to_read(kind)
        if recipe is None:
            return None
        self.crawler.stats.inc_value("news/learn/render_swapped_for_read")
        # It replaces the render: in a distributed crawl, under the render's token.
        story = {m.OUTSIDE_STORY: meta[m.OUTSIDE_STORY]} if meta.get(m.OUTSIDE_STORY) else None
        revisit = {m.VALIDATORS: meta[m.VALIDATORS]} if meta.get(m.VALIDATORS) else None
        return spider.read_request(url, recipe, filtered=False, taken=meta.get(m.TAKEN), story=story, revisit=revisit)



class ChallengedReadsMiddleware:
    """A read without the browser that the server answers with a bot check ("Just a moment...": 403
    or 503, a script that sets a cookie and loads the page again) is marked (meta.CHALLENGED) and
    handed to its errback as it is: asking again without the cookie meets the same check, and the
    check is no "slow down" (newscrawler.downloader.throttling). The errback renders the article, as renders
    wait behind such checks (newscrawler.rendering.handler). Placed above throttling (560) and
    retries (550), which see a response after it."""

    STATUSES = (403, 503)

    def __init__(self, crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        if (crawler.settings.get("NEWS_RENDER_MODE") or "learn") != "learn":
            raise NotConfigured  # no read without the browser
        return cls(crawler)

    def process_response(self, request, response):
        if m.READ_AS not in request.meta or request.meta.get("playwright") or not is_bot_check(response):
            return response
        request.meta[m.CHALLENGED] = True
        request.meta["dont_retry"] = True
        self.stats.inc_value("news/read/challenged")
        return response


def is_bot_check(response) -> bool:
    return response.status in ChallengedReadsMiddleware.STATUSES and isinstance(response, TextResponse) \
        and page_gate(response.text) == COOKIE_GATE
