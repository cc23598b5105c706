"""Faults of the site, the browser and their combination: the crawl finishes, stores every article
that can be retrieved exactly once, and says what failed in one line each, without a traceback."""

from __future__ import annotations

import asyncio
import os
import signal

import psutil
import pytest
from playwright._impl._errors import TargetClosedError
from playwright.async_api import async_playwright

from replica import Faults, Replica, SiteContent
from servers import Crawl, run_crawl, wait_until

from newscrawler.rendering import CHROMIUM_ARGS, chromium_path, unless_page_closed

pytestmark = pytest.mark.slow


def assert_clean_log(log: str):
    # The first offending lines, so that a rare failure says what it was.
    offending = [line for line in log.splitlines() if "Traceback" in line or " ERROR: " in line]
    assert not offending, "\n".join(offending[:5])


def kill_chromium_once_after(crawl: Crawl, items_file, at_least: int, timeout: float = 120) -> int:
    """Kill every Chromium process of the crawl once it has yielded `at_least` items."""
    wait_until(lambda: items_file.exists() and len(items_file.read_text().splitlines()) >= at_least, timeout,
               f"{at_least} items yielded")
    killed = 0
    for child in psutil.Process(crawl.process.pid).children(recursive=True):
        try:
            if "chrom" in child.name() and "--type=" not in " ".join(child.cmdline()):
                os.kill(child.pid, signal.SIGKILL)
                killed += 1
        except psutil.Error:
            pass
    return killed


def test_pages_that_cannot_be_articles(tmp_path):
    content = SiteContent(seed=31, sections=2, articles=16, related_only_share=0)
    ids = [a.id for a in content.newest_first()]
    faults = Faults(truncated={ids[1]}, no_title={ids[2]}, bad_date={ids[3]}, huge={ids[4]}, non_html={ids[5]},
                    redirect_loop=True, offsite_links=True)
    with Replica(content, faults) as replica:
        # One date in twelve is unreadable on purpose: let the coverage monitor accept that.
        lenient = '{"ArticleItem/title": 0.99, "ArticleItem/published_at_local": 0.9, "ArticleItem/body": 0.99}'
        result = run_crawl(tmp_path, replica.base_url + "/",
                           settings={"NEWS_RELATED_TIMEOUT": 3, "SPIDERMON_FIELD_COVERAGE_RULES": lenient})
        url = {i: replica.base_url + content.articles[i].path for i in ids}
        requested = list(replica.site.requests)
    by_url = {item["url"]: item for item in result.items}
    assert result.stats["finish_reason"] == "finished"
    assert set(by_url) == {url[i] for i in ids} - {url[i] for i in ids[1:3] + ids[4:6]}
    assert by_url[url[ids[3]]]["published_at"] is None
    assert by_url[url[ids[3]]]["published_at_raw"] == "Sometime last spring"
    # The truncated page is judged on the bytes the server sent, not on the DOM the browser completed.
    expected_lines = {ids[1]: "Article not parsed (truncated_html)", ids[2]: "Article not parsed (missing_title)",
                      ids[4]: "Page refused (too_large", ids[5]: "Page refused (non_html"}
    warnings = [line for line in result.log.splitlines() if " WARNING: " in line]
    for article, text in expected_lines.items():
        assert len([w for w in warnings if text in w and url[article] in w]) == 1, text
    assert result.stat("news/parse_failed/truncated_html") == result.stat("news/parse_failed/missing_title") == 1
    assert result.stat("news/refused/too_large") == result.stat("news/refused/non_html") == 1
    assert result.stat("news/dates/unparseable") == 1
    assert not [path for path in requested if path.startswith("/loop/")]   # never followed
    assert_clean_log(result.log)


def test_errors_slow_and_dropped_responses(tmp_path):
    content = SiteContent(seed=37, sections=3, articles=40)
    faults = Faults(seed=5, error_rate=0.1, drop_rate=0.1, slow_rate=0.1, slow_seconds=2)
    with Replica(content, faults) as replica:
        result = run_crawl(tmp_path, replica.base_url + "/")
        truth = content.ground_truth(replica.base_url)
    urls = [item["url"] for item in result.items]
    assert sorted(urls) == sorted(truth)
    assert all(item["related"] == truth[item["url"]]["related"] for item in result.items)
    assert result.stat("retry/count") >= 4
    assert_clean_log(result.log)


def test_browser_killed_mid_crawl(tmp_path):
    content = SiteContent(seed=41, sections=3, articles=30)
    with Replica(content) as replica:
        crawl = Crawl(tmp_path, replica.base_url + "/", name="killed")
        assert kill_chromium_once_after(crawl, crawl.items_file, at_least=8) >= 1
        result = crawl.finish()
        truth = content.ground_truth(replica.base_url)
    assert sorted(item["url"] for item in result.items) == sorted(truth)
    assert result.stat("playwright/browser_count") >= 2    # relaunched
    assert_clean_log(result.log)


@pytest.mark.parametrize("mode", ["always", "learn"])
def test_everything_at_once(tmp_path, mongo_uri, mongo_db, mode):
    """Every fault of the site, and the browser killed mid-crawl: rendering every article, and
    reading most of them without the browser once a few renders taught how."""
    content = SiteContent(seed=43, sections=6, articles=200)
    ids = [a.id for a in content.newest_first()]
    copy = content.add_syndicated_copy(ids[20])
    unavailable = {ids[7], ids[30]}
    lost = {ids[11], ids[12], ids[40], ids[41]}
    faults = Faults(seed=3, error_rate=0.1, drop_rate=0.05, slow_rate=0.03, slow_seconds=2,
                    never_load_related=unavailable, truncated={ids[11]}, no_title={ids[12]}, huge={ids[40]},
                    non_html={ids[41]}, bad_date={ids[50]}, redirect_loop=True, offsite_links=True)
    with Replica(content, faults) as replica:
        # One page in twenty answers 503 once: when three of them come together, the host is
        # slowed down as a real one would be; recovering after 20 quiet seconds rather than ten
        # minutes keeps a chance cluster from making this crawl a quarter of an hour long.
        crawl = Crawl(tmp_path, replica.base_url + "/", mongo_uri, mongo_db.name, name="everything",
                      settings={"NEWS_RELATED_TIMEOUT": 3, "NEWS_RENDER_MODE": mode, "NEWS_THROTTLE_RECOVERY": 20})
        killed = kill_chromium_once_after(crawl, crawl.items_file, at_least=30, timeout=600)
        result = crawl.finish(timeout=1200)
        base = replica.base_url
    assert killed >= 1                                           # the browser really died mid-crawl
    docs = list(mongo_db.articles.find())
    # The original and its syndicated copy are one document, whichever the crawl met first.
    pair = {base + content.articles[ids[20]].path, base + copy.path}
    kept = [d for d in docs if d["url"] in pair]
    assert len(kept) == 1 and (pair - {kept[0]["url"]}) <= set(kept[0]["aliases"])
    retrievable = {base + a.path for a in content.articles.values() if a.id not in lost} - pair
    assert sorted(d["url"] for d in docs if d["url"] not in pair) == sorted(retrievable)   # each exactly once
    statuses = {d["article_id"]: d for d in docs}
    if mode == "always":
        assert {statuses[str(i)]["related_status"] for i in unavailable} == {"unavailable"}
    else:  # the page's script never shows the block; read from its call, it is whole
        for i in unavailable:
            doc = statuses[str(i)]
            assert doc["related_status"] == "unavailable" or \
                doc["related"] == [base + content.articles[r].path for r in content.articles[i].related_ids]
    assert mongo_db.articles.find_one({"_id": f"replica:{ids[50]}"})["published_at"] is None
    assert result.stats["finish_reason"] == "finished"
    assert_clean_log(result.log)


def test_failed_monitor_is_visible_in_stats_and_log(tmp_path):
    content = SiteContent(seed=47, sections=2, articles=8, related_only_share=0)
    with Replica(content, Faults(bad_date={content.newest_first()[0].id})) as replica:
        result = run_crawl(tmp_path, replica.base_url + "/", settings={"SPIDERMON_MIN_ITEMS": 100})
    assert result.stat("news/monitors/failed") == 2          # item count and date coverage
    failed = [k for k in result.stats if k.startswith("news/monitors/failed/")]
    assert any("Item" in k for k in failed) and any("Coverage" in k for k in failed)
    assert any("Data-quality monitors failed" in line for line in result.log.splitlines())
    assert "Traceback" not in result.log and " ERROR: " not in result.log   # the monitors' own lines say it


async def open_with_a_route_that_meets_a_closed_page(url: str) -> int:
    """Open `url` in Chromium through a route handler that fails as it does when the browser dies."""

    async def route_of_a_closed_page(route, playwright_request):
        raise TargetClosedError()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(None), args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page()
            await page.route("**/*", unless_page_closed(route_of_a_closed_page))
            response = await page.goto(url, timeout=15_000)
            return response.status
        finally:
            await browser.close()


def test_a_route_handed_back_after_a_browser_fault_is_finished_by_playwright(shared_replica):
    """A route left unfinished stalls its request, and Playwright's task waiting on it is reported as
    an ERROR once collected; handed back, the request goes on and nothing waits forever."""
    assert asyncio.run(open_with_a_route_that_meets_a_closed_page(shared_replica.base_url + "/")) == 200


def test_articles_a_run_could_not_store_fail_a_monitor(tmp_path):
    content = SiteContent(seed=49, sections=1, articles=6, related_only_share=0)
    down = {a.id for a in content.newest_first()[:2]}
    with Replica(content, Faults(down=down)) as replica:
        result = run_crawl(tmp_path, replica.base_url + "/", settings={"RETRY_TIMES": 1})
    assert result.stat("news/misses/recorded") == 2
    assert result.stat("news/monitors/failed/Articles lost/New articles lost under NEWS_MAX_LOSS_RATIO") == 1
    assert "2 of 6 new articles tried were not stored" in result.log


def test_new_articles_lost_are_judged_apart_from_re_visits(tmp_path, mongo_uri, mongo_db):
    """Twenty good re-visits must not hide the one new article this run could not store."""
    content = SiteContent(seed=50, sections=2, articles=20, related_only_share=0)
    settings = {"RETRY_TIMES": 1, "NEWS_REVISIT_DAYS": 3650}     # every stored article is due again
    with Replica(content) as replica:
        first = run_crawl(tmp_path, replica.base_url + "/", mongo_uri, mongo_db.name, settings, name="first")
        [new] = content.add_articles(1)
        replica.site.faults.down.add(new.id)
        second = run_crawl(tmp_path, replica.base_url + "/", mongo_uri, mongo_db.name, settings, name="second")
    assert first.stat("news/monitors/failed") == 0
    assert second.stat("news/misses/new") == 1 and second.stat("news/misses/revisit") == 0
    assert second.stat("news/monitors/failed/Articles lost/New articles lost under NEWS_MAX_LOSS_RATIO") == 1
    assert "1 of 1 new articles tried were not stored" in second.log


def test_a_listing_redesign_fails_a_monitor_while_re_visits_go_on(tmp_path, mongo_uri, mongo_db):
    """The listing's card class renamed: new articles are never discovered, while re-visits of the
    stored ones keep the other monitors green."""
    content = SiteContent(seed=52, sections=2, articles=10, related_only_share=0)
    settings = {"NEWS_REVISIT_DAYS": 3650}
    with Replica(content) as replica:
        first = run_crawl(tmp_path, replica.base_url + "/", mongo_uri, mongo_db.name, settings, name="first")
        card = replica.site.card
        replica.site.card = lambda article, position: card(article, position).replace(
            '<a class="card"', '<a class="story-teaser"', 1)
        content.add_articles(3)
        second = run_crawl(tmp_path, replica.base_url + "/", mongo_uri, mongo_db.name, settings, name="second")
    assert first.stat("news/monitors/failed") == 0 and first.stat("news/listings/without_cards") == 0
    assert second.stat("news/listings/without_cards") >= 1
    assert second.stat("news/monitors/failed/Discovery/Every listing lists articles") == 1
    assert "Listing without any article card" in second.log and "Traceback" not in second.log
