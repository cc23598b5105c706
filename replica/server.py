"""The replica's HTTP server: the URL scheme and markup of `shared/target-site.md`, plus fault modes.

Runs in a thread of the calling process (tests, benchmarks) or as `python -m replica` (demo).
It binds 127.0.0.1 only.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import socket
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .content import SITE_NAME, Article, SiteContent, format_card_date

STATIC_DIR = Path(__file__).parent / "static"
PAGE_SIZE = 10
RELATED_BATCH = 3
TRANSPARENT_GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


@dataclass
class Faults:
    """Fault modes, all off by default; chosen per path from `seed` so runs are deterministic."""

    seed: int = 0
    error_rate: float = 0.0          # share of pages answering 500 or 503 once
    slow_rate: float = 0.0           # share of pages answering after `slow_seconds`
    slow_seconds: float = 2.0
    drop_rate: float = 0.0           # share of pages whose connection drops mid-body once
    never_load_related: set[int] = field(default_factory=set)
    truncated: set[int] = field(default_factory=set)
    no_title: set[int] = field(default_factory=set)    # no h1, og:title, JSON-LD headline or <title>
    bad_date: set[int] = field(default_factory=set)    # a date no parser reads, and no JSON-LD
    huge: set[int] = field(default_factory=set)        # answers an 11 MB page (inline app data)
    non_html: set[int] = field(default_factory=set)    # answers application/pdf
    down: set[int] = field(default_factory=set)        # answers 503 every time (down for a whole run)
    crawl_delay: float = 0.0                          # robots.txt Crawl-delay, seconds (0: none)
    redirect_loop: bool = False
    offsite_links: bool = False
    challenge: bool = False   # articles answer a bot check (503, "Just a moment...") until its cookie is set

    def picks(self, path: str, rate: float, salt: str) -> bool:
        if rate <= 0:
            return False
        digest = hashlib.sha256(f"{self.seed}:{salt}:{path}".encode()).digest()
        return int.from_bytes(digest[:4], "big") / 2**32 < rate


FEED_LINK = '<link rel="alternate" type="application/rss+xml" title="Latest" href="/rss.xml">'


def fails_once(site, path: str, rate: float, salt: str) -> bool:
    """True the first time a path that `site.faults` picks for this fault is requested (either mode's
    site: its `faults`, `lock` and `_failed_once`)."""
    if not site.faults.picks(path, rate, salt):
        return False
    with site.lock:
        key = f"{salt}:{path}"
        if key in site._failed_once:
            return False
        site._failed_once.add(key)
        return True


def page(title: str, body: str, head: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(title)} | {SITE_NAME}</title>{FEED_LINK}{head}</head><body>{body}</body></html>")


class ReplicaSite:
    """Renders pages of a SiteContent; the handler only routes."""

    def __init__(self, content: SiteContent, faults: Faults | None = None, related_delay_ms: int = 120):
        self.content = content
        self.faults = faults or Faults()
        self.related_delay_ms = related_delay_ms
        self.base_url = ""
        self.redirect_hosts: set[str] = set()  # names answered with a redirect to base_url
        self.requests: list[str] = []   # every request's path and query, in order
        self.request_times: list[float] = []  # when each arrived (time.monotonic()), in the same order
        self._failed_once: set[str] = set()
        self.lock = threading.Lock()

    # -- shared fragments -------------------------------------------------------------------
    def header(self) -> str:
        links = "".join(f'<a href="/section/{slug}">{escape(label)}</a> '
                        for slug, label in self.content.sections)
        return (f'<header class="site-header"><a class="logo" href="/">{SITE_NAME}</a>'
                f'<nav class="sections">{links}</nav></header><a class="to-top" href="#top">Top</a>')

    def card_href(self, article: Article, position: int) -> str:
        """Some links carry tracking parameters or fragments, some use the short URL."""
        if position % 7 == 3:
            return f"/article/{article.id}"
        if position % 5 == 1:
            return f"{article.path}?utm_source=listing&utm_medium=web"
        if position % 6 == 2:
            return f"{article.path}#comments"
        return article.path

    def card(self, article: Article, position: int) -> str:
        now = datetime.now(timezone.utc)
        return (f'<a class="card" href="{escape(self.card_href(article, position))}">'
                f'<div class="card-meta"><span class="card-section">{escape(article.section)}</span>·'
                f'<span class="card-date">{format_card_date(article.published, now)}</span></div>'
                f'<h3 class="card-title">{escape(article.title)}</h3>'
                f'<div class="card-preview">{escape(article.preview())}</div>'
                f'<span class="card-tag">news</span></a>')

    # Links a crawler must not follow, as cards where it looks for articles (listings and the
    # related block): another host's article, other schemes, and a redirect loop on the site.
    OFFSITE_HREFS = ("https://offsite.invalid/article/1/elsewhere", "javascript:alert(1)",
                     "mailto:desk@example.invalid", "data:text/html,hi", "file:///etc/passwd")
    LOOP_HREF = "/loop/a"

    def trap_hrefs(self) -> list[str]:
        hrefs = list(self.OFFSITE_HREFS) if self.faults.offsite_links else []
        return hrefs + ([self.LOOP_HREF] if self.faults.redirect_loop else [])

    def trap_cards(self) -> str:
        return "".join(f'<a class="card" href="{escape(href)}"><h3 class="card-title">Partner</h3></a>'
                       for href in self.trap_hrefs())

    # -- pages ------------------------------------------------------------------------------
    def home(self) -> str:
        featured = self.content.newest_first()[:4]
        cards = "".join(self.card(a, i) for i, a in enumerate(featured))
        body = (f'{self.header()}<main><h1 class="listing-title">Top stories</h1>'
                f'<a class="view-all" href="/articles">View All</a>'
                f'<div class="card-list">{cards}{self.trap_cards()}</div></main>')
        return page("Home", body)

    def listing(self, articles: list[Article], number: int, title: str, section_page: bool) -> str | None:
        pages = max(1, -(-len(articles) // PAGE_SIZE))
        if number < 1 or number > pages:
            return None
        chunk = articles[(number - 1) * PAGE_SIZE: number * PAGE_SIZE]
        cards = "".join(self.card(a, (number - 1) * PAGE_SIZE + i) for i, a in enumerate(chunk))
        parts = [self.header(), f'<main><h1 class="listing-title">{escape(title)}</h1>']
        if section_page:
            parts.append('<a class="view-all" href="/articles">View All</a>')
        parts.append(f'<div class="card-list">{cards}{self.trap_cards()}</div>')
        if section_page:
            links = "".join(f'<a href="?page={n}">{n}</a> ' for n in range(1, pages + 1))
            if number < pages:
                links += f'<a class="next" rel="next" href="?page={number + 1}">Next</a>'
            parts.append(f'<nav class="pagination">{links}</nav>')
        elif number < pages:
            parts.append(f'<a class="load-more" href="/articles?page={number + 1}">Load more</a>')
        parts.append("</main>")
        return page(title, "".join(parts))

    def article(self, article: Article) -> str:
        base = self.base_url
        canonical = base + article.path
        titled = article.id not in self.faults.no_title
        head = [f'<link rel="canonical" href="{canonical}">',
                '<meta property="og:type" content="article">',
                f'<meta property="og:title" content="{escape(article.title)}">' if titled else "",
                f'<meta property="og:description" content="{escape(article.summary)}">',
                f'<meta property="og:url" content="{canonical}">',
                '<meta property="og:site_name" content="Crypto Replica News">']
        if article.hero_url:
            head.append(f'<meta property="og:image" content="{base}{article.hero_url}">')
        if article.jsonld and titled and article.id not in self.faults.bad_date:
            data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": article.title,
                    "datePublished": article.published.isoformat(), "articleSection": article.section,
                    "url": canonical}
            if article.modified:
                data["dateModified"] = article.modified.isoformat()
            head.append(f'<script type="application/ld+json">{json.dumps(data)}</script>')
        head.append('<link rel="stylesheet" href="/static/site.css">')
        title = escape(article.title) if titled else ""
        date_text = "Sometime last spring" if article.id in self.faults.bad_date else article.date_raw
        hero = ""
        if article.hero_url:
            hero = (f'<figure class="article-hero"><img src="{article.hero_url}" alt="{escape(article.hero_alt)}">'
                    f'<figcaption>{escape(article.hero_credit.text)}</figcaption></figure>')
        blocks = "".join(f"<{'h2' if b.kind == 'h2' else 'p'}>{escape(b.text)}</{'h2' if b.kind == 'h2' else 'p'}>"
                         for b in article.blocks)
        tags = "".join(f"<li>{escape(t)}</li>" for t in article.tags)
        delay = 10**9 if article.id in self.faults.never_load_related else self.related_delay_ms
        body = (f'{self.header()}<main><article class="article" data-article-id="{article.id}">'
                f'<h1 class="article-title">{title}</h1>'
                f'<div class="article-meta"><a class="article-section" href="/section/{article.section_slug}">'
                f'{escape(article.section)}</a>·<span class="article-date">{escape(date_text)}</span></div>'
                f'{hero}<div class="article-body">{blocks}</div><ul class="article-tags">{tags}</ul>'
                f'</article><section class="more-to-read"><div class="more-to-read-head">'
                f'<h2>More to Read</h2><a class="view-all" href="/articles">View All</a></div>'
                f'<div class="related-list" data-article-id="{article.id}" data-delay="{delay}">'
                f'<div class="loading">Loading</div></div><div class="related-sentinel"></div></section>'
                f'</main><script src="/static/related.js"></script>')
        html = page(article.title if titled else "", body, "".join(head))
        if article.id in self.faults.truncated:
            # Cut off mid-body: the title and the first paragraph arrive, the rest never does.
            html = html[: html.index("</p>", html.index('<div class="article-body">')) + 4]
        return html

    def related(self, article: Article, offset: int) -> dict:
        ids = article.related_ids
        now = datetime.now(timezone.utc)
        cards = []
        for related_id in ids[offset: offset + RELATED_BATCH]:
            other = self.content.articles[related_id]
            cards.append({"url": f"{other.path}?ref=related", "title": other.title, "section": other.section,
                          "date": format_card_date(other.published, now), "preview": other.preview()})
        if offset + RELATED_BATCH >= len(ids):  # the last batch also carries links not to follow
            cards += [{"url": href, "title": "Partner", "section": "", "date": "", "preview": ""}
                      for href in self.trap_hrefs()]
        return {"total": len(ids), "cards": cards}

    def robots(self) -> str:
        delay = f"Crawl-delay: {self.faults.crawl_delay:g}\n" if self.faults.crawl_delay else ""
        return f"User-agent: *\nDisallow: /admin/\n{delay}\nSitemap: {self.base_url}/sitemap.xml\n"

    # -- what sites publish for crawlers and readers ---------------------------------------------
    def sitemap_index(self) -> str:
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f'<sitemap><loc>{self.base_url}/sitemap-articles.xml</loc></sitemap></sitemapindex>')

    def sitemap(self) -> str:
        """Every article (listed or not), as a news sitemap: publication dates with their offset."""
        entries = "".join(
            f"<url><loc>{self.base_url}{a.path}</loc><news:news><news:publication_date>{a.published.isoformat()}"
            f"</news:publication_date><news:title>{escape(a.title)}</news:title></news:news></url>"
            for a in self.content.newest_first(listed_only=False))
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{entries}</urlset>')

    def rss(self) -> str:
        """The 20 newest listed articles."""
        items = "".join(
            f"<item><title>{escape(a.title)}</title><link>{self.base_url}{a.path}</link>"
            f"<pubDate>{format_datetime(a.published)}</pubDate></item>" for a in self.content.newest_first()[:20])
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>{SITE_NAME}</title>'
                f"<link>{self.base_url}/</link>{items}</channel></rss>")

    def last_published(self) -> datetime:
        """When the site last published: the `Last-Modified` of its listings and feeds."""
        newest = self.content.newest_first(listed_only=False)
        return newest[0].published if newest else datetime(2020, 1, 1, tzinfo=timezone.utc)

    def should_fail_once(self, path: str, rate: float, salt: str) -> bool:
        """True the first time a path picked for this fault is requested."""
        return fails_once(self, path, rate, salt)


# Text answers are compressed as real servers compress them: `auto` negotiates with the client's
# Accept-Encoding (brotli first, as browsers and CDNs prefer it, then gzip), `off` never compresses,
# and a named encoding is sent whether the client asked for it or not (servers that do exist).
COMPRESSIONS = ("auto", "off", "gzip", "deflate", "br", "zstd")
COMPRESSIBLE = {"text/html", "text/plain", "text/css", "text/xml", "application/xml", "application/json",
                "application/javascript", "application/rss+xml", "application/atom+xml"}


def accepted_encodings(header: str) -> set[str]:
    """The codings an Accept-Encoding header accepts (a weight of `q=0` refuses one)."""
    accepted = set()
    for part in header.lower().split(","):
        name, *params = (piece.strip() for piece in part.split(";"))
        weight = next((param[2:] for param in params if param.startswith("q=")), "1")
        try:
            refused = float(weight) <= 0
        except ValueError:
            refused = True
        if name and not refused:
            accepted.add(name)
    return accepted


def choose_encoding(compression: str, accept_encoding: str) -> str | None:
    if compression == "off":
        return None
    if compression != "auto":
        return compression
    accepted = accepted_encodings(accept_encoding)
    return next((name for name in ("br", "gzip") if name in accepted), None)


def validators_of(body: bytes | str, last_modified: datetime) -> dict:
    """`ETag` and `Last-Modified` of an answer, as a CMS sends them: the version of what the page
    shows (relative card times such as "3 hours ago" masked: they age, the page does not change),
    and the time of its newest content. nginx passes both on (weakened `W/` once it compresses)."""
    text = body.decode() if isinstance(body, bytes) else body
    version = hashlib.sha256(CARD_DATE.sub("", text).encode()).hexdigest()[:16]
    return {"ETag": f'"{version}"', "Last-Modified": format_datetime(last_modified.astimezone(timezone.utc), usegmt=True)}


CARD_DATE = re.compile(r'<span class="card-date">[^<]*</span>')


def opaque_tags(header: str) -> set[str]:
    """The entity tags an `If-None-Match` names, compared weakly (`W/"x"` is `"x"`): GET may."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def is_unchanged(request_headers, validators: dict) -> bool:
    """A conditional GET the answer would not change: `If-None-Match` naming its tag (or `*`),
    else `If-Modified-Since` at or after its `Last-Modified` (RFC 9110 13.2.2: the tag wins)."""
    if_none_match = request_headers.get("If-None-Match")
    if if_none_match:
        tags = opaque_tags(if_none_match)
        return "*" in tags or validators["ETag"] in tags
    since = request_headers.get("If-Modified-Since")
    if not since:
        return False
    try:
        return parsedate_to_datetime(since) >= parsedate_to_datetime(validators["Last-Modified"])
    except (TypeError, ValueError, IndexError):
        return False


def compress(data: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.compress(data, compresslevel=5, mtime=0)
    if encoding == "deflate":
        return zlib.compress(data)
    if encoding == "br":
        import brotli

        return brotli.compress(data, quality=4)
    if encoding == "zstd":
        from backports import zstd

        return zstd.compress(data)
    raise ValueError(f"unknown content coding {encoding!r}")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "ReplicaHTTPServer"

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass  # quiet: tests read the crawler's log, not the server's

    def send(self, status: int, body: bytes | str, content_type: str = "text/html; charset=utf-8",
             headers: dict | None = None, drop: bool = False, modified: datetime | None = None) -> None:
        """`modified`: the time of the page's newest content; with it (and the server's `validators`
        on) the answer carries `ETag` and `Last-Modified`, and a conditional GET it would not change
        is answered 304 without a body."""
        data = body.encode() if isinstance(body, str) else body
        if modified is not None and status == 200 and self.server.validators:
            validators = validators_of(data, modified)
            if is_unchanged(self.headers, validators):
                return self.send_not_modified(validators)
            headers = {**(headers or {}), **validators}
        encoding = None
        if content_type.split(";")[0].strip() in COMPRESSIBLE:
            encoding = choose_encoding(self.server.compression, self.headers.get("Accept-Encoding", ""))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if encoding:
            data = compress(data, encoding)
            self.send_header("Content-Encoding", encoding)
        if self.server.compression != "off":
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if drop:
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_not_modified(self, validators: dict) -> None:
        self.send_response(304)
        for name, value in validators.items():
            self.send_header(name, value)
        self.end_headers()

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        site = self.server.site
        asked_host = (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()
        if asked_host in site.redirect_hosts:
            return self.send(301, "", headers={"Location": site.base_url + self.path})
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        with site.lock:
            site.requests.append(self.path)
            site.request_times.append(time.monotonic())
        faults = site.faults
        is_page = not path.startswith(("/static/", "/img/", "/api/")) and path not in ("/robots.txt", "/sitemap.xml", "/sitemap-articles.xml", "/rss.xml")
        if is_page and faults.picks(path, faults.slow_rate, "slow"):
            time.sleep(faults.slow_seconds)
        if is_page and site.should_fail_once(path, faults.error_rate, "error"):
            return self.send(503 if faults.picks(path, 0.5, "which") else 500, "Server error")
        drop = is_page and site.should_fail_once(path, faults.drop_rate, "drop")
        try:
            number = int(query.get("page", ["1"])[0])
        except ValueError:
            number = 0
        segments = [s for s in path.split("/") if s]
        if path == "/robots.txt":
            return self.send(200, site.robots(), "text/plain")
        if path in ("/sitemap.xml", "/sitemap-articles.xml", "/rss.xml"):
            body = {"/sitemap.xml": site.sitemap_index, "/sitemap-articles.xml": site.sitemap, "/rss.xml": site.rss}[path]()
            return self.send(200, body, "application/xml", modified=site.last_published())
        if path == "/":
            return self.send(200, site.home(), drop=drop, modified=site.last_published())
        if path.startswith("/static/") and (STATIC_DIR / segments[-1]).is_file():
            kind = "application/javascript" if path.endswith(".js") else "text/css"
            return self.send(200, (STATIC_DIR / segments[-1]).read_bytes(), kind)
        if segments[:1] == ["img"]:
            return self.send(200, TRANSPARENT_GIF, "image/gif")
        if segments[:1] == ["loop"] and len(segments) == 2:
            return self.send(302, "", headers={"Location": "/loop/b" if segments[1] == "a" else "/loop/a"})
        if path == "/articles":
            html = site.listing(site.content.newest_first(), number, "All Articles", section_page=False)
            return self.send(200, html, drop=drop, modified=site.last_published()) if html else self.send(404, "Not found")
        if segments[:1] == ["section"] and len(segments) == 2:
            label = site.content.section_label(segments[1])
            html = label and site.listing(site.content.newest_first(section=segments[1]), number, label, True)
            return self.send(200, html, drop=drop, modified=site.last_published()) if html else self.send(404, "Not found")
        if segments[:1] == ["api"] and len(segments) == 4 and segments[1] == "articles":
            article = site.content.articles.get(int(segments[2])) if segments[2].isdigit() else None
            if not article:
                return self.send(404, "{}", "application/json")
            offset = int(query.get("offset", ["0"])[0] or 0)
            return self.send(200, json.dumps(site.related(article, offset)), "application/json")
        if segments[:1] == ["article"] and len(segments) in (2, 3) and segments[1].isdigit():
            return self.article_page(site, int(segments[1]), segments[2:], drop)
        return self.send(404, "Not found")

    def article_page(self, site: ReplicaSite, article_id: int, slug: list[str], drop: bool):
        article = site.content.articles.get(article_id)
        if not article:
            return self.send(404, "Not found")
        if article_id in site.faults.down:
            return self.send(503, "Service unavailable")
        if not slug or slug[0] != article.slug:
            return self.send(301, "", headers={"Location": article.path})
        if site.faults.challenge and "challenge_passed=1" not in (self.headers.get("Cookie") or ""):
            return self.send(503, CHALLENGE_PAGE)
        if article_id in site.faults.non_html:
            return self.send(200, b"%PDF-1.4 not a page", "application/pdf")
        html = site.article(article)
        if article_id in site.faults.huge:
            # Inline data, as an app's pages carry it: part of the document a browser keeps.
            data = '<script type="application/json" id="app-data">"' + "x" * 11_000_000 + '"</script>'
            html = html.replace("</body>", data + "</body>")
        return self.send(200, html, drop=drop, modified=article.modified or article.published)


# A CDN's bot check as it is served: a script sets the clearance cookie and loads the page again.
CHALLENGE_PAGE = ('<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>'
                  '<p>Checking your browser before accessing the site.</p><script>'
                  'document.cookie = "challenge_passed=1; path=/"; setTimeout(function () { location.reload(); }, 50);'
                  '</script></body></html>')


class ReplicaHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, site, port: int = 0, handler=None, compression: str = "auto", validators: bool = True):
        super().__init__(("127.0.0.1", port), handler or Handler)
        self.site = site
        self.validators = validators
        if compression not in COMPRESSIONS:
            raise ValueError(f"compression {compression!r}: one of {', '.join(COMPRESSIONS)}")
        self.compression = compression


class Replica:
    """A running replica: `with Replica(SiteContent(...)) as replica: replica.base_url`."""

    def __init__(self, content: SiteContent, faults: Faults | None = None, port: int = 0,
                 related_delay_ms: int = 120, host: str = "127.0.0.1", redirect_hosts: tuple[str, ...] = (),
                 compression: str = "auto", front: bool | dict = False, validators: bool = True,
                 tls: tuple | None = None):
        """`host`: the name the site lives on (its links, sitemaps and canonicals name it; it must
        resolve to 127.0.0.1); `redirect_hosts`: names it answers with a permanent redirect to `host`,
        as a site on `www.` does for its bare name. `compression`: see `COMPRESSIONS`. `front`: serve
        through a real nginx (`replica.front`, listening on `port`), the replica behind it on a port
        of its own; a dict gives `NginxFront`'s options (`http_extra`, `location_extra`).
        `validators`: listings, feeds, sitemaps and articles carry `ETag` and `Last-Modified`, and
        conditional requests they would not change are answered 304. `tls`: (certificate file, key
        file): served over HTTPS with them (without a front)."""
        self.host = host
        self.site = ReplicaSite(content, faults, related_delay_ms)
        self.site.redirect_hosts = set(redirect_hosts)
        self.server = ReplicaHTTPServer(self.site, 0 if front else port, compression=compression,
                                        validators=validators)
        self.scheme = "https" if tls else "http"
        if tls:
            self.server.socket = tls_context(*tls).wrap_socket(self.server.socket, server_side=True)
        self.front = make_front([(port, self.server.server_address[1])], front)
        self.site.base_url = self.base_url
        self._threads: list[threading.Thread] = []

    @property
    def content(self) -> SiteContent:
        return self.site.content

    @property
    def port(self) -> int:
        """The port crawlers use: the front's when there is one."""
        return public_port(self.front, self.server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def start(self) -> "Replica":
        self._threads = start_serving([self.server], self.front, "replica")
        return self

    def stop(self) -> None:
        stop_serving([self.server], self.front, self._threads)

    def ground_truth(self) -> dict[str, dict]:
        return self.content.ground_truth(self.base_url)

    def __enter__(self) -> "Replica":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def tls_context(certificate, key):
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    return context


def make_front(routes: list[tuple[int, int]], front: bool | dict):
    """An `NginxFront` for these `(public port, origin port)` pairs (a public port of 0: a free
    one), or None."""
    if not front:
        return None
    from .front import NginxFront, free_port

    options = front if isinstance(front, dict) else {}
    return NginxFront({public or free_port(): origin for public, origin in routes}, **options)


def start_serving(servers: list, front, name: str) -> list[threading.Thread]:
    """Serve each origin on a thread of its own, then start the front before them (the origins
    stopped again when the front cannot start)."""
    threads = [threading.Thread(target=server.serve_forever, name=name, daemon=True) for server in servers]
    for thread in threads:
        thread.start()
    if front:
        try:
            front.start()
        except Exception:
            stop_serving(servers, front, threads)
            raise
    return threads


def stop_serving(servers: list, front, threads: list[threading.Thread]) -> None:
    if front:
        front.stop()
    for server in servers:
        server.shutdown()
        server.server_close()
    for thread in threads:
        thread.join(timeout=5)


def public_port(front, origin_port: int) -> int:
    """The port that answers for an origin: its front's, when it has one."""
    if front:
        return next(port for port, origin in front.routes.items() if origin == origin_port)
    return origin_port
