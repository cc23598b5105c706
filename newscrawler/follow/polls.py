"""A poll of one feed: its first request, and what each answer becomes (items, the next page, and
at the walk's end, the flashes asked for by id). One `FeedFollower` per feed and edition; the
extension starts polls and hears how they end (`poll_ended`).

Polls are plain GET requests of the feed's URLs through the usual downloader (conditional requests,
politeness and "slow down" answers apply to them as to any fetch), never filtered as duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from scrapy.http import Request

from .. import meta as m
from ..cleaning.hashing import article_key
from ..flashes.feed import FeedMark, FeedWalk, FlashFeedError, mark_of
from ..sources import SourceFailed
from .pace import FeedPace
from .watch import FlashWatch

# Polls go before whatever else is queued (article reads, renders): a minute-old flash matters more.
POLL_PRIORITY = 100


class PollFailed(Exception):
    """An answer a poll cannot read: the poll ends, the next one walks the same part again."""


class FeedFollower:
    """One feed's polls; subclasses say how a page is asked for and read."""

    kind = "feed"

    def __init__(self, spider, start_url: str, edition: str, interval: float, owner):
        self.spider, self.start_url, self.edition, self.owner = spider, start_url, edition, owner
        self.name = f"{self.kind}:{edition}"
        self.pace = FeedPace(self.name, interval, recheck_every=owner.recheck_every)
        self.new_in_poll = 0

    def request(self, url: str, **meta) -> Request:
        return Request(url, callback=self.spider.parse_follow_page, errback=self.spider.follow_failed,
                       dont_filter=True, priority=POLL_PRIORITY,
                       meta={m.FORMAT: "json", m.FOLLOW: self.name, **meta})

    def start(self, now: float) -> Request:
        """The first request of a poll, a re-check when one is due (`FeedPace.recheck_due`)."""
        recheck = self.pace.start(now)
        self.new_in_poll = 0
        return self.first_request(recheck)

    async def recall(self) -> None:
        """Read what is stored before the first poll, where the feed's polls need it."""

    def first_request(self, recheck: bool) -> Request:
        raise NotImplementedError

    def answer(self, response):
        raise NotImplementedError

    def ended(self, ok: bool, reason: str = "") -> None:
        self.owner.poll_ended(self, ok, reason)


@dataclass
class FlashPoll:
    walk: FeedWalk
    window_start: datetime
    top: FeedMark | None = None


class FlashFollower(FeedFollower):
    """An edition's flash feed: walked back to the newest flash known (or, on a re-check, to the
    start of the re-check window); new and changed rows become items, vanished ones are asked for."""

    kind = "flashes"

    def __init__(self, spider, start_url: str, edition: str, interval: float, owner, recheck: timedelta):
        super().__init__(spider, start_url, edition, interval, owner)
        self.crawl = spider.flashes  # the crawl's flashes: rows read and removals marked as it does
        self.feed, self.site = self.crawl.feed, spider.site
        self.recheck = recheck
        self.watch = FlashWatch()
        self.poll: FlashPoll | None = None

    async def recall(self) -> None:
        """The flashes stored in the window, whoever stored them (this crawl, or the run before it):
        one removed before the first poll is missed by the feed like any other, and asked for."""
        for key, mark in (await self.crawl.recall(self.edition)).recent.items():
            self.watch.remember(key, mark)

    def first_request(self, recheck: bool) -> Request:
        window_start = datetime.now(timezone.utc) - self.recheck
        target = self.watch.walk_target(window_start, recheck)
        self.poll = FlashPoll(FeedWalk(stop_at=target, max_rows=self.crawl.first_run_max), window_start)
        return self.page_request()

    def page_request(self, after_id: int | None = None) -> Request:
        return self.request(self.feed.page_url(self.site, self.edition, after_id), **{m.PAGE_KIND: m.FLASH})

    def answer(self, response):
        poll = self.poll
        try:
            rows = self.feed.rows(response.text)
        except FlashFeedError as error:
            raise PollFailed(f"flash feed not read ({error})") from None
        self.owner.count("pages")
        now = datetime.now(timezone.utc)
        items = [item for item in (self.crawl.item_of(row, self.start_url, self.edition, now) for row in rows) if item]
        for item in items:
            key = article_key(item.site, item.flash_id)
            new = key not in self.watch.recent and (self.watch.newest is None or mark_of(item) > self.watch.newest)
            if self.watch.changed(key, item):
                self.owner.count("flashes_new" if new else "flashes_changed")
                self.new_in_poll += int(new)
                yield item
        marks = [mark for mark in map(mark_of, items) if mark]
        if marks and (poll.top is None or marks[0] > poll.top):
            poll.top = marks[0]
        if poll.walk.read(marks) and len(rows) >= self.feed.limit:
            yield self.page_request(int(rows[-1]["id"]))
            return
        yield from self.vanished_requests(poll)
        self.watch.walked(poll.top, poll.window_start)
        self.ended(True)

    def vanished_requests(self, poll: FlashPoll):
        """Flashes of the window the walk went past without meeting: asked for by id (a 404 marks
        them removed, as a crawl does)."""
        if poll.walk.stalled:
            return
        for key, mark in self.watch.vanished(poll.walk.bottom, poll.walk.seen):
            self.owner.count("flashes_vanished")
            yield self.crawl.api_request(self.feed.one_url(self.site, self.edition, mark.number),
                                         self.crawl.walk_key(self.start_url), self.spider.parse_flash_one,
                                         handle_httpstatus_list=[404, 410], news_flash_key=key)


class ArticleFollower(FeedFollower):
    """An edition's article feed (all categories, newest first): its rows become the spider's usual
    article requests (learned reads or renders); the walk goes on to the next page while a page
    lists anything the crawl has not stored or scheduled."""

    kind = "articles"

    def __init__(self, spider, start_url: str, edition: str, interval: float, owner, source):
        super().__init__(spider, start_url, edition, interval, owner)
        self.source, self.site = source, spider.site

    def first_request(self, recheck: bool) -> Request:
        return self.page_request(self.source.latest_url(self.site, self.edition))

    def page_request(self, url: str) -> Request:
        return self.request(url, **{m.PAGE_KIND: m.LISTING, m.SOURCE: 0, m.STEP: "feed", m.START_URL: self.start_url})

    def answer(self, response):
        try:
            found = self.source.parse(response, self.site)
        except SourceFailed as error:
            raise PollFailed(f"article feed not read ({error})") from None
        self.owner.count("pages")
        new = 0
        for card in found.cards:
            request = self.spider.article_request(card.url)
            if request is not None:
                new += 1
                yield request
        self.owner.count("articles_new", new)
        self.new_in_poll += new
        following = [f for f in found.follows if f.kind == "next"]
        if new and following:  # a page of new articles: what is below may be new too
            yield self.page_request(following[0].url)
            return
        self.ended(True)
