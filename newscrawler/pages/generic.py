"""Article pages of any news site, read without selectors.

Fields come from what pages declare about themselves (JSON-LD of any `@type` ending in `Article`,
microdata, OpenGraph and `article:` meta, `<time>` elements), then from the page's text: the main
text by trafilatura (it finds the article body on pages it has never seen; our own code would need
selectors), the date by htmldate when nothing is declared. What they lack is kept here: image
credits out of the body and into structured credits, captions apart from the text.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from functools import cached_property
from urllib.parse import urlsplit

from lxml import etree

from ..cleaning.dates import mentions_date, most_complete, normalise_iso
from ..items import Image, ImageCredit
from ..text import clean_text, element_text, unescaped
from ..urls import absolute, host_family, host_of
from .article import ArticlePage
from .body_text import CELL_SEPARATOR, text_blocks
from .date_rules import (BARE_TIME, DATE_META, DATELINE_TEXTS, LONG_TEXT, MODIFIED_META, OUTSIDE_ARTICLE, TIME_IN,
                         UPDATE_WORDS, numeric_order, same_day_roughly, url_date)
from .headlines import (headline_text, is_headline_of_title, is_sentence_like, same_headline, strip_site_name,
                        whole_headline)
from .html import date_value, first_text
from .picture_credits import CAPTION_CLASS_TEST, CAPTION_ELEMENTS, CREDIT_CLASS_TEST, CREDIT_ELEMENTS, \
    credit_from_text, names_look_right
from .related import RelatedBlock
from .text_rules import (BYLINE, NOT_TEXT, is_dateline, is_furniture, is_glued_baseline, normalise,
                         without_gallery, without_repeated_lines, without_trailing_headings,
                         without_trailing_list_of_articles)

__all__ = ["GenericArticlePage", "host_family", "page_key", "strip_site_name", "is_furniture", "url_date"]


# A path of one word, as sections are named (`/markets`, `/news`); articles' paths have more.
SECTION_PATH = re.compile(r"/[^\W\d_]+", re.UNICODE)
STATIC_FILE = re.compile(r"\.(jpe?g|png|gif|webp|svg|css|js|pdf|zip|mp[34]|xml|json|ico|woff2?)$", re.I)


def lines_of(node) -> list[str]:
    """A block of trafilatura's text as the lines the page broke it into (`<br>` is its `<lb/>`):
    text a page separates with line breaks alone is paragraphs, not one run of words."""
    for lb in node.iter("lb"):
        lb.tail = LINE_BREAK + (lb.tail or "")
    # A newline in the markup's own text is a space, as a browser shows it: only `<br>` breaks.
    text = "".join(node.itertext()).replace("\n", " ")
    return [line for line in (clean_text(part) for part in text.split(LINE_BREAK)) if line]


def code_of(node) -> list[str]:
    """A block of code as one block, its lines kept (without the blank ones)."""
    code = "\n".join(line.rstrip() for line in "".join(node.itertext()).split("\n") if line.strip())
    return [code] if code else []


# The site's frame around an article: its header, navigation, footer and asides.
SITE_FRAME_TAGS = {"header", "nav", "footer", "aside"}


def is_site_frame(element) -> bool:
    """An element of the site's frame; the article's own `<header>` (inside an `<article>`, or
    holding the headline) is the article's."""
    if element.tag not in SITE_FRAME_TAGS:
        return False
    return not (element.tag == "header" and (element.xpath("ancestor::article") or element.xpath(".//h1")))


LINE_BREAK = "\ue000"  # a private-use character: no page text, and XML accepts it


def is_row_of_cells(row) -> bool:
    """A table's row of several cells (figures, names): a line of the text. A row of one cell lays
    out a page's text, whose blocks are read as such."""
    return len(row.findall("cell")) > 1


def row_of(row) -> list[str]:
    """A row of cells as one line, its cells apart as trafilatura's own text writes them."""
    cells = [clean_text(" ".join(cell.itertext())) for cell in row.findall("cell")]
    line = CELL_SEPARATOR.join(cell for cell in cells if cell)
    return [line] if line else []


# A table is the article's text when it holds this share of the words found (a story or a list laid
# out in cells, a table of figures the text discusses); a smaller one is a box beside the text (a
# game's facts). On the tuned part of bench/extract.py, body F1 0.9341 at 25%, 0.9346 at 10%, 0.9359
# at 5%.
TEXT_TABLE_SHARE = 0.05


def text_tables(found: list) -> list:
    """Of the tables blocks were found in, those that hold the article's text (TEXT_TABLE_SHARE)."""
    words = Counter()
    for (_, text), table in found:
        words[table] += len(text.replace(CELL_SEPARATOR, " ").split())  # a row's separators are no words
    total = sum(words.values()) or 1
    return [table for table, count in words.items() if table is not None and count >= TEXT_TABLE_SHARE * total]


# The text an undeclared page needs to be read as an article (with a headline and an article's
# address): a short news item's length.
SHOWN_ARTICLE_WORDS = 80
# A slug of words (`this-is-your-brain-on-sad-movies`) or a long number (`/story/20240517123`).
ARTICLE_SLUG = re.compile(r"[^\W_]+(?:[-_][^\W_]+){3,}|\d{6,}")


# A query parameter that names an article by its number (`articleView.html?idxno=1001`, as a
# common Korean CMS writes it; `?id=`, `?no=`, `?articleId=`, `?aid=`).
QUERY_ID = re.compile(r"(?:^|&)[a-z_]*(?:id|no|idx|idxno)=\d{3,}(?:&|$)", re.I)
# Scripts written without spaces between words (Chinese, Japanese, Korean's hanja): their text is
# counted in characters, two of them a word (as fast as readers read them).
CJK_CHARACTER = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")


def words_read(text: str) -> int:
    """The text's length in words as readers read it: words between spaces, and in scripts that
    write none, two characters a word."""
    cjk = len(CJK_CHARACTER.findall(text))
    spaced = sum(1 for word in CJK_CHARACTER.sub(" ", text).split() if any(c.isalnum() for c in word))
    return spaced + cjk // 2


def is_article_address(url: str) -> bool:
    """A web address that names one article: it carries a day, or a segment of its path is a slug
    of four words or more, or a long number, or its query names an article's number. A file's path
    names nothing."""
    if not host_of(url):
        return False
    parts = urlsplit(url)
    return bool(url_date(url) or any(ARTICLE_SLUG.search(segment) for segment in parts.path.split("/"))
                or QUERY_ID.search(parts.query))


SLUG_OF_WORDS = re.compile(r"[^\W\d_]+(?:[-_][^\W_]+)+", re.UNICODE)


def is_slug_of_words(path: str) -> bool:
    """The path's last segment is a slug of two words or more (`bitcoin-rises`), as articles are
    named; a section (`markets`) or an index file (`index.html`) is none."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return bool(SLUG_OF_WORDS.fullmatch(re.sub(r"\.[a-z]{2,5}$", "", last, flags=re.I)))


def page_key(url: str) -> str | None:
    """An article key from a URL when the site has no id rule: host family and path; None for the
    home page and for files."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if not path or STATIC_FILE.search(path):
        return None
    return host_family(parts.hostname or "") + path + (f"?{parts.query}" if parts.query else "")


def blocks_found_in(blocks: list[tuple[str, str]], text: str) -> list[tuple[str, str]] | None:
    """The blocks whose text (normalised, without spaces) is in `text`. Blocks come in page order,
    so each is looked for after the last one found, then from the start: linear in the page's size
    on any page; None once the searching would cost more than reading `text` 20 times over."""
    kept, position, budget = [], 0, 20 * (len(text) + 1)
    for block in blocks:
        needle = normalise(block[1]).replace(" ", "")
        found = text.find(needle, position)
        budget -= len(text) - position if found < 0 else found - position
        if found < 0:
            found = text.find(needle)
            budget -= len(text) if found < 0 else found
        if budget < 0:
            return None
        if found >= 0:
            kept.append(block)
            position = found + len(needle)
    return kept


class GenericArticlePage(ArticlePage):
    related = None  # no related block is known on a site without selectors
    required = ()   # an article by what it declares: never refused for a field it lacks
    default_language = None

    # -- what kind of page ----------------------------------------------------------------------
    def is_article(self) -> bool:
        """An article by what the page declares, or as readers see one."""
        return self.declares_article() or self.shown_as_article()

    def declares_article(self) -> bool:
        """An article by what the page declares: JSON-LD, microdata, OpenGraph or `article:` meta."""
        if self.too_large:
            return True  # unread: refused with its own reason, not explored as a listing
        if self.ld:
            return True
        if (self.meta("og:type") or "").lower() in ("article", "news", "newsarticle"):
            return True
        if self.meta("article:published_time"):
            return True
        return bool(self.sel.xpath('//*[@itemtype][contains(@itemtype, "Article") or contains(@itemtype, "BlogPosting")]'))

    def shown_as_article(self) -> bool:
        """An article that declares nothing, as readers see one: a headline, an article's address
        (a day, a slug of words, a long id) and a text of its own. A listing or a tag page has
        none of those addresses; its headline is a section's name."""
        if not is_article_address(self.url) or self.headline_node is None:
            return False
        return sum(words_read(text) for _, text in self.blocks) >= SHOWN_ARTICLE_WORDS

    # -- identity -------------------------------------------------------------------------------------
    def is_article_here(self, url: str) -> bool:
        """An article URL of this site; of any web site when the page was read from a file (no host
        to compare with)."""
        if page_key(url) is None or not host_of(url):
            return False
        return not host_of(self.url) or host_family(host_of(url)) == host_family(host_of(self.url))

    def names_this_article(self, url: str) -> bool:
        """An article URL of this site that is no page above this one: a canonical naming a section
        (`/markets/` on `/markets/story`, or a one-word path such as `/news/`) would give every
        article of that section one key."""
        if not self.is_article_here(url):
            return False
        own, declared = urlsplit(self.url).path.rstrip("/"), urlsplit(url).path.rstrip("/")
        if not host_of(self.url) or declared == own:
            return True
        if own.startswith(declared + "/"):
            return False
        if SECTION_PATH.fullmatch(declared):
            return False
        # A page at an article's address declaring one that names no article and no slug of words
        # (`/category/markets`, `/index.html`) names a listing: every article there would get its key.
        return not is_article_address(self.url) or is_article_address(url) or is_slug_of_words(declared)

    def article_id(self) -> str | None:
        """The canonical URL's host family and path; for a page known by no usable URL (read from a
        file without one), the headline's digest, so that it is kept under a key of its own."""
        key = page_key(self.canonical_url())
        if key is None and not host_of(self.url) and self.title():
            key = "page/" + hashlib.sha1(self.title().encode()).hexdigest()[:16]
        return key

    # -- fields ---------------------------------------------------------------------------------------
    def microdata(self, prop: str) -> str | None:
        node = self.sel.css(f'[itemprop="{prop}"]')[:1]
        if not node:
            return None
        return node.attrib.get("content") or node.attrib.get("datetime") or element_text(node) or None

    def headline_candidates(self) -> list[str]:
        ld = self.ld.get("headline") or self.ld.get("name")
        found = [ld if isinstance(ld, str) else None, self.meta("og:title"), self.meta("twitter:title"),
                 self.microdata("headline")]
        return [text for text in (unescaped(t) for t in found if t) if text]

    @cached_property
    def headline_node(self):
        """The `<h1>` that shows the headline: the one a declared headline (or the document title)
        confirms; else, where nothing is declared, the first in the article; else the article's
        only `<h1>` of four words or more; None otherwise."""
        declared = self.headline_candidates()
        document_title = clean_text(self.sel.css("title::text").get())
        h1s = [(h, text) for h in self.sel.css("h1") for text in [headline_text(h, self.url)] if text]
        for confirming in (declared, [document_title] if document_title else []):
            for h1, text in h1s:
                if any(same_headline(text, d) for d in confirming):
                    return h1
        for h1, text in h1s:
            if is_headline_of_title(text, document_title):
                return h1
        in_article = [(h, text) for h, text in h1s if h.xpath("ancestor::article | ancestor::main")]
        if not declared:
            first, text = (in_article or h1s or [(None, "")])[0]
            # Where the document title names the page, a short `<h1>` it does not confirm is a
            # masthead or a label (`Original text`), not the headline.
            return first if not document_title or is_sentence_like(text) else None
        # A headline written for the page, another for sharing and search: the article's one `<h1>`
        # (the page's one, where none is in an article) of a sentence's length is what readers see.
        sole = in_article if in_article else h1s
        if len(sole) == 1 and len(sole[0][1].split()) >= 4:
            return sole[0][0]
        return None

    def title(self) -> str | None:
        """The headline as the page shows it: the headline's `<h1>` (without a byline under a
        `<br>` or a kicker beside the declared part), else the declared headline, else the document
        title, without the site's name."""
        declared = self.headline_candidates()
        if self.headline_node is not None:
            return self.shown_headline(self.headline_node, declared)
        if declared:
            return whole_headline([strip_site_name(d, self.site_names()) for d in declared])
        # A masthead's `<h1>` names the site, as the title's last part may.
        mastheads = [text for text in (element_text(h) for h in self.sel.css("h1")) if not is_sentence_like(text)]
        return strip_site_name(clean_text(self.sel.css("title::text").get()), self.site_names(), mastheads) or None

    def shown_headline(self, node, declared: list[str]) -> str:
        """The headline's `<h1>` as shown, told by what the page declares: whole where a declared
        headline is all of it; without a byline under a `<br>`; without a kicker, a label, a badge
        or a dek (`<span>Opinion:</span>`, `Live`) beside the part it declares."""
        whole = normalise(element_text(node))
        pieces = [clean_text(t) for t in node.xpath(".//text()").getall() if clean_text(t)]
        if node.attrib.get("itemprop") == "headline":
            # The element declares itself (microdata): that is no other source agreeing with it.
            declared = [d for d in declared if normalise(d) != whole]
        for text in declared:
            if normalise(text) == whole:
                # Pieces joined by the page's own punctuation (`Ukraine: Headline` in two
                # elements), which our joining with a space would lose.
                return text if len(pieces) > 1 else headline_text(node, self.url)
        # A byline under a `<br>` in the headline's element is no part of the headline.
        first_line = clean_text(" ".join(node.xpath("./br[1]/preceding-sibling::node()//text() | "
                                                    "./br[1]/preceding-sibling::text()").getall()))
        if first_line and any(same_headline(first_line, d) for d in declared):
            return first_line
        declared_exactly = {normalise(d) for d in declared}
        for part in node.xpath(".//*[text()]"):
            text = element_text(part)
            if normalise(text) in declared_exactly and normalise(text) != whole:
                return text
        # A first or last piece the declared headline does without: a kicker, a badge, a dek.
        for kept in (pieces[1:], pieces[:-1]):
            if kept and normalise(" ".join(kept)) in declared_exactly:
                return clean_text(" ".join(kept))
        return headline_text(node, self.url)

    def site_names(self) -> list[str]:
        """The site's names as it gives them: `og:site_name`, `application-name`, the JSON-LD
        publisher, and its host's own name (`spiegel` of www.spiegel.de)."""
        publisher = self.ld.get("publisher")
        publisher = publisher.get("name") if isinstance(publisher, dict) else None
        host_name = host_family(host_of(self.url)).split(".")[0] if host_of(self.url) else None
        return [n for n in (self.meta("og:site_name"), self.meta_values.get("application-name"),
                            publisher if isinstance(publisher, str) else None, host_name) if n]

    def section(self) -> str | None:
        declared = self.ld.get("articleSection")
        if isinstance(declared, list):
            declared = next((d for d in declared if isinstance(d, str)), None)
        return first_text(declared if isinstance(declared, str) else None, self.meta("article:section"))

    @cached_property
    def published_text_and_source(self) -> tuple[str | None, str | None]:
        """The date as the page shows it to readers; else as it declares it; else the day its URL
        carries; else htmldate's day: with the name of the one it is."""
        shown, in_url = self.visible_date(), url_date(self.canonical_url(), self.fetched_at)
        if shown and in_url and not same_day_roughly(shown, in_url, self.fetched_at):
            shown = None  # a date of something else the article mentions, or the day's date
        for text, source in ((shown, "shown"), (self.published_iso(), "declared"), (in_url, "url")):
            if text:
                return text, source
        guessed = self.htmldate()
        return (guessed, "htmldate") if guessed else (None, None)

    def published_raw(self) -> str | None:
        return self.published_text_and_source[0]

    def published_iso(self) -> str | None:
        """The date the page declares for machines (JSON-LD, meta, microdata, `<time datetime>`):
        the first, completed by a later one that gives the same time with its offset, or the same
        day with a time."""
        return most_complete(self.declared_dates(), self.fetched_at)

    def declared_dates(self) -> list[str]:
        declared = date_value(self.ld.get("datePublished") or self.ld.get("dateCreated"))
        metas = self.meta_values
        values = [declared, *(metas.get(n) for n in DATE_META),
                  self.microdata("datePublished"), self.time_element()]
        return [clean_text(v) for v in values if isinstance(v, str) and clean_text(v)]

    @cached_property
    def meta_values(self) -> dict[str, str]:
        """Every meta tag's content by its name, property or itemprop, in lower case (pages write
        `PubDate` and `pubdate` alike); the first of a name wins."""
        found: dict[str, str] = {}
        for node in self.sel.xpath("//meta[@content]"):
            for attribute in ("property", "name", "itemprop"):
                key = (node.attrib.get(attribute) or "").strip().lower()
                if key and key not in found:
                    found[key] = node.attrib["content"]
        return found

    def day_first(self) -> bool | None:
        return numeric_order(self.sel, self.url, self.language(), self.meta("og:locale"))

    def visible_date(self) -> str | None:
        """The date as the article's header shows it: the dateline under the headline, else an
        element named like a date (`article-date`, `published`, `timestamp`) that reads like one.
        Never a date of the site's own header, navigation or footer (the day's date, a list of
        links)."""
        return self.dateline() or self.date_named_element()

    def dateline(self) -> str | None:
        """The first short text after the headline that holds a date, before the text begins; a
        date that says it is an update only when no other is there."""
        if self.headline_node is None:
            return None
        found = []
        texts = [clean_text(node.get()) for node in self.headline_node.xpath(DATELINE_TEXTS)]
        for preceding, text, following in zip([""] + texts, texts, texts[1:] + [""]):
            if len(text) > LONG_TEXT:
                break  # the article's text has begun: a date further on is part of it
            if is_dateline(text):
                # `December 14, 2016` and `2:24 pm` in elements side by side (either first): one dateline.
                beside = following if BARE_TIME.match(following) else preceding if BARE_TIME.match(preceding) else ""
                found.append(f"{text} {beside}" if beside and not TIME_IN.search(text) else text)
        fresh = [t for t in found if not UPDATE_WORDS.match(t)]
        return (fresh or found or [None])[0]

    def date_named_element(self) -> str | None:
        nodes = self.sel.xpath('//time | //*[@class or @id][re:test(concat(@class, " ", @id), '
                               '"(^|[-_ ])(date|time|published|pubdate|timestamp|dateline|submitted)([-_ ]|$)", "i")]',
                               namespaces={"re": "http://exslt.org/regular-expressions"})
        for node in nodes[:30]:
            if node.xpath(OUTSIDE_ARTICLE):
                continue
            text = element_text(node)
            if 6 <= len(text) <= 80 and mentions_date(text):
                return text
        return None

    def time_element(self) -> str | None:
        """The first `<time>`'s machine-readable date: its `datetime`, else an attribute of its
        own that holds one (`<time data-published="2016-12-09 09:13:00Z">Dec 9, 2016</time>`)."""
        for node in self.sel.css("article time[datetime], main time[datetime], time[datetime]")[:1]:
            return clean_text(node.attrib.get("datetime")) or None
        for node in self.sel.css("article time, main time, time")[:1]:
            return next((clean_text(value) for name, value in node.attrib.items()
                         if name.startswith("data-") and normalise_iso(value)), None)
        return None

    def htmldate(self) -> str | None:
        from htmldate import find_date

        try:
            found = find_date(self.html, url=self.url, original_date=True, extensive_search=False)
            if found:
                return found
            # Its wider search reads any date in the text; a 1st of January is a year it made a day of.
            found = find_date(self.html, url=self.url, original_date=True)
            return found if found and not found.endswith("-01-01") else None
        except Exception:  # noqa: BLE001 - a heuristic on any page: no date is an answer
            return None

    def modified_iso(self) -> str | None:
        declared = date_value(self.ld.get("dateModified"))
        return first_text(declared if isinstance(declared, str) else None, *(self.meta_values.get(n) for n in MODIFIED_META))

    def summary(self) -> str | None:
        found = first_text(self.ld.get("description") if isinstance(self.ld.get("description"), str) else None,
                           self.meta("og:description"), self.meta("description"))
        return unescaped(found) if found else None

    @cached_property
    def blocks(self) -> list[tuple[str, str]]:
        """The main text: paragraphs, sub-headings and list items, in order, by trafilatura; when it
        finds nothing (it leaves out short texts), the paragraphs of the page's `<article>` or
        `<main>`, then trafilatura favouring recall, then the page's paragraphs. Figure captions are
        not text."""
        found = self.trafilatura_blocks(False)
        if found and not self.is_glued_baseline(found):
            # Judged without the header: text that is only the headline is no text (markup that
            # never closes its elements leaves trafilatura nothing else).
            blocks = self.without_header(self.within_article(found))
            if blocks:
                return blocks
        for candidate in (lambda: self.own_blocks, self.recall_blocks, lambda: self.page_blocks):
            blocks = self.without_header(candidate())
            if blocks:
                return blocks
        return []

    @cached_property
    def own_blocks(self) -> list[tuple[str, str]]:
        """The text of the page's `<article>` or `<main>`, as a reader reads it."""
        return self.paragraphs(("article", "main"))

    @cached_property
    def page_blocks(self) -> list[tuple[str, str]]:
        """The text of the article's element, else of the page's body, without the site's frame."""
        return self.own_blocks or self.paragraphs(("body",))

    def recall_blocks(self) -> list[tuple[str, str]]:
        found = self.trafilatura_blocks(True)
        return [] if self.is_glued_baseline(found) else found

    def is_glued_baseline(self, found: list[tuple[str, str]]) -> bool:
        """trafilatura's last resort: the page's text in one block, the site's frame glued to the
        article's own blocks (`Example News A story`)."""
        return is_glued_baseline(found, self.page_blocks)

    def trafilatura_blocks(self, favour_recall: bool) -> list[tuple[str, str]]:
        import trafilatura

        xml = trafilatura.extract(self.html, url=self.url, output_format="xml", include_comments=False,
                                  include_tables=True, include_images=False, favor_recall=favour_recall,
                                  deduplicate=False, prune_xpath=NOT_TEXT)
        if not xml:
            return []
        found = []  # (block, the table it is in or None)
        for node in etree.fromstring(xml.encode()).iter("p", "head", "item", "quote", "row", "cell", "code"):
            row = next((r for r in node.iterancestors("row") if is_row_of_cells(r)), None)
            if node.tag == "row" and not is_row_of_cells(node) or row is not None:
                continue  # a row of cells is read as one line; a row of one cell (a layout) as its blocks
            if node.tag == "item" and node.getparent() is not None and node.getparent().tag != "list":
                continue
            if node.tag == "code" and next(node.iterancestors("p", "head", "item", "quote", "cell"), None) is not None:
                continue  # code within a sentence is read with it; a block of code is read alone
            if node.tag in ("quote", "cell", "item") and node.find(".//p") is not None:
                continue  # a quote, cell or list item of paragraphs: its paragraphs are read, not it again
            table = next(node.iterancestors("table"), None)
            for text in (code_of(node) if node.tag == "code" else row_of(node) if node.tag == "row" else lines_of(node)):
                if not self.is_caption(text) and not self.is_link_only(text, node.tag == "head") and not is_furniture(text):
                    found.append((("h2" if node.tag == "head" else "p", text), table))
        kept_tables = text_tables(found)
        blocks = [block for block, table in found if table is None or any(table is t for t in kept_tables)]
        return without_trailing_headings(without_trailing_list_of_articles(without_repeated_lines(without_gallery(blocks))))

    @cached_property
    def link_texts(self) -> set[str]:
        """The texts of all the page's links, made once (every block of text is looked up)."""
        return self.link_texts_by_target[True] | self.link_texts_by_target[False]

    @property
    def links_away(self) -> set[str]:
        return self.link_texts_by_target[True]

    @cached_property
    def link_texts_by_target(self) -> dict[bool, set[str]]:
        """The texts of links, by whether they lead away (True) or to a part of the page itself
        (False: a table of contents' links to the subheadings, `#glossary`)."""
        here = urlsplit(self.url)._replace(fragment="").geturl()
        anchors = set(self.sel.xpath("//@id | //a/@name").getall())
        found: dict[bool, set[str]] = {True: set(), False: set()}
        for a in self.sel.css("a"):
            target = urlsplit(absolute(self.base, a.attrib.get("href")) or here)
            # A saved page's links name its first address: a fragment naming one of its own
            # elements is a link within it all the same.
            away = target._replace(fragment="").geturl() != here and not (target.fragment and target.fragment in anchors)
            text = normalise(element_text(a))
            if text:
                found[away].add(text)
        return found

    def is_link_only(self, text: str, heading: bool = False) -> bool:
        """A block that is one link, perhaps after a short label (`Read more: <a>`): an item of a
        list of other articles, a "Sign up" button, a site's menu, a table of contents' entry. An
        article's own text links words, not whole blocks; a subheading may be the target of a
        link within the page, and is the article's all the same."""
        label, colon, rest = text.partition(":")
        candidates = [text] + ([rest] if colon and len(label.split()) <= 3 else [])
        texts = self.links_away if heading else self.link_texts
        return any(normalise(c) in texts for c in candidates if normalise(c))

    def paragraphs(self, containers: tuple[str, ...]) -> list[tuple[str, str]]:
        """All the text a reader reads in the first of `containers` the page has, without the site's
        frame (its header, navigation, footer, asides) and captions."""
        container = next((nodes[:1] for nodes in (self.sel.css(c) for c in containers) if nodes), None)
        if container is None:
            return []
        return [(kind, text) for kind, text in text_blocks(container, is_site_frame) if not self.is_caption(text)]

    def within_article(self, blocks: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Where the headline's `<article>` holds most of the text found, the blocks outside it
        are the page's (a list of other articles under it, a newsletter box), not the article's."""
        holders = self.headline_node.xpath("ancestor::article[1]") if self.headline_node is not None else []
        if not holders:
            holders = self.sel.css("article")
            if len(holders) != 1:
                return blocks
        # Compared without spaces: the page may split a word across elements, or glue two.
        inside = normalise("".join(holders[0].css("::text").getall())).replace(" ", "")
        kept = blocks_found_in(blocks, inside)
        if kept is None:  # too many blocks out of order to tell cheaply: keep what trafilatura found
            return blocks
        if sum(len(t) for _, t in kept) < 0.8 * sum(len(t) for _, t in blocks):
            return blocks
        return kept

    def without_header(self, blocks: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """The headline, the dateline and a byline are the article's header, not its text: drop them
        where the main text starts with them."""
        header = {normalise(t) for t in (self.headline_candidates() + [element_text(h) for h in self.sel.css("h1")])}
        start = 0
        while start < min(len(blocks), 4):
            text = blocks[start][1]
            if normalise(text) in header or is_dateline(text) or BYLINE.match(text):
                start += 1
                continue
            break
        return blocks[start:]

    @cached_property
    def captions(self) -> list[str]:
        return [t for t in (element_text(f) for f in self.sel.css("figcaption")) if t]

    def is_caption(self, text: str) -> bool:
        """A picture's caption or credit, which the main text may have taken along."""
        return text in self.captions or text in self.credit_texts

    @cached_property
    def credit_texts(self) -> set[str]:
        return {credit.text for credit in self.structured_credits}

    def image(self) -> Image | None:
        figure = self.lead_figure()
        src = figure.css("img::attr(src)").get() if figure else None
        url = absolute(self.base, self.meta("og:image")) or absolute(self.base, src)
        if not url:
            return None
        caption = self.caption_without_credit(figure) if figure else None
        alt = clean_text(figure.css("img::attr(alt)").get()) or None if figure else None
        return Image(url, alt=alt, caption=caption)

    def lead_figure(self):
        return (self.sel.css("article figure") or self.sel.css("main figure") or self.sel.css("figure"))[:1]

    def caption_without_credit(self, figure) -> str | None:
        caption = figure.css("figcaption")[:1]
        if not caption:
            return None
        texts = [t for node in caption.xpath(".//text()[not(ancestor::*[contains(@class, 'credit') or "
                                                 "contains(@class, 'copyright')])]") for t in [node.get()]]
        return clean_text(" ".join(texts)) or None

    @cached_property
    def structured_credits(self) -> list[ImageCredit]:
        """Credits of the article's pictures: elements the markup marks as credits (in a figure or
        beside it), credits written at the end of captions, JSON-LD image credits."""
        found = []
        for holder in self.picture_holders():
            marked = [credit for credit in (credit_from_text(t) for t in (element_text(n) for n in holder.xpath(CREDIT_ELEMENTS))
                                            if t and len(t) < 120) if names_look_right(credit)]
            found.extend(marked)
            if not marked:  # a credit written at the end of the caption
                found.extend(c for c in (self.caption_credit(n) for n in holder.xpath(CAPTION_ELEMENTS)) if c)
        image = self.ld.get("image")
        images = image if isinstance(image, list) else [image]
        for entry in images:
            if isinstance(entry, dict):
                holder = entry.get("creditText") or entry.get("copyrightHolder")
                if isinstance(holder, dict):
                    holder = holder.get("name")
                if isinstance(holder, str) and clean_text(holder):
                    found.append(credit_from_text(clean_text(holder)))
                elif isinstance(entry.get("caption"), str):  # a credit at the end of the declared caption
                    found.extend(c for c in [self.text_credit(unescaped(entry["caption"]))] if c)
        unique: dict[str, ImageCredit] = {}
        for credit in found:
            unique.setdefault(credit.text, credit)
        return list(unique.values())

    def picture_holders(self):
        """Figures, and the caption and credit elements of pictures that are not in a figure; never
        in the site's frame."""
        holders = list(self.sel.css("figure"))
        # Beside a picture: the element or one of its three nearest ancestors holds an image.
        loose = self.sel.xpath(f"//*[not(ancestor-or-self::figure)][({CREDIT_CLASS_TEST}) or ({CAPTION_CLASS_TEST})]"
                               "[not(ancestor::*[@class][contains(@class, 'caption') or contains(@class, 'credit')])]"
                               "[ancestor-or-self::*[position() <= 4][.//img or .//picture]]"
                               # not a source named in a list of links, nor a video's provider
                               "[not(ancestor::a or ancestor::li or ancestor::h1 or ancestor::h2 or ancestor::h3 "
                               "or ancestor::h4 or ancestor::h5 or ancestor::h6)]"
                               "[not(ancestor-or-self::*[position() <= 4][contains(@class, 'video')])]")
        return holders + [node for node in loose if not node.xpath(OUTSIDE_ARTICLE)]

    @classmethod
    def caption_credit(cls, caption) -> ImageCredit | None:
        return cls.text_credit(element_text(caption))

    @staticmethod
    def text_credit(caption: str) -> ImageCredit | None:
        from ..cleaning.credits import strip_caption_credits

        _, credits = strip_caption_credits(clean_text(caption))
        return credits[0] if credits else None

    def tags(self) -> list[str]:
        tags = [t for t in (clean_text(v) for v in self.sel.css('meta[property="article:tag"]::attr(content)').getall()) if t]
        keywords = self.ld.get("keywords")
        if not tags and isinstance(keywords, str):
            tags = [k for k in (clean_text(k) for k in keywords.split(",")) if k]
        elif not tags and isinstance(keywords, list):
            tags = [clean_text(k) for k in keywords if isinstance(k, str) and clean_text(k)]
        return tags

    def related_urls(self) -> list[str]:
        return []

    def related_block(self) -> RelatedBlock:
        return RelatedBlock(urls=[], outcome="absent", present=False, loading=False)

    def to_item(self, site, fetched_at=None, seen_as=()):
        item = super().to_item(site, fetched_at, seen_as)
        item.title = unescaped(item.title) or None
        item.image_credits = list(self.structured_credits)
        return item


