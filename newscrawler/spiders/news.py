"""The `news` spider: routes requests. It starts the site's sources, turns the cards they list into
article requests, and article pages into items through the site's page class.

What a site looks like lives in `newscrawler.sites`, how a page becomes fields in
`newscrawler.pages`, how listings are discovered in `newscrawler.sources`; rendering and the
distributed mode are configured by add-ons (`newscrawler.addons`), storage by `newscrawler.storage`,
what earlier runs left by `newscrawler.memory` (the spider imports nothing of storage).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import Request
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.spidermiddlewares.httperror import HttpError

from .. import meta as m
from ..cleaning.dates import parse_site_date
from ..cleaning.hashing import article_key
from ..clock import crawl_clock
from ..downloader.conditional import NotModified
from ..flashes.crawl import FlashCrawl
from ..follow import FollowMode
from ..learning.learner import Learner
from ..learning.reading import build_item
from ..learning.reads import LearnedReads
from ..memory import RunMemory
from ..pages import ArticleParseError
from ..pages.gates import page_gate
from ..pages.html import html_is_complete
from ..downloader.refusals import PageRefused
from ..rendering import RENDER_SLOT
from ..rendering.config import render_config
from ..rendering.scripts import article_page_methods, gate_page_methods, listing_page_methods
from ..sites import SiteConfigError, crawl_site
from ..sources import Follow, SourceFailed
from ..urls import host_family, host_of, registrable_domain
from .outside import link_item, story_of

logger = logging.getLogger(__name__)
# Statuses a source that reads any answer is handed; redirects (301, 302, 303, 307, 308) are followed.
ANY_STATUS_BUT_REDIRECTS = [*range(400, 600), 204, 304]


def split_arg(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


KINDS = ("articles", "flashes")
# The priority of an article asked for while its kind learns from others: behind every listing page
# (whose priority is minus its depth), so that every kind's listings, and the articles each learns
# from, go first; by its turn, its kind has mostly learned and it is read.
WAITS_FOR_LEARNING = -1000


def slug_of(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-")


class NewsSpider(scrapy.Spider):
    """Arguments: `start_url` (comma-separated for several), `editions` (on sites with language
    editions: start at these editions' listings), `sections` (section slugs or names), `since`
    (a date: stop walking a listing once a whole page is older), `max_articles`, `incremental`
    (`false` for a full re-crawl), `kinds` (`articles`, `flashes`, comma-separated: what to crawl of
    a site that publishes both; both by default), `follow` (`1`: after the crawl, stay and poll the
    site's feeds: newscrawler.follow). Unknown arguments are accepted and ignored: Scrapyd passes
    its own."""

    name = "news"

    def __init__(self, start_url=None, sections=None, since=None, max_articles=None, incremental=None,
                 editions=None, kinds=None, follow=None, **kwargs):
        super().__init__(**kwargs)
        self.follow_arg = follow  # read by newscrawler.follow.FollowMode (NEWS_FOLLOW when not given)
        self.kinds_arg = split_arg(kinds)
        self.incremental_arg = incremental
        self.start_url_args = split_arg(start_url)
        self.edition_args = split_arg(editions)
        self.section_filter = {slug_of(s) for s in split_arg(sections)}
        self.since_arg = since
        self.max_articles = int(max_articles) if max_articles not in (None, "") else None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.configure(crawler)
        return spider

    def configure(self, crawler) -> None:
        settings = crawler.settings
        try:
            self.site = crawl_site(crawler)
        except SiteConfigError as error:
            raise NotConfigured(str(error)) from None
        self.clock = crawl_clock(crawler)
        self.learner = Learner.from_crawler(crawler)
        self.reads = LearnedReads.from_crawler(crawler, self)
        self.start_urls = self.choose_start_urls(settings)
        bad = [url for url in self.start_urls if urlsplit(url).scheme not in ("http", "https")]
        if bad:
            raise NotConfigured(f"start_url must be http(s): {bad}")
        # Only the sites we were pointed at (and the site's own API hosts) are followed: no
        # off-site link, ever. A site is its host family: `www.example.com` and `example.com` are
        # one site, so a start on one that redirects to the other carries the crawl with it. A
        # start the site redirects to another host of its registered domain (`cnn.com` to
        # `edition.cnn.com`) carries the crawl there (`follow_start_redirect`): Scrapy's offsite
        # filter lets the registered domain's hosts through, the spider asks only for the site's.
        self.site_hosts = {host_family(host_of(url)) for url in self.start_urls}
        self.allowed_domains = sorted(self.site_hosts | {registrable_domain(h) for h in self.site_hosts}
                                      | self.site.extra_hosts())
        self.start_points = {self.site.urls.canonicalize(url) for url in self.start_urls}
        self.start_points |= {self.site.urls.canonicalize(f"{p.scheme}://{p.netloc}/robots.txt")
                              for p in map(urlsplit, self.start_urls)}
        # Sites whose ids come from URL rules number articles per host: the ids of every host but
        # the site's first (the one its stored articles were first crawled on, else the first
        # start) carry their host, so that a key never changes with the hosts a crawl starts on.
        # Keys from URLs (generic) carry their host already.
        self.home_host = host_family(host_of(self.start_urls[0])) if self.start_urls else None
        self.since = self.parse_since()
        self.scheduled_articles: set[tuple[str, str]] = set()
        self.failed_sources: set[tuple[str, int]] = set()
        self.gates_seen: set[str] = set()  # kinds of gate said at WARNING already (pages/gates.py)
        self.memory = RunMemory.from_crawler(crawler, self.site.name, self.site_hosts, self.incremental_arg)
        self.removals_checked = False
        crawler.signals.connect(self.count_revisit, signal=signals.item_scraped)
        crawler.signals.connect(self.check_for_removals, signal=signals.spider_idle)
        self.kinds = self.choose_kinds()
        self.flashes = FlashCrawl.from_spider(self, self.memory.enabled) if "flashes" in self.kinds else None

    def choose_kinds(self) -> set[str]:
        """What this crawl reads: articles, and the site's flashes where it has any."""
        unknown = set(self.kinds_arg) - set(KINDS)
        if unknown:
            raise NotConfigured(f"kinds: {', '.join(sorted(unknown))} (known: {', '.join(KINDS)})")
        if self.kinds_arg and "flashes" in self.kinds_arg and self.site.site.flashes is None:
            raise NotConfigured(f"kinds: site {self.site.name!r} has no flashes")
        kinds = set(self.kinds_arg or KINDS)
        return kinds if self.site.site.flashes is not None else kinds - {"flashes"}

    @property
    def render(self):
        """The crawl's rendering config: made by the rendering add-on, which Scrapy runs after the
        spider is made (so it is read when requests are, never in `configure`)."""
        return render_config(self.crawler)

    def choose_start_urls(self, settings) -> list[str]:
        urls = self.start_url_args or split_arg(settings.get("NEWS_START_URLS")) or list(self.site.site.start_urls)
        if self.edition_args:
            template = self.site.site.edition_listing
            if not template:
                raise NotConfigured(f"site {self.site.name!r} has no editions")
            default = self.site.urls.default_edition
            bases = dict.fromkeys(f"{p.scheme}://{p.netloc}" for p in map(urlsplit, urls))
            urls = [base + template.format(prefix="" if e == default else f"/{e}")
                    for base in bases for e in self.edition_args]
        return urls

    def article_id_of(self, url: str, article_id: str | None = None) -> str | None:
        """The article's id as stored: the site's own id, qualified by the host but on the site's
        home host (each host has its own ids: two replicas, two mirrors that differ)."""
        article_id = article_id if article_id is not None else self.site.urls.article_id(url)
        host = host_family(host_of(url))
        if article_id is None or self.site.urls.article_path is None or host == self.home_host:
            return article_id
        return f"{host}:{article_id}"

    def parse_since(self) -> datetime | None:
        if not self.since_arg:
            return None
        parsed = parse_site_date(self.since_arg, self.site.zone, self.clock.now())
        if parsed.value is None:
            raise NotConfigured(f"since: cannot read a date from {self.since_arg!r}")
        return parsed.value

    # -- starting ---------------------------------------------------------------------------
    async def start(self):
        if self.flashes is not None:
            for request in await self.flashes.start_requests(self.start_urls):
                yield request
        if "articles" not in self.kinds:
            return
        await self.recall_memory()
        missed, due = self.memory.urls_to_fetch_first()
        for url in missed:  # what earlier crawls missed, wherever it is listed
            request = self.article_request(url)
            if request is not None:
                self.crawler.stats.inc_value("news/misses/retried")
                yield request
        for url in due:  # due again, however deep listed, or no longer listed
            request = self.article_request(url)
            if request is not None:
                yield request
        for url in self.start_urls:
            for request in self.start_source(url, 0):
                yield request

    async def recall_memory(self) -> None:
        """What earlier runs left, read once at the start; the site's home host is the one its
        stored articles were first crawled on."""
        remembered = await self.memory.recall_home_host()
        self.home_host = remembered or self.home_host
        await self.memory.recall(self.crawler.stats, self.article_id_of)

    def start_source(self, start_url: str, index: int) -> list[Request]:
        source = self.site.sources[index]
        requests = []
        for first in source.first(start_url, self.site):
            # A source may start at a page that can be an article itself (a site without rules).
            request = self.listing_request(first, index, start_url) if isinstance(first, Follow) \
                else self.article_request(first.url)
            if request is not None:
                requests.append(request)
        return requests

    def listing_request(self, follow: Follow, source_index: int, start_url: str, depth: int = 0) -> Request:
        source = self.site.sources[source_index]
        meta = {m.PAGE_KIND: m.LISTING, m.SOURCE: source_index, m.STEP: follow.step, m.START_URL: start_url,
                m.FORMAT: source.format, m.DISCOVERY_DEPTH: depth}
        if follow.render and self.render.enabled:
            meta.update(self.render_meta(listing_page_methods(self.render, source, self.discovery_state())))
        if follow.any_status:
            # Every answer but a redirect reaches the source (a redirect is followed first: a site
            # that moved to `www.` answers robots.txt there).
            meta.update(handle_httpstatus_list=ANY_STATUS_BUT_REDIRECTS, dont_retry=True)
        return Request(self.site.urls.canonicalize(follow.url), callback=self.parse_listing,
                       errback=self.listing_failed, meta=meta)

    def discovery_state(self) -> dict:
        """What a rendered listing's script needs to know to stop where the crawl would."""
        stop_at = self.memory.stop_ids()
        return {"known_ids": sorted(stop_at),
                "since_ms": int(self.since.timestamp() * 1000) if self.since else None}

    def render_meta(self, page_methods: list) -> dict:
        return {
            # Render time is our own scrolling and waiting, not the site's load: AutoThrottle
            # follows the plain fetches instead.
            "autothrottle_dont_adjust_delay": True,
            "download_slot": RENDER_SLOT,
            "playwright": True,  # the download handler picks the page (RenderPagePool)
            "playwright_page_methods": page_methods,
        }

    def article_request(self, url: str, depth: int = 0, story: dict | None = None) -> Request | None:
        """A request for an article page, or None when it was scheduled already or is over budget."""
        urls = self.site.urls
        url = urls.canonicalize(url)
        key = (host_family(host_of(url)), self.article_id_of(url))
        if key[1] is None or key in self.scheduled_articles or key[0] not in self.site_hosts:
            return None
        if not self.memory.should_fetch(key[1]):
            self.crawler.stats.inc_value("news/articles/skipped_known")
            return None
        if self.max_articles is not None and len(self.scheduled_articles) >= self.max_articles:
            self.crawler.stats.inc_value("news/articles/over_budget")
            return None
        self.scheduled_articles.add(key)
        story = {m.OUTSIDE_STORY: story} if story else {}
        revisit = self.revisit_meta(key[1])
        if self.renders_articles:
            recipe = self.learner.recipe_to_read(self.kind_of(url))
            if recipe is not None:
                return self.reads.read_request(url, recipe, story=story, revisit=revisit)
        request = self.page_request(url, depth, filtered=True, **story, **revisit)
        if self.renders_articles and not self.learner.teaches(self.kind_of(url)):
            request.priority = WAITS_FOR_LEARNING
        return request

    def revisit_meta(self, article_id: str | None) -> dict:
        """A stored article's validators, on its re-visit: a fetch of its page goes out conditional
        (a render ignores them: the browser keeps its own cache)."""
        validators = self.memory.validators_of(article_id) if article_id else None
        return {m.VALIDATORS: validators} if validators else {}

    @property
    def renders_articles(self) -> bool:
        return self.render.enabled and self.site.site.render_articles and self.learner.mode != "never"

    def page_request(self, url: str, depth: int = 0, filtered: bool = False, **extra_meta) -> Request:
        """The article's page itself: rendered where the site's pages need the browser. With meta
        of its own (a check, a render again) it passes the duplicate filter unless `filtered`."""
        meta = {m.PAGE_KIND: m.ARTICLE, m.LINKED_AS: url, m.DISCOVERY_DEPTH: depth, **extra_meta}
        if self.renders_articles:
            meta.update(self.render_meta(article_page_methods(self.render, self.site.article_page)))
            if self.learner.records(self.kind_of(url)):
                meta[m.RECORD_CALLS] = True
        return Request(url, callback=self.parse_article, errback=self.article_failed, meta=meta,
                       dont_filter=bool(extra_meta) and not filtered)

    def kind_of(self, url: str) -> str:
        """Pages read alike: a site's edition (each app edition may call its own API)."""
        edition = self.site.urls.edition(url)
        return f"{self.site.name}:{edition}" if edition else self.site.name

    # -- articles read without the browser (newscrawler.learning.reads) ---------------------------
    def read_request(self, url: str, recipe, filtered: bool = True, taken: str | None = None,
                     story: dict | None = None, revisit: dict | None = None) -> Request:
        return self.reads.read_request(url, recipe, filtered, taken, story, revisit)

    def parse_read_article(self, response):
        return self.reads.article_answer(response)

    def parse_read_more(self, response):
        return self.reads.more_answer(response)

    def parse_read_page(self, response):
        return self.reads.served_page(response)

    def parse_read_related(self, response):
        return self.reads.related_answer(response)

    def read_failed(self, failure):
        return self.reads.failed(failure)

    # -- flashes (newscrawler.flashes.crawl) -----------------------------------------------------
    def parse_flash_page(self, response):
        return self.flashes.page_answer(response)

    async def parse_flash_one(self, response):
        async for item in self.flashes.one_answer(response):
            yield item

    def parse_flash_check(self, response):
        self.flashes.check_answer(response)

    def flash_failed(self, failure):
        self.flashes.failed(failure)

    # -- follow mode (newscrawler.follow) ------------------------------------------------------
    def parse_follow_page(self, response):
        return self.crawler.get_extension(FollowMode).answer(response)

    def follow_failed(self, failure):
        self.crawler.get_extension(FollowMode).failed(failure)

    # -- listings ---------------------------------------------------------------------------
    def follow_start_redirect(self, response) -> None:
        """A start URL (or its robots.txt) that the site redirects to another host of the same
        registered domain carries the crawl to that host; a redirect to any other host carries it
        nowhere (its links are no site's links)."""
        redirects = response.meta.get("redirect_urls")
        if not redirects or self.site.urls.canonicalize(redirects[0]) not in self.start_points:
            return
        target, origin = host_family(host_of(response.url)), host_family(host_of(redirects[0]))
        if not target or target in self.site_hosts:
            return
        if registrable_domain(target) != registrable_domain(origin):
            self.crawler.stats.inc_value("news/start/redirected_away")
            logger.warning("Start %s redirected to another site, not followed: %s", redirects[0], response.url)
            return
        self.site_hosts.add(target)
        self.crawler.stats.inc_value("news/start/redirected_host")
        logger.info("Start %s redirected to %s: the crawl goes on there", redirects[0], response.url)

    def parse_listing(self, response):
        stats = self.crawler.stats
        self.follow_start_redirect(response)
        stats.inc_value("news/pages/listing")
        index = response.meta.get(m.SOURCE, 0)
        try:
            found = self.site.sources[index].parse(response, self.site)
        except SourceFailed as error:
            yield from self.source_failed(response.meta, str(error) or type(error).__name__)
            return
        if "playwright" in response.flags:  # only a source that cannot do without it renders listings
            stats.inc_value("news/pages/listing_rendered")
        self.count_cards(found, response, self.site.sources[index])
        yield from self.discovered(found, response, index)

    def count_cards(self, found, response, source) -> None:
        """A listing that shows no article card while its source always shows some is a redesign
        the monitors must hear of: re-visits would otherwise keep every one green."""
        stats = self.crawler.stats
        stats.inc_value("news/listings/cards", len(found.cards))
        if source.lists_cards and not found.cards:
            stats.inc_value("news/listings/without_cards")
            logger.warning("Listing without any article card (the site's listing markup changed?): %s", response.url)

    def discovered(self, found, response, index: int):
        """Requests for what a listing response lists: its articles, and the listings worth walking."""
        depth = response.meta.get(m.DISCOVERY_DEPTH, 0)
        if found.broken_links:  # skipped: a page's bad link is no reason to lose its others
            self.crawler.stats.inc_value("news/links/not_a_url", found.broken_links)
            logger.debug("%s links that are not URLs skipped: %s", found.broken_links, response.url)
        for card in found.cards:
            request = self.article_request(card.url, depth + 1, card.story)
            if request:
                yield request
        start_url = response.meta.get(m.START_URL, response.url)
        for follow in self.follows_worth_walking(found):
            if self.is_followed_host(follow.url):
                yield self.listing_request(follow, index, start_url, depth)

    def is_followed_host(self, url: str) -> bool:
        """A host of the site (its family) or of the site's own API."""
        host = host_of(url)
        return host_family(host) in self.site_hosts or host in self.site.extra_hosts()

    def follows_worth_walking(self, found) -> list[Follow]:
        """Sections (those asked for), View All (unless sections were asked for), and the next page
        unless the whole page is older than `since` or already stored."""
        worth = [f for f in found.follows if f.kind == "index"]
        worth += [f for f in found.follows if f.kind == "section" and self.wants_section(f)]
        if not self.section_filter:
            worth += [f for f in found.follows if f.kind == "view_all"]
        if not (self.page_is_older_than_since(found.cards) or self.page_is_all_known(found.cards)):
            worth += [f for f in found.follows if f.kind == "next"]
        return worth

    def wants_section(self, follow: Follow) -> bool:
        slug = urlsplit(follow.url).path.rstrip("/").rsplit("/", 1)[-1]
        return not self.section_filter or slug in self.section_filter or slug_of(follow.label) in self.section_filter

    def page_is_all_known(self, cards) -> bool:
        """Listings run newest first: past a page of stored articles (none due for a re-visit)
        there is nothing new, but for what a deep walk reaches (newscrawler.memory)."""
        ids = [self.article_id_of(card.url) for card in cards]
        if self.memory.walks_past([i for i in ids if i]):
            return False
        self.crawler.stats.inc_value("news/pages/listing_stopped_known")
        return True

    def page_is_older_than_since(self, cards) -> bool:
        if self.since is None or not cards:
            return False
        now = self.clock.now()
        dates = [parse_site_date(card.date_text, self.site.zone, now).value for card in cards]
        if all(date is not None and date < self.since for date in dates):
            self.crawler.stats.inc_value("news/pages/listing_stopped_by_since")
            return True
        return False

    def listing_failed(self, failure):
        if failure.check(NotModified):
            return  # the listing read before stands: nothing in it is new
        self.count_failure(failure)
        reason = "refused" if failure.check(PageRefused) else self.failure_reason(failure)
        yield from self.source_failed(failure.request.meta, reason)

    def source_failed(self, meta: dict, reason: str):
        """The source cannot read this start URL's listings: say so once, and start the URL again
        with the site's next source, if it has one."""
        index, start_url = meta.get(m.SOURCE, 0), meta.get(m.START_URL)
        if start_url is None or (start_url, index) in self.failed_sources:
            return
        self.failed_sources.add((start_url, index))
        source = self.site.sources[index]
        self.crawler.stats.inc_value(f"news/sources/failed/{source.name}")
        if index + 1 < len(self.site.sources):
            fallback = self.site.sources[index + 1]
            logger.warning("Source %s failed for %s (%s): falling back to %s", source.name, start_url, reason,
                           fallback.name)
            yield from self.start_source(start_url, index + 1)
        elif len(self.site.sources) > 1:
            logger.warning("Source %s failed for %s (%s), and it was the last", source.name, start_url, reason)

    # -- articles ---------------------------------------------------------------------------
    def article_page_of(self, response):
        """The site's page object of an article response, rendered or as the server sent it, read
        as of now (its fetch)."""
        complete = response.meta.get(m.SERVER_HTML_COMPLETE)
        if complete is None and not response.meta.get("playwright"):
            complete = html_is_complete(response.text)  # the body is what the server sent
        return self.site.article_page(response.text, response.url, self.site.urls, server_html_complete=complete,
                                      fetched_at=self.clock.now())

    @staticmethod
    def seen_as(response) -> list[str]:
        """The URLs an article response was reached under: they become the item's aliases."""
        return [response.meta.get(m.LINKED_AS), *response.meta.get("redirect_urls", ()), response.url]

    def parse_article(self, response):
        stats = self.crawler.stats
        self.render_ended(response.request)
        self.follow_start_redirect(response)
        page = self.article_page_of(response)
        if not page.is_article():
            yield from self.not_an_article(response)
            return
        stats.inc_value("news/pages/article")
        if not page.declares_article():
            # Read as an article by what it shows: should it be a listing after all (a tag page
            # with a headline and teasers), its links are followed as a listing's would be.
            stats.inc_value("news/pages/article_undeclared")
            yield from self.discovered(self.site.sources[0].links(response, self.site), response, 0)
        try:
            item = page.to_item(self.site.name, page.fetched_at, self.seen_as(response))
            item.article_id = self.article_id_of(item.url, item.article_id)
        except ArticleParseError as error:
            if error.retry:
                retry = get_retry_request(response.request, spider=self, reason=f"page_{error.reason}")
                if retry is not None:
                    yield retry
                    return
            if m.CHECK_OF in response.meta:  # the check could not read its render: what was read stands
                yield build_item(response.meta[m.CHECK_OF])
                return
            if error.reason == "not_found" and story_of(response.request):
                yield self.outside_story_item(response.request)
                return
            stats.inc_value(f"news/parse_failed/{error.reason}")
            logger.warning("Article not parsed (%s): %s", error.reason, response.url)
            self.remember_failure(response.request, error.reason, gone=error.reason == "not_found")
            return
        if response.meta.get("playwright"):
            self.count_render(item, page.related_seen.absent, response.url)
        for name in ("title", "body"):  # what an article kept without (sites that require neither)
            if not getattr(item, name):
                stats.inc_value(f"news/field_missing/{name}")
        taught = m.DATA_CALLS in response.meta and self.reads.learn_from(response, item)
        if response.meta.get("playwright"):
            self.count_render_outcome(self.kind_of(item.url), response.meta, taught)
        item.http_validators = self.page_validators(response)
        if m.CHECK_OF in response.meta:
            yield from self.reads.checked(response, item)
        item.extraction.supersedes = bool(response.meta.get(m.RENDER_AGAIN))
        yield item
        for url in item.related:
            request = self.article_request(url)
            if request:
                yield request

    @staticmethod
    def page_validators(response) -> dict | None:
        """The validators of the page an article's fields come from: a plain fetch's own; a render
        that checks a read of the page keeps the read's (the browser's answer is not kept)."""
        if m.CHECK_OF in response.meta:
            return response.meta[m.CHECK_OF].get("http_validators")
        return None if response.meta.get("playwright") else response.meta.get(m.SERVED_VALIDATORS)

    def not_an_article(self, response):
        """A page reached as a candidate that declares no article (sites without rules): a listing
        to explore with the site's first source, which judges its links; or a page that is only a
        gate before the page (a script redirect, a cookie set and the page loaded again)."""
        gate = page_gate(response.text)
        if gate:
            yield from self.pass_gate(response, gate)
            return
        self.crawler.stats.inc_value("news/pages/not_article")
        yield from self.discovered(self.site.sources[0].links(response, self.site), response, 0)

    def pass_gate(self, response, gate: str):
        """Render a gate once, where rendering is allowed, so that the browser passes it as a
        reader's would; say so either way (a gate read as a listing loses its article silently)."""
        self.crawler.stats.inc_value(f"news/pages/{gate}")
        what = gate.replace("_", " ")
        if response.meta.get("playwright") or not self.render.enabled or self.learner.mode == "never":
            why = "the browser did not get past it" if response.meta.get("playwright") else "rendering is off"
            logger.warning("Page is only a %s and %s: %s", what, why, response.url)
            return
        logger.log(logging.WARNING if gate not in self.gates_seen else logging.INFO,
                   "Page is only a %s: rendering it: %s", what, response.url)
        self.gates_seen.add(gate)
        meta = {m.PAGE_KIND: m.ARTICLE, m.LINKED_AS: response.meta.get(m.LINKED_AS) or response.url,
                m.DISCOVERY_DEPTH: response.meta.get(m.DISCOVERY_DEPTH, 0),
                **self.render_meta(gate_page_methods(self.render))}
        yield Request(response.meta.get(m.LINKED_AS) or response.url, callback=self.parse_article,
                      errback=self.article_failed, meta=meta, dont_filter=True)

    def count_render(self, item, block_absent: bool, url: str) -> None:
        stats = self.crawler.stats
        stats.inc_value("news/renders")
        if block_absent:  # nothing to wait for, nothing missed
            stats.inc_value("news/related/absent")
            return
        stats.inc_value(f"news/related/{item.related_status}")
        if item.related_status != "complete":
            logger.warning("Related block %s (%s cards before the timeout): %s", item.related_status,
                           len(item.related), url)

    def count_render_outcome(self, kind: str, meta: dict, taught: bool) -> None:
        """Renders learning meant to spare, and those that came back to teach a kind that had
        learned meanwhile (learning's cost)."""
        if self.learner.renders_beyond_learning(kind, meta, taught):
            self.crawler.stats.inc_value("news/renders/beyond_learning")
        elif self.learner.came_too_late(kind, meta, taught):
            self.crawler.stats.inc_value("news/learn/too_late")

    def render_ended(self, request) -> None:
        if request.meta.get("playwright"):
            url = request.meta.get(m.LINKED_AS) or request.url
            self.learner.render_ended(self.kind_of(url), url)

    def article_failed(self, failure):
        self.render_ended(failure.request)
        if failure.check(NotModified):
            self.unchanged(failure.request)
            return
        self.count_failure(failure)
        if m.CHECK_OF in failure.request.meta:  # the check could not render: what was read stands
            yield build_item(failure.request.meta[m.CHECK_OF])
            return
        gone = failure.check(HttpError) and failure.value.response.status in (404, 410)
        if gone and story_of(failure.request):
            yield self.outside_story_item(failure.request)
            return
        self.remember_failure(failure.request, self.failure_reason(failure), gone=bool(gone))

    def outside_story_item(self, request):
        """A card of another outlet's story that has no article here: its row, as a `link`."""
        self.crawler.stats.inc_value("news/links/outside_story")
        url = self.site.urls.canonicalize(request.meta.get(m.LINKED_AS) or request.url)
        return link_item(story_of(request), url, self.site.name, self.article_id_of(url), self.site.urls.edition(url))

    def unchanged(self, request) -> None:
        """A re-visit the site answered 304: the stored version stands (counted by
        newscrawler.downloader.conditional), no miss, and the article was seen (newscrawler.memory)."""
        article_id = self.article_id_of(request.meta.get(m.LINKED_AS) or request.url)
        if article_id is not None:
            self.memory.unchanged(article_key(self.site.name, article_id))

    def remember_failure(self, request, reason: str, gone: bool) -> None:
        """An article this crawl could not store: a stored one the site no longer has is marked
        removed; any other is a miss that later crawls retry (newscrawler.memory)."""
        url = request.meta.get(m.LINKED_AS) or request.url
        article_id = self.article_id_of(url)
        if article_id is None:
            return
        key = article_key(self.site.name, article_id)
        if gone and self.memory.is_stored(article_id):
            self.memory.removed(key)
            self.crawler.stats.inc_value("news/removed")
            logger.info("Article removed from the site, marked removed_at: %s", url)
        else:
            self.memory.missed(key, url, reason)
            self.crawler.stats.inc_value("news/misses/recorded")
            # Judged apart (newscrawler.monitors): many good re-visits must not hide lost new articles.
            kind = "revisit" if self.memory.is_stored(article_id) else "new"
            self.crawler.stats.inc_value(f"news/misses/{kind}")

    def count_revisit(self, item, *args, **kwargs) -> None:
        """An article stored before came out of this crawl again: a re-visit, for the monitors to
        judge losses of re-visits apart from losses of new articles."""
        if self.memory.is_stored(getattr(item, "article_id", None) or ""):
            self.crawler.stats.inc_value("news/articles/revisited")

    def check_for_removals(self) -> None:
        """Once a deep walk is over, the stored articles it did not meet are fetched again, up to a
        budget: one the site removed answers 404 or 410 and is marked removed (`article_failed`),
        one still there is read as a re-visit. A narrower crawl did not walk everything: not meeting
        an article says nothing."""
        if self.removals_checked or "articles" not in self.kinds or self.narrowed():
            return
        self.removals_checked = True
        urls = self.memory.urls_to_check_for_removal()
        if not urls:
            return
        self.crawler.stats.set_value("news/removal_checks", len(urls))
        logger.info("Deep walk over: %d stored articles it did not meet listed are fetched again", len(urls))
        for url in urls:  # a 304 says the article is there as stored
            revisit = self.revisit_meta(self.article_id_of(url))
            self.crawler.engine.crawl(self.page_request(url, filtered=True, **revisit))
        raise DontCloseSpider

    def closed(self, reason):
        """Leave later crawls what this one learned: misses, removals, and the deep walk's end
        when this crawl walked everything it covers."""
        self.memory.leave(walked_everything=reason == "finished" and not self.narrowed())

    def narrowed(self) -> bool:
        """Whether this crawl walked less than a deep walk covers: some sections, editions or
        articles only, or not past `since`."""
        over_budget = self.crawler.stats.get_value("news/articles/over_budget", 0)
        return bool(self.section_filter or self.edition_args or self.since or over_budget
                    or self.max_articles is not None)

    # -- failures: one line each, no traceback ----------------------------------------------
    def failure_reason(self, failure) -> str:
        if failure.check(HttpError):
            return f"http_{failure.value.response.status}"
        return type(failure.value).__name__

    def count_failure(self, failure) -> None:
        if failure.check(PageRefused):
            return  # counted and logged by RefusalMiddleware
        reason = self.failure_reason(failure)
        self.crawler.stats.inc_value(f"news/fetch_failed/{reason}")
        detail = str(failure.value).splitlines()[0][:200] if str(failure.value) else ""
        logger.warning("Fetch failed (%s): %s %s", reason, failure.request.url, detail)
