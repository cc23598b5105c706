"""The spider, its sources and the pipelines in this process (`get_crawler` + `crawl_async`), against
the replica over real HTTP: between the callback tests and the crawls in subprocesses. Without a
Twisted reactor (Scrapy's asyncio-only mode), and without the browser (renders are the
subprocess crawls' business), so related-only articles are out of reach here."""

from __future__ import annotations

from replica import Replica, SiteContent
from servers import crawl_in_process as crawl


def test_every_listed_article_with_its_fields():
    content = SiteContent(seed=3, sections=2, articles=15)
    with Replica(content) as replica:
        items, stats = crawl({}, start_url=replica.base_url + "/")
        truth = replica.ground_truth()
    listed = {url for url, t in truth.items() if t["listed"]}
    assert {item.url for item in items} == listed
    for item in items:
        assert (item.title, item.body, item.section) == (truth[item.url]["title"], truth[item.url]["body"],
                                                         truth[item.url]["section"])
        assert item.published_at == truth[item.url]["published_at"]
    assert stats["finish_reason"] == "finished" and stats.get("news/renders", 0) == 0


def test_sections_and_max_articles_as_spider_arguments():
    content = SiteContent(seed=5, sections=3, articles=30)
    slug, label = content.sections[1]
    with Replica(content) as replica:
        items, stats = crawl({}, start_url=replica.base_url + "/", sections=slug, max_articles="100")
        capped, capped_stats = crawl({}, start_url=replica.base_url + "/", max_articles="4")
    # The home page's featured cards are of any section; every listing walked is the section's.
    assert {i.section for i in items} - {label} <= {a.section for a in content.newest_first()[:4]}
    assert sum(i.section == label for i in items) == len(content.newest_first(section=slug))
    assert len(capped) == 4 and capped_stats["news/articles/over_budget"] > 0
