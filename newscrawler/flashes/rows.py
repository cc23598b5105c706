"""Flashes read from the feed's rows, and from a rendered flash page to check a row against.

No Scrapy here: a row (a dict of the feed's JSON) in, an item out; a page's HTML in, its fields out.
The row holds everything a flash has (title, text, time, votes, source), so no page is fetched to
read one; a render of its page is only a check that the row says what readers see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import lxml.html
from lxml.etree import ParserError
from parsel import Selector

from ..cleaning.dates import read_publication
from ..cleaning.hashing import content_hash
from ..text import clean_text, element_text, unescaped
from .item import FlashItem

ROW_FIELDS = ("id", "title", "content", "publishAt")
BREAKS = re.compile(r"\n{2,}")


class FlashRowError(ValueError):
    """A row this crawler cannot read as a flash (a field missing, a time that does not read)."""


def is_flash_row(row) -> bool:
    return isinstance(row, dict) and all(name in row for name in ROW_FIELDS) and str(row["id"]).isdigit()


def flash_body(fragment: str | None) -> str:
    """The text of a flash's HTML fragment as a reader reads it: each `<p>` a paragraph, two `<br>`
    in a row a paragraph break too (some flashes are written without `<p>`), one `<br>` a line break
    inside a paragraph; paragraphs a blank line apart, entities read, whitespace tidied."""
    if not fragment or not fragment.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except ParserError:
        return clean_text(unescaped(fragment))
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for block in root.iter("p", "div", "li", "blockquote", "h2", "h3"):
        if block is not root:
            block.text = "\n\n" + (block.text or "")
            block.tail = "\n\n" + (block.tail or "")
    paragraphs = []
    for part in BREAKS.split(root.text_content()):
        lines = [clean_text(line) for line in part.split("\n")]
        if any(lines):
            paragraphs.append("\n".join(line for line in lines if line))
    return "\n\n".join(paragraphs)


@dataclass(frozen=True)
class RowContext:
    """What a row does not say of itself: whose it is and where its page is."""

    site: str
    edition: str
    url: str  # the flash's page
    zone: ZoneInfo | None


def read_flash_row(row: dict, context: RowContext, now: datetime) -> FlashItem:
    """The flash of a feed row, as an item. Raises FlashRowError."""
    if not is_flash_row(row):
        raise FlashRowError("a row without id, title, content or publishAt")
    raw = str(row["publishAt"])
    publication = read_publication(raw, context.zone, now)
    if publication.instant is None:
        raise FlashRowError(f"publishAt does not read: {raw!r} ({publication.problem})")
    local = publication.instant.astimezone(context.zone).isoformat(timespec="seconds") if context.zone \
        else publication.local
    title, body = clean_text(unescaped(str(row.get("title") or ""))), flash_body(row.get("content"))
    return FlashItem(
        url=context.url, site=context.site, flash_id=f"{context.edition}:{row['id']}", title=title, body=body,
        published_at=publication.instant, published_at_local=local, published_at_precision=publication.precision,
        published_at_raw=raw, important=bool(row.get("isImportant")), bull_count=count(row.get("bullCount")),
        bear_count=count(row.get("bearCount")), source_url=text_or_none(row.get("link")),
        source_name=text_or_none(row.get("linkTitle")), language=context.edition,
        content_hash=content_hash(title, body),
    )


def count(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def text_or_none(value) -> str | None:
    text = clean_text(str(value)) if value is not None else ""
    return text or None


class FlashPage:
    """A rendered flash page; a site names its selectors in a subclass."""

    title_css = "h1"
    date_css = "time"
    body_css = ".flash-content"
    not_found_css = ".not-found"
    error_css = ".error"  # the app could not read its API this time: the page says nothing of the row
    ready_css = "h1"  # what a render waits for: the flash drawn, or the page saying it has none

    def __init__(self, html: str):
        self.sel = Selector(text=html)

    def is_error(self) -> bool:
        return bool(self.sel.css(self.error_css))

    def is_found(self) -> bool:
        return not self.sel.css(self.not_found_css)

    def title(self) -> str:
        return element_text(self.sel.css(self.title_css)[:1])

    def date_text(self) -> str:
        return element_text(self.sel.css(self.date_css)[:1])

    def body(self) -> str:
        found = self.sel.css(self.body_css)[:1]
        return flash_body(found.get()) if found else ""


def differing_field(item: FlashItem, page: FlashPage, zone: ZoneInfo | None, now: datetime) -> str | None:
    """The first field in which a flash read from its row differs from its rendered page (the
    publication compared to the minute, as pages show it); None when they agree."""
    if not page.is_found():
        return "found"
    if page.title() != item.title:
        return "title"
    if page.body() != item.body:
        return "body"
    shown = read_publication(page.date_text(), zone, now).instant
    if shown is None or item.published_at is None or \
            shown.replace(second=0, microsecond=0) != item.published_at.replace(second=0, microsecond=0):
        return "published"
    return None
