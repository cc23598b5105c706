"""Renders keep to the site's limits like any request."""

from __future__ import annotations

import asyncio
import gzip
import time

import pytest
from playwright.async_api import async_playwright

from newscrawler.rendering import chromium_path
from newscrawler.rendering.redirects import HopPacedRoute, LocalOrigins, is_local_address, redirect_target
from replica import Faults, Replica, SiteContent
from servers import Crawl, LoopbackSite, RedisServer, run_crawl

pytestmark = pytest.mark.slow


def test_renders_keep_to_the_robots_txt_crawl_delay(tmp_path):
    content = SiteContent(seed=2, sections=1, articles=8, related_only_share=0)
    with Replica(content, Faults(crawl_delay=1)) as replica:
        result = run_crawl(tmp_path, replica.base_url + "/", settings={"NEWS_RENDER_MODE": "always"})
    assert len(result.items) == 8 and result.stat("news/renders") == 8
    assert result.stat("news/politeness/delay_max") == 1.0
    # Scrapy spaces a slot's requests by 0.5 to 1.5 times its delay: 8 renders take at least 3.5 s.
    assert result.stats["elapsed_time_seconds"] >= 3.5
    assert "robots.txt of 127.0.0.1 asks for 1s" in result.log


def test_renders_keep_to_download_delay(tmp_path):
    content = SiteContent(seed=2, sections=1, articles=6, related_only_share=0)
    with Replica(content) as replica:
        result = run_crawl(tmp_path, replica.base_url + "/", settings={"DOWNLOAD_DELAY": 0.8, "NEWS_RENDER_MODE": "always",
                                                                        "AUTOTHROTTLE_ENABLED": False})
    assert result.stat("news/renders") == 6 and result.stat("news/politeness/delay_max") == 0.8
    assert result.stats["elapsed_time_seconds"] >= 5 * 0.8 * 0.5


def sent_to_the_site(replica) -> list[tuple[float, str]]:
    """(arrival, path) of every request that reached the site, but robots.txt and the images and
    styles the browser never loads."""
    return [(moment, path) for path, moment in zip(replica.site.requests, replica.site.request_times)
            if not path.startswith(("/img/", "/robots.txt", "/static/site.css"))]


def gaps_between(sent: list[tuple[float, str]]) -> list[tuple[float, str, str]]:
    """Gaps between requests as they arrived, the shortest first."""
    return sorted((later[0] - earlier[0], earlier[1], later[1]) for earlier, later in zip(sent, sent[1:]))


def test_plain_fetches_renders_and_the_pages_own_calls_share_one_pace(tmp_path):
    """robots.txt asks for 1 s between requests: whatever sends them (Scrapy's fetches, the browser's
    navigations, the page's own scripts and the related block's data calls from inside a render),
    the host sees one stream."""
    content = SiteContent(seed=2, sections=1, articles=4, related_only_share=0)
    with Replica(content, Faults(crawl_delay=1)) as replica:
        result = run_crawl(tmp_path, replica.base_url + "/", settings={"NEWS_RENDER_CONCURRENCY": 2})
        sent = sent_to_the_site(replica)
    assert len(result.items) == 4 and result.stat("news/politeness/waited") >= 1
    assert any(path.startswith("/api/") for _, path in sent)              # the pages' own calls
    assert any(path.startswith("/static/") for _, path in sent)           # and their scripts
    # A redirect's hop (`/article/104` to its canonical URL) waits its turn too.
    assert any(later.startswith(earlier + "/") for earlier, later in zip(
        [path for _, path in sent], [path for _, path in sent][1:])), "no redirect was rendered"
    gaps = gaps_between(sent)
    assert gaps[0][0] >= 0.9, gaps[:5]


def test_the_processes_of_one_distributed_crawl_share_one_pace(tmp_path):
    """Two processes of one crawl, one frontier in Redis: the site that asks for 1 s between
    requests sees one stream, not one per process."""
    content = SiteContent(seed=3, sections=2, articles=8, related_only_share=0)
    redis = RedisServer().start()
    try:
        with Replica(content, Faults(crawl_delay=1)) as replica:
            settings = {"REDIS_URL": redis.url, "NEWS_CRAWL_ID": "paced", "NEWS_RENDER_CONCURRENCY": 2,
                        "NEWS_REDIS_IDLE_BEFORE_CLOSE": 4}
            crawls = [Crawl(tmp_path, replica.base_url + "/", settings=settings, name=f"node{n}") for n in range(2)]
            results = [crawl.finish() for crawl in crawls]
            sent = sent_to_the_site(replica)
    finally:
        redis.stop()
    assert sum(len(result.items) for result in results) == 8
    assert all(result.stat("downloader/response_count") > 0 for result in results)   # both took part
    gaps = gaps_between(sent)
    assert gaps[0][0] >= 0.9, gaps[:5]
    for result in results:
        assert "Traceback" not in result.log and " ERROR: " not in result.log


def test_a_redirect_names_its_hop_only_when_it_sends_the_browser_on():
    assert redirect_target("https://a.test/old/1", 301, {"location": "/new/1"}) == "https://a.test/new/1"
    assert redirect_target("https://a.test/x", 308, {"location": "https://b.test/y"}) == "https://b.test/y"
    assert redirect_target("https://a.test/x", 200, {"location": "/y"}) is None
    assert redirect_target("https://a.test/x", 304, {}) is None
    assert redirect_target("https://a.test/x", 302, {"location": "mailto:desk@a.test"}) is None


def test_pages_of_local_hosts_keep_their_calls_to_local_addresses():
    assert all(map(is_local_address, ["127.0.0.1", "::1", "10.1.2.3", "192.168.0.9", "169.254.1.1", "fe80::1%eth0"]))
    assert not any(map(is_local_address, ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "nonsense"]))
    origins = LocalOrigins()
    assert asyncio.run(origins.is_local("localhost")) and asyncio.run(origins.is_local("127.0.0.1"))
    assert not asyncio.run(origins.is_local("no-such-host.invalid"))


class MovedArticle(LoopbackSite):
    """`/old` moved to `/moved`, which moved on to `/article` (compressed, setting a cookie on the way)."""

    def __init__(self):
        super().__init__()
        self.arrivals: list[tuple[float, str, str]] = []

    def respond(self, handler) -> None:
        self.arrivals.append((time.monotonic(), handler.path, handler.headers.get("Cookie") or ""))
        if handler.path == "/old":
            return self.answer(handler, 301, headers={"Location": "/moved", "Set-Cookie": "seen=1; Path=/"})
        if handler.path == "/moved":
            return self.answer(handler, 302, headers={"Location": "/article"})
        body = gzip.compress(b"<html><head><title>Moved article</title></head><body><p>Text.</p></body></html>")
        return self.answer(handler, 200, body, headers={"Content-Encoding": "gzip"})


def visit_with_paced_hops(url: str, turns: list[str]) -> tuple[str, str]:
    """Real Chromium loads `url` through the route the crawl gives navigations, each turn 1 s long;
    the address it ended on and its title."""

    async def take_turn(turn_url: str) -> None:
        turns.append(turn_url)
        await asyncio.sleep(1.0)

    async def visit() -> tuple[str, str]:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=chromium_path(None))
            try:
                page = await browser.new_page()

                async def route(route, request) -> None:
                    if request.is_navigation_request():
                        return await HopPacedRoute(route, take_turn).continue_()
                    await route.continue_()

                await page.route("**", route)
                await page.goto(url)
                return page.url, await page.title()
            finally:
                await browser.close()

    return asyncio.run(visit())


def test_the_hop_of_a_redirect_the_browser_follows_waits_its_turn():
    """The redirect's hop leaves a turn later; the page still ends where the browser would have
    taken it, cookies and coding intact."""
    turns: list[str] = []
    with MovedArticle() as site:
        ended_on, title = visit_with_paced_hops(site.base_url + "/old", turns)
    assert (ended_on, title) == (site.base_url + "/article", "Moved article")
    assert turns == [site.base_url + "/moved"]          # the first hop's turn; a chain's later hops are the browser's
    (asked, old, _), (hopped, moved, cookie) = site.arrivals[:2]
    assert (old, moved) == ("/old", "/moved") and hopped - asked >= 0.9
    assert "seen=1" in cookie


class ClientCheck(LoopbackSite):
    """A bot check that judges the client: 403 to any client that is not this Chromium (judged, for
    the test, by the codings it offers); `/busy` answers 503 with a time to come back."""

    def __init__(self):
        super().__init__()
        self.arrivals: list[tuple[float, str]] = []

    def respond(self, handler) -> None:
        self.arrivals.append((time.monotonic(), handler.path))
        if handler.path == "/busy":
            return self.answer(handler, 503, b"<title>Busy</title>", headers={"Retry-After": "30"})
        if "zstd" not in (handler.headers.get("Accept-Encoding") or ""):
            return self.answer(handler, 403, b"<title>Just a moment...</title>")
        return self.answer(handler, 200, b"<html><head><title>The article</title></head><body><p>Text.</p></body></html>")


def test_a_page_a_bot_check_answers_is_asked_again_by_the_browser_itself():
    turns: list[str] = []
    with ClientCheck() as site:
        checked = visit_with_paced_hops(site.base_url + "/article", turns)
        busy = visit_with_paced_hops(site.base_url + "/busy", turns)
    assert checked == (site.base_url + "/article", "The article")
    assert busy == (site.base_url + "/busy", "Busy")     # a time to come back named: no second request
    assert [path for _, path in site.arrivals] == ["/article", "/article", "/busy"]
    assert site.arrivals[1][0] - site.arrivals[0][0] >= 0.9   # the browser's request took its turn
