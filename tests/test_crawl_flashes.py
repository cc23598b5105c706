"""Whole crawls of the app-mode replica's flashes with the `coinness` site (real Chromium for the
check renders, real MongoDB), checked against the replica's ground truth."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from replica.app import AppReplica, app_editions
from replica.flashes import flash_editions
from replica.publishing import PublishPlan
from servers import run_crawl

pytestmark = pytest.mark.slow
COMPARED = ["flash_id", "url", "title", "body", "published_at", "published_at_raw", "important", "bull_count",
            "bear_count", "source_url", "source_name", "language"]


def crawl_flashes(tmp_path, app, mongo_uri, database, name, **args):
    settings = {"NEWS_SITE_PROFILE": "coinness", "NEWS_API_URL": app.api_url, "NEWS_FLASH_RECHECK_HOURS": 24}
    result = run_crawl(tmp_path, app.start_urls(), mongo_uri, database, settings=settings, args=args, name=name)
    assert result.returncode == 0 and result.stats["finish_reason"] == "finished"
    assert "Traceback" not in result.log and " ERROR: " not in result.log, result.log[-3000:]
    return result


def stored_flashes(mongo_db) -> dict[str, dict]:
    return {doc["url"]: doc for doc in mongo_db.flashes.find()}


def assert_stored_as_shown(stored: dict, truth: dict) -> None:
    assert set(stored) == set(truth)
    for url, expected in truth.items():
        assert {f: stored[url][f] for f in COMPARED} == {f: expected[f] for f in COMPARED}, url


def test_flashes_of_both_editions_are_stored_as_shown_then_corrected_removed_and_revoted(tmp_path, mongo_uri,
                                                                                          mongo_db):
    flashes = flash_editions(seed=4, count=25, newest=datetime.now(timezone.utc) - timedelta(minutes=5))
    with AppReplica(app_editions(seed=4, sections=2, articles=3), flashes=flashes) as app:
        first = crawl_flashes(tmp_path, app, mongo_uri, mongo_db.name, "first")
        assert_stored_as_shown(stored_flashes(mongo_db), app.flash_truth())
        assert mongo_db.articles.count_documents({}) == 6                   # articles beside them, by default
        assert first.stat("news/flashes/checked") == 2                      # one render per edition, as the row
        assert len(first.flashes) == 50 and first.stat("news/flashes/store/new") == 50
        assert len({d["language"] for d in mongo_db.flashes.find()}) == 2
        ko_ids, en_ids = sorted(flashes["ko"].flashes), sorted(flashes["en"].flashes)
        corrected = flashes["ko"].correct(ko_ids[-3], title="[정정] 업비트, 입금 재개", paragraph="정정 보도입니다.")
        removed = flashes["en"].remove(en_ids[-10])
        revoted = flashes["en"].set_votes(en_ids[-2], bull=500, bear=70)
        added = flashes["en"].add(3, newest=datetime.now(timezone.utc))
        second = crawl_flashes(tmp_path, app, mongo_uri, mongo_db.name, "second", kinds="flashes")
        truth = app.flash_truth()
    stored = stored_flashes(mongo_db)
    assert_stored_as_shown({url: doc for url, doc in stored.items() if doc["removed_at"] is None}, truth)
    assert second.stat("news/flashes/store/new") == 3 and second.stat("news/flashes/store/updated") == 1
    assert second.stat("news/flashes/store/refreshed") == 1 and second.stat("news/flashes/removed") == 1
    key = f"coinness:ko:{corrected.id}"
    doc = mongo_db.flashes.find_one({"_id": key})
    assert (doc["version"], doc["title"]) == (2, "[정정] 업비트, 입금 재개") and doc["body"].endswith("정정 보도입니다.")
    assert doc["updated_at"] > doc["first_seen_at"]
    assert mongo_db.flash_versions.find_one({"flash_key": key})["version"] == 1
    gone = mongo_db.flashes.find_one({"_id": f"coinness:en:{removed.id}"})
    assert gone["removed_at"] is not None and gone["title"]                 # marked, kept
    voted = mongo_db.flashes.find_one({"_id": f"coinness:en:{revoted.id}"})
    assert (voted["bull_count"], voted["bear_count"], voted["version"]) == (500, 70, 1)
    assert {f"coinness:en:{f.id}" for f in added} <= {d["_id"] for d in mongo_db.flashes.find({}, {"_id": 1})}
    assert mongo_db.articles.count_documents({}) == 6                       # kinds=flashes: no article crawled
    assert second.articles == []


def test_a_burst_deeper_than_a_page_is_stored_whole_by_the_next_crawl(tmp_path, mongo_uri, mongo_db):
    plan = PublishPlan(speed=60, hours=0.1, flash_every_s=90, burst_every_s=1200, burst_size=70, burst_s=10,
                       article_every_s=900, throttle_every_s=0)
    flashes = flash_editions(seed=6, count=10, newest=datetime.now(timezone.utc) - timedelta(minutes=2))
    with AppReplica(app_editions(seed=6, sections=2, articles=3), flashes=flashes, publish=plan) as app:
        crawl_flashes(tmp_path, app, mongo_uri, mongo_db.name, "before", kinds="flashes")
        bursts = [min((b for b in app.site.publishing.bursts if b.edition == edition), key=lambda b: b.first)
                  for edition in ("en", "ko")]
        time.sleep(max(0.0, max(b.last for b in bursts).timestamp() - time.time() + 0.5))
        seen = datetime.now(timezone.utc)
        after = crawl_flashes(tmp_path, app, mongo_uri, mongo_db.name, "after", kinds="flashes")
        truth = app.flash_truth(seen)
    stored = {doc["_id"] for doc in mongo_db.flashes.find({}, {"_id": 1})}
    for burst in bursts:
        assert {f"coinness:{burst.edition}:{i}" for i in burst.ids} <= stored      # 70 rows: three pages of 30
    assert {f"coinness:{t['flash_id']}" for t in truth.values()} <= stored
    assert after.stat("news/flashes/pages") >= 6
