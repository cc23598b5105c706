"""A host that asks us to slow down (429 or 503, with or without `Retry-After`) is slowed down,
waited for, and loses nothing: through a real nginx `limit_req`, and a server that names its wait."""

from __future__ import annotations

import threading
import time
from email.utils import formatdate

import pytest

from replica import Replica, SiteContent
from servers import LoopbackSite, crawl_in_process


def listed_urls(replica) -> set[str]:
    return {url for url, truth in replica.ground_truth().items() if truth["listed"]}


@pytest.mark.parametrize("status", [429, 503])
def test_a_host_rate_limited_by_nginx_is_slowed_down_and_loses_nothing(status):
    """nginx lets 2 requests a second through and answers the rest `status`, without Retry-After."""
    front = {"http_extra": "limit_req_zone $binary_remote_addr zone=site:1m rate=2r/s;",
             "location_extra": f"limit_req zone=site; limit_req_status {status};"}
    content = SiteContent(seed=4, sections=1, articles=14)
    with Replica(content, front=front) as replica:
        items, stats = crawl_in_process({}, start_url=replica.base_url + "/")
        listed = listed_urls(replica)
        refused = [a for a in replica.front.answers() if a["status"] == status]
    assert {item.url for item in items} == listed
    assert stats.get(f"news/throttled/{status}", 0) >= 1
    assert stats["news/politeness/delay_max"] >= 0.5   # the pace nginx keeps to
    assert not [key for key in stats if key.startswith("news/fetch_failed/")]
    # Slowed down once asked: a handful of refusals while the first requests were in flight, not
    # one burst of retries after another.
    assert len(refused) <= 12, len(refused)


class NamedWaitSite(LoopbackSite):
    """A server that lets one request through every `spacing` seconds; any other gets 429 with
    `Retry-After` (seconds, or an HTTP date) and nothing but 429 until that wait has passed.
    `early` counts requests that came inside a wait they had been told of, after `grace`: the time a
    request already in flight may need to arrive on a loaded machine. A crawler deaf to the wait
    sends its next requests at its own pace, well inside it."""

    def __init__(self, pages: dict[str, bytes], wait: int = 3, as_date: bool = False, spacing: float = 0.3,
                 grace: float = 1.0):
        self.pages, self.wait, self.as_date, self.spacing, self.grace = pages, wait, as_date, spacing, grace
        self.lock = threading.Lock()
        self.last_ok = 0.0
        self.told_at = 0.0
        self.blocked_until = 0.0
        self.refused = 0
        self.early = 0
        super().__init__()

    def respond(self, handler):
        retry_after = self.admit()
        if retry_after is not None:
            return self.answer(handler, 429, b"Too many requests", {"Retry-After": retry_after})
        body = self.pages.get(handler.path)
        self.answer(handler, 200 if body else 404, body or b"Not found")

    def admit(self) -> str | None:
        """None to answer the page, else the `Retry-After` to send."""
        with self.lock:
            now = time.time()
            if now < self.blocked_until:
                if now > self.told_at + self.grace:
                    self.early += 1
                self.refused += 1
                return self.retry_after(self.blocked_until)
            if now - self.last_ok < self.spacing:
                self.blocked_until, self.told_at = now + self.wait, now
                self.refused += 1
                return self.retry_after(self.blocked_until)
            self.last_ok = now
            return None

    def retry_after(self, until: float) -> str:
        if self.as_date:
            return formatdate(until + 1, usegmt=True)  # whole seconds: the wait rounded up
        return str(max(1, round(until - time.time() + 0.5)))


def article_page(number: int) -> bytes:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Story {number}</title>'
            '<meta property="og:type" content="article">'
            f'<meta property="article:published_time" content="2024-05-01T10:{number:02d}:00+00:00">'
            f'</head><body><article><h1>Story number {number} of the day</h1>'
            f'<p>{"A sentence of the article that a reader reads in full. " * 20}</p>'
            '</article></body></html>').encode()


@pytest.mark.parametrize("as_date", [False, True], ids=["seconds", "http-date"])
def test_retry_after_is_honoured_for_the_host(as_date):
    paths = [f"/news/2024/05/story-{n}" for n in range(1, 9)]
    pages = {path: article_page(n) for n, path in enumerate(paths, 1)}
    pages["/"] = ("<html><body>" + "".join(f'<a href="{p}">{p}</a>' for p in paths) + "</body></html>").encode()
    pages["/robots.txt"] = b"User-agent: *\nAllow: /\n"
    with NamedWaitSite(pages, wait=3, as_date=as_date) as site:
        items, stats = crawl_in_process({"NEWS_SITE_PROFILE": "generic"}, start_url=site.base_url + "/")
    assert sorted(item.url for item in items) == sorted(site.base_url + path for path in paths)
    assert stats.get("news/throttled/429", 0) >= 1
    assert stats.get("news/throttled/retry_after", 0) >= 1
    assert site.early == 0, f"{site.early} requests came inside a Retry-After wait ({site.refused} refused)"
