"""Renders keep to the site's limits like any request."""

from __future__ import annotations

import pytest

from replica import Faults, Replica, SiteContent
from servers import Crawl, RedisServer, run_crawl

pytestmark = pytest.mark.slow


def test_renders_keep_to_the_robots_txt_crawl_delay(tmp_path):
    content = SiteContent(seed=2, sections=1, articles=8, related_only_share=0)
    with Replica(content, Faults(crawl_delay=1)) as replica:
        result = run_crawl(tmp_path, replica.base_url + "/", settings={"NEWS_RENDER_MODE": "always"})
    assert len(result.items) == 8 and result.stat("news/renders") == 8
    assert result.stat("news/politeness/delay_max") == 1.0
    # Scrapy spaces a slot's requests by 0.5 to 1.5 times its delay: 8 renders take at least 3.5 s.
    assert result.stats["elapsed_time_seconds"] >= 3.5
    assert "robots.txt of 127.0.0.1 asks for 1s" in result.log


def test_renders_keep_to_download_delay(tmp_path):
    content = SiteContent(seed=2, sections=1, articles=6, related_only_share=0)
    with Replica(content) as replica:
        result = run_crawl(tmp_path, replica.base_url + "/", settings={"DOWNLOAD_DELAY": 0.8, "NEWS_RENDER_MODE": "always",
                                                                        "AUTOTHROTTLE_ENABLED": False})
    assert result.stat("news/renders") == 6 and result.stat("news/politeness/delay_max") == 0.8
    assert result.stats["elapsed_time_seconds"] >= 5 * 0.8 * 0.5


def sent_to_the_site(replica) -> list[tuple[float, str]]:
    """(arrival, path) of every request that reached the site, but robots.txt and the images and
    styles the browser never loads."""
    return [(moment, path) for path, moment in zip(replica.site.requests, replica.site.request_times)
            if not path.startswith(("/img/", "/robots.txt", "/static/site.css"))]


def gaps_between(sent: list[tuple[float, str]]) -> list[tuple[float, str, str]]:
    """Gaps between requests as they arrived, the shortest first."""
    return sorted((later[0] - earlier[0], earlier[1], later[1]) for earlier, later in zip(sent, sent[1:]))


def test_plain_fetches_renders_and_the_pages_own_calls_share_one_pace(tmp_path):
    """robots.txt asks for 1 s between requests: whatever sends them (Scrapy's fetches, the browser's
    navigations, the page's own scripts and the related block's data calls from inside a render),
    the host sees one stream."""
    content = SiteContent(seed=2, sections=1, articles=4, related_only_share=0)
    with Replica(content, Faults(crawl_delay=1)) as replica:
        result = run_crawl(tmp_path, replica.base_url + "/", settings={"NEWS_RENDER_CONCURRENCY": 2})
        sent = sent_to_the_site(replica)
    assert len(result.items) == 4 and result.stat("news/politeness/waited") >= 1
    assert any(path.startswith("/api/") for _, path in sent)              # the pages' own calls
    assert any(path.startswith("/static/") for _, path in sent)           # and their scripts
    # Gaps between requests as they arrived, but for a redirect's hop (`/article/104` to its
    # canonical URL), which the browser follows at once, out of any route handler's sight.
    gaps = [gap for gap in gaps_between(sent) if not gap[2].startswith(gap[1] + "/")]
    assert gaps[0][0] >= 0.9, gaps[:5]


def test_the_processes_of_one_distributed_crawl_share_one_pace(tmp_path):
    """Two processes of one crawl, one frontier in Redis: the site that asks for 1 s between
    requests sees one stream, not one per process."""
    content = SiteContent(seed=3, sections=2, articles=8, related_only_share=0)
    redis = RedisServer().start()
    try:
        with Replica(content, Faults(crawl_delay=1)) as replica:
            settings = {"REDIS_URL": redis.url, "NEWS_CRAWL_ID": "paced", "NEWS_RENDER_CONCURRENCY": 2,
                        "NEWS_REDIS_IDLE_BEFORE_CLOSE": 4}
            crawls = [Crawl(tmp_path, replica.base_url + "/", settings=settings, name=f"node{n}") for n in range(2)]
            results = [crawl.finish() for crawl in crawls]
            sent = sent_to_the_site(replica)
    finally:
        redis.stop()
    assert sum(len(result.items) for result in results) == 8
    assert all(result.stat("downloader/response_count") > 0 for result in results)   # both took part
    gaps = [gap for gap in gaps_between(sent) if not gap[2].startswith(gap[1] + "/")]
    assert gaps[0][0] >= 0.9, gaps[:5]
    for result in results:
        assert "Traceback" not in result.log and " ERROR: " not in result.log
