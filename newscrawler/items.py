"""The item the spider yields and the pipelines complete: one article, shaped as stored.

`docs/article-schema.md` is the contract with MongoDB consumers: field names here are the stored
field names, and the stored fields are derived from this class (`stored_fields()`): a field marked
`not_stored` only carries data between the page and the pipelines. How the fields were read (the
declared date beside the shown one, the zone a render wrote in, which source the date came from) is
the item's `extraction`, apart from the article's fields: exported with items, never stored.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, is_dataclass
from datetime import datetime

NOT_STORED = {"stored": False}


def not_stored(default=None, default_factory=None):
    if default_factory is not None:
        return field(default_factory=default_factory, metadata=NOT_STORED)
    return field(default=default, metadata=NOT_STORED)


@dataclass
class Extraction:
    """How an article's fields were read: what the pipelines need besides the fields, and what a
    user asks when a field looks wrong. Not part of the stored article."""

    published_iso: str | None = None
    """Machine-readable date from JSON-LD, meta tags or the site's API, when there is one."""
    published_zone: str | None = None
    """The IANA zone the date text is written in when it is not the site's (a date a browser wrote
    in its own zone); None: the site's zone (`NEWS_SITE_TIMEZONE`)."""
    modified_iso: str | None = None
    """Machine-readable modification date, when the page has one."""
    day_first: bool | None = None
    """How the page writes numeric dates (`02/10/2020`): day first (True), month first (False), or
    not known (None: its language decides, else the declared day, else such a date is refused)."""
    date_source: str | None = None
    """Where `published_at` comes from: `declared` (JSON-LD, meta tags, `<time datetime>`, an
    API's answer), `shown` (the date text readers see), `url` (the day in the article's URL) or
    `htmldate` (its guess from the whole page); the page names its text's source, the dates
    pipeline the one it chose."""
    supersedes: bool = False
    """A render of an article whose earlier reading in this crawl was in doubt: it replaces that one
    (newscrawler.learning), where a second item of the same article would otherwise be a duplicate."""


@dataclass(frozen=True)
class ImageCredit:
    """A credit removed from the article's text, as the site showed it."""

    text: str
    photographer: str | None = None
    provider: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Image:
    """The hero image."""

    url: str
    alt: str | None = None
    caption: str | None = None
    """The caption without its credit; None when it was only a credit."""


@dataclass
class ArticleItem:
    url: str
    """Canonical absolute URL: no tracking parameters, no fragment."""
    site: str
    """The site's name (`NEWS_SITE_PROFILE`), e.g. `replica`."""
    article_id: str
    """The site's own id of the article (`<edition>:<id>` on sites with editions)."""
    title: str
    """Headline, whitespace-normalised."""
    section: str | None = None
    """Section label as the site shows it, e.g. `Policy & Regulation`."""
    published_at_raw: str | None = None
    """The date text as the page showed it."""
    published_at: datetime | None = None
    """Publication instant, aware UTC, where the page gives a time and its offset (or the site's
    zone is known); None otherwise (only a day, a local time with no zone, nothing readable)."""
    published_at_local: str | None = None
    """The publication as the page states it, ISO 8601: with the page's own offset, a local time
    without offset when it gives none and no zone is configured, or `YYYY-MM-DD` for only a day."""
    published_at_precision: str | None = None
    """`second`, `minute`, `hour` (a time counted back in hours) or `day`."""
    modified_at: datetime | None = None
    """Last modification, aware UTC, where the page says."""
    summary: str | None = None
    """Standfirst / description."""
    body: str = ""
    """Plain text, blocks separated by a blank line; image credits removed by the credits pipeline."""
    headings: list[str] = field(default_factory=list)
    """The body's sub-headings, in order."""
    image: Image | None = None
    """Hero image (caption without the credit)."""
    image_credits: list[ImageCredit] = field(default_factory=list)
    """Every credit removed from the article."""
    related: list[str] = field(default_factory=list)
    """Canonical URLs of the "More to Read" cards, in page order."""
    related_status: str = "unavailable"
    """`complete`, `absent` (no related block on the page), `partial` or `unavailable`."""
    tags: list[str] = field(default_factory=list)
    """Tags or labels shown with the article."""
    language: str | None = None
    """E.g. `en`; on sites with editions, the edition."""
    kind: str = "article"
    """`article`, or `link`: a card of a story another outlet published, which the site lists
    without an article of its own; its fields are the card's (title, summary, publication, the
    thumbnail as `image`) and `source_url` the outlet's page, never fetched."""
    source_url: str | None = None
    """On a `link`: the outside outlet's page the card links to."""
    aliases: list[str] = not_stored(None)
    """Other URLs seen for this article (the URL it was requested under, redirects); the store
    adds them to the stored `aliases` rather than replacing them."""
    content_hash: str | None = None
    """SHA-256 hex of the normalised title and body; set by the dedupe pipeline."""
    fetched_at: datetime | None = None
    """When the page was fetched (aware UTC): relative dates count back from it, and a stored
    document is never overwritten by fields read from an older fetch (a late dead-letter replay)."""
    http_validators: dict | None = None
    """For the crawler's own use: the `ETag` / `Last-Modified` of the page the fields were read from
    (`{"etag", "last_modified"}`), where the article was fetched as a page (not read from an app's
    data calls, not rendered); a re-visit sends them, and a 304 leaves the stored version standing."""
    extraction: Extraction = not_stored(default_factory=Extraction)
    """How the fields were read (newscrawler.items.Extraction)."""

    def __post_init__(self):
        if self.aliases is None:
            self.aliases = []


def extraction_of(adapter) -> Extraction:
    """An item's extraction metadata (an ItemAdapter's), made an `Extraction` where it came as a
    dict (an item rebuilt from plain data) or not at all."""
    found = adapter.get("extraction")
    if isinstance(found, Extraction):
        return found
    extraction = Extraction(**found) if isinstance(found, dict) else Extraction()
    if "extraction" in adapter.field_names() or isinstance(adapter.item, dict):
        adapter["extraction"] = extraction
    return extraction


def stored_fields() -> tuple[str, ...]:
    """Names of the item's fields that the store writes to the document."""
    return tuple(f.name for f in fields(ArticleItem) if f.metadata.get("stored", True))


def plain(value):
    """A field's value as MongoDB and JSON take it: typed parts become dicts."""
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
