"""A listing that exists only once the site's script has drawn it: rendered in the browser, its
load-more button clicked until the listing is exhausted, or reaches stored articles or `since`.

The fallback of sites whose listings are an app: it costs one render per listing instead of none."""

from __future__ import annotations


from ..pages.listing import Card
from ..text import clean_text
from ..pages.html import base_url, html_selector
from ..urls import absolute
from . import Discovered, LoadMore, Source


class RenderedListing(Source):
    name = "rendered_listing"
    lists_cards = True
    render = True

    def __init__(self, card_css: str, date_css: str, more_css: str, ready_css: str, path_of_id=None,
                 max_clicks: int = 500):
        self.path_of_id = path_of_id  # the site path of a stored article's id, to stop at stored cards
        self.card_css = card_css
        self.date_css = date_css
        self.more_css = more_css
        self.ready_css = ready_css
        self.max_clicks = max_clicks

    def load_more(self, state: dict) -> LoadMore:
        known = state.get("known_ids", ()) if self.path_of_id else ()
        return LoadMore(self.ready_css, self.card_css, self.more_css, self.max_clicks,
                        tuple(sorted(filter(None, map(self.path_of_id, known)))), state.get("since_ms"))

    def parse(self, response, site) -> Discovered:
        sel = html_selector(response.text)
        base = base_url(sel, response.url)
        cards = []
        for card in sel.css(self.card_css):
            url = absolute(base, card.attrib.get("href"))
            if url:
                cards.append(Card(url, clean_text(" ".join(card.css(self.date_css).css("::text").getall())) or None))
        return Discovered(cards, [])
