"""Reading what pages declare about themselves: JSON-LD, meta tags, first non-empty values."""

from __future__ import annotations

import json

from parsel import Selector

from .text import clean_text


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


def html_is_complete(html: str) -> bool:
    """Whether an HTML document as a server sent it reached its end: `</html>`, or `</body>` (which
    many real pages end with), in its last bytes."""
    tail = html[-4000:].lower()
    return "</html>" in tail or "</body>" in tail
