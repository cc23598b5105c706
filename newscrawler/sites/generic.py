"""Any news site, without selectors (`NEWS_SITE_PROFILE=generic`).

Articles are found by the site's sitemaps, feeds and links (sources/discovery.py) and read by what
pages declare about themselves and by their text (pages/generic.py). An article's key is its
canonical URL (checked: the same site, not its home page): `generic:<host without www><path>`.
No zone is assumed: a time a page states without an offset is kept as its local time.
"""

from ..pages.generic import GenericArticlePage, page_key
from ..sources.discovery import SiteDiscovery
from . import Site, UrlRules


class PageUrlRules(UrlRules):
    """Every page of the site may be an article; its key is its URL."""

    def article_id(self, url: str) -> str | None:
        return page_key(self.canonicalize(url))

    def is_listing(self, url: str) -> bool:
        return True

    def edition(self, url: str) -> str | None:
        return None


SITE = Site(
    name="generic",
    timezone=None,
    start_urls=(),
    urls=PageUrlRules(article_path=None),
    sources=(SiteDiscovery(),),
    article_page=GenericArticlePage,
    language="",
    render_articles=False,
    settings={"NEWS_DISCOVERY_DEPTH": 2},
)
