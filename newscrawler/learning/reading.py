"""Articles read without the browser, as items, and how they compare with a render's.

An item read from an app's data calls has the fields a render would give, but for the publication's
raw text: the answer's own (ISO 8601) instead of the words the page shows. Its declared date
(`extraction`) is that instant told in the browser's zone to the minute, so its stored
`published_at`, `published_at_local` and precision are the render's. An item read from a plain fetch
of the page is the page's, with the related call's list."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from ..cleaning.dates import read_publication
from ..items import ArticleItem, Extraction, Image, plain
from .recipe import instant

COMPARED = ("title", "section", "body", "headings", "image", "tags", "related", "language", "published")


def shown_of(item: ArticleItem, zone: ZoneInfo | None) -> dict:
    """What a rendered page showed, as `learn()` matches it."""
    image = item.image
    return {"title": item.title, "section": item.section, "body": item.body, "tags": list(item.tags),
            "published": published_instant(item, zone), "related": list(item.related),
            "image_url": image.url if image else None, "image_alt": image.alt if image else None,
            "image_caption": image.caption if image else None}


def published_instant(item: ArticleItem, zone: ZoneInfo | None) -> datetime | None:
    extraction = item.extraction
    zone = ZoneInfo(extraction.published_zone) if extraction.published_zone else zone
    now = item.fetched_at or datetime.now(timezone.utc)
    for text in filter(None, (extraction.published_iso, item.published_at_raw)):
        reading = read_publication(text, zone, now)
        if reading.instant is not None:
            return reading.instant.replace(second=0, microsecond=0)
    return None


def as_shown(moment: datetime, zone: ZoneInfo) -> str:
    """An instant as a page shows it in `zone`: to the minute (seconds only where there are some)."""
    local = moment.astimezone(zone)
    offset = local.strftime("%z")
    clock = "%H:%M:%S" if local.second else "%H:%M"
    return local.strftime(f"%Y-%m-%dT{clock}") + f"{offset[:3]}:{offset[3:]}"


def item_fields(fields: dict, browser_zone: ZoneInfo) -> dict:
    """The fields an article call's answer gave, as an item's (plain data, for the request's meta)."""
    published = fields.get("published")
    moment = instant(published)
    image = {"url": fields["image_url"], "alt": fields.get("image_alt") or None,
             "caption": fields.get("image_caption") or None} if fields.get("image_url") else None
    return {"title": fields.get("title"), "section": fields.get("section"), "body": fields["body"],
            "headings": fields["headings"], "tags": list(fields.get("tags") or []), "image": image,
            "published_at_raw": published,
            "extraction": {"published_iso": as_shown(moment, browser_zone) if moment else None, "date_source": "declared"}}


PAGE_FIELDS = ("url", "title", "section", "published_at_raw", "summary", "body", "headings", "tags", "language",
               "aliases")


def page_fields(item: ArticleItem, article_id: str, validators: dict | None = None) -> dict:
    """The fields a plain fetch of an article's page gave (plain data, for the request's meta), with
    the page's validators (the related call's are not the article's); the related block is the
    related call's."""
    return {**{name: getattr(item, name) for name in PAGE_FIELDS}, "article_id": article_id,
            "image": plain(item.image), "extraction": plain(item.extraction), "http_validators": validators}


def build_item(values: dict) -> ArticleItem:
    image, extraction, fetched_at = values.get("image"), values.get("extraction") or {}, values.get("fetched_at")
    return ArticleItem(**{**values, "image": Image(**image) if image else None, "extraction": Extraction(**extraction),
                          "fetched_at": datetime.fromisoformat(fetched_at) if isinstance(fetched_at, str) else fetched_at})


def differing_field(read: ArticleItem, rendered: ArticleItem, zone: ZoneInfo | None,
                    besides: tuple[str, ...] = ()) -> str | None:
    """The first field in which an article read without the browser differs from its render (the
    publication compared as instants to the minute; the related list only where the render saw the
    whole block); None when they agree."""
    for name in COMPARED:
        if name in besides or (name == "related" and rendered.related_status not in ("complete", "absent")):
            continue
        if name == "published":
            if published_instant(read, zone) != published_instant(rendered, zone):
                return name
        elif getattr(read, name) != getattr(rendered, name):
            return name
    return None


def difference(read: ArticleItem, rendered: ArticleItem, name: str, zone: ZoneInfo | None) -> str:
    """How a field of a read differs from its render, in words a log line can hold: for the related
    list, the entries only one of them holds (or that the same ones came in another order)."""
    if name == "related":
        ours, theirs = list(read.related), list(rendered.related)
        only_read = [url for url in ours if url not in theirs]
        only_rendered = [url for url in theirs if url not in ours]
        if not only_read and not only_rendered:
            return (f"related differed from the render: the same {len(ours)} entries in another order "
                    f"(read {ours}, rendered {theirs})")
        return (f"related differed from the render: read {len(ours)} entries, rendered {len(theirs)}; "
                f"only in the read {only_read}, only in the render {only_rendered}")
    if name == "published":
        ours, theirs = published_instant(read, zone), published_instant(rendered, zone)
    else:
        ours, theirs = getattr(read, name), getattr(rendered, name)
    return f"{name} differed from the render: read {shortened(ours)}, rendered {shortened(theirs)}"


def shortened(value, limit: int = 160) -> str:
    if isinstance(value, datetime):
        value = value.isoformat()
    elif isinstance(value, Image):
        value = plain(value)
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."
