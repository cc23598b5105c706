"""A whole crawl of the replica, through real Chromium, checked against the replica's ground truth."""

from __future__ import annotations

import os
from datetime import datetime

import pytest

from newscrawler import settings as project_settings
from replica import Faults, Replica, SiteContent
from replica.content import SITE_TZ
from servers import run_crawl

pytestmark = pytest.mark.slow
FULL_CHROMIUM = "/usr/bin/chromium"
COMPARED_FIELDS = ["article_id", "title", "section", "published_at_raw", "summary", "body", "headings",
                   "image_credits", "related", "tags"]


@pytest.fixture(scope="module")
def crawl(shared_replica, mongo_uri, tmp_path_factory):
    """One crawl shared by the assertions below (the replica and its database are read-only here)."""
    tmp = tmp_path_factory.mktemp("crawl")
    return run_crawl(tmp, shared_replica.base_url + "/", mongo_uri, database="crawl_replica")


def test_every_article_is_yielded_exactly_once(crawl, shared_replica):
    truth = shared_replica.ground_truth()
    urls = [item["url"] for item in crawl.items]
    assert crawl.returncode == 0
    assert len(urls) == len(set(urls))
    assert set(urls) == set(truth)
    related_only = [url for url, t in truth.items() if not t["listed"]]
    assert len(related_only) >= 0.1 * len(truth)


def test_every_field_equals_the_truth(crawl, shared_replica):
    truth = shared_replica.ground_truth()
    for item in crawl.items:
        expected = truth[item["url"]]
        assert {f: item[f] for f in COMPARED_FIELDS} == {f: expected[f] for f in COMPARED_FIELDS}, item["url"]
        assert datetime.fromisoformat(item["published_at"]) == expected["published_at"]
        assert item["related_status"] == "complete"


def test_only_article_pages_are_rendered(crawl):
    renders = crawl.stat("news/renders")
    # A few renders teach how the page and its related call read without the browser; a share of
    # the articles read that way are rendered again, to check.
    checks = crawl.stat("news/learn/checked")
    assert crawl.stat("news/learn/learned") == 1 and crawl.stat("news/learn/read") > len(crawl.items) / 2
    assert renders + crawl.stat("news/learn/read") == len(crawl.items) + checks
    assert crawl.stat("news/pages/article") == len(crawl.items) + checks
    assert crawl.stat("news/pages/listing") > 0
    assert crawl.stat("news/pages/listing_rendered") == 0
    # Every page the browser opened came from the render pool (no listing went through it), and
    # pages were kept open between renders: at most one per NEWS_RENDERS_PER_CONTEXT renders,
    # plus the partly used ones of each of the NEWS_RENDER_CONCURRENCY slots.
    opened = crawl.stat("news/render/contexts_opened")
    assert crawl.stat("playwright/page_count") == crawl.stat("playwright/context_count") == opened
    assert opened <= renders // project_settings.NEWS_RENDERS_PER_CONTEXT + project_settings.NEWS_RENDER_CONCURRENCY


def test_log_is_clean(crawl):
    assert "Traceback" not in crawl.log
    assert " ERROR: " not in crawl.log
    assert crawl.stats["finish_reason"] == "finished"


def test_the_site_answered_through_nginx_compressed_and_nothing_was_refused(crawl, shared_replica):
    """Pages, related calls, sitemaps: read as nginx sends them (brotli or gzip, chunked)."""
    codings = shared_replica.front.encodings()
    assert codings.get("br", 0) + codings.get("gzip", 0) > len(shared_replica.ground_truth())
    assert [key for key in crawl.stats if key.startswith("news/refused/")] == []


def test_articles_are_stored(crawl, shared_replica, mongo_uri):
    import pymongo
    client = pymongo.MongoClient(mongo_uri, tz_aware=True)
    try:
        docs = list(client["crawl_replica"]["articles"].find())
    finally:
        client.drop_database("crawl_replica")
        client.close()
    truth = shared_replica.ground_truth()
    assert sorted(d["url"] for d in docs) == sorted(truth)
    for doc in docs:
        assert doc["_id"] == f"replica:{truth[doc['url']]['article_id']}"
        assert doc["published_at"] == truth[doc["url"]]["published_at"]
        assert doc["version"] == 1 and doc["schema_version"] == 2
        assert doc["published_at_local"] == doc["published_at"].astimezone(SITE_TZ).isoformat()


@pytest.mark.skipif(not os.path.exists(FULL_CHROMIUM), reason=f"{FULL_CHROMIUM} is not installed")
def test_full_chromium_renders_every_block(tmp_path):
    """Debian's full browser is what renders when the headless shell is not installed."""
    content = SiteContent(seed=5, sections=2, articles=16)
    with Replica(content) as replica:
        result = run_crawl(tmp_path, replica.base_url + "/", settings={"NEWS_CHROMIUM_PATH": FULL_CHROMIUM})
        truth = content.ground_truth(replica.base_url)
    assert sorted(item["url"] for item in result.items) == sorted(truth)
    for item in result.items:
        assert (item["related_status"], item["related"]) == ("complete", truth[item["url"]]["related"])
    assert "Traceback" not in result.log


def test_related_block_that_never_loads(tmp_path):
    content = SiteContent(seed=3, sections=2, articles=12, related_only_share=0)
    broken = content.newest_first()[0].id
    with Replica(content, Faults(never_load_related={broken})) as replica:
        result = run_crawl(tmp_path, replica.base_url + "/", settings={"NEWS_RELATED_TIMEOUT": 2,
                                                                           "NEWS_MAX_RENDER_TIMEOUT_RATIO": 0.5})
        url = replica.base_url + content.articles[broken].path
    by_url = {item["url"]: item for item in result.items}
    assert result.stats["finish_reason"] == "finished"
    assert by_url[url]["related_status"] == "unavailable"
    assert by_url[url]["related"] == []
    assert result.stat("news/related/unavailable") == 1
    assert any("WARNING" in line and url in line for line in result.log.splitlines())
    assert "Traceback" not in result.log
