"""Request fingerprints that know what an article is.

An article has several URLs (short `/article/<id>`, the canonical one, tracking parameters,
fragments); all of them fingerprint as the article id, so the duplicate filter, JOBDIR and a
shared (Redis) frontier each fetch an article once whichever URL reached them first.
"""

from __future__ import annotations

import hashlib

from scrapy.utils.request import RequestFingerprinter

from . import meta as m
from .sites import crawl_site


class ArticleAwareFingerprinter:
    def __init__(self, crawler):
        self.urls = crawl_site(crawler).urls
        self.fallback = RequestFingerprinter(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def fingerprint(self, request) -> bytes:
        # An article read without the browser (newscrawler.learning) is that article's fetch,
        # whatever URL its data call has.
        url = (request.meta.get(m.LINKED_AS) or request.url) if m.READ_AS in request.meta else request.url
        the_id = self.urls.article_id(url)
        if the_id is None or (request.method != "GET" and m.READ_AS not in request.meta):
            return self.fallback.fingerprint(request.replace(url=self.urls.canonicalize(request.url)))
        # A redirect from a short URL lands on the canonical one: that is the same fetch, not a
        # duplicate, so redirected requests get a key of their own.
        hops = len(request.meta.get("redirect_urls", ()))
        host = url.split("/")[2].lower()
        return hashlib.sha1(f"article:{host}:{the_id}:{hops}".encode()).digest()
