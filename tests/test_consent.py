"""Consent walls: a page that redirects to a consent page (on the site or on another host), which
sets a cookie and sends the reader back. The crawl passes them as a reader's browser does."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from servers import LoopbackSite, crawl_in_process
from test_serving import article_html

ARTICLE = "/news/2024/05/story-1"


class ConsentWall(LoopbackSite):
    """Articles answer only a reader who has consented (cookie `consent=yes`); anyone else is sent
    to the consent page, which sets the cookie and sends them back. `consent_host`: the consent
    page's host (`localhost`: another host; the site is 127.0.0.1), returning through the site's
    `/consented`, which sets the site's cookie."""

    def __init__(self, consent_host: str = "127.0.0.1", wall_everywhere: bool = False):
        super().__init__()
        self.consent_host, self.wall_everywhere = consent_host, wall_everywhere
        self.requested: list[str] = []

    def respond(self, handler):
        self.requested.append(handler.path)
        parts = urlsplit(handler.path)
        back = parse_qs(parts.query).get("return", ["/"])[0]
        consented = "consent=yes" in (handler.headers.get("Cookie") or "")
        if parts.path == "/consent":      # the consent page: agreed at once, as a click would
            if self.consent_host == "127.0.0.1":
                return self.answer(handler, 302, headers={"Location": back, "Set-Cookie": "consent=yes; Path=/"})
            return self.answer(handler, 302, headers={"Location": f"{self.base_url}/consented?return={back}"})
        if parts.path == "/consented":
            return self.answer(handler, 302, headers={"Location": back, "Set-Cookie": "consent=yes; Path=/"})
        if not consented and (parts.path == ARTICLE or self.wall_everywhere):
            consent = f"http://{self.consent_host}:{self.port}/consent?return={handler.path}"
            return self.answer(handler, 302, headers={"Location": consent})
        if parts.path == ARTICLE:
            return self.answer(handler, 200, article_html(1).encode())
        if parts.path == "/":
            return self.answer(handler, 200, f'<html><body><a href="{ARTICLE}">Story</a></body></html>'.encode())
        return self.answer(handler, 404, b"Not found")


@pytest.mark.parametrize("consent_host", ["127.0.0.1", "localhost"])
def test_an_article_behind_a_consent_wall_is_stored(consent_host):
    with ConsentWall(consent_host) as wall:
        items, stats = crawl_in_process({"NEWS_SITE_PROFILE": "generic"}, start_url=wall.base_url + "/")
    assert [item.url for item in items] == [wall.base_url + ARTICLE]
    assert not [key for key in stats if key.startswith(("news/fetch_failed/", "news/misses/"))]


def test_a_wall_that_ends_the_crawl_early_says_so(caplog):
    """Consent that never sticks (no cookie kept): the page keeps sending the crawler back to the
    wall. The crawl cannot pass it, and says so as a warning."""
    with ConsentWall(wall_everywhere=True) as wall:
        items, stats = crawl_in_process({"NEWS_SITE_PROFILE": "generic", "COOKIES_ENABLED": False},
                                        start_url=wall.base_url + "/")
    assert items == []
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING" and wall.base_url + "/" in r.getMessage()]
    assert any("redirect" in message for message in warnings), warnings
