"""Telling the headline: an `<h1>`'s own text, whether two texts are one headline, a site's name
off a document title."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..text import clean_text, element_text
from ..urls import absolute
from .text_rules import normalise

TITLE_SEPARATORS = re.compile(r"\s+[|–—·•:»-]\s+|\s+-\s+")
UNSPACED_SEPARATOR = r"\s*[|–—·•:»_：｜\-]\s*"


def headline_text(h1, url: str) -> str:
    """An `<h1>`'s text without links that lead elsewhere (a masthead's link home inside the
    headline's element); its whole text when nothing else is left."""
    own = [t for t in h1.xpath(".//text()[not(ancestor::a)]").getall()]
    links_here = [a for a in h1.css("a") if urlsplit(absolute(url, a.attrib.get("href")) or "").path
                  in ("", urlsplit(url).path)]
    whole = element_text(h1)
    kept = clean_text(" ".join(own + [element_text(a) for a in links_here]))
    return kept if kept and len(h1.css("a")) > len(links_here) else whole


def same_headline(shown: str, declared: str) -> bool:
    """The same headline, though one may carry more (a site's name, a kicker) or few words differ
    (an `og:title` written for sharing)."""
    a, b = normalise(shown), normalise(declared)
    if not a or not b:
        return False
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    # One holds the other, and not as a site's logo (`CNN`) is held by `Headline - CNN`.
    if shorter in longer and (len(shorter.split()) >= 4 or len(shorter) >= len(longer) / 2):
        return True
    words_a, words_b = set(a.split()), set(b.split())
    return len(words_a & words_b) / max(len(words_a), len(words_b)) >= 0.6 and len(words_a) >= 4


def is_headline_of_title(text: str, document_title: str | None) -> bool:
    """`Mozilla` of `Mozilla - Wikipedia`: a short headline the document title gives before a
    site's name (a short last part), which `same_headline` cannot tell from a logo."""
    parts = TITLE_SEPARATORS.split(document_title or "")
    return len(parts) == 2 and normalise(parts[0]) == normalise(text) != "" and len(parts[1].split()) <= 4


def strip_site_name(title: str, site_name: str | list[str] | None, mastheads: list[str] = ()) -> str:
    """`Headline | The Site` -> `Headline`: the site's name (as its meta tags or its host name it,
    or a short last part after a `|`) is no part of the headline; nor is a masthead's text (a
    short `<h1>` that is no headline) where the title ends with it."""
    if not title:
        return title
    names = [n for n in ([site_name] if isinstance(site_name, str) else site_name or []) if n]
    unspaced = name_at_an_end(title, names) or name_at_an_end(title, [m for m in mastheads if m], at_start=False)
    if unspaced:
        return without_section(unspaced)
    parts = TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    names = [normalise(n) for n in names]
    if any(is_site_name(parts[-1], name) for name in names):
        return without_section(title[: title.rfind(parts[-1])].rstrip(" |–—·•:-»"))
    if any(normalise(parts[0]) == name for name in names):
        return title[len(parts[0]):].lstrip(" |–—·•:-»")
    if " | " in title and len(parts[-1].split()) <= 3 and len(" ".join(parts[:-1]).split()) >= 4:
        return title[: title.rfind(parts[-1])].rstrip(" |–—·•:-»")
    return title


def without_section(rest: str) -> str:
    """`Headline | Politics`, once the site's name is off: the section goes with it."""
    head, bar, section = rest.rpartition(" | ")
    return head if bar and len(section.split()) <= 2 and len(head.split()) >= 4 else rest


def name_at_an_end(title: str, names: list[str], at_start: bool = True) -> str | None:
    """`Headline:Site` or `Headline_Section_Site`, written without spaces (as CJK titles are): the
    headline when the title ends or begins with a site's name as it is written, joined by a
    separator; None otherwise."""
    for name in names:
        if len(name) >= len(title) / 2:
            continue
        if title.endswith(name) and re.search(UNSPACED_SEPARATOR + "$", title[: -len(name)]):
            rest = re.sub(f"(?:{UNSPACED_SEPARATOR})+$", "", title[: -len(name)]).strip()
            # `Headline_Section_Site`: the section before the site's name goes with it.
            head, _, section = rest.rpartition("_")
            return head if title[: -len(name)].endswith("_") and head and len(section) <= 12 else rest
        if at_start and title.startswith(name) and re.match(UNSPACED_SEPARATOR, title[len(name):]):
            return re.sub(f"^(?:{UNSPACED_SEPARATOR})+", "", title[len(name):]).strip()
    return None


def is_site_name(part: str, name: str) -> bool:
    """`DER SPIEGEL` for `spiegel` (the host's name), `The Guardian` for `the guardian`, `The Daily
    Beast` for `thedailybeast`: a part of at most four words that is the name or holds it, written
    with spaces or without (as host names are)."""
    part = normalise(part)
    if not part or len(part.split()) > 4:
        return False
    compact, compact_name = part.replace(" ", ""), name.replace(" ", "")
    return part == name or f" {name} " in f" {part} " or (len(compact_name) >= 5 and compact_name in compact)


def is_sentence_like(text: str) -> bool:
    """A headline's length: four words, or ten characters of a script written without spaces
    (Chinese, Japanese, Thai)."""
    unspaced_script = sum(not ch.isascii() and ch.isalpha() for ch in text) > len(text) / 2
    return len(text.split()) >= 4 or (unspaced_script and len(text) >= 10)


def whole_headline(declared: list[str]) -> str:
    """The first declared headline, unless it is cut short where another one goes on: JSON-LD
    headlines are often cut to 110 characters (`...` or not) for search engines, `og:title` rarely."""
    first = declared[0]
    stem = re.sub(r"\s*(?:\.\.\.|…)$", "", first)
    longer = [d for d in declared[1:] if len(d) > len(stem) and d.startswith(stem)]
    return max(longer, key=len) if longer and (stem != first or len(first) >= 60) else first
