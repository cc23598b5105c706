"""Conditional requests: a page asked again is asked "if changed", and a 304 means "unchanged".

Where a server gave `ETag` or `Last-Modified` for a listing, a feed or a sitemap, the next request
for the same URL in this process (a later page of the same walk, a crawl run again, a polling mode)
sends `If-None-Match` / `If-Modified-Since`. A 304 answer is read as the answer it confirms: the
page kept with its validators is handed to the callback as if sent again (flagged `not_modified`),
so a listing that has not changed is read as before and loses nothing, while the server sends no
body. Counted under `news/not_modified` (and `news/not_modified/<kind>`), never as a failure or a
miss. Rendered requests are left alone: the browser keeps its own cache.

Validators live in a `ValidatorStore` (`NEWS_VALIDATOR_STORE`): by default `MemoryValidatorStore`,
one per process, at most `NEWS_VALIDATOR_CACHE_SIZE` URLs, oldest used dropped first.

Storing validators with articles (re-visits across runs): this module reads and writes them on
requests and responses, so the store of articles needs no more than two things:

- to keep them: the answer's validators are in `response.meta[meta.SERVED_VALIDATORS]` (a plain dict,
  `{"etag": ..., "last_modified": ...}`, as `Validators.as_dict()`) for every answer that carried
  any, articles included; store that dict with the article;
- to use them: put the stored dict in the re-visit request's `meta[meta.VALIDATORS]`. The request
  goes out conditional; a 304 raises `NotModified` (an `IgnoreRequest`) to the request's errback,
  which the spider reads as "the stored version stands": counted, no miss, no new version.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.misc import load_object

from .. import meta

logger = logging.getLogger(__name__)

STAT = "news/not_modified"
NOT_MODIFIED_FLAG = "not_modified"
# Kinds of page whose answer is kept beside its validators, so that a 304 can be read as the page:
# what lists articles is what a crawl asks again. Articles keep validators only (their page is stored).
KEPT_KINDS = (meta.LISTING,)
# A larger answer (a sitemap of tens of megabytes) is not kept: memory matters more than its body.
KEPT_BODY_MAX = 5 * 1024 * 1024


class NotModified(IgnoreRequest):
    """The server answered 304 to a request sent with the validators of a stored page: the stored
    version stands. Counted already; an errback passes it over."""


@dataclass(frozen=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None

    @classmethod
    def of_response(cls, response) -> "Validators | None":
        etag = response.headers.get("ETag")
        last_modified = response.headers.get("Last-Modified")
        if not etag and not last_modified:
            return None
        return cls(etag.decode("latin-1") if etag else None,
                   last_modified.decode("latin-1") if last_modified else None)

    @classmethod
    def from_dict(cls, data: dict | None) -> "Validators | None":
        if not data or not (data.get("etag") or data.get("last_modified")):
            return None
        return cls(data.get("etag"), data.get("last_modified"))

    def as_dict(self) -> dict:
        return {"etag": self.etag, "last_modified": self.last_modified}

    def request_headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class KeptAnswer:
    """The answer a set of validators confirms, as the callback saw it (inflated)."""

    response_class: type
    url: str
    headers: dict
    body: bytes
    encoding: str | None

    @classmethod
    def of(cls, response) -> "KeptAnswer | None":
        if len(response.body) > KEPT_BODY_MAX:
            return None
        headers = {name: values for name, values in response.headers.items() if name.lower() != b"content-encoding"}
        return cls(type(response), response.url, headers, response.body, getattr(response, "encoding", None))

    def response_for(self, request, flags: list[str]):
        extra = {"encoding": self.encoding} if self.encoding else {}
        return self.response_class(url=self.url, status=200, headers=self.headers, body=self.body, request=request,
                                   flags=[*flags, NOT_MODIFIED_FLAG], **extra)


@dataclass(frozen=True)
class Remembered:
    validators: Validators
    answer: KeptAnswer | None = None


class ValidatorStore(Protocol):
    """Where validators are kept between requests for a URL."""

    def get(self, url: str) -> Remembered | None: ...

    def put(self, url: str, remembered: Remembered) -> None: ...


class MemoryValidatorStore:
    """Validators of the last `size` URLs, in memory; one store per process, so that a crawl run
    again in the same process (a polling mode) asks its listings "if changed"."""

    _per_process: "MemoryValidatorStore | None" = None

    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict[str, Remembered] = OrderedDict()

    @classmethod
    def from_crawler(cls, crawler) -> "MemoryValidatorStore":
        size = crawler.settings.getint("NEWS_VALIDATOR_CACHE_SIZE", 500)
        if cls._per_process is None:
            cls._per_process = cls(size)
        cls._per_process.size = size
        return cls._per_process

    def get(self, url: str) -> Remembered | None:
        found = self.entries.get(url)
        if found is not None:
            self.entries.move_to_end(url)
        return found

    def put(self, url: str, remembered: Remembered) -> None:
        self.entries[url] = remembered
        self.entries.move_to_end(url)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)


class ConditionalRequestsMiddleware:
    """Downloader middleware: sends validators, reads 304 answers (see the module's docstring)."""

    def __init__(self, crawler, store: ValidatorStore):
        self.stats = crawler.stats
        self.store = store

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("NEWS_CONDITIONAL_REQUESTS", True):
            raise NotConfigured("NEWS_CONDITIONAL_REQUESTS is off")
        store_class = load_object(crawler.settings.get("NEWS_VALIDATOR_STORE")
                                  or "newscrawler.downloader.conditional.MemoryValidatorStore")
        return cls(crawler, store_class.from_crawler(crawler))

    def validators_for(self, request) -> Validators | None:
        """The article's own (stored with it), else those kept for the URL."""
        given = Validators.from_dict(request.meta.get(meta.VALIDATORS))
        if given is not None:
            return given
        if request.meta.get(meta.PAGE_KIND) not in KEPT_KINDS:
            return None
        remembered = self.store.get(request.url)
        return remembered.validators if remembered else None

    def process_request(self, request):
        if request.meta.get("playwright") or request.method != "GET":
            return None
        validators = self.validators_for(request)
        if validators is None:
            return None
        for name, value in validators.request_headers().items():
            request.headers[name] = value
        request.meta[meta.SENT_CONDITIONAL] = True
        return None

    def process_response(self, request, response):
        if response.status == 304 and request.meta.get(meta.SENT_CONDITIONAL):
            return self.not_modified(request, response)
        if response.status == 200 and not request.meta.get("playwright"):
            self.remember(request, response)
        return response

    def remember(self, request, response) -> None:
        validators = Validators.of_response(response)
        if validators is None:
            return
        request.meta[meta.SERVED_VALIDATORS] = validators.as_dict()   # response.meta: the storage hook's
        if request.meta.get(meta.PAGE_KIND) in KEPT_KINDS:
            self.store.put(request.url, Remembered(validators, KeptAnswer.of(response)))

    def not_modified(self, request, response):
        kind = request.meta.get(meta.PAGE_KIND) or "other"
        self.stats.inc_value(STAT)
        self.stats.inc_value(f"{STAT}/{kind}")
        remembered = self.store.get(request.url) if kind in KEPT_KINDS else None
        if remembered is not None and remembered.answer is not None:
            logger.debug("Not modified, read as kept: %s", request.url)
            return remembered.answer.response_for(request, response.flags)
        logger.debug("Not modified: the stored version stands: %s", request.url)
        raise NotModified(f"not modified: {request.url}")
