"""Whole crawls of the app-mode replica (the real site's shape) with the `coinness` site, through
real Chromium, checked against the replica's ground truth."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from replica.app import AppFaults, AppReplica, app_editions, iso_z
from replica.content import SITE_TZ
from servers import run_crawl

pytestmark = pytest.mark.slow
COMPARED_FIELDS = ["article_id", "title", "section", "summary", "body", "headings", "image_credits", "related", "tags",
                   "language"]


def crawl_app(tmp_path, app: AppReplica, mongo_uri=None, database="newscrawler", settings=None, name="crawl",
              **args):
    settings = {"NEWS_SITE_PROFILE": "coinness", "NEWS_API_URL": app.api_url, **(settings or {})}
    return run_crawl(tmp_path, app.start_urls(), mongo_uri, database, settings=settings, args=args, name=name)


def assert_clean(result):
    assert result.returncode == 0
    assert "Traceback" not in result.log and " ERROR: " not in result.log, result.log[-3000:]
    assert result.stats["finish_reason"] == "finished"


@pytest.fixture(scope="module")
def app():
    """The site and its API through nginx, compressed and chunked, as the real site answers."""
    with AppReplica(app_editions(seed=5, sections=4, articles=30), front=True) as replica:
        yield replica


@pytest.fixture(scope="module")
def crawl(app, mongo_uri, tmp_path_factory):
    return crawl_app(tmp_path_factory.mktemp("app"), app, mongo_uri, database="crawl_app")


def test_every_article_of_both_editions_is_stored_once_and_right(crawl, app, mongo_uri):
    import pymongo

    truth = app.ground_truth()
    urls = [item["url"] for item in crawl.articles]
    assert len(urls) == len(set(urls)) and set(urls) == set(truth)
    assert any(not t["listed"] for t in truth.values())   # some are reachable only through related blocks
    for item in crawl.articles:
        expected = truth[item["url"]]
        assert {f: item[f] for f in COMPARED_FIELDS} == {f: expected[f] for f in COMPARED_FIELDS}, item["url"]
        assert datetime.fromisoformat(item["published_at"]) == expected["published_at"]
        # The date as the page shows it, or, for an article read from the app's calls, as the call gives it.
        assert item["published_at_raw"] in (expected["published_at_raw"], iso_z(expected["published_at"]))
        assert (item["published_at_local"], item["published_at_precision"]) == \
            (expected["published_at"].astimezone(SITE_TZ).isoformat(timespec="seconds"), "minute")
        assert item["related_status"] == "complete"
    client = pymongo.MongoClient(mongo_uri, tz_aware=True)
    try:
        docs = list(client["crawl_app"]["articles"].find())
    finally:
        client.drop_database("crawl_app")
        client.close()
    assert sorted(d["_id"] for d in docs) == sorted(f"coinness:{t['article_id']}" for t in truth.values())
    assert {d["language"] for d in docs} == {"en", "ko"}


def articles_reached(result) -> int:
    """Articles rendered or read from the app's calls (a read that was checked was rendered too)."""
    return result.stat("news/renders") + result.stat("news/learn/read") - result.stat("news/learn/checked")


def test_listings_come_from_the_feed_and_only_some_articles_are_rendered(crawl, app):
    assert_clean(crawl)
    assert crawl.stat("news/pages/listing_rendered") == 0
    assert crawl.stat("news/renders") == crawl.stat("news/pages/article") < len(app.ground_truth())
    assert articles_reached(crawl) == len(app.ground_truth())
    assert crawl.stat("news/sources/failed/feed") == 0
    # Through nginx, compressed (brotli or gzip, chunked): the feed and the learned calls are read as sent.
    codings = app.front.encodings()
    assert codings.get("br", 0) + codings.get("gzip", 0) > len(app.ground_truth())
    assert [key for key in crawl.stats if key.startswith("news/refused/")] == []


def test_without_the_feed_the_rendered_listing_still_finds_every_article(tmp_path):
    with AppReplica(app_editions(seed=8, sections=3, articles=25), AppFaults(feed_off=True)) as app:
        result = crawl_app(tmp_path, app)
        truth = app.ground_truth()
    assert_clean(result)
    assert {item["url"] for item in result.articles} == set(truth)
    assert result.log.count("Source feed failed") == 2                    # once per edition
    assert result.stat("news/pages/listing_rendered") == 2                 # one render per listing
    assert articles_reached(result) == len(truth)


def test_a_feed_that_answers_html_falls_back_too(tmp_path):
    with AppReplica(app_editions(seed=9, sections=2, articles=12), AppFaults(feed_html=True)) as app:
        result = crawl_app(tmp_path, app)
        truth = app.ground_truth()
    assert_clean(result)
    assert {item["url"] for item in result.articles} == set(truth)
    assert result.stat("news/refused/non_json") >= 1


def test_dates_are_the_same_instants_whatever_the_browser_zone(tmp_path):
    with AppReplica(app_editions(seed=10, sections=2, articles=8)) as app:
        # Every article rendered: what is checked is the text the browser writes.
        runs = {zone: crawl_app(tmp_path, app, settings={"NEWS_BROWSER_TIMEZONE": zone, "NEWS_RENDER_MODE": "always"},
                                name=zone.replace("/", "-"))
                for zone in ("UTC", "Asia/Seoul")}
        truth = app.ground_truth()
    by_zone = {zone: {item["url"]: item for item in run.articles} for zone, run in runs.items()}
    assert set(by_zone["UTC"]) == set(by_zone["Asia/Seoul"]) == set(truth)
    for url, expected in truth.items():
        utc, seoul = by_zone["UTC"][url], by_zone["Asia/Seoul"][url]
        assert datetime.fromisoformat(utc["published_at"]) == datetime.fromisoformat(seoul["published_at"]) \
            == expected["published_at"]
        assert seoul["published_at_raw"] == expected["published_at_raw"]          # as Seoul readers see it
        assert utc["published_at_raw"] != seoul["published_at_raw"]               # the browser wrote UTC


def test_a_rebuild_between_two_crawls_loses_nothing(tmp_path, mongo_uri, mongo_db):
    editions = app_editions(seed=11, sections=3, articles=20)
    for content in editions.values():  # recent articles, so that the re-visit policy reaches an edit
        shift = datetime.now(SITE_TZ) - timedelta(hours=2) - content.newest
        for article in content.articles.values():
            article.published += shift
        content.newest += shift
    with AppReplica(editions, build="a1") as app:
        first = crawl_app(tmp_path, app, mongo_uri, mongo_db.name, name="a1")
        assert first.stat("news/store/new") == 40
        app.site.rebuild("b2")
        added = editions["en"].add_articles(5)
        edited = editions["ko"].newest_first()[0]
        editions["ko"].edit_article(edited.id, paragraph="An update: the exchange confirmed the licence.")
        second = crawl_app(tmp_path, app, mongo_uri, mongo_db.name, name="b2")
    for result in (first, second):
        assert_clean(result)
    assert second.stat("news/store/new") == 5 and second.stat("news/store/updated") == 1
    assert mongo_db.articles.count_documents({}) == 45
    assert {f"coinness:en:{a.id}" for a in added} <= {d["_id"] for d in mongo_db.articles.find({}, {"_id": 1})}
    stored = mongo_db.articles.find_one({"_id": f"coinness:ko:{edited.id}"})
    assert stored["version"] == 2 and stored["body"].endswith("confirmed the licence.")
    assert mongo_db.article_versions.count_documents({"article_key": f"coinness:ko:{edited.id}"}) == 1


def test_faults_of_the_site_and_its_api_lose_nothing(tmp_path):
    faults = AppFaults(seed=3, error_rate=0.15, api_error_rate=0.15, api_slow_rate=0.05, slow_seconds=1.0)
    with AppReplica(app_editions(seed=12, sections=3, articles=20), faults) as app:
        result = crawl_app(tmp_path, app)
        truth = app.ground_truth()
    assert_clean(result)
    urls = [item["url"] for item in result.articles]
    assert len(urls) == len(set(urls)) and set(urls) == set(truth)
    assert all(item["related_status"] == "complete" for item in result.articles)
    assert result.stat("retry/count") >= 1
