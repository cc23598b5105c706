"""`scrapy extract FILE_OR_URL... [--url URL] [--site NAME]`: what the crawler would store for pages.

Prints the item of each page as JSON (several pages: JSON Lines), the same as
`newscrawler.extract.extract_article`. A file is read as it is (`--url` says where it came from, for
relative links and the article key); a URL is fetched with the project's user agent.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from ..extract import ArticleParseError, extract_article
from ..sites import SiteConfigError


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

    def run(self, args, opts):
        if not args:
            raise UsageError("name at least one file or URL")
        site = opts.site
        failed = 0
        for source in args:
            try:
                html, url = self.read(source, opts.url)
                print(json.dumps(extract_article(html, url, site), ensure_ascii=False, default=str))
            except ArticleParseError as error:
                print(f"{source}: not an article ({error.reason})", file=sys.stderr)
                failed += 1
            except (OSError, ValueError, SiteConfigError) as error:
                print(f"{source}: {error}", file=sys.stderr)
                failed += 1
        self.exitcode = 1 if failed else 0

    def read(self, source: str, url: str | None) -> tuple[str, str]:
        if source.startswith(("http://", "https://")):
            request = urllib.request.Request(source, headers={"User-Agent": self.settings.get("USER_AGENT")})
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - the user's URL
                charset = answer.headers.get_content_charset() or "utf-8"
                return answer.read().decode(charset, "replace"), answer.geturl()
        path = Path(source)
        data = path.read_bytes()
        if path.suffix == ".gz":
            import gzip
            data = gzip.decompress(data)
        return data.decode("utf-8", "replace"), url or path.resolve().as_uri()
