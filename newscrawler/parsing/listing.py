"""Listing pages (home, sections, View All): cards, further pages, section links."""

from __future__ import annotations

from dataclasses import dataclass

from parsel import Selector

from ..profiles import SiteProfile
from ..urls import absolute
from .text import clean_text


@dataclass
class Card:
    url: str          # absolute, as linked (tracking parameters not yet removed)
    date_text: str | None


@dataclass
class Listing:
    cards: list[Card]
    next_pages: list[str]
    section_links: list[str]
    view_all: str | None


def unique(urls) -> list[str]:
    return list(dict.fromkeys(u for u in urls if u))


def parse_listing(html: str, url: str, profile: SiteProfile) -> Listing:
    sel = Selector(text=html)
    cards = []
    for card in sel.css(profile.card):
        link = absolute(url, card.attrib.get("href"))
        if link:
            cards.append(Card(link, clean_text(card.css(profile.card_date).get()) or None))
    next_pages = unique(absolute(url, href) for query in profile.next_page_links for href in sel.css(query).getall())
    return Listing(
        cards=cards,
        next_pages=next_pages,
        section_links=unique(absolute(url, href) for href in sel.css(profile.section_links).getall()),
        view_all=absolute(url, sel.css(profile.view_all_link).get()),
    )
