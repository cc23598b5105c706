"""Answers as real servers send them: compressed in every coding, gzip files, large sitemaps and
pages, a decompression bomb, JSON named as text. In-process crawls against servers on loopback."""

from __future__ import annotations

import gzip
import time

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.utils.test import get_crawler

from newscrawler import meta
from newscrawler.downloader.refusals import PageRefused, RefusalMiddleware
from replica import Replica, SiteContent
from replica.server import compress
from servers import LoopbackSite, crawl_in_process


@pytest.mark.parametrize("coding", ["auto", "gzip", "deflate", "br", "zstd"])
def test_every_content_coding_is_read(coding):
    """`auto` answers as the client asks (brotli); the others are sent whatever was asked."""
    content = SiteContent(seed=3, sections=2, articles=12)
    with Replica(content, compression=coding) as replica:
        items, stats = crawl_in_process({}, start_url=replica.base_url + "/")
        listed = {url for url, truth in replica.ground_truth().items() if truth["listed"]}
    assert {item.url for item in items} == listed
    assert [key for key in stats if key.startswith("news/refused/")] == []
    assert stats["httpcompression/response_count"] > len(listed)


def article_html(number: int, filler: str = "") -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Story {number}</title>'
            '<meta property="og:type" content="article">'
            f'<meta property="article:published_time" content="2024-05-0{number}T10:00:00+00:00">'
            f'<script>window.__DATA__ = "{filler}";</script></head><body><article>'
            f'<h1>Story number {number} of the day</h1>'
            f'<p>{"A sentence of the article that a reader reads in full. " * 30}</p>'
            '</article></body></html>')


def sitemap_xml(base: str, paths: list[str]) -> str:
    entries = "".join(f"<url><loc>{base}{path}</loc><lastmod>2024-05-01</lastmod></url>" for path in paths)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'


class Site(LoopbackSite):
    """A server answering fixed paths: `pages[path] = (content_type, body, headers)`, with the status
    in `statuses[path]` (200 for a page, 404 for any other path); `requested` lists the paths asked."""

    def __init__(self):
        super().__init__()
        self.pages: dict[str, tuple[str, bytes, dict]] = {}
        self.statuses: dict[str, int] = {}
        self.claimed_lengths: dict[str, int] = {}   # a Content-Length other than the body's
        self.requested: list[str] = []

    def respond(self, handler):
        self.requested.append(handler.path)
        found = self.pages.get(handler.path)
        content_type, body, headers = found or ("text/plain", b"Not found", {})
        self.answer(handler, self.statuses.get(handler.path, 200 if found else 404), body, headers, content_type,
                    length=self.claimed_lengths.get(handler.path))
        if handler.path in self.claimed_lengths:
            handler.close_connection = True   # the rest it promised never comes


def crawl_generic(site: Site, **args):
    return crawl_in_process({"NEWS_SITE_PROFILE": "generic"}, start_url=site.base_url + "/", **args)


@pytest.mark.parametrize("served_as", ["application/x-gzip", "gzip twice"])
def test_a_gzip_sitemap_is_read(served_as):
    """`robots.txt` names a `.xml.gz` sitemap: a gzip file, sent as one, or compressed once more."""
    with Site() as site:
        paths = [f"/news/2024/05/story-{n}" for n in range(1, 4)]
        for number, path in enumerate(paths, 1):
            site.pages[path] = ("text/html; charset=utf-8", article_html(number).encode(), {})
        site.pages["/"] = ("text/html", b"<html><body><p>Home</p></body></html>", {})
        site.pages["/robots.txt"] = ("text/plain", f"User-agent: *\nSitemap: {site.base_url}/news.xml.gz\n".encode(), {})
        sitemap = gzip.compress(sitemap_xml(site.base_url, paths).encode())
        site.pages["/news.xml.gz"] = (("application/x-gzip", sitemap, {}) if served_as == "application/x-gzip" else
                                      ("application/xml", gzip.compress(sitemap), {"Content-Encoding": "gzip"}))
        items, stats = crawl_generic(site)
    assert sorted(item.url for item in items) == [site.base_url + path for path in paths]
    assert [key for key in stats if key.startswith("news/refused/")] == []


def test_a_sitemap_of_several_megabytes_is_read():
    """The sitemap protocol allows 50 MB and 50,000 URLs; this one is about 3 MB."""
    with Site() as site:
        paths = [f"/news/2024/05/a-story-with-a-rather-long-address-{n:05d}" for n in range(40_000)]
        for number, path in enumerate(paths[:2], 1):
            site.pages[path] = ("text/html; charset=utf-8", article_html(number).encode(), {})
        site.pages["/"] = ("text/html", b"<html><body><p>Home</p></body></html>", {})
        site.pages["/robots.txt"] = ("text/plain", f"Sitemap: {site.base_url}/sitemap.xml\n".encode(), {})
        body = sitemap_xml(site.base_url, paths).encode()
        assert len(body) > 3_000_000
        site.pages["/sitemap.xml"] = ("application/xml", body, {})
        items, stats = crawl_generic(site, max_articles="2")
    assert {item.url for item in items} == {site.base_url + path for path in paths[:2]}
    assert [key for key in stats if key.startswith("news/refused/")] == []


def test_an_article_page_of_several_megabytes_is_stored():
    """Inline app data makes ordinary article pages megabytes large; they are read, not refused."""
    with Site() as site:
        path = "/news/2024/05/story-1"
        page = article_html(1, filler="x" * 3_000_000).encode()
        site.pages[path] = ("text/html; charset=utf-8", gzip.compress(page), {"Content-Encoding": "gzip"})
        items, stats = crawl_in_process({"NEWS_SITE_PROFILE": "generic"}, start_url=site.base_url + path)
    assert [item.url for item in items] == [site.base_url + path]


def test_a_decompression_bomb_is_stopped_and_the_crawl_goes_on():
    """100 MB of zeros in 100 KB of gzip: inflating stops at DOWNLOAD_MAXSIZE, the other page is stored."""
    bomb = gzip.compress(b"\0" * 100_000_000, compresslevel=9)
    with Site() as site:
        site.pages["/news/2024/05/bomb"] = ("text/html", bomb, {"Content-Encoding": "gzip"})
        site.pages["/news/2024/05/story-1"] = ("text/html; charset=utf-8", article_html(1).encode(), {})
        site.pages["/"] = ("text/html", b'<html><body><a href="/news/2024/05/bomb">A</a>'
                                        b'<a href="/news/2024/05/story-1">B</a></body></html>', {})
        items, stats = crawl_generic(site)
    assert [item.url for item in items] == [site.base_url + "/news/2024/05/story-1"]
    assert stats["finish_reason"] == "finished"
    assert stats.get("news/fetch_failed/IgnoreRequest", 0) + stats.get("news/refused/too_large", 0) == 1


@pytest.mark.parametrize("status", [404, 410, 500, 503])
def test_without_a_robots_txt_the_sitemap_at_its_usual_place_is_read(status, caplog):
    """robots.txt missing or failing: `/sitemap.xml` is tried, and an article only it lists is stored;
    a missing robots.txt is no fetch failure, and a failing one is not asked for again and again."""
    with Site() as site:
        path = "/news/2024/05/only-in-the-sitemap"
        site.pages[path] = ("text/html; charset=utf-8", article_html(1).encode(), {})
        site.pages["/"] = ("text/html", b"<html><body><p>Home</p></body></html>", {})
        site.pages["/sitemap.xml"] = ("application/xml", sitemap_xml(site.base_url, [path]).encode(), {})
        site.pages["/robots.txt"] = ("text/plain", b"Unavailable", {})
        site.statuses["/robots.txt"] = status
        items, stats = crawl_generic(site)
        asked_robots = site.requested.count("/robots.txt")
    assert [item.url for item in items] == [site.base_url + path]
    assert not [key for key in stats if key.startswith(("news/fetch_failed/", "news/sources/failed/"))]
    assert "Fetch failed" not in caplog.text
    assert asked_robots <= 5   # Scrapy's robots.txt check and its retries, then the sitemaps' look


def test_a_complete_page_under_a_longer_content_length_is_stored():
    """The server promises more bytes than the page it sends whole (ending in </html>), and closes:
    a browser shows the page, and the crawl stores it."""
    with Site() as site:
        path = "/news/2024/05/story-1"
        page = article_html(1).encode()
        site.pages[path] = ("text/html; charset=utf-8", page, {})
        site.claimed_lengths[path] = len(page) + 500
        items, stats = crawl_in_process({"NEWS_SITE_PROFILE": "generic"}, start_url=site.base_url + path)
    assert [item.url for item in items] == [site.base_url + path]
    assert not [key for key in stats if key.startswith("news/fetch_failed/")]


def test_a_page_cut_short_under_its_content_length_is_retried_and_not_stored(caplog):
    with Site() as site:
        path = "/news/2024/05/story-1"
        page = article_html(1).encode()
        site.pages[path] = ("text/html; charset=utf-8", page[: len(page) // 2], {})
        site.claimed_lengths[path] = len(page)
        items, stats = crawl_in_process({"NEWS_SITE_PROFILE": "generic"}, start_url=site.base_url + path)
        asked = site.requested.count(path)
    assert items == [] and asked == 4            # retried as a dropped connection is
    assert "Article not parsed (truncated_html)" in caplog.text or "Fetch failed" in caplog.text


def test_a_page_that_refreshes_itself_is_stored_once():
    """`<meta http-equiv="refresh" content="60">` to the page's own URL reloads the page a minute
    later in a browser: the page shown is the article."""
    with Site() as site:
        path = "/news/2024/05/story-1"
        page = article_html(1).replace("<head>", f'<head><meta http-equiv="refresh" content="60; url={path}">')
        site.pages[path] = ("text/html; charset=utf-8", page.encode(), {})
        items, stats = crawl_in_process({"NEWS_SITE_PROFILE": "generic"}, start_url=site.base_url + path)
        asked = site.requested.count(path)
    assert [item.url for item in items] == [site.base_url + path]
    assert asked == 1


# -- the refusal middleware on its own -----------------------------------------------------------

def middleware(**settings) -> RefusalMiddleware:
    return RefusalMiddleware.from_crawler(get_crawler(settings_dict=settings))


def request(format: str = "html", step: str | None = None) -> Request:
    return Request("https://news.example/x", meta={meta.PAGE_KIND: meta.ARTICLE, meta.FORMAT: format,
                                                   meta.STEP: step})


@pytest.mark.parametrize("content_type", ["text/plain", "text/html; charset=utf-8", ""])
def test_json_is_judged_by_its_content_where_json_was_asked_for(content_type):
    body = b'{"id": 1, "title": "A story"}'
    response = TextResponse("https://api.example/a/1", body=body, headers={"Content-Type": content_type})
    assert middleware().process_response(request("json"), response) is response


def test_a_page_that_is_no_json_is_refused_where_json_was_asked_for():
    response = HtmlResponse("https://api.example/a/1", body=b"<html><body>Unavailable</body></html>",
                            headers={"Content-Type": "text/html"})
    with pytest.raises(PageRefused, match="non_json"):
        middleware().process_response(request("json"), response)


def test_size_is_judged_on_the_inflated_body():
    small = middleware(NEWS_MAX_PAGE_BYTES=1000)
    page = article_html(1).encode()
    assert len(page) > 1000
    response = HtmlResponse("https://news.example/x", body=page, headers={"Content-Type": "text/html"})
    with pytest.raises(PageRefused, match="too_large"):
        small.process_response(request(), response)
    sitemap = gzip.compress(b"<urlset>" + b"<url><loc>https://news.example/a</loc></url>" * 100 + b"</urlset>")
    gzipped = TextResponse("https://news.example/s.xml.gz", body=sitemap, headers={"Content-Type": "application/x-gzip"})
    assert len(sitemap) < 1000
    with pytest.raises(PageRefused, match="too_large"):
        middleware(NEWS_MAX_PAGE_BYTES=1000, NEWS_MAX_SITEMAP_BYTES=1000).process_response(
            request("any", step="sitemap"), gzipped)


def test_the_replica_compresses_as_the_client_asks():
    assert compress(b"x" * 100, "gzip")[:2] == b"\x1f\x8b"
    from replica.server import choose_encoding

    assert choose_encoding("auto", "gzip, deflate, br, zstd") == "br"
    assert choose_encoding("auto", "gzip;q=1.0, br;q=0") == "gzip"
    assert choose_encoding("auto", "") is None
    assert choose_encoding("gzip", "") == "gzip"      # a server that compresses unasked


class TricklingSite(LoopbackSite):
    """One article page at `/news/2024/05/slow-story`, sent in chunks of `chunk` bytes every `pause`
    seconds; with `stall_after`, nothing more comes after that many chunks (the connection stays open)."""

    PATH = "/news/2024/05/slow-story"

    def __init__(self, chunk: int = 400, pause: float = 0.25, stall_after: int | None = None):
        super().__init__()
        self.body = article_html(3, "x" * 6000).encode()
        self.chunk, self.pause, self.stall_after = chunk, pause, stall_after
        self.requests = 0
        self.url = self.base_url + self.PATH

    def respond(self, handler):
        if handler.path != self.PATH:
            return self.answer(handler, 404)
        self.requests += 1
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(self.body)))
        handler.end_headers()
        for number, start in enumerate(range(0, len(self.body), self.chunk)):
            if self.stall_after is not None and number >= self.stall_after:
                time.sleep(30)
                return
            try:
                handler.wfile.write(self.body[start:start + self.chunk])
                handler.wfile.flush()
            except OSError:
                return  # the client gave up
            time.sleep(self.pause)


@pytest.mark.slow
def test_a_page_that_keeps_arriving_is_read_past_the_download_timeout_and_one_that_stops_is_cut(tmp_path):
    """About 8 KB at 1.6 KB/s takes 5 s, past DOWNLOAD_TIMEOUT (2 s), and bytes never stop for
    long: it is read. A page that stops sending is cut after DOWNLOAD_TIMEOUT without bytes, as a
    whole download past it was; one that trickles past NEWS_DOWNLOAD_MAX_SECONDS is cut too."""
    from servers import run_crawl

    settings = {"NEWS_SITE_PROFILE": "generic", "DOWNLOAD_TIMEOUT": 2, "RETRY_TIMES": 1}
    with TricklingSite() as steady:
        kept = run_crawl(tmp_path, steady.url, settings=settings, name="steady")
    with TricklingSite() as unrendered:   # a crawl that renders nothing fetches with Scrapy's handler alone
        plain = run_crawl(tmp_path, unrendered.url, settings={**settings, "NEWS_RENDER_RELATED": False}, name="plain")
    with TricklingSite(stall_after=3) as stalled:
        started = time.monotonic()
        cut = run_crawl(tmp_path, stalled.url, settings=settings, name="stalled")
        cut_after = time.monotonic() - started
    with TricklingSite() as endless:
        capped = run_crawl(tmp_path, endless.url, settings={**settings, "NEWS_DOWNLOAD_MAX_SECONDS": 3}, name="capped")
    assert [item["url"] for item in kept.articles] == [steady.url] and steady.requests == 1
    assert kept.stat("retry/count") == 0
    assert [item["url"] for item in plain.articles] == [unrendered.url] and plain.stat("retry/count") == 0
    assert cut.articles == [] and stalled.requests == 2 and cut.stat("retry/reason_count/twisted.internet.error.TimeoutError") + \
        cut.stat("retry/reason_count/scrapy.exceptions.DownloadTimeoutError") == 1
    assert cut_after < 25                                # cut when bytes stopped, not when the sender gave up
    assert capped.articles == [] and endless.requests == 2
    for result in (kept, plain, cut, capped):
        assert "Traceback" not in result.log
