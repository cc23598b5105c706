"""The replica's classic mode (`docs/target-site.md`): server-rendered listings and articles, with
only the "More to Read" block filled by JavaScript. The default site, and the one most tests cover."""

import re

from ..pages import ArticlePage, ListingPage
from ..sources.html import HtmlListings
from . import Site, UrlRules


class ReplicaListingPage(ListingPage):
    """The contract's selectors are ListingPage's own."""


class ReplicaArticlePage(ArticlePage):
    """The contract's selectors are ArticlePage's own, but for its lead picture's class."""

    hero_css = "figure.article-hero, figure"


URLS = UrlRules(
    article_path=re.compile(r"^/article/(?P<id>\d+)(?:/(?P<slug>[^/]+))?/?$"),
    listing_paths=(re.compile(r"^/$"), re.compile(r"^/section/[^/]+/?$"), re.compile(r"^/articles/?$")),
)

SITE = Site(
    name="replica",
    timezone="Asia/Seoul",
    # Where `python -m replica --port 8765` serves it.
    start_urls=("http://127.0.0.1:8765/",),
    urls=URLS,
    sources=(HtmlListings(ReplicaListingPage),),
    article_page=ReplicaArticlePage,
)
