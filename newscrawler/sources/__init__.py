"""Sources: how a site's articles are discovered, declared by the site (`Site.sources`).

A source turns a start URL into the first listing requests and a listing response into what it
lists: article cards and further listings to follow, each marked with what it is, so that the
spider applies the same rules to every source (`sections`, `since`, incremental stops, budgets).
A source that cannot read a start URL's listings raises `SourceFailed`; the spider then starts
that URL again with the site's next source.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..pages.listing import Card


class SourceFailed(Exception):
    """The source cannot serve this start URL (an API that errs or answers in a shape it does not know)."""


@dataclass(frozen=True)
class Follow:
    """A listing to fetch next.

    `kind`: `section` (walked unless a `sections` filter excludes its `label` or slug), `view_all`
    (walked unless a `sections` filter is given), `next` (the next page of the same listing: walked
    unless the page it comes from is all older than `since` or all stored) or `index` (always).
    `any_status`: the source reads the answer whatever its status, once (robots.txt: a missing or
    failing one names no sitemap, and Scrapy's robots.txt check has retried it already; the
    sitemap at its usual place, which many sites do not have)."""

    url: str
    kind: str
    label: str | None = None
    step: str | None = None
    render: bool = False
    any_status: bool = False


@dataclass
class Discovered:
    """What one listing response lists."""

    cards: list[Card] = field(default_factory=list)
    follows: list[Follow] = field(default_factory=list)
    broken_links: int = 0  # links meant as web addresses that are none (`http://[ccpa-preferences]`)


class Source:
    """Base class: a source starts at the start URL itself, read as a listing."""

    name = "source"
    render = False  # whether its listing requests go through the browser
    # Whether every listing page it reads shows article cards: one that shows none is the site's
    # redesign (a renamed card class), not the end of a feed or a page of links to follow.
    lists_cards = False
    format = "html"  # what its listing responses are (newscrawler.downloader.refusals refuses anything else)

    def first(self, start_url: str, site) -> list[Follow]:
        return [Follow(start_url, "index", render=self.render)]

    def parse(self, response, site) -> Discovered:
        raise NotImplementedError

    def links(self, response, site) -> Discovered:
        """What a page reached as a candidate article, but that turned out to be none, lists: a
        source that explores pages (discovery) reads its links; others list nothing."""
        return Discovered()

    def load_more(self, state: dict) -> "LoadMore | None":
        """What a render of its listing does once the page is loaded (None: nothing); `state` is
        what the crawl knows (`known_ids`: stored article ids, `since_ms`: the `since` bound in epoch
        ms or None). Plain data: the rendering package turns it into browser steps."""
        return None


@dataclass(frozen=True)
class LoadMore:
    """A listing drawn by the site's script: wait for `ready_css`, then click `more_css` until the
    cards (`card_css`) are exhausted, reach a known path or end before `since_ms`, or `max_clicks`."""

    ready_css: str
    card_css: str
    more_css: str
    max_clicks: int
    known_paths: tuple[str, ...] = ()
    since_ms: int | None = None
