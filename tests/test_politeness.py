"""Renders keep to the site's limits like any request."""

from __future__ import annotations

import pytest

from replica import Faults, Replica, SiteContent
from servers import run_crawl

pytestmark = pytest.mark.slow


def test_renders_keep_to_the_robots_txt_crawl_delay(tmp_path):
    content = SiteContent(seed=2, sections=1, articles=8, related_only_share=0)
    with Replica(content, Faults(crawl_delay=1)) as replica:
        result = run_crawl(tmp_path, replica.base_url + "/")
    assert len(result.items) == 8 and result.stat("news/renders") == 8
    assert result.stat("news/politeness/delay_max") == 1.0
    # Scrapy spaces a slot's requests by 0.5 to 1.5 times its delay: 8 renders take at least 3.5 s.
    assert result.stats["elapsed_time_seconds"] >= 3.5
    assert "robots.txt of 127.0.0.1 asks for 1s" in result.log


def test_renders_keep_to_download_delay(tmp_path):
    content = SiteContent(seed=2, sections=1, articles=6, related_only_share=0)
    with Replica(content) as replica:
        result = run_crawl(tmp_path, replica.base_url + "/", settings={"DOWNLOAD_DELAY": 0.8,
                                                                        "AUTOTHROTTLE_ENABLED": False})
    assert result.stat("news/renders") == 6 and result.stat("news/politeness/delay_max") == 0.8
    assert result.stats["elapsed_time_seconds"] >= 5 * 0.8 * 0.5


def test_plain_fetches_renders_and_the_pages_own_calls_share_one_pace(tmp_path):
    """robots.txt asks for 1 s between requests: whatever sends them (Scrapy's fetches, the browser's
    navigations, the related block's data calls from inside a render), the host sees one stream."""
    content = SiteContent(seed=2, sections=1, articles=4, related_only_share=0)
    with Replica(content, Faults(crawl_delay=1)) as replica:
        result = run_crawl(tmp_path, replica.base_url + "/", settings={"NEWS_RENDER_CONCURRENCY": 2})
        sent = [(moment, path) for path, moment in zip(replica.site.requests, replica.site.request_times)
                if not path.startswith(("/static/", "/img/", "/robots.txt"))]
    assert len(result.items) == 4 and result.stat("news/politeness/waited") >= 1
    assert any(path.startswith("/api/") for path in replica.site.requests)   # the pages' own calls
    # Gaps between requests as they arrived, but for a redirect's hop (`/article/104` to its
    # canonical URL), which the browser follows at once, out of any route handler's sight.
    gaps = [(later[0] - earlier[0], earlier[1], later[1]) for earlier, later in zip(sent, sent[1:])
            if not later[1].startswith(earlier[1] + "/")]
    assert min(gaps)[0] >= 0.8, sorted(gaps)[:5]
