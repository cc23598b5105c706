"""Crawls into a real MongoDB server: re-crawls, edits, copies, and a server that goes away."""

from __future__ import annotations

import subprocess

import pymongo
import pytest

from replica import Replica, SiteContent
from servers import BIN, ROOT, Crawl, MongoServer, free_port, run_crawl, scrapy_env, wait_until

pytestmark = pytest.mark.slow


def test_the_original_met_in_a_later_crawl_replaces_its_copy(tmp_path, mongo_uri, mongo_db):
    content = SiteContent(seed=6, sections=2, articles=12, related_only_share=0)
    original = content.newest_first()[4]
    copy = content.add_syndicated_copy(original.id)
    original.listed = False                      # the first crawl can only meet the copy
    for article in content.articles.values():
        article.related_ids = [i for i in article.related_ids if i != original.id]
    with Replica(content) as replica:
        def crawl(name):
            with replica.site.lock:
                replica.site.requests.clear()
            result = run_crawl(tmp_path, replica.base_url + "/", mongo_uri, mongo_db.name, name=name)
            with replica.site.lock:
                return result, list(replica.site.requests)

        first, _ = crawl("copy-only")
        assert mongo_db.articles.find_one({"_id": f"replica:{copy.id}"}) is not None
        original.listed = True
        second, _ = crawl("original-appears")
        third, requested = crawl("after")
        copy_url, original_url = replica.base_url + copy.path, replica.base_url + original.path
    assert second.stat("news/duplicates/earlier_original") == 1
    assert mongo_db.articles.find_one({"_id": f"replica:{copy.id}"}) is None
    kept = mongo_db.articles.find_one({"_id": f"replica:{original.id}"})
    assert kept["url"] == original_url and copy_url in kept["aliases"]
    assert mongo_db.articles.count_documents({}) == 12
    assert not [path for path in requested if path.startswith(f"/article/{copy.id}")]   # known by its alias
    for result in (first, second, third):
        assert result.stats["finish_reason"] == "finished" and "Traceback" not in result.log


def test_recrawl_edit_and_syndicated_copy(tmp_path, mongo_uri, mongo_db):
    content = SiteContent(seed=5, sections=3, articles=25)
    with Replica(content) as replica:
        def crawl(name):
            # Full re-crawls: each run must see every article again (incremental mode would skip them).
            return run_crawl(tmp_path, replica.base_url + "/", mongo_uri, mongo_db.name, args={"incremental": "false"},
                             name=name)

        first = crawl("first")
        assert first.stat("news/store/new") == 25
        seen_first = {d["_id"]: d["last_seen_at"] for d in mongo_db.articles.find()}

        second = crawl("second")
        assert (second.stat("news/store/new"), second.stat("news/store/unchanged")) == (0, 25)
        assert mongo_db.articles.count_documents({}) == 25
        for doc in mongo_db.articles.find():
            assert doc["last_seen_at"] > seen_first[doc["_id"]] and doc["version"] == 1

        edited = content.newest_first()[3]
        content.edit_article(edited.id, paragraph="An update: the exchange confirmed the licence.")
        original = content.newest_first()[5]
        copy = content.add_syndicated_copy(original.id)
        third = crawl("third")
        original_key = f"replica:{original.id}"
        copy_url = replica.base_url + copy.path

    stored = mongo_db.articles.find_one({"_id": f"replica:{edited.id}"})
    assert stored["version"] == 2 and stored["body"].endswith("confirmed the licence.")
    assert stored["content_changed_at"] > stored["first_seen_at"]
    assert mongo_db.article_versions.count_documents({}) == 1
    assert mongo_db.article_versions.find_one()["_id"] == f"replica:{edited.id}:v1"
    assert third.stat("news/store/updated") == 1 and third.stat("news/duplicates/same_content") == 1
    assert mongo_db.articles.count_documents({}) == 25
    assert copy_url in mongo_db.articles.find_one({"_id": original_key})["aliases"]
    for result in (first, second, third):
        assert "Traceback" not in result.log and " ERROR: " not in result.log


def test_unreachable_store_closes_the_spider_before_crawling(tmp_path, shared_replica):
    uri = f"mongodb://crawler:s3cret@127.0.0.1:{free_port()}/"
    result = run_crawl(tmp_path, shared_replica.base_url + "/", uri, "newsdb", settings={"MONGO_CONNECT_TIMEOUT": 1})
    assert result.stats["finish_reason"] == "mongodb_unreachable"
    errors = [line for line in result.log.splitlines() if " ERROR: " in line]
    assert len(errors) == 1 and "127.0.0.1" in errors[0] and "newsdb" in errors[0]
    assert "s3cret" not in result.log
    assert result.stat("news/pages/article") == 0 and result.items == []
    assert "Traceback" not in result.log


def test_store_outage_mid_crawl_loses_nothing(tmp_path):
    server = MongoServer(storage=str(tmp_path / "mongo")).start()
    content = SiteContent(seed=9, sections=3, articles=30)
    try:
        with Replica(content) as replica:
            crawl = Crawl(tmp_path, replica.base_url + "/", server.uri, "outage", settings={
                "MONGO_BUFFER_SIZE": 2, "MONGO_FLUSH_INTERVAL": 0.5, "MONGO_WRITE_RETRIES": 2,
                "MONGO_RETRY_BACKOFF": 0.2, "MONGO_CONNECT_TIMEOUT": 1, "NEWS_RENDER_CONCURRENCY": 2})
            client = pymongo.MongoClient(server.uri, serverSelectionTimeoutMS=2000)
            wait_until(lambda: client.outage.articles.count_documents({}) >= 4, 120, "4 articles stored")
            client.close()
            server.stop()            # down while the crawl goes on, until a flush has failed for good
            wait_until(lambda: "dead-lettered to" in crawl.log_file.read_text(), 120, "a flush dead-lettered")
            server.start()           # same port, same storage
            result = crawl.finish()
        dead_files = sorted(crawl.deadletter_dir.glob("*.jsonl"))
        assert result.stat("news/store/dead_lettered") > 0 and dead_files
        for path in dead_files:
            done = subprocess.run([str(BIN / "scrapy"), "replay", str(path)], cwd=ROOT, capture_output=True,
                                  text=True, env=scrapy_env(MONGO_URI=server.uri, MONGO_DATABASE="outage"), timeout=120)
            assert done.returncode == 0, done.stderr
        client = pymongo.MongoClient(server.uri)
        urls = [d["url"] for d in client.outage.articles.find()]
        client.close()
        assert sorted(urls) == sorted(content.ground_truth(replica.base_url))
        assert "Traceback" not in result.log
    finally:
        server.stop()


def test_articles_that_neither_the_store_nor_the_disk_takes_fail_the_crawl_loudly(tmp_path):
    """MongoDB gone mid-crawl and the dead-letter path unwritable (a full disk, a missing mount):
    what the crawl held is lost, and it says so: an ERROR naming how many, a failed monitor, the
    closing summary and a non-zero exit."""
    server = MongoServer().start()
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the dead letters' folder should be")
    content = SiteContent(seed=10, sections=2, articles=16, related_only_share=0)
    try:
        with Replica(content) as replica:
            crawl = Crawl(tmp_path, replica.base_url + "/", server.uri, "lost", settings={
                "NEWS_DEADLETTER_PATH": f"{blocked}/news-%(time)s.jsonl", "MONGO_BUFFER_SIZE": 100,
                "MONGO_FLUSH_INTERVAL": 600, "MONGO_WRITE_RETRIES": 1, "MONGO_CONNECT_TIMEOUT": 1,
                "DOWNLOAD_DELAY": 0.4})
            wait_until(lambda: crawl.items_file.exists() and len(crawl.items_file.read_text().splitlines()) >= 3,
                       120, "3 articles scraped")
            server.stop()
            result = crawl.finish()
    finally:
        server.stop()
    scraped = len(result.items)
    assert result.returncode != 0
    errors = [line for line in result.log.splitlines() if " ERROR: " in line and "lost" in line]
    assert len(errors) == 1 and f"{scraped} articles" in errors[0]
    assert result.stat("news/lost/articles") == scraped
    assert result.stat("news/monitors/failed/Crawl outcome/Nothing lost") == 1
    assert f"lost={scraped}" in result.log and "Traceback" not in result.log
