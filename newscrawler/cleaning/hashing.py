"""Content identity: what makes two pages the same article, whatever their URL or id."""

import hashlib

from ..text import clean_text


def normalise_for_hash(text: str | None) -> str:
    return clean_text(text).casefold()


def content_hash(title: str | None, body: str | None) -> str:
    """SHA-256 hex of the normalised title and body: equal for copies that differ only in
    whitespace or case, different as soon as a word changes."""
    data = normalise_for_hash(title) + "\n" + normalise_for_hash(body)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def article_key(site: str, article_id: str) -> str:
    """The stored `_id`: stable across URLs and crawls."""
    return f"{site}:{article_id}"
