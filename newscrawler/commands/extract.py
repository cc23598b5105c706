"""`scrapy extract FILE_OR_URL... [--url URL] [--site NAME]`: what the crawler would store for pages.

Prints the item of each page as JSON, the same as `newscrawler.extract.extract_article` (the stored
fields, and `extraction`: how they were read, e.g. which source the date came from): indented
when standard output is a terminal, one line per page otherwise (or with `--lines`). A file is decoded
as a browser would (byte-order mark, `<meta charset>`, else detected; `--url` says where it came from,
for relative links and the article key); a URL is fetched with the project's user agent, following
redirects to http(s) only and reading at most `NEWS_EXTRACT_MAX_BYTES` (10 MB).
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

from w3lib.encoding import html_to_unicode

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

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
        failed = 0
        for source in args:
            try:
                html, url = self.read(source, opts.url)
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
        if source.startswith(("http://", "https://")):
            return self.fetch(source)
        path = Path(source)
        data = path.read_bytes()
        if path.suffix == ".gz":
            import gzip
            data = gzip.decompress(data)
        return decoded(None, data), url or path.resolve().as_uri()

    def fetch(self, url: str) -> tuple[str, str]:
        limit = self.settings.getint("NEWS_EXTRACT_MAX_BYTES", 10 * 1024 * 1024)
        opener = urllib.request.build_opener(HttpOnlyRedirects)
        request = urllib.request.Request(url, headers={"User-Agent": self.settings.get("USER_AGENT")})
        with opener.open(request, timeout=30) as answer:
            data = answer.read(limit + 1)
            if len(data) > limit:
                raise ValueError(f"larger than NEWS_EXTRACT_MAX_BYTES ({limit} bytes)")
            return decoded(answer.headers.get("Content-Type"), data), answer.geturl()


def decoded(content_type: str | None, data: bytes) -> str:
    """Bytes as text, as Scrapy and browsers decode a page: byte-order mark, the HTTP header,
    `<meta charset>`, then detection."""
    return html_to_unicode(content_type, data)[1]


class HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are followed to http(s) URLs only (never `file:` or `ftp:`)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not newurl.lower().startswith(("http://", "https://")):
            raise ValueError(f"redirected to a URL that is not http(s): {newurl.split(':', 1)[0]}:")
        return super().redirect_request(req, fp, code, msg, headers, newurl)
