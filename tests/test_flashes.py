"""Flashes without a crawl: rows read as items, the feed walk's stopping rule, the flash store
(real MongoDB), its pipeline's dead letters and their replay, and the replica's flash API,
publishing included."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newscrawler.extensions import crawl_failed, summary
from newscrawler.flashes.feed import FeedMark, FeedWalk, FlashFeed, FlashFeedError
from newscrawler.flashes.rows import FlashRowError, RowContext, flash_body, read_flash_row
from newscrawler.flashes.store import FlashDoc, FlashStore
from newscrawler.pipelines.flashes import FlashStorePipeline
from newscrawler.storage import crawl_store
from newscrawler.storage.deadletter import DeadLetterFile, read_records
from newscrawler.storage.mongo import MongoArticleStore
from replica.app import AppReplica, app_editions
from replica.flashes import flash_editions
from replica.publishing import PublishPlan
from servers import BIN, ROOT, free_port, scrapy_env

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc)
CONTEXT = RowContext("coinness", "en", "https://coinness.com/en/news/5012", SEOUL)
ROW = {"id": 5012, "title": "$BTC rises above $100,000 on Binance", "content": "<p>First.</p><p>Second &amp; last.</p>",
       "publishAt": "2026-12-05T08:14:10.000Z", "updatedAt": "2026-12-05T08:14:10.000Z", "bullCount": 12,
       "bearCount": 3, "isImportant": True, "link": "https://www.reuters.com/markets/crypto", "linkTitle": "Reuters"}


@pytest.mark.parametrize("fragment, text", [
    ("<p>One.</p><p>Two.</p>", "One.\n\nTwo."),
    ("One.<br><br>Two.", "One.\n\nTwo."),
    ("<p>Line a<br>line  b</p><p>Two.</p>", "Line a\nline b\n\nTwo."),
    ("<p> Spaced &nbsp;out &lt;tag&gt; </p>", "Spaced out <tag>"),
    ("", ""),
    ("plain text", "plain text"),
])
def test_a_flash_body_is_plain_text_with_paragraphs_a_blank_line_apart(fragment, text):
    assert flash_body(fragment) == text


def test_a_row_is_a_whole_flash():
    item = read_flash_row(ROW, CONTEXT, NOW)
    assert (item.flash_id, item.url, item.site, item.language) == ("en:5012", CONTEXT.url, "coinness", "en")
    assert item.title == "$BTC rises above $100,000 on Binance" and item.body == "First.\n\nSecond & last."
    assert item.published_at == datetime(2026, 12, 5, 8, 14, 10, tzinfo=timezone.utc)
    assert (item.published_at_local, item.published_at_precision, item.published_at_raw) == \
        ("2026-12-05T17:14:10+09:00", "second", "2026-12-05T08:14:10.000Z")
    assert (item.important, item.bull_count, item.bear_count) == (True, 12, 3)
    assert (item.source_url, item.source_name) == ("https://www.reuters.com/markets/crypto", "Reuters")
    assert len(item.content_hash) == 64


def test_votes_are_no_part_of_the_content():
    other = read_flash_row({**ROW, "bullCount": 99}, CONTEXT, NOW)
    assert other.content_hash == read_flash_row(ROW, CONTEXT, NOW).content_hash
    assert read_flash_row({**ROW, "title": "Corrected"}, CONTEXT, NOW).content_hash != other.content_hash


@pytest.mark.parametrize("row", [{"id": 1}, {**ROW, "publishAt": "soon"}, {**ROW, "id": "x"}])
def test_a_row_that_does_not_read_is_refused(row):
    with pytest.raises(FlashRowError):
        read_flash_row(row, CONTEXT, NOW)


@pytest.mark.parametrize("text", ["<html>busy</html>", '{"rows": []}', '[{"id": 1}]'])
def test_a_feed_answer_of_another_shape_is_refused(text):
    with pytest.raises(FlashFeedError):
        FlashFeed.rows(text)


def marks(*numbers: int) -> list[FeedMark]:
    return [FeedMark(NOW - timedelta(minutes=n), n and 9000 - n) for n in numbers]


def test_a_walk_goes_back_until_it_meets_the_stop_mark():
    walk = FeedWalk(stop_at=marks(25)[0])
    assert walk.read(marks(1, 2, 3, 4, 5))          # all newer than the mark: the next page is asked for
    assert walk.read(marks(10, 20, 24))
    assert not walk.read(marks(25, 26, 27))          # the mark is on this page: far enough
    assert walk.covers(marks(26)[0]) and not walk.covers(marks(40)[0])


def test_a_first_walk_stops_at_its_bound_and_a_stalled_cursor_stops_it():
    walk = FeedWalk(max_rows=6)
    assert walk.read(marks(1, 2, 3)) and not walk.read(marks(4, 5, 6))
    stalled = FeedWalk()
    assert stalled.read(marks(1, 2, 3)) and not stalled.read(marks(1, 2, 3)) and stalled.stalled
    assert not FeedWalk().read([])


def test_a_walk_stops_at_since():
    walk = FeedWalk(since=NOW - timedelta(minutes=15))
    assert walk.read(marks(1, 5, 10)) and not walk.read(marks(12, 16, 20))


# -- the store -----------------------------------------------------------------------------------
@pytest.fixture
def flash_store(mongo_uri, mongo_db):
    store = FlashStore(MongoArticleStore(mongo_uri, mongo_db.name), "flashes", "flash_versions")
    store.ensure_indexes()
    yield store
    store.store.close()


def fields_of(row: dict) -> dict:
    item = read_flash_row(row, CONTEXT, NOW)
    return {name: getattr(item, name) for name in item.__dataclass_fields__}


def test_a_flash_is_stored_with_the_database_clock_and_versions(flash_store, mongo_db):
    key = "coinness:en:5012"
    before = datetime.now(timezone.utc) - timedelta(seconds=5)
    assert flash_store.write({key: fields_of(ROW)}).new == 1
    doc = mongo_db.flashes.find_one({"_id": key})
    assert doc["title"] == ROW["title"]                       # a `$` title is text, not a field path
    assert (doc["version"], doc["removed_at"], doc["schema_version"]) == (1, None, 1)
    assert doc["first_seen_at"] == doc["last_seen_at"] == doc["updated_at"] >= before.replace(microsecond=0)
    time.sleep(0.01)
    assert flash_store.write({key: fields_of(ROW)}).unchanged == 1
    seen = mongo_db.flashes.find_one({"_id": key})
    assert seen["updated_at"] == doc["updated_at"] < seen["last_seen_at"]    # seen again, nothing changed
    time.sleep(0.01)
    assert flash_store.write({key: fields_of({**ROW, "bullCount": 40})}).refreshed == 1
    voted = mongo_db.flashes.find_one({"_id": key})
    assert (voted["bull_count"], voted["version"]) == (40, 1) and voted["updated_at"] > doc["updated_at"]
    assert flash_store.write({key: fields_of({**ROW, "bullCount": 40, "title": "Corrected"})}).updated == 1
    corrected = mongo_db.flashes.find_one({"_id": key})
    assert (corrected["title"], corrected["version"], corrected["first_seen_at"]) == \
        ("Corrected", 2, doc["first_seen_at"])
    old = mongo_db.flash_versions.find_one({"flash_key": key})
    assert (old["_id"], old["title"], old["version"]) == (f"{key}:v1", ROW["title"], 1)
    assert old["superseded_at"] >= old["updated_at"]


def test_a_removed_flash_is_marked_and_unmarked_when_seen_again(flash_store, mongo_db):
    key = "coinness:en:5012"
    flash_store.write({key: fields_of(ROW)})
    assert flash_store.mark_removed([key, "coinness:en:1"]) == 1
    assert mongo_db.flashes.find_one({"_id": key})["removed_at"] is not None
    assert flash_store.mark_removed([key]) == 0                             # marked once
    assert flash_store.write({key: fields_of(ROW)}).refreshed == 1
    assert mongo_db.flashes.find_one({"_id": key})["removed_at"] is None


def test_what_a_crawl_recalls_of_an_edition(flash_store):
    rows = [{**ROW, "id": 5000 + n, "publishAt": f"2026-12-05T0{n}:00:00.000Z"} for n in range(1, 6)]
    flash_store.write({f"coinness:en:{r['id']}": fields_of(r) for r in rows})
    flash_store.mark_removed(["coinness:en:5004"])
    stored = flash_store.stored("coinness", "en", datetime(2026, 12, 5, 3, 0, tzinfo=timezone.utc))
    assert stored.newest == FeedMark(datetime(2026, 12, 5, 5, 0, tzinfo=timezone.utc), 5005)
    assert sorted(stored.recent) == ["coinness:en:5003", "coinness:en:5005"]
    assert flash_store.stored("coinness", "ko", NOW).newest is None


# -- flashes that cannot be stored: dead letters, and their replay ---------------------------------
def dead_lettering_crawler(tmp_path, **settings):
    """A crawler whose dead letters go to `tmp_path/dl-crawl.jsonl`; MongoDB unreachable unless given."""
    return get_crawler(settings_dict={
        "MONGO_URI": f"mongodb://127.0.0.1:{free_port()}", "MONGO_CONNECT_TIMEOUT": 0.3, "MONGO_WRITE_RETRIES": 2,
        "MONGO_RETRY_BACKOFF": 0.01, "NEWS_DEADLETTER_PATH": str(tmp_path / "dl-%(spider)s.jsonl"), **settings})


def store_flashes(crawler, rows: list[dict]) -> None:
    """A crawl's life for the flash pipeline: opened, `rows` read as flashes, closed."""
    async def crawl():
        pipeline = build_from_crawler(FlashStorePipeline, crawler)
        await pipeline.open_spider()
        for row in rows:
            await pipeline.process_item(read_flash_row(row, CONTEXT, NOW))
        await pipeline.close_spider()
    try:
        asyncio.run(crawl())
    finally:
        crawl_store(crawler).close()  # what spider_closed does in a crawl


def replay(mongo_uri: str, mongo_db, path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "scrapy"), "replay", str(path)], cwd=ROOT, capture_output=True, text=True,
                          env=scrapy_env(MONGO_URI=mongo_uri, MONGO_DATABASE=mongo_db.name), timeout=120)


ROWS = [ROW, {**ROW, "id": 5013, "title": "ETH follows", "publishAt": "2026-12-05T08:20:00.000Z"}]


def test_flashes_mongodb_cannot_take_go_to_the_dead_letter_file(tmp_path):
    crawler = dead_lettering_crawler(tmp_path)
    store_flashes(crawler, ROWS)
    records = read_records(tmp_path / "dl-crawl.jsonl")
    assert [(r["kind"], r["key"]) for r in records] == [("flash", "coinness:en:5012"), ("flash", "coinness:en:5013")]
    assert records[0]["fields"]["title"] == ROW["title"] and records[0]["fields"]["published_at"] == \
        datetime(2026, 12, 5, 8, 14, 10, tzinfo=timezone.utc)
    assert "unreachable" in records[0]["error"] and records[0]["read_at"] is not None
    stats = crawler.stats.get_stats()
    assert (stats["news/store/dead_lettered"], stats["news/store/dead_lettered/flashes"]) == (2, 2)
    assert stats["news/flashes/store/retries"] == 2       # one batch, tried twice (MONGO_WRITE_RETRIES)
    assert stats["news/store/deadletter_file"] == str(tmp_path / "dl-crawl.jsonl")
    assert summary(stats)["dead_lettered"] == 2 and not crawl_failed(stats)     # kept, not lost


def test_a_flash_the_server_refuses_goes_to_the_dead_letter_file(mongo_uri, mongo_db, tmp_path):
    """Not a lost connection: the server refuses the write (a validator here; a permission, a full
    disk elsewhere). The flash is dead-lettered with the server's reason."""
    mongo_db.create_collection("flashes", validator={"$jsonSchema": {"required": ["never_there"]}})
    crawler = dead_lettering_crawler(tmp_path, MONGO_URI=mongo_uri, MONGO_DATABASE=mongo_db.name)
    store_flashes(crawler, [ROW])
    records = read_records(tmp_path / "dl-crawl.jsonl")
    assert [(r["kind"], r["key"]) for r in records] == [("flash", "coinness:en:5012")] and records[0]["error"]
    assert crawler.stats.get_value("news/store/dead_lettered/flashes") == 1
    assert mongo_db.flashes.count_documents({}) == 0


def test_flashes_neither_mongodb_nor_the_disk_takes_are_lost_loudly(tmp_path, caplog):
    """The dead-letter path unwritable too (a full disk, a missing mount): what the crawl held is
    lost, and said as for articles: one ERROR with the count, `news/lost/flashes`, a failed crawl."""
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the dead letters' folder should be")
    crawler = dead_lettering_crawler(tmp_path, NEWS_DEADLETTER_PATH=f"{blocked}/dl.jsonl")
    with caplog.at_level(logging.WARNING):
        store_flashes(crawler, ROWS)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR and "lost" in r.getMessage()]
    assert len(errors) == 1 and errors[0].startswith("2 flashes scraped by this crawl are lost")
    stats = crawler.stats.get_stats()
    assert stats["news/lost/flashes"] == 2 and "news/store/dead_lettered" not in stats
    assert summary(stats)["lost"] == 2 and crawl_failed(stats)      # `scrapy crawl` exits 1


def test_replay_stores_dead_lettered_flashes_into_the_flashes_collection(tmp_path, mongo_uri, mongo_db):
    store_flashes(dead_lettering_crawler(tmp_path), ROWS)
    path = tmp_path / "dl-crawl.jsonl"
    read_at = {r["key"]: r["read_at"] for r in read_records(path)}
    done = replay(mongo_uri, mongo_db, path)
    assert done.returncode == 0, done.stderr
    assert "flashes_new=2" in done.stdout and "new=0," in done.stdout
    assert mongo_db.articles.count_documents({}) == 0
    stored = mongo_db.flashes.find_one({"_id": "coinness:en:5012"})
    assert (stored["title"], stored["version"], stored["removed_at"]) == (ROW["title"], 1, None)
    # Seen when it was read, not when it was replayed.
    assert stored["first_seen_at"] == stored["last_seen_at"] == \
        read_at["coinness:en:5012"].replace(microsecond=read_at["coinness:en:5012"].microsecond // 1000 * 1000)
    again = replay(mongo_uri, mongo_db, path)                       # idempotent
    assert again.returncode == 0 and "flashes_new=0" in again.stdout and "flashes_unchanged=2" in again.stdout
    assert mongo_db.flashes.count_documents({}) == 2 and mongo_db.flash_versions.count_documents({}) == 0


def server_now(mongo_db) -> datetime:
    time.sleep(0.01)  # the server's clock keeps milliseconds
    moment = mongo_db.client.admin.command("hello")["localTime"]
    time.sleep(0.01)
    return moment


def test_a_late_replay_never_undoes_a_later_reading_or_a_removal(tmp_path, flash_store, mongo_uri, mongo_db):
    """A flash corrected or removed since its dead letter was read stays as the later crawl left it."""
    corrected, removed, unseen = ROW, {**ROW, "id": 5013}, {**ROW, "id": 5014}
    flash_store.write({"coinness:en:5012": fields_of(corrected), "coinness:en:5013": fields_of(removed)})
    read_at = server_now(mongo_db)                                   # the dead letters' reading
    flash_store.write({"coinness:en:5012": fields_of({**corrected, "title": "Corrected"})})   # a later crawl's
    flash_store.mark_removed(["coinness:en:5013"])
    dead = DeadLetterFile(str(tmp_path / "dl.jsonl"))
    dead.write([FlashDoc(f"coinness:en:{row['id']}", fields_of(row), read_at).to_record()
                for row in (corrected, removed, unseen)], "MongoDB unreachable")
    done = replay(mongo_uri, mongo_db, dead.path)
    assert done.returncode == 0, done.stderr
    assert "flashes_new=1" in done.stdout and "flashes_stale=2" in done.stdout
    assert (mongo_db.flashes.find_one({"_id": "coinness:en:5012"})["title"], mongo_db.flash_versions.count_documents({})) \
        == ("Corrected", 1)                                          # the correction's own previous version only
    assert mongo_db.flashes.find_one({"_id": "coinness:en:5013"})["removed_at"] is not None
    assert mongo_db.flashes.find_one({"_id": "coinness:en:5014"})["title"] == ROW["title"]


# -- the replica's flashes -----------------------------------------------------------------------
def get(url: str) -> tuple[int, dict, object]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, dict(answer.headers), json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_the_replica_pages_its_flash_feed_and_answers_one_flash_until_removed():
    flashes = flash_editions(seed=2, count=25)
    with AppReplica(app_editions(seed=2, sections=2, articles=3), flashes=flashes) as app:
        feed = f"{app.api_url}/feed/v1/breaking-news?languageCode=ko&limit=10"
        _, _, first = get(feed)
        _, _, second = get(f"{feed}&lastId={first[-1]['id']}")
        ids = [row["id"] for row in first + second]
        assert ids == sorted(ids, reverse=True) and len(set(ids)) == 20
        assert set(first[0]) == {"id", "title", "content", "publishAt", "updatedAt", "bullCount", "bearCount",
                                 "isImportant", "link", "linkTitle"}
        one = f"{app.api_url}/feed/v1/breaking-news/{ids[3]}?languageCode=ko"
        assert get(one)[2] == second[0] if ids[3] == second[0]["id"] else get(one)[0] == 200
        flashes["ko"].remove(ids[3])
        assert get(one)[:3:2] == (404, {"error": "not found"})
        assert ids[3] not in [row["id"] for row in get(feed + "&limit=50")[2]]
        truth = app.flash_truth()
    assert len(truth) == 49 and {t["language"] for t in truth.values()} == {"en", "ko"}


def test_a_publishing_replica_shows_items_at_their_time_and_sheds_load_with_retry_after():
    plan = PublishPlan(speed=60, hours=0.02, burst_every_s=120, burst_size=60, burst_s=5, throttle_every_s=0)
    with AppReplica(app_editions(seed=3, sections=2, articles=3), flashes=flash_editions(seed=3, count=5),
                    publish=plan) as app:
        publishing = app.site.publishing
        burst = publishing.bursts[0]
        assert len(burst.ids) == 60 and burst.last - burst.first <= timedelta(seconds=1)
        wait = (burst.last - datetime.now(timezone.utc)).total_seconds() + 0.2
        time.sleep(max(0.0, wait))
        feed = f"{app.api_url}/feed/v1/breaking-news?languageCode={burst.edition}&limit=50"
        rows = get(feed)[2]
        shown = {row["id"] for row in rows} | {row["id"] for row in get(f"{feed}&lastId={rows[-1]['id']}")[2]}
        assert set(burst.ids) <= shown                                      # deeper than the largest page
        future = [f for t in app.site.flashes.values() for f in t.flashes.values()
                  if f.published > datetime.now(timezone.utc) + timedelta(seconds=5)]
        assert future and get(f"{app.api_url}/feed/v1/breaking-news/{future[0].id}?languageCode=en")[0] == 404
        publishing.throttles.append((datetime.now(timezone.utc), datetime.now(timezone.utc) + timedelta(seconds=3)))
        status, headers, _ = get(feed)
        assert status == 429 and 1 <= int(headers["Retry-After"]) <= 3
