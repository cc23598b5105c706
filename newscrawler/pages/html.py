"""Reading what pages declare about themselves: JSON-LD, meta tags, first non-empty values."""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser
from parsel import Selector

from ..text import clean_text
from ..urls import absolute, path_of


WRAPPER = re.compile(r"^\s*(?:<!\[CDATA\[|<!--)|(?:\]\]>|-->)\s*$")
TRAILING_COMMA = re.compile(r",\s*([}\]])")
ARTICLE_TYPE_IN_TEXT = re.compile(r'"@type"\s*:\s*\[?\s*"[^"]*(?:Article|BlogPosting|Report)"')
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


def lenient_json(raw: str):
    """JSON-LD as pages write it: control characters in strings, a CDATA or comment wrapper,
    trailing commas. None when it still does not parse."""
    for text in (raw, TRAILING_COMMA.sub(r"\1", WRAPPER.sub("", raw))):
        try:
            return json.loads(text, strict=False)
        except (ValueError, RecursionError):  # broken, or nested deeper than the parser goes
            continue
    return None


def declared_in_broken_json(raw: str) -> dict:
    """The dates and headline of an article's JSON-LD that does not parse (a missing comma), read
    field by field; {} unless it names an article type."""
    if not ARTICLE_TYPE_IN_TEXT.search(raw):
        return {}
    found = {}
    for name in ("headline", "datePublished", "dateModified", "dateCreated"):
        match = re.search(rf'"{name}"\s*:\s*"((?:[^"\\]|\\.)*)"', raw)
        if match:
            found[name] = lenient_json(f'"{match.group(1)}"') or match.group(1)
    return {"@type": "NewsArticle", **found} if found else {}


def json_ld_article(sel: Selector, url: str | None = None) -> dict:
    """The page's article in its JSON-LD: of several objects whose @type names an article (a page
    often declares the stories it links to beside its own), the one whose URL is the page's
    (`url`), else the one whose headline the page's title or `<h1>` shows, else the first that
    names no other page; {} when none parses."""
    articles, broken = [], []
    for raw in sel.css('script[type="application/ld+json"]::text').getall():
        data = lenient_json(raw)
        if data is None:
            broken.append(raw)
            continue
        articles.extend(item for item in json_ld_objects(data) if is_article_type(item.get("@type")))
    for article in articles:
        if url and same_path(url, article.get("url") or article.get("mainEntityOfPage")):
            return article
    if len(articles) > 1:
        titles = page_titles(sel)
        named = [article for article in articles if headline_key(article.get("headline")) in titles]
        elsewhere = [article for article in articles if url and names_other_page(url, article)]
        articles = named or [article for article in articles if article not in elsewhere] or articles
    if articles:
        return articles[0]
    return next((found for found in map(declared_in_broken_json, broken) if found), {})


def headline_key(text) -> str | None:
    return " ".join(text.casefold().split()) if isinstance(text, str) and text.strip() else None


def page_titles(sel: Selector) -> set[str]:
    """The headlines a page shows or shares, compared without case or spacing: its `<h1>`s,
    `og:title` and `<title>` (whole, and its part before a site's name)."""
    found = ["".join(h1.css("::text").getall()) for h1 in sel.css("h1")]
    found += [sel.css('meta[property="og:title"]::attr(content)').get(), sel.css("title::text").get()]
    titles = set()
    for text in found:
        key = headline_key(text)
        if key:
            titles.add(key)
            titles.update(key.rsplit(sep, 1)[0].strip() for sep in (" | ", " - ", " – ", " — ") if sep in key)
    return titles


def names_other_page(url: str, article: dict) -> bool:
    """Whether an article object declares the address of another page than `url`."""
    declared = article.get("url") or article.get("mainEntityOfPage")
    if isinstance(declared, dict):
        declared = declared.get("@id") or declared.get("url")
    return isinstance(declared, str) and bool(path_of(declared).strip("/")) and not same_path(url, declared)


def date_value(value) -> str | None:
    """A declared date as text: a string, or a number of seconds (or milliseconds) since 1970."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(int(value))
    return value if isinstance(value, str) else None


def same_path(url: str, declared) -> bool:
    if isinstance(declared, dict):
        declared = declared.get("@id") or declared.get("url")
    if not isinstance(declared, str) or not declared:
        return False
    return path_of(declared).rstrip("/") == path_of(url).rstrip("/") != ""


def html_selector(html: str) -> Selector:
    """A page's markup as HTML, whatever it starts with: parsel reads a text that opens with an
    `<?xml ...?>` prolog (XHTML) as XML, where no element of an XHTML namespace is found."""
    return Selector(text=html, type="html")


def base_url(sel: Selector, url: str) -> str:
    """The URL a page's relative links resolve against: its `<base href>` (itself relative to the
    page's URL), else the page's URL."""
    return absolute(url, sel.css("base::attr(href)").get()) or url


def meta_content(sel: Selector, name: str) -> str | None:
    value = sel.css(f'meta[property="{name}"]::attr(content), meta[name="{name}"]::attr(content)').get()
    return clean_text(value) or None


def first_text(*values) -> str | None:
    for value in values:
        text = clean_text(value) if isinstance(value, str) else None
        if text:
            return text
    return None


# Elements whose end tag HTML5 lets a document leave out, and void elements (no end tag at all):
# a page may end with any of them open. https://html.spec.whatwg.org/#optional-tags
OPTIONAL_END = frozenset("html head body p li dt dd option optgroup rb rt rtc rp tr td th thead tbody tfoot "
                         "colgroup caption".split())
VOID = frozenset("area base br col embed hr img input link meta source track wbr param keygen basefont "
                 "bgsound frame command".split())


class _OpenElements(HTMLParser):
    """The elements a document leaves open at its end, as a tag soup's stack (an end tag closes
    the nearest open element of its name; a stray one is ignored), and whether `</body>` or
    `</html>` came as markup (not inside a script or a comment)."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.ended = False
        self.any_element = False

    def handle_starttag(self, tag, attrs):
        self.any_element = True
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass  # `<div/>` opens nothing in HTML, but neither does it leave a page cut

    def handle_endtag(self, tag):
        if tag in ("body", "html"):
            self.ended = True
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag):]


def html_is_complete(html: str) -> bool:
    """Whether an HTML document as a server sent it reached its end. `</html>` or `</body>` in its
    last bytes is quick proof. Else, as HTML5 judges a document (its end tags for `html`, `body`,
    `p`, `li` ... are optional, and minifiers drop them; scripts may follow `</html>`): whole when
    `</body>` or `</html>` came as markup, or when no element that must be closed is left open
    and no tag, comment or script is left unfinished (an empty or markup-free text is no document).
    A page cut mid-body leaves its `<div>`,
    `<article>` or `<main>` open."""
    tail = html[-4000:].lower()
    if "</html>" in tail or "</body>" in tail:
        return True
    parser = _OpenElements()
    parser.feed(html)
    if parser.ended:
        return True
    unfinished = parser.rawdata[parser.rawdata.find("<"):] if "<" in parser.rawdata else ""
    # Text without one element (nothing arrived, a PDF's bytes) is no HTML document at all.
    return parser.any_element and not unfinished and not [tag for tag in parser.open if tag not in OPTIONAL_END]



# libxml2, which parsel and trafilatura parse with, stops reading a document deeper than 256
# elements (2048 with its huge-tree option): the rest of the page, its text with it, is lost.
MAX_DEPTH = 200
TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)[^>]*?(/?)>")
START_TAG = re.compile(r"<[a-zA-Z]")
END_TAG = re.compile(r"</[a-zA-Z]")
# Elements that never hold others (void), and those a parser closes by itself when the next one
# begins (`<p>`, `<li>`): neither deepens a page.
FLAT_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
             "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "thead", "tbody", "tfoot", "html", "head", "body"}


def within_parser_depth(html: str) -> str:
    """`html` with the elements nested deeper than MAX_DEPTH unwrapped (their start and end tags
    left out, their text kept): markup that opens thousands of elements and never closes them is
    read like any other. Pages whose start tags are not far more than their end tags are returned
    as they are, unscanned."""
    if len(START_TAG.findall(html)) - len(END_TAG.findall(html)) < MAX_DEPTH:
        return html
    pieces, position, open_tags, unwrapped = [], 0, [], Counter()
    for tag in TAG.finditer(html):
        closing, name, self_closing = tag.group(1), tag.group(2).lower(), tag.group(3)
        if name in FLAT_TAGS or self_closing:
            continue
        if closing:
            if unwrapped[name]:
                unwrapped[name] -= 1
                pieces.append(html[position:tag.start()])
                position = tag.end()
            elif name in open_tags:
                while open_tags and open_tags.pop() != name:
                    pass
        elif len(open_tags) >= MAX_DEPTH:
            unwrapped[name] += 1
            pieces.append(html[position:tag.start()])
            position = tag.end()
        else:
            open_tags.append(name)
    pieces.append(html[position:])
    return "".join(pieces)
