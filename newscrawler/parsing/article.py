"""Article pages: fields from JSON-LD and OpenGraph first, the page's markup second."""

from __future__ import annotations

import json
from dataclasses import dataclass

from parsel import Selector

from ..profiles import SiteProfile
from ..urls import absolute, article_id, canonicalize
from .text import clean_text, element_text


class ArticleParseError(ValueError):
    """A page that is not a usable article; `reason` is a short stats-friendly code."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass
class ParsedArticle:
    url: str
    article_id: str
    title: str
    section: str | None
    date_text: str | None          # as the page shows it
    date_iso: str | None           # JSON-LD / meta, when present
    modified_iso: str | None
    summary: str | None
    blocks: list[tuple[str, str]]  # ("p" | "h2", text) in page order
    image: dict | None
    tags: list[str]
    language: str | None
    related: list[str]
    related_loading: bool          # the block still shows its Loading placeholder
    related_present: bool          # the page has a related block at all

    @property
    def body(self) -> str:
        return "\n\n".join(text for _, text in self.blocks)

    @property
    def headings(self) -> list[str]:
        return [text for kind, text in self.blocks if kind == "h2"]


def json_ld_article(sel: Selector) -> dict:
    """The first JSON-LD object whose @type names an article; {} when none parses."""
    for raw in sel.css('script[type="application/ld+json"]::text').getall():
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        candidates = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        for item in candidates:
            kind = item.get("@type") if isinstance(item, dict) else None
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and k.endswith("Article") for k in kinds):
                return item
    return {}


def meta_content(sel: Selector, name: str) -> str | None:
    value = sel.css(f'meta[property="{name}"]::attr(content), meta[name="{name}"]::attr(content)').get()
    return clean_text(value) or None


def first_text(*values) -> str | None:
    for value in values:
        text = clean_text(value) if isinstance(value, str) else None
        if text:
            return text
    return None


def parse_blocks(sel: Selector, profile: SiteProfile) -> list[tuple[str, str]]:
    blocks = []
    for node in sel.css(profile.body).css(profile.body_blocks):
        text = element_text(node)
        if text:
            tag = node.root.tag if isinstance(node.root.tag, str) else "p"
            blocks.append(("h2" if tag in ("h2", "h3") else "p", text))
    return blocks


def parse_image(sel: Selector, base_url: str, og_image: str | None) -> dict | None:
    hero = sel.css("figure.article-hero, figure")[:1]
    src = hero.css("img::attr(src)").get() if hero else None
    url = absolute(base_url, src) or og_image
    if not url:
        return None
    return {
        "url": url,
        "alt": clean_text(hero.css("img::attr(alt)").get()) or None if hero else None,
        "caption": element_text(hero.css("figcaption")[:1]) or None if hero else None,
    }


def parse_related(sel: Selector, base_url: str, profile: SiteProfile) -> list[str]:
    """Canonical URLs of the related cards, in page order, each once."""
    seen: dict[str, None] = {}
    for href in sel.css(profile.related_cards).css("::attr(href)").getall():
        url = absolute(base_url, href)
        if url:
            seen.setdefault(canonicalize(url, profile), None)
    return list(seen)


def parse_article(html: str, url: str, profile: SiteProfile) -> ParsedArticle:
    """Fields of one article page; raises ArticleParseError when it is not a usable article."""
    sel = Selector(text=html)
    ld = json_ld_article(sel)
    canonical = absolute(url, sel.css('link[rel="canonical"]::attr(href)').get()) \
        or absolute(url, meta_content(sel, "og:url")) or url
    canonical = canonicalize(canonical, profile)
    node = sel.css(profile.article)[:1]
    the_id = (node.attrib.get(profile.article_id_attr) if node else None) \
        or article_id(canonical, profile) or article_id(url, profile)
    title = first_text(ld.get("headline"), meta_content(sel, "og:title"), element_text(sel.css(profile.title)[:1]))
    blocks = parse_blocks(sel, profile)
    truncated = "</html>" not in html[-2000:].lower()
    if not title:
        raise ArticleParseError("truncated_html" if truncated else "missing_title", url)
    if not blocks:
        raise ArticleParseError("truncated_html" if truncated else "missing_body", url)
    if not the_id:
        raise ArticleParseError("missing_article_id", url)
    section = first_text(ld.get("articleSection") if isinstance(ld.get("articleSection"), str) else None,
                         element_text(sel.css(profile.section)[:1]), meta_content(sel, "article:section"))
    og_image = absolute(url, meta_content(sel, "og:image"))
    return ParsedArticle(
        url=canonical,
        article_id=str(the_id),
        title=title,
        section=section,
        date_text=first_text(element_text(sel.css(profile.date)[:1])),
        date_iso=first_text(ld.get("datePublished"), meta_content(sel, "article:published_time")),
        modified_iso=first_text(ld.get("dateModified"), meta_content(sel, "article:modified_time")),
        summary=first_text(ld.get("description"), meta_content(sel, "og:description"),
                           meta_content(sel, "description")),
        blocks=blocks,
        image=parse_image(sel, url, og_image),
        tags=[t for t in (element_text(li) for li in sel.css(profile.tags)) if t],
        language=clean_text(sel.css("html::attr(lang)").get()) or profile.language,
        related=parse_related(sel, url, profile),
        related_loading=bool(sel.css(profile.related_loading)),
        related_present=bool(sel.css(profile.related_list)),
    )
