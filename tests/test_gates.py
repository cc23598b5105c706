"""Pages that are only a gate before the article: a script redirect, a cookie set and the page loaded
again. Judged on saved markup, then passed by a real crawl through Chromium."""

from __future__ import annotations


import pytest

from newscrawler.pages.gates import COOKIE_GATE, SCRIPT_REDIRECT, page_gate
from servers import LoopbackSite, crawl_in_process, run_crawl

ARTICLE = ('<!DOCTYPE html><html lang="en"><head><title>The story</title>'
           '<meta property="og:type" content="article">'
           '<meta property="article:published_time" content="2024-05-09T10:00:00+00:00"></head>'
           '<body><article><h1>The story behind the gate</h1>'
           f'<p>{"A sentence of the article that a reader reads in full. " * 30}</p></article></body></html>')
REDIRECT = ('<html><head><title>Redirecting</title><script>window.location.replace("/news/2024/05/the-story");'
            '</script></head><body><p>Redirecting…</p></body></html>')
COOKIE = ('<html><head><title>Just a moment...</title><script>document.cookie = "passed=1; path=/";'
          'setTimeout(function () { location.reload(); }, 50);</script></head>'
          '<body><noscript>Please turn JavaScript on.</noscript><p>Checking your browser</p></body></html>')


@pytest.mark.parametrize("html, verdict", [
    (REDIRECT, SCRIPT_REDIRECT),
    ('<script>top.location.href = "https://news.example/a"</script>', SCRIPT_REDIRECT),
    ("<script>location.assign('/a')</script><body></body>", SCRIPT_REDIRECT),
    (COOKIE, COOKIE_GATE),
    ('<script>document.cookie="ok=1"; window.location = window.location.href;</script>', COOKIE_GATE),
    (ARTICLE, None),
    # An article whose script happens to redirect elsewhere on a click is still an article.
    (ARTICLE.replace("</body>", '<script>function go(){ location.href = "/x"; }</script></body>'), None),
    ('<script>if (location.hash == "#x") {}</script><body></body>', None),
    ("", None),
])
def test_a_gate_is_told_from_a_page(html, verdict):
    assert page_gate(html) == verdict


class GatedSite(LoopbackSite):
    """`/news/2024/05/redirect` sends the browser to the article by script; `/news/2024/05/gated`
    shows a cookie gate to whoever has not its cookie, and the article to whoever has."""

    def respond(self, handler):
        if handler.path == "/news/2024/05/redirect":
            body = REDIRECT
        elif handler.path == "/news/2024/05/the-story":
            body = ARTICLE
        elif handler.path == "/news/2024/05/gated":
            body = ARTICLE if "passed=1" in (handler.headers.get("Cookie") or "") else COOKIE
        else:
            body = None
        self.answer(handler, 200 if body else 404, (body or "Not found").encode())


def test_a_gate_that_cannot_be_rendered_is_said_not_passed_over():
    with GatedSite() as site:
        items, stats = crawl_in_process({"NEWS_SITE_PROFILE": "generic"}, start_url=site.base_url + "/news/2024/05/gated")
    assert items == []
    assert stats["news/pages/cookie_gate"] == 1 and "news/pages/not_article" not in stats


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/news/2024/05/redirect", "/news/2024/05/gated"])
def test_a_gate_is_passed_by_the_browser_and_its_article_stored(tmp_path, path):
    with GatedSite() as site:
        result = run_crawl(tmp_path, site.base_url + path, settings={"NEWS_SITE_PROFILE": "generic"})
    assert [item["title"] for item in result.items] == ["The story behind the gate"]
    assert "Page is only a" in result.log and "Traceback" not in result.log
    assert result.stats["finish_reason"] == "finished"
