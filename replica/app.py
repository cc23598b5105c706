"""The replica's app mode (`docs/live-site.md`): the shape of the real site.

Two origins on two loopback ports: the site, which answers every page with the same app shell, and
the API the app's script reads (feed, categories, article, related). Editions (`en` under `/en`,
`ko` without a prefix) have their own id spaces: the same id names different articles. Class names
are styled-components names whose hashes come from the build id; `rebuild()` changes them all.
"""

from __future__ import annotations

import hashlib
import json
import string
import threading
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from html import escape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .content import SITE_TZ, Article, SiteContent, format_korean_page_date, format_page_date
from .flashes import FlashTimeline, flash_editions
from .publishing import Publishing, PublishPlan
from .server import (Faults, Handler, ReplicaHTTPServer, fails_once, make_front, public_port, start_serving,
                     stop_serving)

STATIC_DIR = Path(__file__).parent / "static"
FEED_LIMIT_MAX = 50
RELATED_BATCH = 3
COMPONENTS = [
    "ArticleListContainer", "CategoryBar", "CategoryButton", "ArticleList", "ArticleWrapper", "ArticleTitle",
    "ArticleDesc", "TimeWrap", "ButtonWrapper", "ArticleHeader", "ArticleMeta", "ArticleDetailTitle",
    "CategoryName", "PublishDate", "HeroFigure", "ArticleContent", "TagList", "MoreToRead", "MoreToReadHead",
    "RelatedList", "RelatedCard", "Loading", "RelatedSentinel", "NotFound", "ErrorView",
    # Flashes (appended: the components above keep their numbers).
    "FlashTimeline", "FlashItem", "FlashTitle", "FlashDate", "FlashDetail", "FlashDetailTitle", "FlashContent",
    "FlashSource", "FlashVotes", "BullCount", "BearCount", "ImportantBadge",
]
EDITION_PREFIX = {"en": "/en", "ko": ""}
OUTSIDE_OUTLET = "https://outlet.example/news"


def hash_letters(*parts: str) -> str:
    digest = hashlib.sha256(":".join(parts).encode()).digest()
    return "".join(string.ascii_letters[b % 52] for b in digest[:6])


def class_names(build: str) -> dict[str, str]:
    """`<Component>-sc-<h1>-<n> <h2>` for every component: stable names, hashes from the build."""
    return {name: f"{name}-sc-{hash_letters(build, name).lower()}-{i % 3} {hash_letters(build, name, 'css')}"
            for i, name in enumerate(COMPONENTS)}


@dataclass
class AppFaults(Faults):
    """The classic fault modes (pages) plus the API's own, all off by default."""

    api_error_rate: float = 0.0      # share of API paths answering 500 or 503 once
    api_slow_rate: float = 0.0       # share of API paths answering after `slow_seconds`
    # The feed as a bot wall shows it to clients that are not the site's own app (no `Origin` of the
    # site): the app still works, a crawler reading the feed directly does not.
    feed_html: bool = False          # answers an HTML page, status 200
    feed_off: bool = False           # answers 403
    # The article API as a bot wall shows it: answers 403 to a request without the app's Origin.
    articles_need_origin: bool = False
    # A new build of the app mid-crawl: after this many article answers, the API renames fields
    # (`title` is `headline`, `content` is `html`) and moves the related call (`/more`), and the
    # app reads the new names; 0: never.
    api_change_after: int = 0
    # The API's host is down: every connection is closed without an answer (a benchmark's outage).
    api_down: bool = False


@dataclass
class AppVariant:
    """Ways a real app and its API may differ from the contract's plain shape (`docs/live-site.md`),
    each as the app itself handles it: all off by default. The ground truth is the same."""

    # Some articles edited after publication (`updatedAt` hours after `publishAt`), and the answer
    # writes `updatedAt` before `publishAt`.
    edited_updated_first: bool = False
    epoch_ms: bool = False               # instants as epoch milliseconds, not ISO 8601
    naive_times: bool = False            # instants as ISO 8601 without an offset, in the site's zone (KST)
    # Every card (listing and related) wraps its title and description in an `ArticleContent`, as the
    # real listing does, and the related block sits in an aside before the article's text.
    cards_in_article_content: bool = False
    # The related call pages by cursor: `limit=3&lastId=<the last row's id>`, a bare array, no total.
    related_cursor: bool = False
    # The article answer gives its text's id (`contentId`); `GET /feed/v1/contents/<id>` the text.
    content_call: bool = False
    # A token the page asks for at run time (`GET /feed/v1/session`) and sends as `X-Api-Token`; each
    # is good for this many calls, then answers 401 (0: no token).
    token_calls: int = 0
    # With `token_calls`: the page sends the token in the query (`&access_token=<token>`), not as a
    # header, and the API takes it from there (a header no longer opens it).
    token_in_query: bool = False
    # The article is asked for with GraphQL: `POST /graphql` with the query and its variables.
    graphql: bool = False
    cache_buster: bool = False           # the article call carries `&_=<ms since 1970>`
    title_entities: bool = False         # titles HTML-escaped (`&amp;`, `&#40;`), decoded by the app
    json_as_text: bool = False           # JSON served as `text/plain`
    # Cards of outside stories (their `link` an outside outlet) have no CoinNess article: the article
    # call answers 404 and the page shows "not found".
    outside_cards: bool = False
    # With `outside_cards`: the related call's rows (and so the page's related block) hold the cards of
    # listed outside stories among an article's related ones, each as the listing's row (its `link` the
    # outlet); the page draws it as any card, at the site's own address for it, which is what `related`
    # holds (the `url` of its `kind: "link"` document).
    outside_related: bool = False
    # With `outside_cards` and `outside_related`: the page's related block links such a card to its
    # outlet (the row's `link`), not to the site's address. A related list holds only the site's
    # articles (`docs/operations.md`): the card is drawn, but `related` does not hold it, as a
    # crawl that renders every article stores it; the story's own `kind: "link"` document is the
    # listing's, as before.
    outside_related_outlet: bool = False
    # The text as Markdown (`## ` headings, `- ` items, `> ` quotes), which the app makes HTML: no
    # call's answer is the text the page shows, and a crawler cannot learn it.
    content_markdown: bool = False
    # Related lists of these lengths only, by article id in turn (`(3, 6, 7)`: a whole related page,
    # two, two and one more): each article's own list, cut (its related-only articles kept) or filled
    # with other articles of its edition. Empty: as the content has them.
    related_counts: tuple = ()


# The query parameter the token is sent in (`token_in_query`).
TOKEN_PARAMETER = "access_token"

# The API's names, and those of the build that changes them (`api_change_after`).
API_NAMES = {"title": "title", "content": "content", "related": "related"}
CHANGED_API_NAMES = {"title": "headline", "content": "html", "related": "more"}


class AppSite:
    """Pages and API answers of the app mode; the handlers only route."""

    def __init__(self, editions: dict[str, SiteContent], faults: AppFaults | None = None, build: str = "a1",
                 related_delay_ms: int = 120, flashes: dict[str, FlashTimeline] | None = None,
                 publishing: Publishing | None = None, variant: AppVariant | None = None):
        self.editions = editions
        self.flashes = flashes if flashes is not None else flash_editions(editions=tuple(editions))
        self.publishing = publishing
        self.faults = faults or AppFaults()
        self.variant = variant or AppVariant()
        self.tokens: dict[str, int] = {}  # token: calls left (`token_calls`)
        self.build = build
        self.related_delay_ms = related_delay_ms
        self.base_url = ""
        self.api_url = ""
        self.requests: list[str] = []    # every request's path and query (site and API), in order
        self._failed_once: set[str] = set()
        self.lock = threading.Lock()
        self.names = dict(API_NAMES)
        self.article_answers = 0

    def rebuild(self, build: str) -> None:
        """A new build of the app: every class hash changes."""
        self.build = build

    # -- the site ------------------------------------------------------------------------------
    def shell(self) -> str:
        return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>CoinNess</title>'
                '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
                f'<body><div id="root"></div><script src="/static/app.{self.build}.js"></script></body></html>')

    def app_js(self) -> str:
        config = {"api": self.api_url, "classes": class_names(self.build),
                  "relatedDelay": self.related_delay_ms, "names": self.names, "variant": asdict(self.variant)}
        return f"window.__APP__ = {json.dumps(config)};\n" + (STATIC_DIR / "app.js").read_text()

    def robots(self) -> str:
        return "User-agent: *\nDisallow: /admin/\n"

    # -- the API -------------------------------------------------------------------------------
    def categories(self, content: SiteContent) -> list[dict]:
        return [{"id": 0, "name": "All"}] + [{"id": i + 1, "name": label} for i, (_, label) in enumerate(content.sections)]

    def category_id(self, content: SiteContent, article: Article) -> int:
        return [slug for slug, _ in content.sections].index(article.section_slug) + 1

    def link(self, edition: str, article: Article) -> str:
        """The row's `link`: mostly the article's site path, sometimes the outlet it came from."""
        if is_outside_story(article):
            return f"{OUTSIDE_OUTLET}/{article.id}"
        return f"{EDITION_PREFIX[edition]}/article/{article.id}"

    def has_article(self, article: Article) -> bool:
        """Whether CoinNess publishes the article itself (not only a card linking to its outlet)."""
        return not (self.variant.outside_cards and is_outside_story(article))

    def is_related_card(self, article: Article) -> bool:
        """Whether a related list may show its card: an article of the site, or (`outside_related`) a
        listed outside story's card."""
        return self.has_article(article) or (self.variant.outside_related and article.listed)

    def links_to_outlet(self, edition: str, article_id: int) -> bool:
        """Whether the page's related block links the card of this article to its outlet
        (`outside_related_outlet`): then it is no related article of the site's."""
        article = self.editions[edition].articles[article_id]
        return self.variant.outside_related_outlet and not self.has_article(article)

    def moment(self, moment: datetime):
        """An instant as this API writes it."""
        if self.variant.epoch_ms:
            return int(moment.timestamp() * 1000)
        if self.variant.naive_times:
            return moment.astimezone(SITE_TZ).strftime("%Y-%m-%dT%H:%M:%S")
        return iso_z(moment)

    def title(self, article: Article) -> str:
        if self.variant.title_entities:  # as some CMSes store them: markup characters and brackets escaped
            return escape(article.title).replace("(", "&#40;").replace(")", "&#41;")
        return article.title

    def row(self, edition: str, content: SiteContent, article: Article) -> dict:
        return {"id": article.id, "title": self.title(article), "description": article.summary,
                "categoryId": self.category_id(content, article), "categoryName": article.section,
                "publishAt": self.moment(article.published), "view": views(article),
                "link": self.link(edition, article), "thumbnail": f"/img/{article.id}.jpg"}

    def feed(self, edition: str, query: dict) -> list[dict]:
        content = self.editions[edition]
        category = int(query.get("categoryId", ["0"])[0] or 0)
        limit = max(1, min(FEED_LIMIT_MAX, int(query.get("limit", ["10"])[0] or 10)))
        rows = [a for a in content.newest_first() if (category == 0 or self.category_id(content, a) == category)
                and self.is_published(a)]
        if "lastId" in query and "lastAt" in query:
            cursor = (self.parse_moment(query["lastAt"][0]), int(query["lastId"][0]))
            rows = [a for a in rows if (a.published, a.id) < cursor]
        return [self.row(edition, content, a) for a in rows[:limit]]

    def parse_moment(self, text: str) -> datetime:
        if self.variant.epoch_ms:
            return datetime.fromtimestamp(int(text) / 1000, timezone.utc).astimezone(SITE_TZ)
        if self.variant.naive_times:
            return datetime.fromisoformat(text).replace(tzinfo=SITE_TZ)
        return parse_iso(text)

    def article(self, edition: str, article: Article) -> dict:
        image = None
        if article.hero_url:
            image = {"url": self.api_url + article.hero_url, "alt": article.hero_alt,
                     "caption": article.hero_credit.text if article.hero_credit else None}
        content = content_html(article.blocks)
        with self.lock:
            self.article_answers += 1
            if self.faults.api_change_after and self.article_answers > self.faults.api_change_after:
                self.names = dict(CHANGED_API_NAMES)  # the new build's API, and its app with it
                self.build = "api2"
        answer = {"id": article.id, self.names["title"]: self.title(article), "description": article.summary,
                  "categoryName": article.section, "publishAt": self.moment(article.published),
                  "updatedAt": self.moment(self.updated(article)), "image": image,
                  self.names["content"]: content, "tags": article.tags}
        if self.variant.edited_updated_first:
            answer = {"id": answer.pop("id"), "updatedAt": answer.pop("updatedAt"), **answer}
        if self.variant.content_markdown:
            answer[self.names["content"]] = content_markdown(article.blocks)
        if self.variant.content_call:
            del answer[self.names["content"]]
            answer["contentId"] = content_id(edition, article)
        return answer

    def updated(self, article: Article) -> datetime:
        """Its last edit: where the variant says so, older articles (not the few newest, which a crawl
        meets first) edited hours after publication, every other one."""
        if self.variant.edited_updated_first and article.id % 2 == 0 and article.id > 105:
            return article.published + timedelta(hours=5, minutes=article.id % 50)
        return article.modified or article.published

    def article_text(self, edition: str, text_id: str) -> dict | None:
        """The answer of the text call (`content_call`): an article's content by its text's id."""
        for article in self.editions[edition].articles.values():
            if content_id(edition, article) == text_id:
                return {"id": text_id, "html": content_html(article.blocks)}
        return None

    def related_ids(self, edition: str, article: Article) -> list[int]:
        """Its related articles: CoinNess's own (a card of an outside story is never related, unless
        `outside_related`, where a listed one is)."""
        articles = self.editions[edition].articles
        ids = [i for i in article.related_ids if self.is_related_card(articles[i]) and self.is_published(articles[i])]
        return self.sized_related(edition, article, ids) if self.variant.related_counts else ids

    def sized_related(self, edition: str, article: Article, ids: list[int]) -> list[int]:
        """`ids` cut or filled to the length `related_counts` gives this article (`AppVariant`)."""
        counts = self.variant.related_counts
        count = counts[article.id % len(counts)]
        articles = self.editions[edition].articles
        unlisted = [i for i in ids if not articles[i].listed]  # reached only through here: kept
        kept = set(unlisted + [i for i in ids if articles[i].listed][:max(0, count - len(unlisted))])
        sized = [i for i in ids if i in kept]
        others = sorted(i for i, other in articles.items() if i != article.id and i not in kept and other.listed
                        and self.has_article(other) and self.is_published(other))
        start = article.id % max(1, len(others))
        return sized + (others[start:] + others[:start])[:max(0, count - len(sized))]

    def related(self, edition: str, article: Article, offset: int) -> dict:
        content = self.editions[edition]
        ids = self.related_ids(edition, article)
        rows = [self.row(edition, content, content.articles[i]) for i in ids[offset: offset + RELATED_BATCH]]
        return {"total": len(ids), "rows": rows}

    # -- publishing ----------------------------------------------------------------------------
    @staticmethod
    def now() -> datetime:
        return datetime.now(timezone.utc)

    def is_published(self, article: Article | None) -> bool:
        """Whether an article is out: always, unless the replica publishes and its time is still to come."""
        return article is not None and (self.publishing is None or article.published <= self.now())

    def retry_after(self) -> int | None:
        """Seconds a client must wait in a 429 window of a publishing replica, else None."""
        return self.publishing.retry_after(self.now()) if self.publishing else None

    # -- flashes ---------------------------------------------------------------------------------
    def flash_feed(self, edition: str, query: dict) -> list[dict]:
        limit = max(1, min(FEED_LIMIT_MAX, int(query.get("limit", ["20"])[0] or 20)))
        last_id = query.get("lastId", [""])[0]
        now = self.now()
        flashes = self.flashes[edition].page(now, limit, int(last_id) if last_id.isdigit() else None)
        return [flash.row(now) for flash in flashes]

    def flash(self, edition: str, flash_id: int) -> dict | None:
        now = self.now()
        flash = self.flashes[edition].visible(flash_id, now)
        return flash.row(now) if flash else None

    def flash_url(self, edition: str, flash_id: int) -> str:
        return f"{self.base_url}{EDITION_PREFIX[edition]}/news/{flash_id}"

    def flash_truth(self, now: datetime | None = None) -> dict[str, dict]:
        """Every flash shown as of `now` (default: now), as the crawler must store it, keyed by URL."""
        now = now or self.now()
        truth = {}
        for edition, timeline in self.flashes.items():
            for flash in timeline.newest_first(now):
                url = self.flash_url(edition, flash.id)
                text = flash.text_at(now)
                bull, bear = flash.votes_at(now)
                truth[url] = {
                    "flash_id": f"{edition}:{flash.id}", "url": url, "title": text.title,
                    "body": flash.body_text(now), "published_at": flash.published.astimezone(timezone.utc),
                    "published_at_raw": iso_z(flash.published), "important": flash.important,
                    "bull_count": bull, "bear_count": bear, "source_url": flash.link, "source_name": flash.link_title,
                    "language": edition,
                }
        return truth

    def related_after(self, edition: str, article: Article, last_id: str | None, limit: int) -> list[dict]:
        """The related call paged by cursor (`related_cursor`): the rows after the one named `lastId`."""
        content = self.editions[edition]
        ids = self.related_ids(edition, article)
        start = ids.index(int(last_id)) + 1 if last_id and last_id.isdigit() and int(last_id) in ids else 0
        return [self.row(edition, content, content.articles[i]) for i in ids[start: start + limit]]

    # -- tokens (`token_calls`) ------------------------------------------------------------------
    def new_token(self) -> str:
        with self.lock:
            token = hashlib.sha256(f"{len(self.tokens)}:{self.build}".encode()).hexdigest()[:24]
            self.tokens[token] = self.variant.token_calls
        return token

    def token_accepted(self, token: str | None) -> bool:
        """Whether a call with this token is served; each token is good for `token_calls` calls."""
        with self.lock:
            left = self.tokens.get(token or "", 0)
            if left <= 0:
                return False
            self.tokens[token] = left - 1
            return True

    def should_fail_once(self, path: str, rate: float, salt: str) -> bool:
        return fails_once(self, path, rate, salt)

    # -- ground truth --------------------------------------------------------------------------
    def url_of(self, edition: str, article_id: int) -> str:
        return f"{self.base_url}{EDITION_PREFIX[edition]}/article/{article_id}"

    def ground_truth(self) -> dict[str, dict]:
        """Every article as the crawler must store it, keyed by URL. Dates as a browser set to the
        site's zone (Asia/Seoul) shows them; the app renders no summary."""
        truth = {}
        for edition, content in self.editions.items():
            for article in content.articles.values():
                url = self.url_of(edition, article.id)
                if not self.has_article(article):
                    if article.listed:  # its card is all there is: unlisted, nothing reaches it
                        truth[url] = self.outside_story_truth(edition, article)
                    continue
                truth[url] = {
                    "article_id": f"{edition}:{article.id}", "url": url, "title": article.title,
                    "section": article.section, "published_at": article.published.astimezone(timezone.utc),
                    "published_at_raw": page_date(edition, article.published), "summary": None,
                    "body": article.body_text, "headings": article.headings,
                    "image_credits": [c.as_dict() for c in article.credits],
                    "related": [self.url_of(edition, i) for i in self.related_ids(edition, article)
                                if not self.links_to_outlet(edition, i)],
                    "tags": article.tags,
                    "listed": article.listed, "language": edition,
                }
        return truth

    def outside_story_truth(self, edition: str, article: Article) -> dict:
        """A card of an outside story, stored as its feed row (`kind: "link"`) under its CoinNess URL."""
        url = self.url_of(edition, article.id)
        return {"kind": "link", "article_id": f"{edition}:{article.id}", "url": url, "title": article.title,
                "summary": article.summary, "published_at": article.published.astimezone(timezone.utc),
                "source_url": self.link(edition, article), "thumbnail": f"{self.base_url}/img/{article.id}.jpg",
                "language": edition, "listed": article.listed}


def is_outside_story(article: Article) -> bool:
    return article.id % 9 == 4


def content_id(edition: str, article: Article) -> str:
    return "c" + hashlib.sha256(f"{edition}:{article.id}".encode()).hexdigest()[:10]


def content_markdown(blocks) -> str:
    marks = {"h2": "## ", "li": "- ", "quote": "> "}
    return "\n\n".join(marks.get(block.kind, "") + block.text for block in blocks)


def content_html(blocks) -> str:
    """An article's `content` as the CMS writes it: paragraphs and subheadings, a list's items in one
    `<ul>`, a quote's text right inside its `<blockquote>`."""
    parts, in_list = [], False
    for block in blocks:
        if in_list and block.kind != "li":
            parts.append("</ul>")
        if block.kind == "li" and not in_list:
            parts.append("<ul>")
        in_list = block.kind == "li"
        tag = {"h2": "h2", "li": "li", "quote": "blockquote"}.get(block.kind, "p")
        parts.append(f"<{tag}>{escape(block.text)}</{tag}>")
    if in_list:
        parts.append("</ul>")
    return "".join(parts)


def iso_z(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(SITE_TZ)


def views(article: Article) -> int:
    return (article.id * 37) % 1000


def edition_of(query: dict) -> str:
    return (query.get("languageCode") or ["ko"])[0]


class AppPageHandler(Handler):
    """The site's origin: the same shell for every page, the app's script, images, robots.txt."""

    def do_GET(self):
        site: AppSite = self.server.site
        path = urlsplit(self.path).path
        with site.lock:
            site.requests.append(self.path)
        faults = site.faults
        if path == "/robots.txt":
            return self.send(200, site.robots(), "text/plain")
        if path.startswith("/static/app.") and path.endswith(".js"):
            return self.send(200, site.app_js(), "application/javascript")
        if path.startswith("/img/"):
            return self.send(200, b"GIF89a", "image/gif")
        if faults.picks(path, faults.slow_rate, "slow"):
            import time
            time.sleep(faults.slow_seconds)
        if site.should_fail_once(path, faults.error_rate, "error"):
            return self.send(503, "Server error")
        return self.send(200, site.shell())


class AppApiHandler(Handler):
    """The API's origin: JSON, with CORS for the site's origin."""

    def cors(self) -> dict:
        return {"Access-Control-Allow-Origin": "*"}

    def json(self, status: int, data) -> None:
        kind = "text/plain; charset=utf-8" if self.server.site.variant.json_as_text else "application/json"
        self.send(status, json.dumps(data), kind, headers=self.cors())

    def do_OPTIONS(self):
        """CORS preflight: the app's own headers (a token) and its POSTs (GraphQL) are allowed."""
        self.send(204, b"", "text/plain", headers={**self.cors(), "Access-Control-Allow-Methods": "GET, POST",
                                                   "Access-Control-Allow-Headers": "Content-Type, X-Api-Token",
                                                   "Access-Control-Max-Age": "600"})

    def do_POST(self):
        site: AppSite = self.server.site
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with site.lock:
            site.requests.append("api:POST " + self.path + " " + body.decode(errors="replace"))
        if urlsplit(self.path).path != "/graphql" or not site.variant.graphql:
            return self.json(404, {"error": "not found"})
        if not self.token_ok():
            return self.json(401, {"error": "token expired"})
        try:
            variables = json.loads(body)["variables"]
            edition, number = variables["languageCode"], int(variables["id"])
        except (ValueError, KeyError, TypeError):
            return self.json(400, {"errors": [{"message": "bad query"}]})
        if edition not in site.editions:
            return self.json(400, {"errors": [{"message": "unknown languageCode"}]})
        article = site.editions[edition].articles.get(number)
        if article is None or not site.has_article(article):
            return self.json(200, {"data": {"article": None}, "errors": [{"message": "not found"}]})
        return self.json(200, {"data": {"article": site.article(edition, article)}})

    def token_ok(self) -> bool:
        site: AppSite = self.server.site
        if not site.variant.token_calls:
            return True
        if site.variant.token_in_query:
            return site.token_accepted(parse_qs(urlsplit(self.path).query).get(TOKEN_PARAMETER, [None])[0])
        return site.token_accepted(self.headers.get("X-Api-Token"))

    def do_GET(self):
        site: AppSite = self.server.site
        if site.faults.api_down:
            self.close_connection = True  # no answer at all, as from a host that is down
            return
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        with site.lock:
            site.requests.append("api:" + self.path)
        faults = site.faults
        edition = edition_of(query)
        if path == "/robots.txt":
            return self.send(404, "Not found", "text/plain")
        if edition not in site.editions:
            return self.json(400, {"error": "unknown languageCode"})
        content = site.editions[edition]
        if faults.picks(self.path, faults.api_slow_rate, "api-slow"):
            import time
            time.sleep(faults.slow_seconds)
        if site.should_fail_once(self.path, faults.api_error_rate, "api-error"):
            return self.json(503 if faults.picks(path, 0.5, "which") else 500, {"error": "unavailable"})
        retry_after = site.retry_after()
        if retry_after is not None:  # a publishing replica sheds load: clients wait and ask again
            return self.send(429, json.dumps({"error": "too many requests"}), "application/json",
                             headers={**self.cors(), "Retry-After": str(retry_after)})
        segments = [s for s in path.split("/") if s]
        if segments[:2] != ["feed", "v1"]:
            return self.json(404, {"error": "not found"})
        rest = segments[2:]
        if rest == ["categories"]:
            return self.json(200, site.categories(content))
        if rest == ["breaking-news"]:
            return self.json(200, site.flash_feed(edition, query))
        if len(rest) == 2 and rest[0] == "breaking-news" and rest[1].isdigit():
            row = site.flash(edition, int(rest[1]))
            return self.json(200, row) if row else self.json(404, {"error": "not found"})
        if rest == ["session"] and site.variant.token_calls:
            return self.json(200, {"token": site.new_token()})
        if rest == ["articles"]:
            from_app = self.headers.get("Origin") == site.base_url
            if faults.feed_off and not from_app:
                return self.json(403, {"error": "forbidden"})
            if faults.feed_html and not from_app:
                return self.send(200, "<html><body>Service temporarily unavailable</body></html>", headers=self.cors())
            return self.json(200, site.feed(edition, query))
        if not self.token_ok():
            return self.json(401, {"error": "token expired"})
        if len(rest) == 2 and rest[0] == "contents" and site.variant.content_call:
            text = site.article_text(edition, rest[1])
            return self.json(200, text) if text else self.json(404, {"error": "not found"})
        if len(rest) in (2, 3) and rest[0] == "articles" and rest[1].isdigit():
            if faults.articles_need_origin and self.headers.get("Origin") != site.base_url:
                return self.json(403, {"error": "forbidden"})
            article = content.articles.get(int(rest[1]))
            if article is None or not site.has_article(article) or not site.is_published(article):
                return self.json(404, {"error": "not found"})
            if len(rest) == 2:
                if site.variant.graphql:
                    return self.json(404, {"error": "not found"})  # articles come from /graphql only
                return self.json(200, site.article(edition, article))
            if rest[2] == site.names["related"]:
                if site.variant.related_cursor:
                    limit = int(query.get("limit", [str(RELATED_BATCH)])[0] or RELATED_BATCH)
                    return self.json(200, site.related_after(edition, article, query.get("lastId", [None])[0],
                                                             max(1, min(limit, 10))))
                offset = int(query.get("offset", ["0"])[0] or 0)
                return self.json(200, site.related(edition, article, offset))
        return self.json(404, {"error": "not found"})


class AppReplica:
    """A running app-mode replica: `site_url` serves pages, `api_url` the API."""

    def __init__(self, editions: dict[str, SiteContent], faults: AppFaults | None = None, build: str = "a1",
                 related_delay_ms: int = 120, port: int = 0, api_port: int = 0, compression: str = "auto",
                 front: bool | dict = False, flashes: dict[str, FlashTimeline] | None = None,
                 publish: PublishPlan | None = None, variant: AppVariant | None = None):
        """`compression` and `front` as for the classic `Replica`: nginx then fronts both origins.
        `flashes`: each edition's flash timeline (default: 20 flashes an edition). `publish`: a
        plan to publish by, from now on (default: none, the site stands still). `variant`: how this
        app and its API differ from the contract's plain shape."""
        flashes = flashes if flashes is not None else flash_editions(editions=tuple(editions))
        publishing = Publishing(publish).schedule(editions, flashes) if publish else None
        self.site = AppSite(editions, faults, build, related_delay_ms, flashes=flashes, publishing=publishing,
                            variant=variant)
        self.page_server = ReplicaHTTPServer(self.site, 0 if front else port, AppPageHandler, compression=compression)
        self.api_server = ReplicaHTTPServer(self.site, 0 if front else api_port, AppApiHandler, compression=compression)
        self.front = make_front([(port, self.page_server.server_address[1]),
                                 (api_port, self.api_server.server_address[1])], front)
        self.site.base_url = self.base_url
        self.site.api_url = self.api_url
        self._threads: list[threading.Thread] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def port(self) -> int:
        """The site's port as crawlers see it: the front's when there is one."""
        return public_port(self.front, self.page_server.server_address[1])

    @property
    def api_port(self) -> int:
        return public_port(self.front, self.api_server.server_address[1])

    def start_urls(self) -> str:
        """Both editions' listings, as `-a start_url=` takes them."""
        return ",".join(f"{self.base_url}{EDITION_PREFIX[e]}/article" for e in self.site.editions)

    def start(self) -> "AppReplica":
        self._threads = start_serving([self.page_server, self.api_server], self.front, "app-replica")
        return self

    def stop(self) -> None:
        stop_serving([self.page_server, self.api_server], self.front, self._threads)

    def ground_truth(self) -> dict[str, dict]:
        return self.site.ground_truth()

    def flash_truth(self, now: datetime | None = None) -> dict[str, dict]:
        return self.site.flash_truth(now)

    def __enter__(self) -> "AppReplica":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def page_date(edition: str, moment: datetime) -> str:
    """An article's date as the edition's app shows it to a reader in the site's zone."""
    return format_korean_page_date(moment) if edition == "ko" else format_page_date(moment)


def app_editions(seed: int = 1, sections: int = 6, articles: int = 60) -> dict[str, SiteContent]:
    """Two editions with overlapping ids (both count from 101) and different articles; the `ko`
    edition writes its credits in Korean; some articles of both hold lists and quotes."""
    return {"en": SiteContent(seed, sections, articles, rich_blocks=True),
            "ko": SiteContent(seed + 1000, sections, articles, language="ko", rich_blocks=True)}
