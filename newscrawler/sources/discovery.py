"""Discovery on a site without rules: its sitemaps and feeds, and its pages judged by what they are.

From a start URL: the site's robots.txt `Sitemap:` lines (else `/sitemap.xml`), sitemap indexes,
sitemaps and news sitemaps (their `lastmod` / `news:publication_date` as card dates, for `since` and
incremental stops), the RSS/Atom feeds the start page announces, and the start page's own links.
Every page reached is fetched as a candidate article; one that turns out not to be an article (no
JSON-LD article, no `og:type` article) is read as a listing whose links are followed within the
site, up to `NEWS_DISCOVERY_DEPTH` (2) links away from a start URL. The number of pages has the
budgets of any crawl: `-a max_articles=N`, and Scrapy's `CLOSESPIDER_PAGECOUNT`.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from parsel import Selector

from .. import meta
from ..pages.generic import page_key
from ..pages.html import base_url, html_selector
from ..pages.listing import Card
from ..urls import absolute, host_family, host_of, is_broken_link
from . import Discovered, Follow, Source

logger = logging.getLogger(__name__)

SITEMAP_LINE = re.compile(r"^\s*sitemap:\s*(\S+)", re.I | re.M)
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/xml")
NOT_PAGES = re.compile(r"/(tag|tags|author|authors|search|login|signup|account|cart|feed|wp-json|cdn-cgi)(/|$)", re.I)


class SiteDiscovery(Source):
    name = "discovery"
    format = "any"  # robots.txt, XML sitemaps, feeds and HTML pages

    def __init__(self, max_depth: int = 2, max_links_per_page: int = 300):
        self.max_depth = max_depth
        self.max_links_per_page = max_links_per_page

    def first(self, start_url: str, site) -> list:
        """The site's robots.txt (for its sitemaps), and the start URL itself: a listing to read when
        it is the home page, else a page that may be an article (judged once fetched)."""
        parts = urlsplit(start_url)
        root = f"{parts.scheme}://{parts.netloc}"
        start = Card(start_url, None) if page_key(start_url) else Follow(start_url, "index", step="page")
        return [Follow(f"{root}/robots.txt", "index", step="robots", any_status=True), start]

    def parse(self, response, site) -> Discovered:
        step = response.meta.get(meta.STEP) or "page"
        if step == "robots":
            return self.robots(response)
        if step in ("sitemap", "feed"):
            return self.xml(response, site)
        return self.links(response, site)

    def robots(self, response) -> Discovered:
        """Its `Sitemap:` lines, relative ones (`/news-sitemap.xml`) against robots.txt's URL; a line
        that names no URL is said (WARNING) and counted; none at all (no robots.txt, or a failing
        one): the usual place, which a site without a sitemap has nothing at."""
        ok = response.status == 200 and hasattr(response, "text")
        lines = SITEMAP_LINE.findall(response.text) if ok else []
        sitemaps = [absolute(response.url, line) for line in lines]
        for line, url in zip(lines, sitemaps):
            if url is None:
                logger.warning("Sitemap line that is no URL in %s: %r", response.url, line)
        broken = sitemaps.count(None)
        sitemaps = [url for url in sitemaps if url]
        if not sitemaps:
            parts = urlsplit(response.url)
            return Discovered([], [Follow(f"{parts.scheme}://{parts.netloc}/sitemap.xml", "index", step="sitemap",
                                          any_status=True)], broken)
        return Discovered([], [Follow(url, "index", step="sitemap") for url in dict.fromkeys(sitemaps)], broken)

    def xml(self, response, site) -> Discovered:
        """A sitemap index (its sitemaps), a sitemap or news sitemap (its pages), an RSS or Atom feed (its items)."""
        if response.status != 200 or not hasattr(response, "text"):
            return Discovered()  # no sitemap at the usual place
        sel = Selector(text=response.text, type="xml")
        sel.remove_namespaces()
        locs = [absolute(response.url, loc) for loc in sel.xpath("//sitemapindex/sitemap/loc/text()").getall()]
        follows = [Follow(loc, "index", step="sitemap") for loc in locs if loc]
        cards = []
        for entry in sel.xpath("//urlset/url"):
            loc = absolute(response.url, entry.xpath("loc/text()").get())
            date = entry.xpath("news/publication_date/text()").get() or entry.xpath("lastmod/text()").get()
            if loc:
                cards.append(Card(loc, date.strip() if date else None))
        # RSS 2.0 items are in their channel, RSS 1.0's (`rdf:RDF`, common on Japanese sites) beside it.
        for entry in sel.xpath("//channel/item | /RDF/item | //feed/entry"):
            link = entry.xpath("link/text()").get() or self.atom_page_link(entry)
            date = entry.xpath("pubDate/text() | published/text() | updated/text() | date/text()").get()
            url = absolute(response.url, link)
            if url:
                cards.append(Card(url, date.strip() if date else None))
        return Discovered([c for c in cards if self.is_candidate(c.url, response.url)], follows)

    @staticmethod
    def atom_page_link(entry) -> str | None:
        """An Atom entry's page: its `rel="alternate"` link (a link without `rel` is one), never its
        comments feed (`replies`, Blogger's first link) or its edit link."""
        return entry.xpath('link[@rel="alternate" or not(@rel)]/@href').get()

    def links(self, response, site) -> Discovered:
        """A page that is no article: its feeds, and its links within the site as candidates."""
        sel = html_selector(response.text)
        base = base_url(sel, response.url)
        follows = []
        for link in sel.css("link[rel=alternate]"):
            if (link.attrib.get("type") or "").lower() in FEED_TYPES and link.attrib.get("href"):
                follows.append(Follow(absolute(base, link.attrib["href"]), "index", step="feed"))
        depth = response.meta.get(meta.DISCOVERY_DEPTH, 0)
        max_depth = int(site.setting("NEWS_DISCOVERY_DEPTH") or self.max_depth)
        cards, broken = [], 0
        if depth < max_depth:
            hrefs = sel.css("a::attr(href)").getall()
            broken = sum(is_broken_link(base, href) for href in hrefs)
            urls = [absolute(base, href) for href in hrefs]
            urls = [u for u in dict.fromkeys(urls) if u and self.is_candidate(u, response.url)]
            cards = [Card(url, None) for url in urls[: self.max_links_per_page]]
        return Discovered(cards, [f for f in follows if f.url], broken)

    def is_candidate(self, url: str, base: str) -> bool:
        """A page of the same site that may be an article (not the home page, a file or a utility page)."""
        return host_family(host_of(url)) == host_family(host_of(base)) and page_key(url) is not None \
            and not NOT_PAGES.search(urlsplit(url).path)
