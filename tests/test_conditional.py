"""Conditional requests through a real nginx: listings asked again are asked "if changed", a 304 is
read as the page it confirms, and an article re-visited with its stored validators is "unchanged"."""

from __future__ import annotations

import asyncio

import scrapy
from scrapy import signals
from scrapy.utils.test import get_crawler

import newscrawler.settings as project_settings
from newscrawler import meta
from newscrawler.downloader.conditional import NotModified
from replica import Replica, SiteContent
from servers import crawl_in_process, wait_until


def answers_to(front, statuses=(200, 304)) -> dict[str, list[int]]:
    """The front's statuses for each path, in order."""
    seen: dict[str, list[int]] = {}
    for answer in front.answers():
        if answer["status"] in statuses:
            seen.setdefault(answer["request"].split()[1], []).append(answer["status"])
    return seen


def test_listings_asked_again_are_not_modified_and_read_as_before():
    """A second crawl of an unchanged site in the same process (a polling mode's) asks its listings
    "if changed": nginx answers 304 without a body, and the crawl finds every article as before."""
    content = SiteContent(seed=5, sections=2, articles=16)
    with Replica(content, front=True) as replica:
        first, _ = crawl_in_process({}, start_url=replica.base_url + "/")
        second, stats = crawl_in_process({}, start_url=replica.base_url + "/")
        answers = answers_to(replica.front)
    assert {item.url for item in second} == {item.url for item in first}
    assert len(first) == len({url for url, t in replica.ground_truth().items() if t["listed"]})
    assert answers["/"] == [200, 304]
    section_pages = [path for path in answers if path.startswith("/section/")]
    assert section_pages and all(answers[path] == [200, 304] for path in section_pages)
    assert stats["news/not_modified"] == stats["news/not_modified/listing"] >= 1 + len(section_pages)
    assert not [key for key in stats if key.startswith(("news/fetch_failed/", "news/refused/", "news/misses/"))]


class Revisit(scrapy.Spider):
    """Fetches an article, then visits it again with the validators its answer carried, as a
    re-visit of a stored article does (the storage hook of newscrawler.downloader.conditional)."""

    name = "revisit"

    def __init__(self, url: str, **kwargs):
        super().__init__(**kwargs)
        self.url, self.outcomes = url, []

    async def start(self):
        yield scrapy.Request(self.url, callback=self.stored, meta={meta.PAGE_KIND: meta.ARTICLE})

    def stored(self, response):
        self.outcomes.append(response.status)
        yield scrapy.Request(self.url, callback=self.stored, errback=self.unchanged, dont_filter=True,
                             meta={meta.PAGE_KIND: meta.ARTICLE,
                                   meta.VALIDATORS: response.meta[meta.SERVED_VALIDATORS]})

    def unchanged(self, failure):
        self.outcomes.append("not_modified" if failure.check(NotModified) else repr(failure.value))


def test_an_article_revisited_with_its_stored_validators_is_unchanged():
    content = SiteContent(seed=5, sections=1, articles=3)
    with Replica(content, front=True) as replica:
        url = next(iter(replica.ground_truth()))
        project = {name: getattr(project_settings, name) for name in dir(project_settings) if name.isupper()}
        crawler = get_crawler(Revisit, {**project, "TWISTED_REACTOR": None, "TWISTED_REACTOR_ENABLED": False,
                                        "ADDONS": {}, "ITEM_PIPELINES": {}, "EXTENSIONS": {}, "LOG_LEVEL": "WARNING",
                                        "ROBOTSTXT_OBEY": False})
        asyncio.run(crawler.crawl_async(url=url))
        path = url.split(str(replica.port), 1)[1]
        # nginx logs an answer once it has sent it: the client may have read it first.
        wait_until(lambda: len(answers_to(replica.front).get(path, [])) >= 2, 10, "both answers logged")
        answers = answers_to(replica.front)[path]
    assert crawler.spider.outcomes == [200, "not_modified"]
    assert answers == [200, 304]
    assert crawler.stats.get_value("news/not_modified/article") == 1
