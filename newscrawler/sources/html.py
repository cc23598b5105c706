"""Server-rendered HTML listings: sections, the View All listing and their pages."""

from __future__ import annotations

from ..urls import host_family, host_of
from . import Discovered, Follow, Source


class HtmlListings(Source):
    """Listings whose cards and links are in the HTML the server sends; `page` reads one."""

    name = "html"
    lists_cards = True

    def __init__(self, page):
        self.page = page

    def parse(self, response, site) -> Discovered:
        listing = self.page(response.text, response.url).to_listing()
        family = host_family(host_of(response.url))

        def ours(url: str) -> bool:  # listings only, and only on the site's own hosts
            return site.urls.is_listing(url) and host_family(host_of(url)) == family

        follows = [Follow(url, "section") for url in listing.section_links if ours(url)]
        if listing.view_all and ours(listing.view_all):
            follows.append(Follow(listing.view_all, "view_all"))
        follows += [Follow(url, "next") for url in listing.next_pages if ours(url)]
        return Discovered(listing.cards, follows)
