"""Listing parser and URL rules."""

from newscrawler.sites import load_site
from newscrawler.urls import absolute
from newscrawler.sites.replica import ReplicaListingPage

URLS = load_site("replica").urls


def parse_listing(html, url):
    return ReplicaListingPage(html, url).to_listing()
SECTION_PAGE = """<html><body><header class="site-header"><nav class="sections">
<a href="/section/markets">Markets</a><a href="/section/defi">DeFi</a></nav></header>
<main><h1 class="listing-title">Markets</h1><a class="view-all" href="/articles">View All</a>
<div class="card-list">
<a class="card" href="/article/5/five?utm_source=x"><div class="card-meta"><span class="card-section">Markets</span>·<span class="card-date">Oct 11, 2023</span></div><h3 class="card-title">Five</h3></a>
<a class="card" href="/article/6"><div class="card-meta"><span class="card-date">5 minutes ago</span></div></a>
</div><nav class="pagination"><a href="?page=1">1</a> <a href="?page=2">2</a> <a class="next" rel="next" href="?page=2">Next</a></nav>
</main></body></html>"""


def test_section_listing():
    listing = parse_listing(SECTION_PAGE, "http://site.test/section/markets")
    assert [c.url for c in listing.cards] == ["http://site.test/article/5/five?utm_source=x", "http://site.test/article/6"]
    assert [c.date_text for c in listing.cards] == ["Oct 11, 2023", "5 minutes ago"]
    assert listing.next_pages == ["http://site.test/section/markets?page=2"]
    assert listing.section_links == ["http://site.test/section/markets", "http://site.test/section/defi"]
    assert listing.view_all == "http://site.test/articles"


def test_load_more_listing():
    html = '<main><div class="card-list"></div><a class="load-more" href="/articles?page=3">Load more</a></main>'
    assert parse_listing(html, "http://site.test/articles?page=2").next_pages == ["http://site.test/articles?page=3"]


def test_canonical_urls():
    assert URLS.canonicalize("HTTP://Site.Test/article/5/x?utm_source=a&ref=related&b=2#frag") == \
        "http://site.test/article/5/x?b=2"
    assert URLS.canonicalize("http://site.test/articles?page=2&utm_medium=web") == "http://site.test/articles?page=2"
    assert URLS.article_id("http://site.test/article/5") == "5"
    assert URLS.article_id("http://site.test/article/5/slug") == "5"
    assert URLS.article_id("http://site.test/section/markets") is None
    assert URLS.is_listing("http://site.test/section/markets?page=3")
    assert not URLS.is_listing("http://site.test/loop/a")


def test_only_web_links_are_followed():
    for href in ("javascript:alert(1)", "mailto:a@b.c", "data:text/html,hi", "file:///etc/passwd", "", None):
        assert absolute("http://site.test/", href) is None
    assert absolute("http://site.test/a/", "../b") == "http://site.test/b"
