"""A site's flash feed: where its flashes are listed, newest first, and how far back to read it.

`FlashFeed` is declared by a site (`Site.flashes`): the API's calls (`GET {api}/feed/v1/breaking-news
?languageCode=L&limit=N[&lastId=ID]`, newest first, the next page after the last row's id; `GET
{api}/feed/v1/breaking-news/<id>?languageCode=L`, one flash, 404 once removed), the path of a
flash's page, and the page class that reads a render of it. `FeedWalk` answers, page after page,
"is the next page worth asking for?": a walk goes back from the newest row until it has passed a
mark (the newest flash stored, or the start of the window re-read for corrections), a `since`, or
a bound on how many rows one walk reads when nothing tells it where to stop. A crawl walks once per
edition; a component that polls can walk from the newest row again whenever it likes: a burst
deeper than a page is read whole either way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlencode, urlsplit

from .rows import FlashPage, is_flash_row


class FlashFeedError(ValueError):
    """An answer of the feed this crawler cannot read (not JSON, a shape it does not know)."""


@dataclass(frozen=True, order=True)
class FeedMark:
    """A flash's place in the feed: ordered as the feed orders rows (time, then id; ids grow with time)."""

    published_at: datetime
    number: int


def mark_of(item) -> FeedMark | None:
    """The place of a flash item (or a stored document: `published_at`, `flash_id` `en:5012`)."""
    published, flash_id = getattr_or_key(item, "published_at"), str(getattr_or_key(item, "flash_id") or "")
    number = flash_id.rpartition(":")[2]
    if published is None or not number.isdigit():
        return None
    published = published.replace(tzinfo=timezone.utc) if published.tzinfo is None else published
    return FeedMark(published.astimezone(timezone.utc).replace(microsecond=0), int(number))


def getattr_or_key(value, name: str):
    return value.get(name) if isinstance(value, dict) else getattr(value, name, None)


class FlashFeed:
    name = "flashes"

    def __init__(self, api_setting: str, flash_path: str, page: type = FlashPage, limit: int = 30):
        self.api_setting = api_setting
        self.flash_path = flash_path  # e.g. "{prefix}/news/{id}"
        self.page = page
        self.limit = limit

    # -- URLs ------------------------------------------------------------------------------------
    def api(self, site) -> str:
        return (site.setting(self.api_setting) or "").rstrip("/")

    def edition(self, start_url: str, site) -> str:
        return site.urls.edition(start_url) or site.site.language

    def page_url(self, site, edition: str, after_id: int | None = None, limit: int | None = None) -> str:
        """A page of the feed, newest first: the first, or the one after the flash `after_id`."""
        query = {"languageCode": edition, "limit": limit or self.limit}
        if after_id is not None:
            query["lastId"] = after_id
        return f"{self.api(site)}/feed/v1/breaking-news?{urlencode(query)}"

    def one_url(self, site, edition: str, number: int) -> str:
        return f"{self.api(site)}/feed/v1/breaking-news/{number}?{urlencode({'languageCode': edition})}"

    def flash_url(self, start_url: str, site, edition: str, number) -> str:
        parts = urlsplit(start_url)
        prefix = "" if edition == site.urls.default_edition else f"/{edition}"
        return f"{parts.scheme}://{parts.netloc}" + self.flash_path.format(prefix=prefix, id=number)

    # -- answers ---------------------------------------------------------------------------------
    @staticmethod
    def rows(text: str) -> list[dict]:
        """The rows of a feed page. Raises FlashFeedError."""
        try:
            data = json.loads(text)
        except ValueError:
            raise FlashFeedError(f"not JSON: {text[:60]!r}") from None
        if not isinstance(data, list) or not all(is_flash_row(row) for row in data):
            raise FlashFeedError("flash rows in a shape this crawler does not know")
        return data

    @staticmethod
    def row(text: str) -> dict:
        """The row of one flash's call. Raises FlashFeedError."""
        try:
            data = json.loads(text)
        except ValueError:
            raise FlashFeedError(f"not JSON: {text[:60]!r}") from None
        if not is_flash_row(data):
            raise FlashFeedError("a flash in a shape this crawler does not know")
        return data


@dataclass
class FeedWalk:
    """One walk back through an edition's feed from its newest row.

    `stop_at`: the walk has gone far enough once a page reaches this place (the newest stored flash,
    or the start of the re-read window if that is older); None: nothing stored, `max_rows` bounds it.
    `since`: rows older than this are not wanted either."""

    stop_at: FeedMark | None = None
    max_rows: int = 1000
    since: datetime | None = None
    seen: set[int] = field(default_factory=set)
    bottom: FeedMark | None = None
    pages: int = 0
    last_cursor: int | None = None
    stalled: bool = False

    def read(self, marks: list[FeedMark]) -> bool:
        """Take a page's rows (their places, newest first); returns whether the next page is worth asking."""
        self.pages += 1
        if not marks:
            return False
        cursor = marks[-1].number
        if self.last_cursor is not None and cursor >= self.last_cursor:
            self.stalled = True  # the feed ignores its cursor: the next page would be this one again
            return False
        self.last_cursor = cursor
        self.seen.update(mark.number for mark in marks)
        self.bottom = marks[-1] if self.bottom is None else min(self.bottom, marks[-1])
        if self.stop_at is not None and self.bottom <= self.stop_at:
            return False
        if self.since is not None and self.bottom.published_at < self.since:
            return False
        return self.stop_at is not None or len(self.seen) < self.max_rows

    def covers(self, mark: FeedMark) -> bool:
        """Whether the walk read the part of the feed where `mark` would be listed."""
        return self.bottom is not None and mark >= self.bottom
