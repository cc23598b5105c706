"""Text helpers shared by the parsers and the pipelines."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def clean_text(value: str | None) -> str:
    """Whitespace collapsed (non-breaking spaces included), NFC-normalised, stripped."""
    if not value:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value).replace("\u00a0", " ")).strip()


def element_text(selector) -> str:
    """The visible text of one element, whitespace-normalised."""
    return clean_text(" ".join(selector.css("::text").getall())) if selector else ""
