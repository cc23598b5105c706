"""Run one benchmark crawl: `python bench/crawl.py MODE START_URL URLS_FILE STATS_FILE`."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from scrapy.crawler import CrawlerProcess  # noqa: E402
from scrapy.utils.project import get_project_settings  # noqa: E402

from newscrawler.spiders.news import NewsSpider  # noqa: E402
from spiders import CeilingSpider, NaiveSpider  # noqa: E402

MODES = {
    "ceiling": (CeilingSpider, {"ITEM_PIPELINES": {}, "EXTENSIONS": {"newscrawler.extensions.CrawlReport": 900},
                                "NEWS_RENDER_RELATED": False}),
    "plain": (NewsSpider, {"NEWS_RENDER_RELATED": False}),
    "shipped": (NewsSpider, {}),
    "naive": (NaiveSpider, {}),
}

BENCH_OPTIONS = ("NEWS_RENDER_CONCURRENCY", "NEWS_RENDERS_PER_CONTEXT")


def main():
    mode, start_url, urls_file, stats_file = sys.argv[1:5]
    spider, overrides = MODES[mode]
    settings = get_project_settings()
    # bench/run.py's --concurrency and --renders-per-context, else the project's defaults.
    chosen = {name: int(os.environ[f"NEWS_BENCH_{name[5:]}"]) for name in BENCH_OPTIONS
              if os.environ.get(f"NEWS_BENCH_{name[5:]}")}
    settings.setdict({"AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "WARNING", "NEWS_STATS_FILE": stats_file,
                      "MONGO_URI": "", **chosen, **overrides}, priority="cmdline")
    process = CrawlerProcess(settings)
    kwargs = {"urls_file": urls_file} if spider is CeilingSpider else {"start_url": start_url}
    process.crawl(spider, **kwargs)
    process.start()


if __name__ == "__main__":
    main()
