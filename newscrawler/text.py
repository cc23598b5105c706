"""Text helpers shared by the parsers and the pipelines."""

import html
import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Invisible characters pages put in words: soft hyphens (where a long word may break), zero-width
# spaces, byte-order marks. A reader sees none of them.
_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")


def clean_text(value: str | None) -> str:
    """Whitespace collapsed (non-breaking spaces included), NFC-normalised, stripped."""
    if not value:
        return ""
    return _SPACES.sub(" ", _INVISIBLE.sub("", unicodedata.normalize("NFC", value)).replace("\u00a0", " ")).strip()


def element_text(selector) -> str:
    """The visible text of one element, whitespace-normalised."""
    return clean_text(" ".join(selector.css("::text").getall())) if selector else ""


def unescaped(value: str | None) -> str:
    """Text with HTML entities read, also those escaped twice (`&amp;#8217;`, as JSON-LD and meta
    tags often carry them), then cleaned."""
    text = value or ""
    for _ in range(2):
        text = html.unescape(text)
    return clean_text(text)
