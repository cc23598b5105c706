"""A JSON feed with cursor paging: the feed an app's listing reads, read without a browser.

The API answers `GET {api}/feed/v1/categories?languageCode=L` with `[{id, name}]` (id 0: every
category, the "View All" walk) and `GET {api}/feed/v1/articles?limit=N&section=latest&categoryId=K
&languageCode=L[&lastId=&lastAt=&lastView=]` with rows `{id, publishAt, view, ...}`, newest first;
the next page is asked for with the last row's id, time and views, for as long as pages have rows
and the cursor moves (an API may cap `limit` below what is asked; one that ignores the cursor would
answer the same page forever: the walk stops there and says so). A category's id is passed back as
the API gave it, whatever its type. A row's article is crawled at its
own site URL (`{site}{edition prefix}/article/{id}`), whatever its `link` says: `link` can point to
the outlet an article came from. Anything else (an error after retries, a body that is not JSON,
a shape it does not know) is `SourceFailed`, and the site's next source takes over.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from .. import meta
from ..pages.listing import Card
from . import Discovered, Follow, Source, SourceFailed

logger = logging.getLogger(__name__)


class CursorFeed(Source):
    name = "feed"
    format = "json"

    def __init__(self, api_setting: str, article_path: str, limit: int = 30):
        self.api_setting = api_setting
        self.article_path = article_path  # e.g. "{prefix}/article/{id}"
        self.limit = limit

    # -- URLs ----------------------------------------------------------------------------------
    def api(self, site) -> str:
        return (site.setting(self.api_setting) or "").rstrip("/")

    def edition(self, start_url: str, site) -> str:
        return site.urls.edition(start_url) or site.site.language

    def feed_url(self, site, edition: str, category, last: dict | None = None) -> str:
        query = {"limit": self.limit, "section": "latest", "categoryId": category, "languageCode": edition}
        if last:
            query.update(lastId=last["id"], lastAt=last["publishAt"], lastView=last.get("view", 0))
        return f"{self.api(site)}/feed/v1/articles?{urlencode(query)}"

    def latest_url(self, site, edition: str) -> str:
        """The first page of every category's articles, newest first: what a follow mode polls."""
        return self.feed_url(site, edition, 0)

    def article_url(self, start_url: str, site, edition: str, article_id) -> str:
        parts = urlsplit(start_url)
        prefix = "" if edition == site.urls.default_edition else f"/{edition}"
        return f"{parts.scheme}://{parts.netloc}" + self.article_path.format(prefix=prefix, id=article_id)

    # -- the source ----------------------------------------------------------------------------
    def first(self, start_url: str, site) -> list[Follow]:
        edition = self.edition(start_url, site)
        url = f"{self.api(site)}/feed/v1/categories?{urlencode({'languageCode': edition})}"
        return [Follow(url, "index", step="categories")]

    def parse(self, response, site) -> Discovered:
        start_url = response.meta.get(meta.START_URL, "")
        edition = self.edition(start_url, site)
        data = self.json(response)
        if response.meta.get(meta.STEP) == "categories":
            return self.categories(data, site, edition)
        return self.rows(data, site, start_url, edition, response.url)

    def json(self, response):
        try:
            return json.loads(response.text)
        except ValueError:
            raise SourceFailed(f"not JSON: {response.text[:60]!r}") from None

    def categories(self, data, site, edition: str) -> Discovered:
        if not isinstance(data, list) or not all(isinstance(c, dict) and "id" in c and "name" in c for c in data):
            raise SourceFailed("categories in a shape this crawler does not know")
        follows = []
        for category in data:
            kind = "view_all" if str(category["id"]) in ("0", "0.0") else "section"
            follows.append(Follow(self.feed_url(site, edition, category["id"]), kind, label=str(category["name"]),
                                  step="feed"))
        if not any(f.kind == "view_all" for f in follows):
            follows.append(Follow(self.feed_url(site, edition, 0), "view_all", label="All", step="feed"))
        return Discovered([], follows)

    def rows(self, data, site, start_url: str, edition: str, url: str) -> Discovered:
        if not isinstance(data, list) or not all(isinstance(r, dict) and "id" in r and "publishAt" in r for r in data):
            raise SourceFailed("feed rows in a shape this crawler does not know")
        cards = [Card(self.article_url(start_url, site, edition, row["id"]), str(row["publishAt"]),
                      self.outside_story(row, start_url)) for row in data]
        query = dict(parse_qsl(urlsplit(url).query))
        if not data or self.cursor_stands_still(data, query, url):
            return Discovered(cards, [])
        return Discovered(cards, [Follow(self.feed_url(site, edition, query.get("categoryId", "0"), data[-1]),
                                         "next", step="feed")])

    @staticmethod
    def outside_story(row: dict, start_url: str) -> dict | None:
        """The row of a card whose `link` leaves the site (another outlet's story): what is kept of
        it should the site have no article of its own."""
        link = row.get("link")
        if not isinstance(link, str) or urlsplit(urljoin(start_url, link)).netloc in ("", urlsplit(start_url).netloc):
            return None
        thumbnail = row.get("thumbnail") or row.get("thumbnailImage")
        return {"title": row.get("title"), "summary": row.get("description"), "published": str(row["publishAt"]),
                "source_url": link, "thumbnail": urljoin(start_url, thumbnail) if isinstance(thumbnail, str) else None}

    @staticmethod
    def cursor_stands_still(data: list, query: dict, url: str) -> bool:
        """Whether the page holds the row its cursor named: the API ignores the cursor, and the
        next page would be this one again."""
        cursor = (query.get("lastId"), query.get("lastAt"))
        if cursor[0] is None or not any((str(r["id"]), str(r["publishAt"])) == cursor for r in data):
            return False
        logger.warning("The feed answered the page after its cursor with the cursor's own row (it ignores the "
                       "cursor): this listing stops here: %s", url)
        return True
