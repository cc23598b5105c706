"""Pages that are only a gate before the page: a script that sends the reader elsewhere, or one that
sets a cookie and loads the page again (consent and bot checks). A browser passes them without a
word; read as HTML they hold nothing, and a crawl that took them for listings would lose the article
silently. No Scrapy import: HTML in, a verdict out."""

from __future__ import annotations

import re

from parsel import Selector

SCRIPT_REDIRECT = "script_redirect"
COOKIE_GATE = "cookie_gate"
# What a gate shows a reader at most ("Redirecting...", "Checking your browser", a noscript line).
MAX_GATE_TEXT = 300
SENDS_ELSEWHERE = re.compile(
    r"\b(?:window\.|document\.|top\.|self\.)?location(?:\.href)?\s*=(?!=)|\blocation\.(?:replace|assign)\s*\(", re.I)
RELOADS = re.compile(r"\blocation\.reload\s*\(|\blocation(?:\.href)?\s*=\s*(?:window\.|document\.)?location", re.I)
SETS_COOKIE = re.compile(r"\bdocument\.cookie\s*=(?!=)", re.I)


def visible_text_length(sel: Selector) -> int:
    texts = sel.xpath("//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
                      " or ancestor::template)]").getall()
    return len(" ".join(" ".join(texts).split()))


def page_gate(html: str) -> str | None:
    """`cookie_gate` for a page whose script sets a cookie and loads a page again, `script_redirect`
    for one whose script sends the reader to another address, each only when the page shows next to
    nothing of its own; None for any other page."""
    sel = Selector(text=html or "<html></html>", type="html")
    if visible_text_length(sel) > MAX_GATE_TEXT:
        return None
    scripts = "\n".join(sel.xpath("//script[not(@src)]/text()").getall())
    if SETS_COOKIE.search(scripts) and (RELOADS.search(scripts) or SENDS_ELSEWHERE.search(scripts)):
        return COOKIE_GATE
    if SENDS_ELSEWHERE.search(scripts):
        return SCRIPT_REDIRECT
    return None
