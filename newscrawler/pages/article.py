"""Article pages: one small method per field, JSON-LD and meta tags first, the page's markup second.

`ArticlePage` reads the markup its class attributes name; a site subclasses it with its own
selectors, and a redesign subclasses that again, overriding only what changed. `to_item()` gives
the typed `ArticleItem` the pipelines complete.
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import cached_property


from ..cleaning.date_order import day_first_for
from ..items import ArticleItem, Extraction, Image
from ..text import clean_text, element_text
from ..urls import UrlRules, absolute, host_family, host_of
from .body_text import text_blocks
from .html import (base_url, date_value, first_text, html_is_complete, html_selector, json_ld_article, meta_content,
                   within_parser_depth)
from .related import RelatedBlock, RelatedSelectors


# Pages larger than this are refused (`page_too_large`) rather than read: reading costs about 2 s
# and 30 times the page's size in memory per MB (bench/extract_scaling.py); real articles are far
# smaller, and a page this large is a page of something else.
MAX_PAGE_CHARS = 10 * 1024 * 1024


def readable(html: str) -> str:
    """`html` without lone surrogates (a page's `&#xD800;`, a bad decode), which no parser takes."""
    try:
        html.encode("utf-8")
        return html
    except UnicodeEncodeError:
        return html.encode("utf-8", "replace").decode("utf-8")


class ArticleParseError(ValueError):
    """A page that is not a usable article; `reason` is a short stats-friendly code."""

    def __init__(self, reason: str, detail: str = "", retry: bool = False):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.retry = retry  # the page may well be fine next time (the site's app failed to draw it)


class ArticlePage:
    """An article page of the markup of `docs/target-site.md`; subclasses name other selectors."""

    article = "article.article"
    article_id_attr = "data-article-id"
    title_css = "h1.article-title"
    section_css = ".article-meta .article-section"
    date_css = ".article-meta .article-date"
    hero_css = "figure"  # the article's first figure; a site names its lead picture's own class
    body_css = ".article-body"
    tags_css = "ul.article-tags li"
    related = RelatedSelectors(list=".related-list", cards="a.card", loading=".loading", sentinel=".related-sentinel")
    default_language = "en"
    # Whether the page's own script writes the date, in the browser's zone (an app), rather than
    # the server in the site's.
    dates_in_browser_zone = False
    rendered_css: str | None = None  # on pages built in the browser: what shows the app has drawn them
    # Without these a page of the site is no usable article (refused, and counted): its markup
    # changed. A site whose pages say themselves whether they are articles (generic) requires none:
    # an article keeps what it has, and what it lacks is counted (`news/field_missing/<field>`).
    required: tuple[str, ...] = ("title", "body")

    def __init__(self, html: str, url: str, urls: UrlRules, server_html_complete: bool | None = None,
                 fetched_at: datetime | None = None):
        # When the page was fetched: "now" for every date rule that needs one (never the wall clock
        # at some later moment of reading).
        self.fetched_at = fetched_at or datetime.now(timezone.utc)
        self.too_large = len(html) > MAX_PAGE_CHARS
        self.html = "<html></html>" if self.too_large else within_parser_depth(readable(html))
        self.url = url
        self.urls = urls
        self.sel = html_selector(self.html)
        # Whether the HTML the server sent ended; None: `html` is what it sent.
        self.server_html_complete = server_html_complete

    # -- what kind of page ---------------------------------------------------------------------------
    def is_article(self) -> bool:
        """Whether the page is an article at all. A site's article URLs name articles; a site
        without rules (generic) judges by what the page declares, else by what it shows."""
        return True

    def declares_article(self) -> bool:
        """Whether the page says it is an article (a site's article URLs say so for it)."""
        return True

    # -- what the page declares about itself ------------------------------------------------------
    @cached_property
    def base(self) -> str:
        """What the page's relative links resolve against (its `<base href>`, else its URL)."""
        return base_url(self.sel, self.url)

    @cached_property
    def ld(self) -> dict:
        return json_ld_article(self.sel, self.url)

    def meta(self, name: str) -> str | None:
        return meta_content(self.sel, name)

    def markup_text(self, css: str) -> str:
        return element_text(self.sel.css(css)[:1])

    # -- fields ------------------------------------------------------------------------------------
    def canonical_url(self) -> str:
        """The page's declared canonical URL when it is an article URL of this host; the URL it was
        fetched under otherwise (a canonical pointing at the home page or at another host would make
        this article collide with others)."""
        for declared in (*self.declared_canonicals(), self.meta("og:url")):
            url = absolute(self.base, declared)
            if url and self.names_this_article(url):
                return self.urls.canonicalize(url)
        return self.urls.canonicalize(self.url)

    def declared_canonicals(self) -> list[str]:
        """The hrefs of the page's canonical links in order, however written (`rel="Canonical"`,
        `rel="alternate canonical"`), without empty ones (a template's empty first tag)."""
        hrefs = self.sel.xpath('//link[contains(concat(" ", translate(normalize-space(@rel), "CANOIL", "canoil"), " "),'
                               ' " canonical ")]/@href').getall()
        return [href.strip() for href in hrefs if href.strip()]

    def names_this_article(self, url: str) -> bool:
        """Whether a declared canonical URL can be this article's: an article URL of this site."""
        return self.is_article_here(url)

    def is_article_here(self, url: str) -> bool:
        """An article URL (by the site's rules) on the site this page came from (`www.` or not)."""
        return host_family(host_of(url)) == host_family(host_of(self.url)) and self.urls.article_id(url) is not None

    def article_id(self) -> str | None:
        node = self.sel.css(self.article)[:1]
        declared = node.attrib.get(self.article_id_attr) if node else None
        return declared or self.urls.article_id(self.canonical_url()) or self.urls.article_id(self.url)

    def title(self) -> str | None:
        return first_text(self.ld.get("headline"), self.meta("og:title"), self.markup_text(self.title_css))

    def section(self) -> str | None:
        declared = self.ld.get("articleSection")
        return first_text(declared if isinstance(declared, str) else None, self.markup_text(self.section_css),
                          self.meta("article:section"))

    def published_raw(self) -> str | None:
        return first_text(self.markup_text(self.date_css))

    def published_iso(self) -> str | None:
        return first_text(date_value(self.ld.get("datePublished")), self.meta("article:published_time"))

    def published_zone(self) -> str | None:
        """The zone of `published_raw()` when it is not the site's: the browser's, as the render
        recorded it."""
        if not self.dates_in_browser_zone:
            return None
        return self.sel.css("html::attr(data-newscrawler-timezone)").get() or None

    def modified_iso(self) -> str | None:
        return first_text(date_value(self.ld.get("dateModified")), self.meta("article:modified_time"))

    def summary(self) -> str | None:
        return first_text(self.ld.get("description"), self.meta("og:description"), self.meta("description"))

    @cached_property
    def blocks(self) -> list[tuple[str, str]]:
        """All the text a reader reads in the content, in page order (`body_text.text_blocks`)."""
        return text_blocks(self.sel.css(self.body_css)[:1])

    def body(self) -> str:
        return "\n\n".join(text for _, text in self.blocks)

    def headings(self) -> list[str]:
        return [text for kind, text in self.blocks if kind == "h2"]

    def image(self) -> Image | None:
        hero = self.sel.css(self.hero_css)[:1]
        src = hero.css("img::attr(src)").get() if hero else None
        url = absolute(self.base, src) or absolute(self.base, self.meta("og:image"))
        if not url:
            return None
        if not hero:
            return Image(url)
        return Image(url, alt=clean_text(hero.css("img::attr(alt)").get()) or None,
                     caption=element_text(hero.css("figcaption")[:1]) or None)

    def tags(self) -> list[str]:
        return [t for t in (element_text(node) for node in self.sel.css(self.tags_css)) if t]

    def language(self) -> str | None:
        return clean_text(self.sel.css("html::attr(lang)").get()) or self.default_language

    def related_urls(self) -> list[str]:
        """Canonical URLs of the related cards that are articles of this site, in page order, each once."""
        seen: dict[str, None] = {}
        cards = self.sel.css(self.related.list).css(self.related.cards)
        for href in cards.css("::attr(href)").getall():
            url = absolute(self.base, href)
            if url and self.is_article_here(url):
                seen.setdefault(self.urls.canonicalize(url), None)
        return list(seen)

    def related_block(self) -> RelatedBlock:
        return RelatedBlock.read(self.sel, self.related, self.related_urls())

    @cached_property
    def related_seen(self) -> RelatedBlock:
        """The related block, read once for the item and for whoever counts renders."""
        return self.related_block()

    # -- the whole -----------------------------------------------------------------------------------
    def is_truncated(self) -> bool:
        """Judged on the bytes the server sent: a browser completes any DOM it was given."""
        if self.server_html_complete is not None:
            return not self.server_html_complete
        return not html_is_complete(self.html)

    def validate(self) -> None:
        """Raise ArticleParseError unless the page is a usable article; a page the server cut off is
        never one, even when what arrived has a title and some body (it would be stored partial)."""
        if self.too_large:
            raise ArticleParseError("page_too_large", f"{self.url} is over {MAX_PAGE_CHARS // 1024 // 1024} MB")
        if self.is_truncated() and self.server_html_complete is not None:
            # A dropped connection cuts a page too: the whole page may well come next time.
            raise ArticleParseError("truncated_html", self.url, retry=True)
        if (not self.title() or not self.blocks) and self.is_truncated():
            raise ArticleParseError("truncated_html", self.url)
        if "title" in self.required and not self.title():
            raise ArticleParseError("missing_title", self.url)
        if "body" in self.required and not self.blocks:
            raise ArticleParseError("missing_body", self.url)
        if not self.article_id():
            raise ArticleParseError("missing_article_id", self.url)

    # The item's fields a page reads, each by the method named beside it: declared once here, and
    # `to_item` builds the item from this list (a site's page class overrides methods, not the list).
    ITEM_FIELDS = {
        "url": "canonical_url", "title": "title", "section": "section", "published_at_raw": "published_text",
        "summary": "summary", "body": "body", "headings": "headings",
        "image": "image", "related": "related_urls_seen", "related_status": "related_status",
        "tags": "tags", "language": "language", "extraction": "extraction",
    }

    @cached_property
    def published_text_and_source(self) -> tuple[str | None, str | None]:
        """The date as the page shows it, else as it declares it; and which of the two it is."""
        shown = self.published_raw()
        if shown:
            return shown, "shown"
        declared = self.published_iso()
        return (declared, "declared") if declared else (None, None)

    def published_text(self) -> str | None:
        return self.published_text_and_source[0]

    def day_first(self) -> bool | None:
        """How the page writes numeric dates: day first, month first, or not known (None)."""
        return day_first_for(self.language())

    def extraction(self) -> Extraction:
        return Extraction(published_iso=self.published_iso(), published_zone=self.published_zone(),
                          modified_iso=self.modified_iso(), date_source=self.published_text_and_source[1],
                          day_first=self.day_first())

    def related_urls_seen(self) -> list[str]:
        return self.related_seen.stored_urls

    def related_status(self) -> str:
        return self.related_seen.status

    def to_item(self, site: str, fetched_at: datetime | None = None, seen_as: list[str] = ()) -> ArticleItem:
        """The article as an item; `seen_as` are the URLs it was reached under (they become aliases)."""
        self.validate()
        values = {name: getattr(self, method)() for name, method in self.ITEM_FIELDS.items()}
        aliases = dict.fromkeys(self.urls.canonicalize(u) for u in seen_as if u)
        return ArticleItem(**values, site=site, article_id=str(self.article_id()),
                           aliases=[u for u in aliases if u != values["url"]], fetched_at=fetched_at or self.fetched_at)
