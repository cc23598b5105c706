"""Answers cut short: fewer bytes than the server's `Content-Length` promised (the connection closed
early), which Scrapy hands over flagged `dataloss` (`DOWNLOAD_FAIL_ON_DATALOSS` off).

An HTML page that nonetheless ends (`</html>` or `</body>`) is what a browser shows: kept, counted
under `news/cut_short/complete`. Anything else cut short is retried as a dropped connection is, and
after its retries is a failed fetch (`ResponseDataLossError`) with the spider's one line.
"""

from __future__ import annotations

import logging

from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import ResponseDataLossError
from scrapy.http import TextResponse

from .. import meta
from ..pages.html import html_is_complete

logger = logging.getLogger(__name__)
DATALOSS = "dataloss"


def is_whole_page(request, response) -> bool:
    """An HTML page that reached its end, whatever the Content-Length claimed."""
    return (request.meta.get(meta.FORMAT, "html") == "html" and isinstance(response, TextResponse)
            and html_is_complete(response.text))


class CutShortMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        if DATALOSS not in response.flags or meta.PAGE_KIND not in request.meta:
            return response
        if is_whole_page(request, response):
            self.crawler.stats.inc_value("news/cut_short/complete")
            logger.info("Page shorter than its Content-Length, but whole: kept: %s", response.url)
            return response
        retry = get_retry_request(request, spider=self.crawler.spider, reason=ResponseDataLossError)
        if retry is not None:
            return retry
        raise ResponseDataLossError(f"{len(response.body)} bytes, fewer than the server's Content-Length")
