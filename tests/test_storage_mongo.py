"""MongoDB store against a real server: versions, aliases, idempotence, dead letters, replay, and the
store pipeline closing in the middle of a timed flush."""

from __future__ import annotations

import asyncio
import subprocess
import time
from datetime import datetime, timedelta, timezone

import pytest
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newscrawler.clock import CrawlClock
from newscrawler.memory.known import known_articles
from newscrawler.pipelines.store import MongoStorePipeline
from newscrawler.signals import store_flush_started
from newscrawler.storage import crawl_store
from newscrawler.storage.deadletter import DeadLetterFile, crawl_dead_letters, read_records
from newscrawler.storage.mongo import ArticleDoc, MongoArticleStore, StoreUnavailable, mask_uri, safe_keys
from servers import BIN, ROOT, free_port, scrapy_env

T0 = datetime(2025, 11, 20, 12, 0, tzinfo=timezone.utc)


def doc(article_id="1", body="Body.", **fields) -> ArticleDoc:
    base = {"site": "replica", "article_id": article_id, "url": f"http://site.test/article/{article_id}/a",
            "title": f"Title {article_id}", "body": body, "content_hash": f"hash-{article_id}-{body}",
            "related": [], "related_status": "complete", "published_at": T0}
    return ArticleDoc(f"replica:{article_id}", {**base, **fields}, [])


@pytest.fixture
def store(mongo_uri, mongo_db):
    store = MongoArticleStore(mongo_uri, mongo_db.name)
    store.ensure_indexes()
    yield store
    store.close()


def test_new_then_unchanged_only_moves_last_seen(store, mongo_db):
    assert store.write([doc("1"), doc("2")], T0).new == 2
    before = mongo_db.articles.find_one({"_id": "replica:1"})
    result = store.write([doc("1"), doc("2")], T0 + timedelta(hours=1))
    assert (result.new, result.updated, result.unchanged) == (0, 0, 2)
    after = mongo_db.articles.find_one({"_id": "replica:1"})
    assert after.pop("last_seen_at") == T0 + timedelta(hours=1)
    assert before.pop("last_seen_at") == T0
    assert after == before
    assert before["first_seen_at"] == before["content_changed_at"] == T0 and before["version"] == 1


def test_changed_content_makes_a_version(store, mongo_db):
    store.write([doc("1")], T0)
    later = T0 + timedelta(days=1)
    assert store.write([doc("1", body="Edited body.")], later).updated == 1
    current = mongo_db.articles.find_one({"_id": "replica:1"})
    assert (current["version"], current["body"], current["content_changed_at"]) == (2, "Edited body.", later)
    assert current["first_seen_at"] == T0
    old = mongo_db.article_versions.find_one({"article_key": "replica:1"})
    assert old["_id"] == "replica:1:v1" and old["body"] == "Body." and old["superseded_at"] == later
    # Writing the same edit again (a retry, a replay) changes nothing more.
    assert store.write([doc("1", body="Edited body.")], later).unchanged == 1
    assert mongo_db.article_versions.count_documents({}) == 1


def test_a_revisit_that_corrects_other_fields_updates_the_document_without_a_version(store, mongo_db):
    store.write([doc("1", section="Markets", tags=["news"])], T0)
    later = T0 + timedelta(hours=1)
    corrected = doc("1", section="Policy", tags=["news", "asia"], published_at=T0 - timedelta(hours=2),
                    modified_at=later)
    result = store.write([corrected], later)
    assert (result.updated, result.refreshed, result.unchanged) == (0, 1, 0)
    stored = mongo_db.articles.find_one({"_id": "replica:1"})
    assert (stored["section"], stored["tags"], stored["published_at"], stored["modified_at"]) == \
        ("Policy", ["news", "asia"], T0 - timedelta(hours=2), later)
    assert (stored["version"], stored["content_changed_at"]) == (1, T0)
    assert mongo_db.article_versions.count_documents({}) == 0
    assert store.write([corrected], later + timedelta(hours=1)).unchanged == 1     # nothing more to correct


def test_a_document_of_the_first_shape_is_brought_to_the_current_one_on_a_revisit(store, mongo_db):
    store.write([doc("1")], T0)
    mongo_db.articles.update_one({"_id": "replica:1"}, {"$set": {"schema_version": 1},
                                                        "$unset": {"published_at_local": ""}})
    assert store.write([doc("1", published_at_local="2025-11-20T21:00:00+09:00")], T0 + timedelta(hours=1)).refreshed == 1
    stored = mongo_db.articles.find_one({"_id": "replica:1"})
    assert (stored["schema_version"], stored["published_at_local"], stored["version"]) == \
        (2, "2025-11-20T21:00:00+09:00", 1)


def test_fields_from_an_older_fetch_never_overwrite_newer_ones(store, mongo_db):
    """A dead-letter record (v1) replayed after a later crawl stored v2 reverts nothing."""
    v1 = doc("1", body="First text.", fetched_at=T0)
    v2 = doc("1", body="Edited text.", fetched_at=T0 + timedelta(hours=2))
    store.write([v1], T0)
    store.write([v2], T0 + timedelta(hours=2))
    result = store.write([ArticleDoc(v1.key, v1.fields, ["http://site.test/short/1"])], T0 + timedelta(hours=3))
    assert (result.stale, result.updated) == (1, 0)
    stored = mongo_db.articles.find_one({"_id": "replica:1"})
    assert (stored["body"], stored["version"], stored["content_changed_at"]) == ("Edited text.", 2, T0 + timedelta(hours=2))
    assert "http://site.test/short/1" in stored["aliases"]                 # its URLs still count


def test_a_revisit_whose_related_block_timed_out_keeps_the_stored_list(store, mongo_db):
    full = ["http://site.test/article/7/b", "http://site.test/article/8/c"]
    store.write([doc("1", related=full)], T0)
    store.write([doc("1", related=[], related_status="unavailable")], T0 + timedelta(hours=1))
    store.write([doc("1", related=full[:1], related_status="partial", body="Edited.")], T0 + timedelta(hours=2))
    stored = mongo_db.articles.find_one({"_id": "replica:1"})
    assert (stored["related"], stored["related_status"], stored["version"]) == (full, "complete", 2)
    store.write([doc("1", related=full[::-1], body="Edited.")], T0 + timedelta(hours=3))   # seen whole: replaced
    assert mongo_db.articles.find_one({"_id": "replica:1"})["related"] == full[::-1]
    store.write([doc("2", related=full[:1], related_status="partial")], T0)               # new: what was seen
    assert mongo_db.articles.find_one({"_id": "replica:2"})["related_status"] == "partial"


def test_one_document_per_content_the_earliest_published(store, mongo_db):
    original = doc("1", url="http://site.test/article/1/a", content_hash="same", published_at=T0)
    copy = doc("2", url="http://site.test/article/2/a", content_hash="same", published_at=T0 + timedelta(hours=1))
    late_copy = doc("3", url="http://site.test/article/3/a", content_hash="same", published_at=T0 + timedelta(days=1))
    assert store.write([copy], T0).new == 1                        # the copy is met first
    result = store.write([late_copy, original], T0 + timedelta(hours=2))   # then the original
    assert (result.new, result.copies, result.retired) == (1, 2, ["replica:2"])
    [stored] = list(mongo_db.articles.find())
    assert stored["_id"] == "replica:1"
    assert set(stored["aliases"]) == {"http://site.test/article/2/a", "http://site.test/article/3/a"}
    again = store.write([copy], T0 + timedelta(hours=3))           # a copy met again only adds an alias
    assert (again.new, again.copies) == (0, 1) and mongo_db.articles.count_documents({}) == 1


def test_a_crawl_reads_what_is_stored_once_for_incremental_rules_and_dedupe(store):
    store.write([doc("1", published_at=T0 - timedelta(days=30)), doc("2", published_at=T0 + timedelta(days=7)),
                 doc("3", site="other", url="http://other.test/article/3/a")], T0)
    store.add_aliases({"replica:2": ["http://site.test/article/9/copy"]})
    index = store.crawl_start_index()
    store.write([doc("4")], T0)                      # stored during the crawl: not what it started with
    assert store.crawl_start_index() is index
    later = T0 + timedelta(days=8)                   # none of them first seen in the last 7 days
    known = known_articles(index.docs, "replica", 7, later, lambda url: url.split("/")[4])
    assert (known.ids, known.revisit) == ({"1", "2", "9"}, {"2"})
    assert set(index.content_hashes()) == {"hash-1-Body.", "hash-2-Body.", "hash-3-Body."}
    fresh = store.stored_index("replica")
    known_now = known_articles(fresh.docs, "replica", 7, later)
    assert (known_now.ids, known_now.revisit) == ({"1", "2", "4"}, {"2"})
    assert store.stored_index().content_hashes()["hash-4-Body."] == ("replica:4", T0)


def test_aliases_accumulate_without_duplicates(store, mongo_db):
    first = doc("1")
    first.aliases = ["http://site.test/article/1"]
    store.write([first], T0)
    assert store.add_aliases({"replica:1": ["http://site.test/article/9/copy", "http://site.test/article/1"],
                              "replica:404": ["http://x.test/"]}) == 1
    stored = mongo_db.articles.find_one({"_id": "replica:1"})
    assert stored["aliases"] == ["http://site.test/article/1", "http://site.test/article/9/copy"]


def test_page_data_never_becomes_an_operator(store, mongo_db):
    hostile = doc("1", image={"$where": "sleep(1000)", "a.b": {"$gt": ""}}, title="$set")
    store.write([hostile], T0)
    stored = mongo_db.articles.find_one({"_id": "replica:1"})
    assert stored["title"] == "$set"
    assert stored["image"] == {"\uff04where": "sleep(1000)", "a\uff0eb": {"\uff04gt": ""}}
    assert safe_keys({"x": [{"$y": 1}]}) == {"x": [{"\uff04y": 1}]}


def test_duplicate_url_is_reported_not_raised(store):
    store.write([doc("1")], T0)
    clash = doc("2", url="http://site.test/article/1/a")
    result = store.write([clash, doc("3")], T0)
    assert result.new == 1 and [d.key for d, _ in result.failed] == ["replica:2"]


def test_indexes(store, mongo_db):
    names = set(mongo_db.articles.index_information())
    assert {"url_unique", "published_at_desc", "section_published_at", "last_seen_at", "content_changed_at"} <= names


def test_unreachable_server_names_host_and_hides_password():
    store = MongoArticleStore(f"mongodb://crawler:s3cret@127.0.0.1:{free_port()}/?authSource=admin", "newsdb",
                              timeout_s=0.5)
    with pytest.raises(StoreUnavailable) as error:
        try:
            store.check()
        finally:
            store.close()
    assert "127.0.0.1" in str(error.value) and "newsdb" in str(error.value)
    assert "s3cret" not in str(error.value)
    assert mask_uri("mongodb://u:p@h:1/db?x=1") == "mongodb://u:****@h:1/db?x=1"
    assert mask_uri("mongodb://h:1") == "mongodb://h:1"


def test_dead_letters_replay_idempotently(tmp_path, mongo_uri, mongo_db):
    dead = DeadLetterFile(str(tmp_path / "dl-%(spider)s.jsonl"), "news")
    dead.write([doc("1").to_record(), doc("2").to_record(),
                {"kind": "aliases", "key": "replica:1", "urls": ["http://site.test/article/1"]}], "server down")
    assert [r["fields"]["published_at"] for r in read_records(dead.path)[:2]] == [T0, T0]
    command = [str(BIN / "scrapy"), "replay", str(dead.path)]
    env = scrapy_env(MONGO_URI=mongo_uri, MONGO_DATABASE=mongo_db.name)
    for _ in range(2):
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    assert "new=0, updated=0, unchanged=2" in done.stdout
    assert mongo_db.articles.count_documents({}) == 2
    assert mongo_db.articles.find_one({"_id": "replica:1"})["aliases"] == ["http://site.test/article/1"]
    assert mongo_db.articles.find_one({"_id": "replica:2"})["published_at"] == T0


# Two lines as crawlers wrote them before flashes had dead letters of their own: still replayed.
EARLIER_DEAD_LETTERS = (
    '{"kind": "article", "key": "replica:7", "fields": {"site": "replica", "article_id": "7", '
    '"url": "http://site.test/article/7/a", "title": "Title 7", "body": "Body.", "content_hash": "hash-7", '
    '"related": [], "related_status": "complete", "published_at": {"$date": "2025-11-20T12:00:00Z"}}, '
    '"aliases": [], "error": "MongoDB unreachable at mongodb://127.0.0.1:27017 (database \'news\') after 4 '
    'attempts: ServerSelectionTimeoutError"}\n'
    '{"kind": "aliases", "key": "replica:7", "urls": ["http://site.test/article/7"], '
    '"error": "article not stored yet"}\n')


def test_article_dead_letters_written_before_flashes_had_theirs_still_replay(tmp_path, mongo_uri, mongo_db):
    path = tmp_path / "news-20251120T120000Z.jsonl"
    path.write_text(EARLIER_DEAD_LETTERS)
    done = subprocess.run([str(BIN / "scrapy"), "replay", str(path)], cwd=ROOT, capture_output=True, text=True,
                          env=scrapy_env(MONGO_URI=mongo_uri, MONGO_DATABASE=mongo_db.name), timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("new=1, updated=0, unchanged=0") and "aliases=1" in done.stdout
    article = mongo_db.articles.find_one({"_id": "replica:7"})
    assert (article["published_at"], article["aliases"]) == (T0, ["http://site.test/article/7"])
    assert mongo_db.flashes.count_documents({}) == 0


def test_a_record_of_a_kind_replay_does_not_know_is_said_and_fails_the_replay(tmp_path, mongo_uri, mongo_db):
    """Written by a newer crawler, or by hand: never dropped in silence; the rest is stored."""
    path = tmp_path / "dl.jsonl"
    path.write_text(EARLIER_DEAD_LETTERS + '{"kind": "podcast", "key": "replica:p1", "error": "down"}\n')
    done = subprocess.run([str(BIN / "scrapy"), "replay", str(path)], cwd=ROOT, capture_output=True, text=True,
                          env=scrapy_env(MONGO_URI=mongo_uri, MONGO_DATABASE=mongo_db.name), timeout=120)
    assert done.returncode == 1 and "1 records of kind 'podcast'" in done.stderr and "failed=1" in done.stdout
    assert mongo_db.articles.count_documents({}) == 1


def test_replay_of_a_corrupt_file_fails_clearly(tmp_path, mongo_uri):
    path = tmp_path / "bad.jsonl"
    path.write_text("{not json\n")
    done = subprocess.run([str(BIN / "scrapy"), "replay", str(path)], cwd=ROOT, env=scrapy_env(MONGO_URI=mongo_uri),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "bad.jsonl:1" in done.stderr and "Traceback" not in done.stderr


def article_item(article_id: str) -> dict:
    return {**doc(article_id).fields, "fetched_at": T0}


async def close_while_a_timed_flush_writes(pipeline: MongoStorePipeline, crawler, items: list[dict]) -> None:
    """Buffer `items`, and close the spider the moment the timer's flush starts writing them."""
    writing = asyncio.Event()
    crawler.signals.connect(writing.set, signal=store_flush_started, weak=False)
    await pipeline.open_spider()
    for item in items:
        await pipeline.process_item(item)
    await writing.wait()
    await pipeline.close_spider()


def test_closing_during_a_timed_flush_counts_and_stores_its_batch(mongo_uri, mongo_db, tmp_path):
    crawler = get_crawler(settings_dict={"MONGO_URI": mongo_uri, "MONGO_DATABASE": mongo_db.name,
                                         "MONGO_BUFFER_SIZE": 100, "MONGO_FLUSH_INTERVAL": 0.05,
                                         "NEWS_DEADLETTER_PATH": str(tmp_path / "dl-%(spider)s.jsonl")})
    pipeline = build_from_crawler(MongoStorePipeline, crawler)
    asyncio.run(close_while_a_timed_flush_writes(pipeline, crawler, [article_item(str(i)) for i in range(12)]))
    crawl_store(crawler).close()  # what spider_closed does in a crawl
    assert crawler.stats.get_value("news/store/new") == 12
    assert mongo_db.articles.count_documents({}) == 12


async def store_items(pipeline: MongoStorePipeline, items: list[dict]) -> None:
    await pipeline.open_spider()
    for item in items:
        await pipeline.process_item(item)
    await pipeline.close_spider()


def test_a_write_the_server_refuses_is_dead_lettered_not_lost(mongo_uri, mongo_db, tmp_path):
    """Not a lost connection: the server refuses the versions write (a validator here; a permission,
    a full disk elsewhere). The edited article ends in the dead-letter file, and replays later."""
    settings = {"MONGO_URI": mongo_uri, "MONGO_DATABASE": mongo_db.name, "MONGO_FLUSH_INTERVAL": 0.05,
                "NEWS_DEADLETTER_PATH": str(tmp_path / "dl-%(spider)s.jsonl")}
    first = get_crawler(settings_dict=settings)
    asyncio.run(store_items(build_from_crawler(MongoStorePipeline, first), [article_item("1")]))
    crawl_store(first).close()
    mongo_db.command("collMod", "article_versions", validator={"$jsonSchema": {"required": ["never_there"]}})
    second = get_crawler(settings_dict=settings)
    edited = {**article_item("1"), "body": "Edited.", "content_hash": "hash-1-edited"}
    asyncio.run(store_items(build_from_crawler(MongoStorePipeline, second), [edited, article_item("2")]))
    crawl_store(second).close()
    assert second.stats.get_value("news/store/dead_lettered") == 2
    records = read_records(str(tmp_path / "dl-crawl.jsonl"))
    assert sorted(r["key"] for r in records) == ["replica:1", "replica:2"]
    assert "refused" in records[0]["error"] and "mongodb://" not in records[0]["error"].split(" at ")[0]


def test_a_torn_dead_letter_line_is_skipped_and_never_glued_to(tmp_path):
    dead = DeadLetterFile(str(tmp_path / "dl.jsonl"))
    dead.write([doc("1").to_record()], "down")
    with dead.path.open("a", encoding="utf-8") as handle:
        handle.write('{"kind": "article", "key": "replica:2", "fields": {"title": "Torn')   # a killed writer
    dead.write([doc("3").to_record()], "down")
    skipped = []
    records = read_records(dead.path, skipped)
    assert [r["key"] for r in records] == ["replica:1", "replica:3"]
    assert len(skipped) == 1 and f"{dead.path}:2:" in skipped[0]


def test_dead_letters_the_file_cannot_take_yet_are_kept_and_written_later(tmp_path):
    crawler = get_crawler(settings_dict={"MONGO_URI": "mongodb://127.0.0.1:1", "NEWS_DEADLETTER_PATH": str(tmp_path)})
    crawler.stats.open_spider()
    pipeline = MongoStorePipeline(crawler, MongoArticleStore("mongodb://127.0.0.1:1"))
    dead_letters = crawl_dead_letters(crawler)
    (tmp_path / "full").write_text("")                      # a file where the directory should be
    dead_letters.file = DeadLetterFile(str(tmp_path / "full" / "dl.jsonl"))
    pipeline.dead_letter([doc("1").to_record()], "down")
    assert crawler.stats.get_value("news/store/deadletter_unwritten") == 1
    dead_letters.file = DeadLetterFile(str(tmp_path / "room" / "dl.jsonl"))
    pipeline.dead_letter([doc("2").to_record()], "down again")
    assert [(r["key"], r["error"]) for r in read_records(dead_letters.file.path)] == \
        [("replica:1", "down"), ("replica:2", "down again")]     # each with its own reason
    assert crawler.stats.get_value("news/store/dead_lettered") == 2


def updated_at(mongo_db, key="replica:1"):
    return mongo_db.articles.find_one({"_id": key})["updated_at"]


def later_on_the_server():
    time.sleep(0.01)  # the server's clock keeps milliseconds


def test_updated_at_moves_exactly_when_a_consumer_visible_field_changes(store, mongo_db):
    """A consumer polling `updated_at > T` sees every new, edited, corrected, removed and restored
    article, and nothing that only moved `last_seen_at`."""
    store.write([doc("1")], T0)
    new = updated_at(mongo_db)
    later_on_the_server()
    store.write([doc("1")], T0 + timedelta(hours=1))                               # re-visited, unchanged
    assert updated_at(mongo_db) == new
    moments = [new]
    changes = [lambda: store.write([doc("1", section="Policy")], T0 + timedelta(hours=2)),        # corrected
               lambda: store.write([doc("1", section="Policy", body="Edited.")], T0 + timedelta(hours=3)),
               lambda: store.mark_removed(["replica:1"], T0 + timedelta(hours=4)),
               lambda: store.write([doc("1", section="Policy", body="Edited.", fetched_at=T0 + timedelta(hours=5))],
                                   T0 + timedelta(hours=5)),                                      # restored
               lambda: store.add_aliases({"replica:1": ["http://site.test/short/1"]})]
    for change in changes:
        later_on_the_server()
        change()
        moments.append(updated_at(mongo_db))
        assert moments[-1] > moments[-2]
    later_on_the_server()
    store.add_aliases({"replica:1": ["http://site.test/short/1"]})                 # nothing new
    assert updated_at(mongo_db) == moments[-1]
    assert mongo_db.articles.find_one({"_id": "replica:1"}).get("removed_at") is None
    assert "updated_at" in {key for index in mongo_db.articles.index_information().values() for key, _ in index["key"]}
    assert all(version.get("updated_at") for version in mongo_db.article_versions.find())
    assert {"updated_at_1"} <= set(mongo_db.article_versions.index_information())


def test_updated_at_is_the_database_clock_not_the_crawler_s(store, mongo_db):
    store.write([doc("1")], T0)                       # a crawler whose clock says a year ago
    server_now = mongo_db.command("hello")["localTime"].replace(tzinfo=timezone.utc)
    assert abs(updated_at(mongo_db) - server_now) < timedelta(seconds=5)


def test_an_edit_that_cannot_be_stored_leaves_no_version_behind(store, mongo_db):
    """The previous version is kept only when the article's edit is stored: a failed edit leaves no
    version that is the article as it still is."""
    store.write([doc("1"), doc("2")], T0)
    clash = doc("1", body="Edited.", url="http://site.test/article/2/a")        # another article's URL
    assert [d.key for d, _ in store.write([clash], T0 + timedelta(hours=1)).failed] == ["replica:1"]
    assert mongo_db.article_versions.count_documents({}) == 0


def test_an_article_edited_into_another_s_content_is_stored_as_edited(store, mongo_db):
    """An article's identity is its key: an older C given D's title and text is C, edited; two
    articles with one text are stored as such."""
    store.write([doc("1", published_at=T0), doc("2", published_at=T0 + timedelta(hours=1))], T0)
    edited = doc("1", body="Body.", title="Title 2", content_hash="hash-2-Body.", published_at=T0)
    result = store.write([edited], T0 + timedelta(hours=2))
    assert (result.updated, result.failed) == (1, [])
    assert mongo_db.articles.count_documents({"content_hash": "hash-2-Body."}) == 2
    again = doc("2", body="Body.", content_hash="hash-2-Body.", published_at=T0 + timedelta(hours=1))
    assert store.write([again], T0 + timedelta(hours=3)).unchanged == 1         # a re-visit of D changes nothing


def test_a_database_with_one_document_per_content_takes_two_articles_with_one_text(mongo_uri, mongo_db):
    mongo_db.articles.create_index("content_hash", unique=True, sparse=True, name="content_hash_unique")
    store = MongoArticleStore(mongo_uri, mongo_db.name)
    store.ensure_indexes()
    store.write([doc("1", content_hash="same"), doc("2", content_hash="other")], T0)
    assert store.write([doc("2", content_hash="same")], T0 + timedelta(hours=1)).updated == 1
    assert "content_hash_unique" not in mongo_db.articles.index_information()
    store.close()


def test_an_edit_after_a_fetch_stamped_by_a_fast_clock_is_stored(store, mongo_db):
    """A node whose clock ran an hour fast stored the article; the next re-visit reads an edit."""
    store.write([doc("1", fetched_at=T0 + timedelta(hours=1))], T0)
    result = store.write([doc("1", body="Edited.", fetched_at=T0 + timedelta(minutes=10))], T0 + timedelta(minutes=10))
    assert (result.updated, result.stale) == (1, 0)
    assert mongo_db.articles.find_one({"_id": "replica:1"})["body"] == "Edited."


def test_a_later_modification_the_site_states_wins_over_fetch_times(store, mongo_db):
    newer = doc("1", body="Second.", modified_at=T0 + timedelta(hours=2), fetched_at=T0)
    older = doc("1", body="First.", modified_at=T0 + timedelta(hours=1), fetched_at=T0 + timedelta(hours=3))
    store.write([newer], T0)
    assert store.write([older], T0 + timedelta(hours=3)).stale == 1              # the site says it is older
    assert mongo_db.articles.find_one({"_id": "replica:1"})["body"] == "Second."


def test_the_machine_clock_off_from_mongodb_s_is_said_loudly_and_mongodb_s_kept(store, caplog):
    clock = CrawlClock()
    fast = datetime.now(timezone.utc) + timedelta(hours=1)
    skew = clock.follow(store.server_time(), machine=fast)
    assert timedelta(minutes=59) < -skew < timedelta(minutes=61)
    assert any(r.levelname == "WARNING" and "ahead of MongoDB" in r.getMessage() for r in caplog.records)
    assert abs(clock.now() - datetime.now(timezone.utc)) > timedelta(minutes=59)  # MongoDB's time, not ours
    caplog.clear()
    CrawlClock().follow(store.server_time())
    assert not caplog.records


def test_a_replay_of_a_fetch_from_before_the_removal_does_not_bring_the_article_back(store, mongo_db):
    store.write([doc("1", fetched_at=T0)], T0)
    store.mark_removed(["replica:1"], T0 + timedelta(hours=2))
    store.write([doc("1", fetched_at=T0 + timedelta(hours=1))], T0 + timedelta(hours=3))   # a dead letter of before
    assert mongo_db.articles.find_one({"_id": "replica:1"})["removed_at"] == T0 + timedelta(hours=2)
    store.write([doc("1", fetched_at=T0 + timedelta(hours=4))], T0 + timedelta(hours=4))   # seen live again
    assert mongo_db.articles.find_one({"_id": "replica:1"}).get("removed_at") is None


def test_a_missed_article_that_turns_out_a_copy_is_no_longer_a_miss(store, mongo_db):
    store.write([doc("1")], T0)
    store.record_misses([{"key": "replica:2", "site": "replica", "url": "http://site.test/article/2/a",
                          "reason": "http_503"}], T0)
    store.add_aliases({"replica:1": ["http://site.test/article/2/a"]})          # its copy, dropped by dedupe
    assert mongo_db.crawl_misses.count_documents({}) == 0


def test_a_removed_original_does_not_take_a_live_copy_s_place(store, mongo_db):
    original = doc("1", content_hash="same", published_at=T0)
    store.write([original], T0)
    store.mark_removed(["replica:1"], T0 + timedelta(hours=1))
    copy = doc("2", content_hash="same", published_at=T0 + timedelta(minutes=1))
    assert store.write([copy], T0 + timedelta(hours=2)).new == 1
    assert mongo_db.articles.count_documents({"removed_at": None}) == 1


def test_replay_of_an_article_edited_into_another_s_content_stores_it(tmp_path, mongo_uri, mongo_db):
    """A database made by an earlier crawler (one document per content) and a dead letter of C
    edited into D's text: the replay stores C as edited and exits 0."""
    mongo_db.articles.create_index("content_hash", unique=True, sparse=True, name="content_hash_unique")
    store = MongoArticleStore(mongo_uri, mongo_db.name)
    store.write([doc("1", content_hash="c"), doc("2", content_hash="d")], T0)
    store.close()
    dead = DeadLetterFile(str(tmp_path / "dl-%(spider)s.jsonl"), "news")
    dead.write([doc("1", content_hash="d", title="Title 2", fetched_at=T0 + timedelta(hours=1)).to_record()], "down")
    done = subprocess.run([str(BIN / "scrapy"), "replay", str(dead.path)], cwd=ROOT, capture_output=True, text=True,
                          env=scrapy_env(MONGO_URI=mongo_uri, MONGO_DATABASE=mongo_db.name), timeout=120)
    assert done.returncode == 0, done.stderr
    assert "updated=1" in done.stdout
    assert mongo_db.articles.find_one({"_id": "replica:1"})["title"] == "Title 2"


def test_revisits_follow_when_an_article_was_first_seen_not_only_the_date_it_claims():
    now = T0 + timedelta(days=30)
    docs = [
        # shown first with last year's date: re-visited while it is new to us, so the fixed year is read
        {"_id": "replica:1", "site": "replica", "article_id": "1", "url": "http://site.test/article/1/a",
         "published_at": now - timedelta(days=365), "first_seen_at": now - timedelta(days=1)},
        # no date: re-visited while new, not forever
        {"_id": "replica:2", "site": "replica", "article_id": "2", "url": "http://site.test/article/2/a",
         "published_at": None, "first_seen_at": now - timedelta(days=10)},
        {"_id": "replica:3", "site": "replica", "article_id": "3", "url": "http://site.test/article/3/a",
         "published_at": None, "first_seen_at": now - timedelta(hours=1)},
        # removed, and its copy at another id lives on: the copy is fetched
        {"_id": "replica:4", "site": "replica", "article_id": "4", "url": "http://site.test/article/4/a",
         "published_at": now - timedelta(days=20), "first_seen_at": now - timedelta(days=20),
         "removed_at": now - timedelta(days=1), "aliases": ["http://site.test/article/5/a"]},
    ]
    known = known_articles(docs, "replica", 2, now, lambda url: url.split("/")[4],
                           noticed_after=now - timedelta(days=3))             # after the site's first crawl
    assert known.revisit == {"1", "3"}
    first_crawl = known_articles(docs, "replica", 2, now, noticed_after=None)  # the archive a first crawl stored
    assert first_crawl.revisit == set()
    assert "5" not in known.ids and "http://site.test/article/5/a" in known.revisit_urls


def test_a_dead_letter_path_is_named_absolute_so_the_printed_replay_runs_anywhere(tmp_path, monkeypatch):
    """Scrapyd runs crawls in its own directory: the replay command printed names the file whole."""
    monkeypatch.chdir(tmp_path)
    dead = DeadLetterFile("data/deadletter/%(spider)s-%(time)s.jsonl", "news")
    assert dead.path.is_absolute() and str(dead.path).startswith(str(tmp_path))


def test_the_same_publication_told_another_way_is_no_correction(store, mongo_db):
    """An app's article read from its call tells the date in ISO, a render of its page in words: a
    re-visit that reads it the other way changes nothing a consumer sees."""
    local = "2025-11-20T21:00:00+09:00"
    store.write([doc("1", published_at_raw="November 20, 2025, 9:00 PM", published_at_local=local)], T0)
    stored = mongo_db.articles.find_one({"_id": "replica:1"})
    result = store.write([doc("1", published_at_raw="2025-11-20T12:00:00Z", published_at_local=local)],
                         T0 + timedelta(hours=1))
    assert (result.refreshed, result.unchanged) == (0, 1)
    again = mongo_db.articles.find_one({"_id": "replica:1"})
    assert (again["published_at_raw"], again["updated_at"]) == ("November 20, 2025, 9:00 PM", stored["updated_at"])
    # A correction of the date itself is one, raw text and all.
    moved = store.write([doc("1", published_at=T0 + timedelta(hours=2), published_at_raw="2025-11-20T14:00:00Z",
                             published_at_local="2025-11-20T23:00:00+09:00")], T0 + timedelta(hours=2))
    assert moved.refreshed == 1
    assert mongo_db.articles.find_one({"_id": "replica:1"})["published_at_raw"] == "2025-11-20T14:00:00Z"


VALIDATORS = {"etag": '"v1"', "last_modified": "Thu, 20 Nov 2025 12:00:00 GMT"}


def test_the_page_s_validators_are_kept_without_a_change_a_consumer_sees(store, mongo_db):
    store.write([doc("1")], T0)
    before = mongo_db.articles.find_one({"_id": "replica:1"})
    later = T0 + timedelta(hours=1)
    result = store.write([doc("1", http_validators=VALIDATORS)], later)
    assert (result.updated, result.refreshed, result.unchanged) == (0, 0, 1)
    after = mongo_db.articles.find_one({"_id": "replica:1"})
    assert after["http_validators"] == VALIDATORS
    assert (after["updated_at"], after["version"]) == (before["updated_at"], 1)
    # A render or an app's call brings none: the stored ones still name the page.
    store.write([doc("1", http_validators=None)], later + timedelta(hours=1))
    assert mongo_db.articles.find_one({"_id": "replica:1"})["http_validators"] == VALIDATORS


def test_an_edit_stores_the_edited_page_s_validators(store, mongo_db):
    store.write([doc("1", http_validators=VALIDATORS)], T0)
    edited = {**VALIDATORS, "etag": '"v2"'}
    assert store.write([doc("1", body="Edited.", http_validators=edited)], T0 + timedelta(days=1)).updated == 1
    assert mongo_db.articles.find_one({"_id": "replica:1"})["http_validators"] == edited
    corrected = {**VALIDATORS, "etag": '"v3"'}
    assert store.write([doc("1", body="Edited.", section="Policy", http_validators=corrected)],
                       T0 + timedelta(days=2)).refreshed == 1
    assert mongo_db.articles.find_one({"_id": "replica:1"})["http_validators"] == corrected


def test_an_article_seen_unchanged_moves_last_seen_only_and_is_no_longer_a_miss(store, mongo_db):
    store.write([doc("1", http_validators=VALIDATORS)], T0)
    store.record_misses([{"key": "replica:1", "site": "replica", "url": "http://site.test/article/1/a",
                          "reason": "http_503"}], T0)
    before = mongo_db.articles.find_one({"_id": "replica:1"})
    store.mark_seen_unchanged(["replica:1"], T0 + timedelta(days=1))
    after = mongo_db.articles.find_one({"_id": "replica:1"})
    assert after.pop("last_seen_at") == T0 + timedelta(days=1)
    before.pop("last_seen_at")
    assert after == before
    assert store.missed("replica") == []
    assert store.stored_index("replica").docs[0]["http_validators"] == VALIDATORS


def test_the_memory_hands_out_the_validators_of_live_stored_articles():
    now = T0 + timedelta(days=1)
    docs = [{"_id": "replica:1", "site": "replica", "article_id": "1", "url": "http://site.test/article/1/a",
             "published_at": T0, "http_validators": VALIDATORS},
            {"_id": "replica:2", "site": "replica", "article_id": "2", "url": "http://site.test/article/2/a",
             "published_at": T0, "http_validators": VALIDATORS, "removed_at": T0},
            {"_id": "replica:3", "site": "replica", "article_id": "3", "url": "http://site.test/article/3/a",
             "published_at": T0, "http_validators": None}]
    known = known_articles(docs, "replica", 2, now)
    assert known.validators == {"1": VALIDATORS}     # a removed article's page is asked whole: a 404 stays a 404
