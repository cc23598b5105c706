"""The ground floor's URL functions: what a page's links may be, and one name per page."""

from __future__ import annotations

import pytest

from newscrawler.urls import absolute

NOT_URLS = ["http://[ccpa-preferences]", "https://site.test:port/x", "http://[::1",
            "http://" + "a" * 64 + ".test/", "https://ab\u00adc..test/x"]


@pytest.mark.parametrize("href", NOT_URLS)
def test_a_link_that_is_not_a_url_is_none(href):
    assert absolute("https://site.test/news/story", href) is None


def test_links_made_absolute():
    assert absolute("https://site.test/news/story", "../a?b=1#c") == "https://site.test/a?b=1#c"
    assert absolute("https://site.test/news/story", "mailto:x@site.test") is None
    assert absolute("https://site.test/news/story", "http://[::1]:8080/x") == "http://[::1]:8080/x"
