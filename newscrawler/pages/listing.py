"""Listing pages (home, sections, View All) served as HTML: cards, further pages, section links."""

from __future__ import annotations

from dataclasses import dataclass


from ..text import clean_text
from ..urls import absolute, unique_urls
from .html import base_url, html_selector


@dataclass
class Card:
    url: str          # absolute, as linked (tracking parameters not yet removed)
    date_text: str | None
    # A card of a story another outlet published (a feed row whose link leaves the site): all the
    # site publishes of it, kept where the site has no article of its own (`spiders/outside.py`).
    story: dict | None = None


@dataclass
class Listing:
    cards: list[Card]
    next_pages: list[str]
    section_links: list[str]
    view_all: str | None


class ListingPage:
    """A server-rendered listing; selectors are class attributes for a site to override."""

    section_links = "nav.sections a::attr(href)"
    view_all_link = "a.view-all::attr(href)"
    card = "a.card"
    card_date = ".card-date::text"
    # Only the next page: walking page by page lets `since` stop a listing where it gets too old
    # (numbered links would schedule every page at once).
    next_page_links: tuple[str, ...] = ("nav.pagination a.next::attr(href)", "a.load-more::attr(href)")

    def __init__(self, html: str, url: str):
        self.sel = html_selector(html)
        self.url = base_url(self.sel, url)  # what its links resolve against: its <base href>, else its URL

    def cards(self) -> list[Card]:
        found = []
        for card in self.sel.css(self.card):
            link = absolute(self.url, card.attrib.get("href"))
            if link:
                found.append(Card(link, clean_text(card.css(self.card_date).get()) or None))
        return found

    def to_listing(self) -> Listing:
        sel, url = self.sel, self.url
        return Listing(
            cards=self.cards(),
            next_pages=unique_urls(absolute(url, href) for query in self.next_page_links for href in sel.css(query).getall()),
            section_links=unique_urls(absolute(url, href) for href in sel.css(self.section_links).getall()),
            view_all=absolute(url, sel.css(self.view_all_link).get()),
        )
