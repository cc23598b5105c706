"""A series of scheduled crawls against a site that changes: articles that fail for a whole run, a
backdated article, an edit below the first page, a removed article. In the end MongoDB matches the
site exactly, and an unchanged site costs one listing page per listing and no render."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from replica import Faults, Replica, SiteContent
from replica.content import SITE_TZ
from servers import run_crawl

pytestmark = pytest.mark.slow


def recent_content() -> SiteContent:
    """40 articles, the newest three hours old, about five a day."""
    content = SiteContent(seed=71, sections=2, articles=40, related_only_share=0.1)
    shift = datetime.now(SITE_TZ) - timedelta(hours=3) - content.newest
    for article in content.articles.values():
        article.published += shift
    content.newest += shift
    return content


def test_scheduled_crawls_end_with_mongodb_matching_the_site(tmp_path, mongo_uri, mongo_db):
    content = recent_content()
    ordered = content.newest_first()
    down = ordered[25]                                   # on the third page of the View All listing
    faults = Faults(down={down.id})

    def crawl(name: str, **settings):
        return run_crawl(tmp_path, replica.base_url + "/", mongo_uri, mongo_db.name,
                         settings={"NEWS_RENDER_CONCURRENCY": 2, "NEWS_REVISIT_DAYS": 5, **settings}, name=name)

    with Replica(content, faults) as replica:
        first = crawl("first")
        miss = mongo_db.crawl_misses.find_one({"_id": f"replica:{down.id}"})
        assert (miss["reason"], miss["attempts"]) == ("http_503", 1)

        faults.down.clear()                              # back up, and the site changes meanwhile
        backdated = content.add_backdated_article(datetime.now(SITE_TZ) - timedelta(days=10))
        edited = ordered[12]                             # second page, published within the re-visit days
        content.edit_article(edited.id, paragraph="A correction: the licence was granted on Monday.")
        removed = content.remove_article(ordered[3].id)
        second = crawl("second")                         # a scheduled run, the deep walk not yet due
        assert second.stat("news/misses/retried") == 1 and second.stat("news/removed") == 1
        third = crawl("third", NEWS_DEEP_WALK_HOURS=0)   # the daily deep walk
        assert third.stat("news/incremental/deep_walk") == 1
        unchanged = crawl("unchanged", NEWS_REVISIT_DAYS=0)
        truth = replica.ground_truth()
        base = replica.base_url

    for result in (first, second, third, unchanged):
        assert result.stats["finish_reason"] == "finished" and "Traceback" not in result.log
    docs = {doc["url"]: doc for doc in mongo_db.articles.find()}
    live = {url for url, doc in docs.items() if doc.get("removed_at") is None}
    assert live == set(truth)                             # every article of the site, nothing else live
    assert docs[base + removed.path]["removed_at"] is not None     # kept, and marked
    assert docs[base + edited.path]["version"] == 2 and docs[base + edited.path]["body"].endswith("Monday.")
    assert base + backdated.path in live and base + down.path in live
    assert mongo_db.crawl_misses.count_documents({}) == 0
    # Nothing new, nothing due: the first page of each listing, and no render.
    assert unchanged.stat("news/renders") == 0 and unchanged.stat("news/store/new") == 0
    assert unchanged.stat("news/pages/listing") == unchanged.stat("news/pages/listing_stopped_known") == 4


def test_days_of_runs_with_the_site_and_the_clock_changing_end_with_mongodb_equal_to_the_site(
        tmp_path, mongo_uri, mongo_db):
    """Days pass between runs (the crawl's clock and its store's, moved together); meanwhile the site
    publishes an article with last year's date and then fixes the year, an older article is edited into a newer one's text, and an article stored by a
    node whose clock ran an hour fast is edited. Every run stores what the site shows."""
    content = recent_content()
    ordered = content.newest_first()
    day = 86400

    def crawl(name: str, days: int, **settings):
        return run_crawl(tmp_path, replica.base_url + "/", mongo_uri, mongo_db.name, name=name,
                         settings={"NEWS_RENDER_CONCURRENCY": 2, "NEWS_REVISIT_DAYS": 5,
                                   "NEWS_CLOCK_OFFSET": days * day, **settings})

    with Replica(content) as replica:
        base = replica.base_url
        first = crawl("day-0", 0)
        [wrong_year] = content.add_articles(1, published=datetime.now(SITE_TZ) - timedelta(days=365))
        found = crawl("day-1", 1)                          # its daily deep walk finds it deep down
        assert mongo_db.articles.find_one({"_id": f"replica:{wrong_year.id}"})["published_at"] < \
            datetime.now(SITE_TZ) - timedelta(days=300)
        wrong_year.published += timedelta(days=365)        # the site fixes the year
        older, newer = ordered[8], ordered[2]
        older.title, older.blocks = newer.title, list(newer.blocks)   # one text, two articles
        fast = ordered[1]
        mongo_db.articles.update_one({"_id": f"replica:{fast.id}"},
                                     {"$set": {"fetched_at": datetime.now(SITE_TZ) + timedelta(days=2, hours=1)}})
        content.edit_article(fast.id, paragraph="Updated: the vote was moved to Friday.")
        second = crawl("day-2", 2)
        third = crawl("day-3", 3)
        truth = replica.ground_truth()

    for result in (first, found, second, third):
        assert result.stats["finish_reason"] == "finished" and "Traceback" not in result.log
        assert result.stat("news/store/dead_lettered") == 0 and " ERROR: " not in result.log
    live = {doc["url"]: doc for doc in mongo_db.articles.find({"removed_at": None})}
    assert set(live) == set(truth)
    for url, expected in truth.items():
        stored = live[url]
        minute = {"second": 0, "microsecond": 0}             # pages without JSON-LD show the minute
        assert (stored["title"], stored["body"], stored["published_at"].replace(**minute)) == \
            (expected["title"], expected["body"], expected["published_at"].replace(**minute)), url
    assert live[base + fast.path]["body"].endswith("Friday.")
    assert mongo_db.articles.count_documents({"content_hash": live[base + newer.path]["content_hash"]}) == 2
    assert third.stat("news/store/updated") == 0 and third.stat("news/store/stale") == 0


def test_the_deep_walk_notices_an_article_removed_outside_the_re_visit_days(tmp_path, mongo_uri, mongo_db):
    """An article four days old, re-visited for one day only, answers 404: the daily deep walk checks
    the stored articles it no longer meets listed, and marks it removed."""
    content = recent_content()
    gone = content.newest_first()[20]                    # about four days old

    def crawl(name: str, **settings):
        return run_crawl(tmp_path, replica.base_url + "/", mongo_uri, mongo_db.name, name=name,
                         settings={"NEWS_RENDER_CONCURRENCY": 2, "NEWS_REVISIT_DAYS": 1, **settings})

    with Replica(content) as replica:
        first = crawl("first")
        content.remove_article(gone.id)
        walk = crawl("deep-walk", NEWS_DEEP_WALK_HOURS=0)
        truth = replica.ground_truth()

    for result in (first, walk):
        assert result.stats["finish_reason"] == "finished" and "Traceback" not in result.log
    # Only what the walk did not meet (the removed one, and articles linked from related blocks only)
    assert walk.stat("news/removed") == 1 and 1 <= walk.stat("news/removal_checks") <= 8
    live = {doc["url"] for doc in mongo_db.articles.find({"removed_at": None})}
    assert live == set(truth)
    assert mongo_db.articles.find_one({"_id": f"replica:{gone.id}"})["removed_at"] is not None
