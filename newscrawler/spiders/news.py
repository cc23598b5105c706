"""The `news` spider: walks listings, reaches every article, renders only the related block.

It routes requests and turns parser output into items; what a page means lives in
`newscrawler.parsing`, what a site looks like in `newscrawler.profiles`.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from urllib.parse import urlsplit

import scrapy
from pymongo.errors import PyMongoError
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from ..cleaning.dates import parse_site_date
from ..incremental import KnownArticles
from ..items import ArticleItem
from ..parsing import ArticleParseError, parse_article, parse_listing
from ..profiles import load_profile
from ..rendering import RENDER_SLOT, NotAPage, RenderConfig, related_block_method
from ..storage.mongo import MongoArticleStore, StoreUnavailable
from ..urls import article_id, canonicalize, host_of, is_listing

logger = logging.getLogger(__name__)

PLAYWRIGHT_HANDLER = "newscrawler.rendering.RenderingDownloadHandler"
DEFAULT_START_URL = "http://127.0.0.1:8765/"


def split_arg(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


class NewsSpider(scrapy.Spider):
    """Arguments: `start_url` (comma-separated for several), `sections` (section slugs),
    `since` (a date: stop walking a listing once a whole page is older), `max_articles`,
    `incremental` (`false` for a full re-crawl). Unknown arguments are accepted and ignored:
    Scrapyd passes its own."""

    name = "news"

    def __init__(self, start_url=None, sections=None, since=None, max_articles=None, incremental=None, **kwargs):
        super().__init__(**kwargs)
        self.incremental_arg = incremental
        self.start_url_args = split_arg(start_url)
        self.section_filter = set(split_arg(sections))
        self.since_arg = since
        self.max_articles = int(max_articles) if max_articles not in (None, "") else None

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        if settings.get("REDIS_URL"):
            from ..distributed import distributed_settings  # scrapy-redis only when asked for

            for name, value in distributed_settings(settings).items():
                settings.set(name, value, priority="spider")
        config = RenderConfig.from_settings(settings)
        if not config.enabled:
            return
        for name, value in config.playwright_settings().items():
            settings.set(name, value, priority="spider")
        settings.set("DOWNLOAD_SLOTS", config.download_slots(settings.getdict("DOWNLOAD_SLOTS")), priority="spider")
        handlers = dict(settings.getdict("DOWNLOAD_HANDLERS"))
        handlers.update({"http": PLAYWRIGHT_HANDLER, "https": PLAYWRIGHT_HANDLER})
        settings.set("DOWNLOAD_HANDLERS", handlers, priority="spider")

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.configure(crawler.settings)
        return spider

    def configure(self, settings) -> None:
        self.profile = load_profile(settings.get("NEWS_SITE_PROFILE", "replica"))
        self.timezone = settings.get("NEWS_SITE_TIMEZONE") or self.profile.timezone
        self.render = RenderConfig.from_settings(settings)
        self.start_urls = self.start_url_args or split_arg(settings.get("NEWS_START_URLS")) or [DEFAULT_START_URL]
        bad = [url for url in self.start_urls if urlsplit(url).scheme not in ("http", "https")]
        if bad:
            raise NotConfigured(f"start_url must be http(s): {bad}")
        # Only the sites we were pointed at are followed: no off-site link, ever.
        self.allowed_domains = sorted({host_of(url) for url in self.start_urls})
        self.since = None
        if self.since_arg:
            parsed = parse_site_date(self.since_arg, self.timezone, datetime.now(timezone.utc))
            if parsed.value is None:
                raise NotConfigured(f"since: cannot read a date from {self.since_arg!r}")
            self.since = parsed.value
        self.scheduled_articles: set[tuple[str, str]] = set()
        self.incremental = settings.getbool("NEWS_INCREMENTAL", True) if self.incremental_arg in (None, "") \
            else str(self.incremental_arg).lower() in ("1", "true", "yes", "on")
        self.revisit_days = settings.getfloat("NEWS_REVISIT_DAYS", 2)
        self.store = MongoArticleStore.from_settings(settings)
        self.known = KnownArticles()

    # -- starting ---------------------------------------------------------------------------
    async def start(self):
        await self.load_known_articles()
        for url in self.start_urls:
            yield self.listing_request(url)

    async def load_known_articles(self) -> None:
        """In incremental mode, learn what is stored so that only new articles are fetched."""
        if not (self.incremental and self.store):
            return
        try:
            self.known = await asyncio.to_thread(KnownArticles.load, self.store, self.profile.name,
                                                 self.revisit_days, datetime.now(timezone.utc))
        except (StoreUnavailable, PyMongoError) as error:
            logger.warning("Incremental mode off for this crawl: cannot read stored articles (%s)",
                           type(error).__name__)
        finally:
            self.store.close()
        self.crawler.stats.set_value("news/incremental/known", len(self.known.ids))
        self.crawler.stats.set_value("news/incremental/revisit", len(self.known.revisit))
        logger.info("Incremental crawl: %d articles stored, %d of them re-visited (published in the last %g days)",
                    len(self.known.ids), len(self.known.revisit), self.revisit_days)

    def listing_request(self, url: str) -> Request:
        return Request(canonicalize(url, self.profile), callback=self.parse_listing, errback=self.request_failed)

    def article_request(self, url: str) -> Request | None:
        """A request for an article page, or None when it was scheduled already or is over budget."""
        url = canonicalize(url, self.profile)
        key = (host_of(url), article_id(url, self.profile))
        if key in self.scheduled_articles or host_of(url) not in self.allowed_domains:
            return None
        if not self.known.should_fetch(key[1]):
            self.crawler.stats.inc_value("news/articles/skipped_known")
            return None
        if self.max_articles is not None and len(self.scheduled_articles) >= self.max_articles:
            self.crawler.stats.inc_value("news/articles/over_budget")
            return None
        self.scheduled_articles.add(key)
        meta = {"linked_as": url}
        if self.render.enabled:
            meta.update({
                # Render time is our own scrolling and waiting, not the site's load: AutoThrottle
                # follows the plain listing fetches instead.
                "autothrottle_dont_adjust_delay": True,
                "download_slot": RENDER_SLOT,
                "playwright": True,  # the download handler picks the page (RenderPagePool)
                "playwright_page_methods": [related_block_method(self.render, self.profile)],
            })
        return Request(url, callback=self.parse_article, errback=self.request_failed, meta=meta)

    # -- listings ---------------------------------------------------------------------------
    def parse_listing(self, response):
        stats = self.crawler.stats
        stats.inc_value("news/pages/listing")
        if "playwright" in response.flags:  # listings never need the browser: say so if one did
            stats.inc_value("news/pages/listing_rendered")
        refusal = self.refusal_reason(response)
        if refusal:
            self.refuse(response, refusal)
            return
        listing = parse_listing(response.text, response.url, self.profile)
        for card in listing.cards:
            if article_id(card.url, self.profile):
                request = self.article_request(card.url)
                if request:
                    yield request
        for url in self.listing_links(listing):
            yield self.listing_request(url)

    def listing_links(self, listing) -> list[str]:
        """Listings worth walking from this page: sections, View All, and the next page unless
        the whole page is older than `since`."""
        links = [url for url in listing.section_links if self.wants_section(url)]
        if listing.view_all and not self.section_filter:
            links.append(listing.view_all)
        if not (self.page_is_older_than_since(listing) or self.page_is_all_known(listing)):
            links.extend(listing.next_pages)
        return [url for url in links if is_listing(url, self.profile) and host_of(url) in self.allowed_domains]

    def wants_section(self, url: str) -> bool:
        slug = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
        return not self.section_filter or slug in self.section_filter

    def page_is_all_known(self, listing) -> bool:
        """Listings run newest first: past a page of stored articles there is nothing new."""
        ids = [article_id(card.url, self.profile) for card in listing.cards]
        if self.known.all_known([i for i in ids if i]):
            self.crawler.stats.inc_value("news/pages/listing_stopped_known")
            return True
        return False

    def page_is_older_than_since(self, listing) -> bool:
        if self.since is None or not listing.cards:
            return False
        now = datetime.now(timezone.utc)
        dates = [parse_site_date(card.date_text, self.timezone, now).value for card in listing.cards]
        if all(date is not None and date < self.since for date in dates):
            self.crawler.stats.inc_value("news/pages/listing_stopped_by_since")
            return True
        return False

    # -- articles ---------------------------------------------------------------------------
    def parse_article(self, response):
        stats = self.crawler.stats
        stats.inc_value("news/pages/article")
        refusal = self.refusal_reason(response)
        if refusal:
            self.refuse(response, refusal)
            return
        try:
            parsed = parse_article(response.text, response.url, self.profile)
        except ArticleParseError as error:
            stats.inc_value(f"news/parse_failed/{error.reason}")
            logger.warning("Article not parsed (%s): %s", error.reason, response.url)
            return
        item = self.build_item(parsed, response)
        yield item
        for url in item.related:
            request = self.article_request(url)
            if request:
                yield request

    def build_item(self, parsed, response) -> ArticleItem:
        related_status = self.related_status(parsed, response)
        seen_as = [response.meta.get("linked_as"), *response.meta.get("redirect_urls", ()), response.url]
        aliases = list(dict.fromkeys(canonicalize(u, self.profile) for u in seen_as if u))
        return ArticleItem(
            url=parsed.url,
            site=self.profile.name,
            article_id=parsed.article_id,
            title=parsed.title,
            section=parsed.section,
            published_at_raw=parsed.date_text or parsed.date_iso,
            published_at_iso=parsed.date_iso,
            modified_at_raw=parsed.modified_iso,
            summary=parsed.summary,
            body=parsed.body,
            headings=parsed.headings,
            image=parsed.image,
            related=parsed.related if related_status != "unavailable" else [],
            related_status=related_status,
            tags=parsed.tags,
            language=parsed.language,
            aliases=[url for url in aliases if url != parsed.url],
            fetched_at=datetime.now(timezone.utc),
        )

    def related_status(self, parsed, response) -> str:
        stats = self.crawler.stats
        methods = response.meta.get("playwright_page_methods") or []
        result = getattr(methods[0], "result", None) if methods else None
        if not self.render.enabled:
            return "unavailable"
        status = result.get("status") if isinstance(result, dict) else None
        if status not in ("complete", "partial"):
            status = "unavailable"
        stats.inc_value("news/renders")
        stats.inc_value(f"news/related/{status}")
        if status != "complete":
            logger.warning("Related block %s (%s cards before the timeout): %s", status,
                           len(parsed.related), response.url)
        return status

    # -- failures: one line each, no traceback ----------------------------------------------
    def request_failed(self, failure):
        request = failure.request
        if failure.check(NotAPage):
            self.count_refusal("non_html", "a file to download", request.url)
            return
        if failure.check(HttpError):
            reason = f"http_{failure.value.response.status}"
        else:
            reason = type(failure.value).__name__
        self.crawler.stats.inc_value(f"news/fetch_failed/{reason}")
        logger.warning("Fetch failed (%s): %s %s", reason, request.url, str(failure.value).splitlines()[0][:200]
                       if str(failure.value) else "")

    def refusal_reason(self, response) -> str | None:
        """Why a response is no article page to parse; judged on what the server sent (headers),
        since a rendered body is the browser's HTML whatever the server answered."""
        content_type = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        if not isinstance(response, TextResponse) or (content_type and "html" not in content_type):
            return "non_html"
        limit = self.crawler.settings.getint("NEWS_MAX_PAGE_BYTES", 2_000_000)
        declared = response.headers.get("Content-Length", b"0").decode("latin-1")
        if len(response.body) > limit or (declared.isdigit() and int(declared) > limit):
            return "too_large"
        return None

    def refuse(self, response, reason: str):
        headers = response.headers
        content_type = headers.get("Content-Type", b"").decode("latin-1") or "no content type"
        size = headers.get("Content-Length", b"").decode("latin-1") or str(len(response.body))
        self.count_refusal(reason, f"{content_type}, {size} bytes", response.url)

    def count_refusal(self, reason: str, what: str, url: str) -> None:
        self.crawler.stats.inc_value(f"news/refused/{reason}")
        logger.warning("Page refused (%s: %s): %s", reason, what, url)
