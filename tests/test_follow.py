"""Follow mode (newscrawler.follow): what it knows of recent flashes and of each feed's pace, and a
real follow of the publishing replica (real Chromium where it renders, real MongoDB), stopped by
SIGTERM in the middle of its polls and started again: nothing lost, nothing stored twice."""

from __future__ import annotations

import asyncio
import signal
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from scrapy.settings import Settings

from newscrawler.flashes.crawl import FlashCrawl
from newscrawler.flashes.feed import FeedMark, mark_of
from newscrawler.flashes.item import FlashItem
from newscrawler.flashes.store import FlashWriteResult, StoredFlashes
from newscrawler.follow import extension
from newscrawler.follow.extension import FollowMode
from newscrawler.follow.pace import FAILURES_BEFORE_BACKOFF, FeedPace
from newscrawler.follow.polls import FeedFollower, FlashFollower
from newscrawler.follow.watch import FlashWatch
from newscrawler.pipelines.flashes import FlashStorePipeline
from replica.app import AppReplica, app_editions
from replica.flashes import flash_editions
from replica.publishing import CORRECTION_LINES, PublishPlan
from servers import Crawl, wait_until

NOW = datetime(2026, 12, 5, 8, 0, tzinfo=timezone.utc)


def flash(number: int, minutes_ago: float, text: str = "a", bull: int = 1) -> FlashItem:
    return FlashItem(url=f"https://coinness.com/en/news/{number}", site="coinness", flash_id=f"en:{number}",
                     title=text, published_at=NOW - timedelta(minutes=minutes_ago), bull_count=bull, content_hash=text)


# -- what a follow knows ---------------------------------------------------------------------------
def test_a_row_is_passed_on_when_new_or_changed_and_the_window_is_forgotten_as_it_passes():
    watch = FlashWatch()
    assert watch.walk_target(NOW - timedelta(minutes=30), recheck=False).published_at == NOW - timedelta(minutes=30)
    assert watch.changed("k1", flash(1, 40)) and watch.changed("k2", flash(2, 5))
    assert not watch.changed("k2", flash(2, 5))                       # read again, as it was
    assert watch.changed("k2", flash(2, 5, bull=9))                   # new votes: stored again, no version
    assert watch.changed("k2", flash(2, 5, text="corrected", bull=9))
    watch.walked(FeedMark(NOW - timedelta(minutes=5), 2), NOW - timedelta(minutes=30))
    assert set(watch.recent) == {"k2"}                                # 40 min old: out of the window
    assert watch.walk_target(NOW - timedelta(minutes=30), recheck=False) == FeedMark(NOW - timedelta(minutes=5), 2)


def test_a_flash_the_walk_went_past_without_meeting_is_vanished_once():
    watch = FlashWatch()
    for number, minutes in ((1, 20), (2, 10), (3, 5)):
        watch.changed(f"k{number}", flash(number, minutes))
    bottom = FeedMark((NOW - timedelta(minutes=12)).replace(microsecond=0), 0)
    assert [key for key, _ in watch.vanished(bottom, seen={3})] == ["k2"]   # k1 lies below what was read
    assert watch.vanished(bottom, seen={3}) == []


def test_a_feed_pace_backs_off_a_long_outage_and_says_when_a_feed_stays_quiet():
    pace = FeedPace("flashes:en", interval=10)
    pace.start(0)
    assert pace.due_at() == 10
    assert pace.failed() and not pace.failed()                        # the first of a streak is said
    for _ in range(FAILURES_BEFORE_BACKOFF):
        pace.failed()
    assert pace.due_at() > 10
    assert pace.succeeded(100, NOW) and pace.due_at() == 10           # a streak ended: the pace again
    for moment in (0, 60, 120, 180):
        pace.found_new(moment)
    assert pace.quiet_for(300, factor=10, floor=60) is None
    assert pace.quiet_for(180 + 601, factor=10, floor=60) == pytest.approx(601)


class SlowFeed(FeedFollower):
    """A feed whose polls take `takes` seconds (a host held by its "slow down" pace) and end as
    `outcomes` say (True: read to its target); each poll says whether it walked the whole window."""

    kind = "flashes"

    def __init__(self, owner, takes: float, outcomes: dict[int, bool] | None = None):
        super().__init__(None, "https://coinness.com/en", "en", owner.interval, owner)
        self.takes, self.outcomes, self.polls = takes, outcomes or {}, []

    def first_request(self, recheck: bool):
        self.polls.append((self.clock.now, recheck))
        return self

    async def recall(self) -> None:
        pass


class FakeClock:
    """The follow loop's clock and sleep: time passes only as the loop sleeps; polls end on it."""

    def __init__(self, until: float):
        self.now, self.until, self.ends = 0.0, until, []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        for end in [end for end in self.ends if end[0] <= self.now]:
            self.ends.remove(end)
            end[1]()
        await asyncio.sleep(0)


def follow_loop(clock: FakeClock, feed_takes: float, outcomes=None, **settings):
    """A FollowMode whose loop polls one slow feed on the fake clock until `clock.until`."""
    crawler = SimpleNamespace(settings=Settings(settings), crawling=True, get_item_pipeline=lambda cls: None,
                              stats=SimpleNamespace(inc_value=lambda *a, **k: None, set_value=lambda *a, **k: None,
                                                    get_value=lambda key, default=None: default))
    mode = FollowMode(crawler, SimpleNamespace())
    feed = SlowFeed(mode, feed_takes, outcomes)
    feed.clock = clock

    def crawl(poll):
        ok = poll.outcomes.get(len(poll.polls), True)
        clock.ends.append((clock.now + poll.takes, lambda: mode.poll_ended(poll, ok, "" if ok else "refused")))
        if clock.now >= clock.until:
            crawler.crawling = False

    crawler.engine = SimpleNamespace(running=True, crawl=crawl)
    mode.followers = {feed.name: feed}
    mode.next_summary = mode.next_heartbeat = float("inf")
    return mode, feed


def test_a_recheck_due_while_a_poll_is_in_flight_is_the_feeds_next_poll(monkeypatch):
    """Polls slower than the interval (a host that asked us to slow down) are in flight when the
    re-check comes due: the feed's next poll walks the whole window all the same."""
    clock = FakeClock(until=20.0)
    monkeypatch.setattr(extension, "time", clock)
    monkeypatch.setattr(extension, "asyncio", SimpleNamespace(sleep=clock.sleep))
    mode, feed = follow_loop(clock, feed_takes=2.1, NEWS_FOLLOW_INTERVAL=2, NEWS_FOLLOW_RECHECK_EVERY=6)
    asyncio.run(mode.run())
    assert [at for at, _ in feed.polls] == [0, 2.25, 4.5, 6.75, 9, 11.25, 13.5, 15.75, 18, 20.25]
    # The first poll re-checks (it ends at 2.25); the next is due at 8.25, in the poll of 6.75 (to 8.85).
    assert [at for at, recheck in feed.polls if recheck] == [0, 9, 18]


def test_a_recheck_that_failed_is_owed_until_one_succeeds(monkeypatch):
    clock = FakeClock(until=14.0)
    monkeypatch.setattr(extension, "time", clock)
    monkeypatch.setattr(extension, "asyncio", SimpleNamespace(sleep=clock.sleep))
    mode, feed = follow_loop(clock, feed_takes=0.5, outcomes={5: False}, NEWS_FOLLOW_INTERVAL=2,
                             NEWS_FOLLOW_RECHECK_EVERY=6)
    asyncio.run(mode.run())
    assert [at for at, recheck in feed.polls if recheck] == [0, 8, 10]  # the re-check of 8 failed


class FlashesInMemory:
    """The flash store's calls a follow makes, on a dict."""

    def __init__(self):
        self.docs: dict[str, dict] = {}

    def write(self, docs: dict[str, dict]) -> FlashWriteResult:
        self.docs.update(docs)
        return FlashWriteResult(new=len(docs))

    def stored(self, site: str, edition: str, window_start: datetime) -> StoredFlashes:
        return StoredFlashes(recent={key: mark_of(doc) for key, doc in self.docs.items()
                                     if doc["language"] == edition and doc["published_at"] >= window_start})


def test_the_flashes_the_crawl_read_last_are_known_to_the_first_poll():
    """The usual crawl's last flashes wait in the store's buffer when the follow begins: the follow
    knows them all the same (one removed before its first poll is asked for by id, not forgotten)."""
    store = FlashesInMemory()
    stats = SimpleNamespace(inc_value=lambda *a, **k: None, set_value=lambda *a, **k: None,
                            get_value=lambda key, default=None: default)
    pipeline = FlashStorePipeline(SimpleNamespace(settings=Settings({"MONGO_FLUSH_INTERVAL": 5}), stats=stats), store)
    published = datetime.now(timezone.utc) - timedelta(minutes=2)
    read_last = FlashItem(url="https://coinness.com/en/news/5012", site="coinness", flash_id="en:5012", title="a",
                          published_at=published, language="en", content_hash="a")
    asyncio.run(pipeline.process_item(read_last))                     # buffered, not written yet
    site = SimpleNamespace(name="coinness")
    flashes = FlashCrawl(SimpleNamespace(site=site), None, store, True, timedelta(hours=2), 1000, 0)
    crawler = SimpleNamespace(settings=Settings({"NEWS_FOLLOW_INTERVAL": 2}), crawling=False, stats=stats,
                              engine=SimpleNamespace(running=True), get_item_pipeline=lambda cls: pipeline)
    mode = FollowMode(crawler, SimpleNamespace())
    follower = FlashFollower(SimpleNamespace(flashes=flashes, site=site), "https://coinness.com/en", "en", 2, mode,
                             timedelta(minutes=30))
    mode.followers = {follower.name: follower}
    asyncio.run(mode.run())                                           # recalls, then stops: not following
    assert set(follower.watch.recent) == {"coinness:en:5012"}


# -- a real follow -----------------------------------------------------------------------------------
PLAN = PublishPlan(speed=60, hours=40 / 3600, flash_every_s=150, burst_every_s=1600, burst_size=70, burst_s=10,
                   article_every_s=900, correction_share=0.3, correction_after_s=(60, 480), removal_share=0.3,
                   removal_after_s=(60, 480), throttle_every_s=900, throttle_s=180, seed=3)
SETTINGS = {"NEWS_FOLLOW_INTERVAL": 2, "NEWS_FOLLOW_RECHECK_EVERY": 6, "NEWS_FOLLOW_SUMMARY_MINUTES": 0.25}


def follow(tmp_path, app, mongo_uri, database, name) -> Crawl:
    settings = {"NEWS_SITE_PROFILE": "coinness", "NEWS_API_URL": app.api_url, **SETTINGS}
    return Crawl(tmp_path, app.start_urls(), mongo_uri, database, settings=settings, args={"follow": 1}, name=name)


def following(crawl: Crawl) -> bool:
    return crawl.log_file.exists() and "Following flashes:" in crawl.log_file.read_text()


def stop(crawl: Crawl):
    crawl.process.send_signal(signal.SIGTERM)
    result = crawl.finish(timeout=60)
    assert result.returncode == 0 and result.stats["finish_reason"] == "shutdown", result.log[-3000:]
    assert "Traceback" not in result.log and " ERROR: " not in result.log, result.log[-3000:]
    return result


def flash_polls_in(app) -> int:
    return sum("breaking-news?" in path for path in app.site.requests)


FEEDS = {"flashes:en", "flashes:ko", "articles:en", "articles:ko"}
CORRECTED = {"en": "(updated)", "ko": "(수정)"}


def stored_flashes(mongo_db) -> dict[str, dict]:
    return {doc["_id"]: doc for doc in mongo_db.flashes.find()}


def shown_flashes(app) -> dict[str, dict]:
    """What the site shows now, keyed as the store keys flashes."""
    return {f"coinness:{t['flash_id']}": t for t in app.flash_truth().values()}


def untouched_stored_flashes(app, mongo_db) -> list:
    """Flashes of the last 10 minutes (well inside NEWS_FOLLOW_RECHECK) that the crawl has stored as
    shown and that the site's plan neither edits nor removes, newest first."""
    now, stored = datetime.now(timezone.utc), stored_flashes(mongo_db)
    return [(edition, flash) for edition, timeline in sorted(app.site.flashes.items())
            for flash in timeline.newest_first(now)
            if (doc := stored.get(f"coinness:{edition}:{flash.id}")) is not None and doc["removed_at"] is None
            and len(flash.texts) == 1 and flash.removed_at is None and flash.published >= now - timedelta(minutes=10)]


def edit_stored_flashes(app, mongo_db) -> tuple[str, str]:
    """The site corrects one flash the crawl has stored and removes another, now."""
    wait_until(lambda: len(untouched_stored_flashes(app, mongo_db)) >= 2, 60, "flashes stored", every=0.5)
    untouched = untouched_stored_flashes(app, mongo_db)
    (corrected_edition, corrected), (removed_edition, removed) = untouched[0], untouched[-1]
    app.site.flashes[corrected_edition].correct(
        corrected.id, title=f"{corrected.texts[-1].title} {CORRECTED[corrected_edition]}",
        paragraph=CORRECTION_LINES[corrected_edition])
    app.site.flashes[removed_edition].remove(removed.id)
    return f"coinness:{corrected_edition}:{corrected.id}", f"coinness:{removed_edition}:{removed.id}"


def edits_stored(mongo_db, app, corrected: str, removed: str) -> bool:
    stored, shown = stored_flashes(mongo_db), shown_flashes(app)
    return (stored[corrected]["version"] > 1 and stored[corrected]["title"] == shown[corrected]["title"]
            and stored[corrected]["body"] == shown[corrected]["body"] and stored[removed]["removed_at"] is not None)


def caught_up(app, mongo_db, crawl: Crawl, end: datetime) -> bool:
    """What a user checks of a follow once its site has stopped changing: every flash shown stored as
    shown, every other one it stored marked removed, every article stored, a heartbeat of every feed
    and the follow's summary line."""
    if datetime.now(timezone.utc) < end:
        return False
    stored, shown = stored_flashes(mongo_db), shown_flashes(app)
    if any(key not in stored or stored[key]["removed_at"] is not None or stored[key]["title"] != expected["title"]
           or stored[key]["body"] != expected["body"] for key, expected in shown.items()):
        return False
    if any(doc["removed_at"] is None for key, doc in stored.items() if key not in shown):
        return False
    if {doc["url"] for doc in mongo_db.articles.find()} != set(app.ground_truth()):
        return False
    heartbeat = mongo_db.crawl_state.find_one({"_id": "follow:coinness"}) or {}
    return set(heartbeat.get("last_poll_at", {})) == FEEDS and "Following, last 0.25 min" in crawl.log_file.read_text()


@pytest.mark.slow
@pytest.mark.timeout(1500)  # two whole crawls and their follows, each waited for: minutes on a loaded machine
def test_a_follow_stopped_mid_poll_and_restarted_stores_everything_published_once(tmp_path, mongo_uri, mongo_db):
    flashes = flash_editions(seed=3, count=10, newest=datetime.now(timezone.utc) - timedelta(minutes=3))
    # A crawl the test does not stop (it failed first) is killed with it (conftest).
    with AppReplica(app_editions(seed=3, sections=2, articles=3), flashes=flashes, publish=PLAN) as app:
        publishing = app.site.publishing
        last_edit = max([t.at for f in publishing_flashes(app) for t in f.texts]
                        + [f.removed_at for f in publishing_flashes(app) if f.removed_at])
        end = max(publishing.at(publishing.horizon_s), last_edit)    # the site's last publication or edit
        first = follow(tmp_path, app, mongo_uri, mongo_db.name, "first")
        wait_until(lambda: following(first), 240, "the first crawl done, following")
        # The plan's own edits may all be over before a loaded machine gets here: these come now.
        while_following = edit_stored_flashes(app, mongo_db)
        wait_until(lambda: edits_stored(mongo_db, app, *while_following), 480,
                   "a correction and a removal made while following, stored", every=1)
        polls = flash_polls_in(app)
        wait_until(lambda: flash_polls_in(app) > polls, 60, "a poll under way")
        before = stop(first)                                            # a feed page on its way in
        while_stopped = edit_stored_flashes(app, mongo_db)
        second = follow(tmp_path, app, mongo_uri, mongo_db.name, "second")
        wait_until(lambda: following(second), 240, "the second crawl done, following")
        wait_until(lambda: caught_up(app, mongo_db, second, end), 480, "the restarted follow caught up with the site",
                   every=1)
        after = stop(second)
        truth, articles = app.flash_truth(), app.ground_truth()
    stored = stored_flashes(mongo_db)
    shown = {f"coinness:{t['flash_id']}": t for t in truth.values()}
    assert set(shown) <= set(stored)                                    # nothing published was lost
    for key, expected in shown.items():
        assert stored[key]["removed_at"] is None and stored[key]["title"] == expected["title"], key
        assert stored[key]["body"] == expected["body"], key
    removed = {f"coinness:{edition}:{f.id}" for edition, timeline in app.site.flashes.items()
               for f in timeline.flashes.values() if f.removed_at}
    seen_removed = {key for key, doc in stored.items() if doc["removed_at"] is not None}
    assert {while_following[1], while_stopped[1]} <= seen_removed <= removed  # (some went before any poll saw them)
    assert set(stored) == set(shown) | seen_removed                     # and nothing else, once each
    corrected = {key for key, doc in stored.items() if doc["version"] > 1}
    assert {while_following[0], while_stopped[0]} <= corrected
    assert all(stored[key]["title"].endswith(tuple(CORRECTED.values())) for key in corrected)
    for burst in publishing.bursts:                                     # 70 rows: deeper than a page of 30
        assert {f"coinness:{burst.edition}:{i}" for i in burst.ids} <= set(stored)
    assert {doc["url"] for doc in mongo_db.articles.find()} == set(articles)
    assert mongo_db.articles.count_documents({}) == len(articles)
    throttled = before.stat("news/throttled/429") + after.stat("news/throttled/429")
    assert throttled > 0 and before.stat("news/throttled/gave_up") == after.stat("news/throttled/gave_up") == 0
    assert after.stat("news/follow/polls") > 0 and after.stat("news/follow/polls_failed") == 0
    heartbeat = mongo_db.crawl_state.find_one({"_id": "follow:coinness"})
    assert set(heartbeat["last_poll_at"]) == FEEDS
    assert "Following, last 0.25 min" in after.log


def publishing_flashes(app):
    return [f for timeline in app.site.flashes.values() for f in timeline.flashes.values()]
