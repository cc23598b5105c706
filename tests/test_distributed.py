"""Distributed mode: three crawler processes share one frontier in a real Redis."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from urllib.parse import urlsplit

import pytest

from replica import Replica, SiteContent
from servers import Crawl, RedisServer, kill_outright, run_crawl, wait_until

pytestmark = pytest.mark.slow
PROCESSES = 3


@pytest.fixture(scope="module")
def redis_url():
    server = RedisServer().start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def replica():
    with Replica(SiteContent(seed=53, sections=6, articles=200)) as replica:
        yield replica


@pytest.fixture
def small_replica():
    with Replica(SiteContent(seed=59, sections=4, articles=80)) as replica:
        yield replica


def start_processes(tmp_path, replica, mongo_uri, database, redis_url, crawl_id, **extra):
    settings = {"REDIS_URL": redis_url, "NEWS_CRAWL_ID": crawl_id, "NEWS_RENDER_CONCURRENCY": 2,
                "NEWS_REDIS_IDLE_BEFORE_CLOSE": 15, "NEWS_REDIS_HEARTBEAT_TTL": 6, **extra}
    return [Crawl(tmp_path, replica.base_url + "/", mongo_uri, database, settings, name=f"node{n}")
            for n in range(PROCESSES)]


def canonical_fetches(replica) -> Counter:
    """How often each article's canonical page was requested."""
    counts = Counter()
    for path in replica.site.requests:
        parts = urlsplit(path).path.split("/")
        if len(parts) == 4 and parts[1] == "article":
            counts[parts[2]] += 1
    return counts


def test_three_processes_fetch_and_store_each_article_once(tmp_path, replica, mongo_uri, mongo_db, redis_url):
    replica.site.requests.clear()
    crawls = start_processes(tmp_path, replica, mongo_uri, mongo_db.name, redis_url, uuid.uuid4().hex)
    results = [crawl.finish() for crawl in crawls]
    truth = replica.ground_truth()
    # Each process learns from its own renders how the site's pages read without the browser (a
    # process whose share was mostly reads begun elsewhere finishes them with the recipe they carry,
    # and may never need to).
    learned = [r.stat("news/learn/learned") for r in results]
    assert max(learned) == 1
    checks = sum(r.stat("news/learn/checked") for r in results)  # read, then rendered to check
    assert sum(r.stat("news/pages/article") for r in results) == len(truth) + checks
    assert all(r.stat("news/pages/article") > 0 for r in results)          # the work was shared
    fetches = canonical_fetches(replica)
    assert len(fetches) == len(truth) and sum(fetches.values()) == len(truth) + checks
    docs = list(mongo_db.articles.find())
    assert sorted(d["url"] for d in docs) == sorted(truth)
    for doc in docs:
        assert doc["related_status"] == "complete" and doc["related"] == truth[doc["url"]]["related"]
    for result in results:
        assert "Traceback" not in result.log and " ERROR: " not in result.log
        assert "ScrapyDeprecationWarning" not in result.log


def test_a_killed_process_loses_nothing(tmp_path, small_replica, mongo_uri, mongo_db, redis_url):
    replica = small_replica
    # Every article rendered: a crawl slow enough that each node holds work when one dies (read
    # without the browser, the first node to start reads all 80 articles before the others begin).
    crawls = start_processes(tmp_path, replica, mongo_uri, mongo_db.name, redis_url, uuid.uuid4().hex,
                             NEWS_RENDER_MODE="always")
    wait_until(lambda: mongo_db.articles.count_documents({}) >= 30, 300, "30 articles stored")
    kill_outright(crawls[0])  # the node dies with everything it runs (its browser included)
    results = [crawl.finish() for crawl in crawls[1:]]
    # One more incremental run, as the scheduled job would be, finds whatever is still missing.
    final = run_crawl(tmp_path, replica.base_url + "/", mongo_uri, mongo_db.name, name="after")
    urls = [d["url"] for d in mongo_db.articles.find()]
    assert sorted(urls) == sorted(replica.ground_truth())
    assert sum(r.stat("news/distributed/rescued") for r in results) >= 1    # survivors took over
    assert final.stat("news/store/new") == 0                                 # nothing was left for it


def test_three_processes_keep_one_document_per_content(tmp_path, mongo_uri, mongo_db, redis_url):
    """Copies met by different processes at once: the database, not a process's memory of what
    was stored when it started, keeps one document per content, the earliest published."""
    content = SiteContent(seed=61, sections=3, articles=60)
    originals = content.newest_first()[2:40:4]
    copies = {content.add_syndicated_copy(a.id).id: a.id for a in originals}
    with Replica(content) as replica:
        crawls = start_processes(tmp_path, replica, mongo_uri, mongo_db.name, redis_url, uuid.uuid4().hex)
        results = [crawl.finish() for crawl in crawls]
        base = replica.base_url
    docs = {d["_id"]: d for d in mongo_db.articles.find()}
    assert len(docs) == len(content.articles) - len(copies)
    for copy_id, original_id in copies.items():
        assert f"replica:{copy_id}" not in docs
        assert base + content.articles[copy_id].path in docs[f"replica:{original_id}"]["aliases"]
    for result in results:
        assert "Traceback" not in result.log and " ERROR: " not in result.log


def test_the_same_crawl_id_every_run_starts_afresh_and_leaves_nothing_in_redis(tmp_path, mongo_uri, mongo_db,
                                                                              redis_url):
    """A scheduled job reuses its crawl id (the default, or NEWS_CRAWL_ID from Scrapyd's environment)."""
    import redis

    content = SiteContent(seed=67, sections=1, articles=6, related_only_share=0)
    settings = {"REDIS_URL": redis_url, "NEWS_CRAWL_ID": "every-15-minutes", "NEWS_REDIS_IDLE_BEFORE_CLOSE": 2}
    with Replica(content) as replica:
        runs = [run_crawl(tmp_path, replica.base_url + "/", mongo_uri, mongo_db.name, settings, name=f"run{n}")
                for n in range(2)]
        content.add_articles(2)
        third = run_crawl(tmp_path, replica.base_url + "/", mongo_uri, mongo_db.name, settings, name="run2")
    assert all(run.stats["finish_reason"] == "finished" and run.returncode == 0 for run in [*runs, third])
    assert runs[0].stat("news/store/new") == 6
    assert runs[1].stat("news/pages/listing") >= 1                  # its start page was not "seen" already
    assert third.stat("news/store/new") == 2
    client = redis.Redis.from_url(redis_url)
    assert not list(client.scan_iter(match="news:replica:127.0.0.1:every-15-minutes:*"))


def test_a_request_naming_another_page_method_is_refused(tmp_path, redis_url):
    """Whoever can write to the shared Redis must not make crawlers run browser steps of their
    choosing (a screenshot or a PDF written where they like): such a request is refused, counted
    and never executed."""
    import redis
    from scrapy import Request
    from scrapy_playwright.page import PageMethod

    from newscrawler import redis_serializer

    crawl_id = uuid.uuid4().hex
    written = tmp_path / "written-by-the-browser.png"
    content = SiteContent(seed=71, sections=1, articles=4, related_only_share=0)
    client = redis.Redis.from_url(redis_url)
    with Replica(content) as replica:
        crawl = Crawl(tmp_path, replica.base_url + "/", settings={
            "REDIS_URL": redis_url, "NEWS_CRAWL_ID": crawl_id, "NEWS_REDIS_IDLE_BEFORE_CLOSE": 6})
        wait_until(lambda: list(client.scan_iter(match=f"news:replica:127.0.0.1:{crawl_id}:alive:*")), 60, "the crawl joined")
        planted = Request(replica.base_url + "/", priority=1000, dont_filter=True, meta={
            "news_page": "listing", "playwright": True,
            "playwright_page_methods": [PageMethod("screenshot", path=str(written), full_page=True)]})
        client.zadd(f"news:replica:127.0.0.1:{crawl_id}:requests", {redis_serializer.dumps(planted.to_dict()): -1000})
        result = crawl.finish()
    assert not written.exists()
    assert result.stat("news/distributed/refused") == 1
    refused = [line for line in result.log.splitlines() if " WARNING: " in line and "refused" in line]
    assert len(refused) == 1 and "screenshot" in refused[0]
    assert result.stats["finish_reason"] == "finished"
    assert "Traceback" not in result.log and " ERROR: " not in result.log


def test_a_frontier_lost_mid_crawl_fails_the_crawl(tmp_path):
    """Redis restarted empty (no persistence) takes every queued request with it: the crawl must
    not end `finished` as if it had walked everything."""
    redis = RedisServer().start()
    content = SiteContent(seed=73, sections=2, articles=24, related_only_share=0)
    try:
        with Replica(content) as replica:
            crawl = Crawl(tmp_path, replica.base_url + "/", settings={
                "REDIS_URL": redis.url, "NEWS_CRAWL_ID": "restarted", "DOWNLOAD_DELAY": 0.4,
                "NEWS_REDIS_IDLE_BEFORE_CLOSE": 3})
            wait_until(lambda: crawl.items_file.exists() and len(crawl.items_file.read_text().splitlines()) >= 3,
                       120, "3 articles scraped")
            redis.stop()
            redis.start()                 # the same port, nothing kept
            result = crawl.finish(timeout=300)
    finally:
        redis.stop()
    assert result.stats["finish_reason"] == "frontier_lost" and result.returncode == 1
    assert result.stat("news/distributed/frontier_lost") == 1
    lost = [line for line in result.log.splitlines() if " ERROR: " in line and "frontier" in line]
    assert len(lost) == 1 and "Traceback" not in result.log


def test_a_run_after_a_killed_crawl_is_not_filtered_by_what_the_killed_one_saw(tmp_path, redis_url):
    content = SiteContent(seed=79, sections=2, articles=8, related_only_share=0)
    settings = {"REDIS_URL": redis_url, "NEWS_CRAWL_ID": uuid.uuid4().hex, "NEWS_REDIS_HEARTBEAT_TTL": 3,
                "NEWS_REDIS_IDLE_BEFORE_CLOSE": 3}
    with Replica(content) as replica:
        # Killed while it waits for peers: everything it saw is in the shared filter.
        killed = Crawl(tmp_path, replica.base_url + "/", settings={**settings, "NEWS_REDIS_IDLE_BEFORE_CLOSE": 120},
                       name="killed")
        wait_until(lambda: killed.items_file.exists() and len(killed.items_file.read_text().splitlines()) >= 6,
                   120, "most articles scraped")
        time.sleep(8)                                   # the rest too (the feed file lags behind)
        kill_outright(killed)
        new = content.add_articles(3)
        time.sleep(4)                                   # its heartbeat expires, as by the next scheduled run
        after = run_crawl(tmp_path, replica.base_url + "/", settings=settings, name="after")
        new_urls = {replica.base_url + article.path for article in new}
    assert after.stats["finish_reason"] == "finished" and after.returncode == 0
    assert after.stat("news/pages/listing") >= 1       # its own start was not "seen" by the killed run
    assert new_urls <= {item["url"] for item in after.items}


def test_two_generic_sites_crawled_at_once_with_the_default_crawl_id_keep_apart(tmp_path, redis_url):
    """Two sites of one profile (`generic`), one Redis, no crawl id of their own: each crawl has a
    frontier of its own, so neither takes the other's pages for off-site ones."""
    from servers import loopback_names

    settings = {"REDIS_URL": redis_url, "NEWS_SITE_PROFILE": "generic", "NEWS_REDIS_IDLE_BEFORE_CLOSE": 3}
    with loopback_names("first-news.test", "second-news.test") as names:
        with Replica(SiteContent(seed=4, sections=2, articles=12), host=names[0]) as first, \
                Replica(SiteContent(seed=5, sections=2, articles=12), host=names[1]) as second:
            crawls = [Crawl(tmp_path, f"http://{name}:{replica.port}/", settings=settings, name=name.split(".")[0])
                      for name, replica in zip(names, (first, second))]
            results = [crawl.finish() for crawl in crawls]
            truths = [replica.ground_truth() for replica in (first, second)]
    for result, truth in zip(results, truths):
        assert result.stats["finish_reason"] == "finished" and "Traceback" not in result.log
        assert {item["url"] for item in result.items} == set(truth)
        assert result.stat("offsite/filtered") == 0
