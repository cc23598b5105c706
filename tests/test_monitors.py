"""The data-quality monitors judged on a crawl's final stats, as Spidermon runs them at close."""

from __future__ import annotations

import pytest
from scrapy.utils.test import get_crawler
from spidermon.contrib.scrapy.runners import SpiderMonitorRunner

import newscrawler.settings as project_settings
from newscrawler.monitors import CrawlQualitySuite
from newscrawler.spiders.news import NewsSpider

# Spidermon 1.27 reports through the deprecated Spider.log(); the crawl silences it the same way.
pytestmark = pytest.mark.filterwarnings(r"ignore:Spider\.log\(\) is deprecated")
GOOD = {"finish_reason": "finished", "item_scraped_count": 40, "news/articles/revisited": 38, "news/renders": 40,
        "news/listings/cards": 60,
        **{f"spidermon_field_coverage/ArticleItem/{name}": 1.0 for name in ("title", "published_at_local", "body")}}


def failed_monitors(stats: dict) -> dict:
    project = {name: getattr(project_settings, name) for name in dir(project_settings) if name.isupper()}
    crawler = get_crawler(NewsSpider, {**project, "SPIDERMON_ENABLED": False, "MONGO_URI": "", "TWISTED_REACTOR": None})
    crawler.spider = crawler._create_spider(start_url="http://site.test/")
    crawler.stats.set_stats(dict(stats))
    SpiderMonitorRunner(spider=crawler.spider).run(CrawlQualitySuite(crawler=crawler), stats=crawler.stats.get_stats(),
                                                     crawler=crawler, spider=crawler.spider, stats_history=[], job=None)
    return {k.removeprefix("news/monitors/failed/"): v for k, v in crawler.stats.get_stats().items()
            if k.startswith("news/monitors/failed/")}


def test_a_good_crawl_fails_no_monitor():
    assert failed_monitors(GOOD) == {}


@pytest.mark.parametrize("stats, monitor", [
    ({"news/sources/failed/feed": 1}, "Discovery/No source failed"),
    ({"news/store/stale": 2}, "Discovery/No stale writes"),
    ({"news/listings/without_cards": 3}, "Discovery/Every listing lists articles"),
    ({"news/lost/articles": 30}, "Crawl outcome/Nothing lost"),
    ({"news/misses/new": 2, "news/misses/recorded": 2}, "Articles lost/New articles lost under NEWS_MAX_LOSS_RATIO"),
    ({"finish_reason": "stalled"}, "Crawl outcome/Closed as finished"),
])
def test_what_an_operator_must_hear_of_fails_its_monitor(stats, monitor):
    assert monitor in failed_monitors({**GOOD, **stats})


def test_revisits_answered_not_modified_count_as_revisits_that_went_well():
    """Forty re-visits the site answered 304 and one that failed: a loss of one in forty-one."""
    stats = {**GOOD, "news/articles/revisited": 0, "news/not_modified/article": 40, "news/misses/revisit": 1,
             "news/misses/recorded": 1}
    assert "Articles lost/Re-visits lost under NEWS_MAX_LOSS_RATIO" not in failed_monitors(stats)


def test_a_stop_asked_for_ends_a_follow_job_well_even_before_it_follows():
    """SIGTERM is how a follow job ends (`-a follow=1`), whether or not it had begun to follow; a
    crawl that was not to follow and was stopped did not finish."""
    stopped = {**GOOD, "finish_reason": "shutdown"}
    assert "Crawl outcome/Closed as finished" not in failed_monitors({**stopped, "news/follow/on": 1})
    assert "Crawl outcome/Closed as finished" in failed_monitors(stopped)
