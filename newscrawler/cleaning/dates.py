"""Date text as sites show it, in the site's local time, to aware UTC datetimes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from dateutil import parser as dateutil_parser

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")
RELATIVE = re.compile(r"^(?P<n>\d+|an?|one)\s+(?P<unit>second|minute|min|hour|hr|day|week)s?\s+ago$", re.I)
UNIT_SECONDS = {"second": 1, "minute": 60, "min": 60, "hour": 3600, "hr": 3600, "day": 86400, "week": 604800}
MONTH_NAME = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\b", re.I)
YEAR = re.compile(r"\b(19|20)\d{2}\b")
MAX_FUTURE = timedelta(days=1)


@dataclass(frozen=True)
class ParsedDate:
    value: datetime | None   # aware, UTC
    problem: str | None = None  # "empty", "unparseable" or "future" when value is None


def localize(naive: datetime, zone: ZoneInfo) -> datetime:
    """Attach the site's zone. Times that do not exist (spring-forward gap) move forward by the
    gap, as clocks do; ambiguous times (fall-back) take the first, summer-time reading."""
    # fold=0 does both: in a gap it applies the offset from before the change (2:30 EST is
    # 3:30 EDT); in a repeated hour it picks the first occurrence.
    return naive.replace(tzinfo=zone, fold=0)


def parse_relative(text: str, now: datetime) -> datetime | None:
    lowered = text.lower().strip()
    if lowered in ("just now", "now"):
        return now
    if lowered == "today":
        return now
    if lowered == "yesterday":
        return now - timedelta(days=1)
    match = RELATIVE.match(lowered)
    if not match:
        return None
    count = match.group("n")
    amount = 1 if count in ("a", "an", "one") else int(count)
    return now - timedelta(seconds=amount * UNIT_SECONDS[match.group("unit").lower()])


def parse_absolute(text: str, zone: ZoneInfo) -> datetime | None:
    if ISO_DATE.match(text):
        parsed = dateutil_parser.isoparse(text)
        return parsed if parsed.tzinfo else localize(parsed, zone)
    # Demand a month name and a year: dateutil reads almost anything ("12" is a day of this month).
    if not (MONTH_NAME.search(text) and YEAR.search(text)):
        return None
    try:
        parsed = dateutil_parser.parse(text, default=datetime(2000, 1, 1))
    except (ValueError, OverflowError):
        return None
    return parsed if parsed.tzinfo else localize(parsed, zone)


def parse_site_date(text: str | None, zone: str | ZoneInfo, now: datetime) -> ParsedDate:
    """`text` as the site shows it (`April 14, 2023, 2:14 AM`, `Oct 11, 2023`, ISO 8601,
    `5 minutes ago`, `Yesterday`), read in `zone` when it names no offset; relative forms count
    back from `now` (the response's time). Dates more than a day ahead of `now` are refused.

    Never raises, whatever the text: a date that does not exist (`0000-00-00`, `2023-02-30`) or
    falls outside the calendar once moved to UTC (`0001-01-01T00:00:00+01:00`, `999999999 days
    ago`) is `unparseable`, so the article is kept with a null date and its raw text."""
    zone = ZoneInfo(zone) if isinstance(zone, str) else zone
    text = (text or "").strip()
    if not text:
        return ParsedDate(None, "empty")
    try:
        value = parse_relative(text, now) or parse_absolute(text, zone)
        value = value.astimezone(timezone.utc) if value is not None else None
    except (ValueError, OverflowError):
        value = None
    if value is None:
        return ParsedDate(None, "unparseable")
    if value - now > MAX_FUTURE:
        return ParsedDate(None, "future")
    return ParsedDate(value)
