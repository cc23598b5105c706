"""`scrapy extract FILE_OR_URL... [--url URL] [--site NAME]`: what the crawler would store for pages.

Prints the item of each page as JSON, the same as `newscrawler.extract.extract_article` (the stored
fields, and `extraction`: how they were read, e.g. which source the date came from): indented
when standard output is a terminal, one line per page otherwise (or with `--lines`). A file is decoded
as a browser would (byte-order mark, `<meta charset>`, else detected; `--url` says where it came from,
for relative links and the article key). A URL is fetched as a crawl fetches an article: a crawl of
one request with the project's settings and downloader middlewares (compression asked for and
inflated, redirects to http(s) only, retries, the TLS policy of `NEWS_VERIFY_CERTIFICATES`, pages
over `NEWS_MAX_PAGE_BYTES` refused, the encoding read or detected as Scrapy does), without the
browser, robots.txt (the user names the page) or storage.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import scrapy
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from w3lib.encoding import html_to_unicode

from .. import meta
from ..extract import ArticleParseError, extract_article
from ..sites import SiteConfigError, configured_site


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self):
        return "FILE_OR_URL [FILE_OR_URL ...] [--url URL] [--site NAME]"

    def short_desc(self):
        return "Print what would be stored for article pages (files or URLs), as JSON"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--url", help="the URL a FILE was saved from (default: file:// of it)")
        parser.add_argument("--site", default="generic", help="the site whose rules read the pages (default: generic)")
        parser.add_argument("--lines", action="store_true", help="one JSON line per page, even in a terminal")

    def run(self, args, opts):
        if not args:
            raise UsageError("name at least one file or URL")
        site = opts.site
        try:
            configured_site({"NEWS_SITE_PROFILE": site})
        except SiteConfigError as error:  # the same line as `scrapy crawl` gives
            print(f"newscrawler: {str(error).replace('NEWS_SITE_PROFILE', '--site')}", file=sys.stderr)
            self.exitcode = 2
            return
        fetched = self.fetch_all([source for source in args if is_url(source)])
        failed = 0
        for source in args:
            try:
                html, url = fetched[source].page() if is_url(source) else self.read(source, opts.url)
                indent = None if opts.lines or not sys.stdout.isatty() else 2
                print(json.dumps(extract_article(html, url, site), ensure_ascii=False, default=str, indent=indent))
            except ArticleParseError as error:
                print(f"{source}: not an article ({error.reason})", file=sys.stderr)
                failed += 1
            except (OSError, ValueError, SiteConfigError) as error:
                print(f"{source}: {error}", file=sys.stderr)
                failed += 1
        self.exitcode = 1 if failed else 0

    def read(self, source: str, url: str | None) -> tuple[str, str]:
        path = Path(source)
        data = path.read_bytes()
        if path.suffix == ".gz":
            import gzip
            data = gzip.decompress(data)
        return decoded(None, data), url or path.resolve().as_uri()

    def fetch_all(self, urls: list[str]) -> dict[str, "OnePage"]:
        """Each URL fetched by a crawl of its own, all at once; the spiders keep what they got."""
        crawlers = {}
        for url in dict.fromkeys(urls):
            crawler = self.crawler_process.create_crawler(OnePage)
            self.crawler_process.crawl(crawler, url=url)
            crawlers[url] = crawler
        if crawlers:
            self.crawler_process.start()
        return {url: crawler.spider for url, crawler in crawlers.items()}


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def decoded(content_type: str | None, data: bytes) -> str:
    """Bytes as text, as Scrapy and browsers decode a page: byte-order mark, the HTTP header,
    `<meta charset>`, then detection."""
    return html_to_unicode(content_type, data)[1]


class PageNotFetched(OSError):
    """A URL whose page did not arrive (an HTTP error, a refusal, a connection that failed)."""


class OnePage(scrapy.Spider):
    """A crawl of one article request, as `scrapy crawl` sends it; the page or why not is kept."""

    name = "extract"
    custom_settings = {
        "ITEM_PIPELINES": {},
        "EXTENSIONS": {"newscrawler.jobdir.JobdirGuard": None, "newscrawler.extensions.CrawlReport": None,
                       "spidermon.contrib.scrapy.extensions.Spidermon": None},
        "SPIDERMON_ENABLED": False,
        "NEWS_STATS_FILE": "",
        "REDIS_URL": "",                 # never the shared frontier of a distributed crawl
        "NEWS_RENDER_RELATED": False,    # the page as the server sends it: no browser started
        "ROBOTSTXT_OBEY": False,         # the user names the page; robots.txt rules what a crawl looks for
        "JOBDIR": None,
    }

    def __init__(self, url: str, **kwargs):
        super().__init__(**kwargs)
        self.url = url
        self.answer: tuple[str, str] | None = None
        self.problem = "nothing fetched"

    async def start(self):
        yield scrapy.Request(self.url, callback=self.keep, errback=self.failed, dont_filter=True,
                             meta={meta.PAGE_KIND: meta.ARTICLE})

    def keep(self, response):
        if isinstance(response, TextResponse):
            self.answer = (response.text, response.url)
        else:
            self.problem = f"not a page ({response.headers.get('Content-Type', b'').decode('latin-1') or 'no type'})"

    def failed(self, failure):
        if failure.check(HttpError):
            response = failure.value.response
            location = response.headers.get("Location", b"").decode("latin-1")
            if 300 <= response.status < 400 and location:   # Scrapy follows redirects to http(s) only
                self.problem = f"redirected to a URL that is not http(s): {location.split(':', 1)[0]}:"
            else:
                self.problem = f"HTTP {response.status} from {response.url}"
        else:
            detail = str(failure.value).splitlines()[0][:200] if str(failure.value) else ""
            self.problem = f"{type(failure.value).__name__}: {detail}".rstrip(": ")

    def page(self) -> tuple[str, str]:
        if self.answer is None:
            raise PageNotFetched(self.problem)
        return self.answer
