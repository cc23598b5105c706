"""A listing that exists only once the site's script has drawn it: rendered in the browser, its
load-more button clicked until the listing is exhausted, or reaches stored articles or `since`.

The fallback of sites whose listings are an app: it costs one render per listing instead of none."""

from __future__ import annotations

from parsel import Selector

from ..pages.listing import Card
from ..pages.text import clean_text
from ..sites import absolute
from . import Discovered, Source


class RenderedListing(Source):
    name = "rendered_listing"
    render = True

    def __init__(self, card_css: str, date_css: str, more_css: str, ready_css: str, path_of_id=None,
                 max_clicks: int = 500):
        self.path_of_id = path_of_id  # the site path of a stored article's id, to stop at stored cards
        self.card_css = card_css
        self.date_css = date_css
        self.more_css = more_css
        self.ready_css = ready_css
        self.max_clicks = max_clicks

    def page_methods(self, follow, config, state: dict) -> list:
        from scrapy_playwright.page import PageMethod

        from ..rendering.scripts import script

        return [
            PageMethod("wait_for_selector", self.ready_css, state="attached", timeout=config.navigation_timeout_ms),
            PageMethod("evaluate", script("load_more"), {
                "cardSelector": self.card_css, "moreSelector": self.more_css, "maxClicks": self.max_clicks,
                "knownPaths": sorted(filter(None, map(self.path_of_id, state.get("known_ids", ()))))
                if self.path_of_id else [],
                "sinceMs": state.get("since_ms"),
                "timeoutMs": config.related_timeout_ms * 4,
            }),
        ]

    def parse(self, response, site) -> Discovered:
        sel = Selector(text=response.text)
        cards = []
        for card in sel.css(self.card_css):
            url = absolute(response.url, card.attrib.get("href"))
            if url:
                cards.append(Card(url, clean_text(" ".join(card.css(self.date_css).css("::text").getall())) or None))
        return Discovered(cards, [])
