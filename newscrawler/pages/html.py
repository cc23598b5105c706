"""Reading what pages declare about themselves: JSON-LD, meta tags, first non-empty values."""

from __future__ import annotations

import json

from parsel import Selector

from .text import clean_text


ARTICLE_TYPES = {"BlogPosting", "LiveBlogPosting", "SocialMediaPosting", "Report"}
MAX_JSON_LD_DEPTH = 8  # @graph inside @graph inside a list...; deeper nesting is no article of ours


def is_article_type(kind) -> bool:
    """Any @type ending in `Article` (NewsArticle, ReportageNewsArticle, ...) or a blog posting."""
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and (k.split("/")[-1].endswith("Article") or k.split("/")[-1] in ARTICLE_TYPES)
               for k in kinds)


def json_ld_objects(data, depth: int = 0):
    """Every JSON-LD object of a document, through lists and `@graph` (a list or one object) at
    any depth up to MAX_JSON_LD_DEPTH."""
    if depth > MAX_JSON_LD_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            yield from json_ld_objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from json_ld_objects(data["@graph"], depth + 1)


def json_ld_article(sel: Selector) -> dict:
    """The first JSON-LD object whose @type names an article; {} when none parses."""
    for raw in sel.css('script[type="application/ld+json"]::text').getall():
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):  # broken, or nested deeper than the parser goes
            continue
        for item in json_ld_objects(data):
            if is_article_type(item.get("@type")):
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


def html_is_complete(html: str) -> bool:
    """Whether an HTML document as a server sent it reached its end: `</html>`, or `</body>` (which
    many real pages end with), in its last bytes."""
    tail = html[-4000:].lower()
    return "</html>" in tail or "</body>" in tail
