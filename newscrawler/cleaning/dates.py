"""Date text as sites show it, in the site's local time, to aware UTC datetimes."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from dateutil import parser as dateutil_parser

from .date_order import day_first_for, day_first_in_zone
from .date_text import (HAS_SECONDS, HAS_TIME, MONTH_NAME, YEAR, YEAR_LAST, ZONE_ABBREVIATIONS, in_english,
                        mentions_date, normalise_iso, numeric_date, offsets_written_out)
from .datelines import published_part, tells_day_in_part
from .relative import relative_reading

# Read here, used by the pages and the tests through this module: the one reader of date text.
__all__ = ["Publication", "ParsedDate", "YEAR_LAST", "day_first_for", "in_english", "mentions_date", "most_complete",
           "normalise_iso", "parse_site_date", "published_part", "read_publication", "set_dates", "tells_day_in_part"]

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")
MAX_FUTURE = timedelta(days=1)


@dataclass(frozen=True)
class ParsedDate:
    value: datetime | None   # aware, UTC
    problem: str | None = None  # "empty", "unparseable", "ambiguous" or "future" when value is None


def localize(naive: datetime, zone: ZoneInfo) -> datetime:
    """Attach the site's zone. Times that do not exist (spring-forward gap) move forward by the
    gap, as clocks do; ambiguous times (fall-back) take the first, summer-time reading."""
    # fold=0 does both: in a gap it applies the offset from before the change (2:30 EST is
    # 3:30 EDT); in a repeated hour it picks the first occurrence.
    return naive.replace(tzinfo=zone, fold=0)


def parse_site_date(text: str | None, zone: str | ZoneInfo | None, now: datetime) -> ParsedDate:
    """`text` as the site shows it on a listing card or as `since` (`April 14, 2023, 2:14 AM`,
    `Oct 11, 2023`, ISO 8601, `5 minutes ago`, `Yesterday`), as one instant: the publication
    reader's (`read_publication`), a day alone being its start in `zone` (UTC when no zone is
    known); relative forms count back from `now` (the response's time). Never raises; a date more
    than a day ahead of `now` is refused (`future`), one that does not exist is `unparseable`."""
    zone = ZoneInfo(zone) if isinstance(zone, str) else zone or ZoneInfo("UTC")  # no zone known: read as UTC
    reading = read_publication(text, zone, now, day_first_in_zone(zone.key))
    if reading.problem:
        return ParsedDate(None, reading.problem)
    if reading.instant is not None:
        return ParsedDate(reading.instant)
    try:
        start = localize(datetime.fromisoformat(reading.local), zone).astimezone(timezone.utc)
    except (ValueError, OverflowError, TypeError):
        return ParsedDate(None, "unparseable")
    return ParsedDate(start)


# -- publication dates as a page states them -----------------------------------------------------
@dataclass(frozen=True)
class Publication:
    """A publication date as the page states it.

    `instant`: aware UTC, when the page gives a time and its offset (or the site's zone is known);
    `local`: ISO 8601 as stated: with the page's offset, a local time without offset, or only a day;
    `precision`: `second`, `minute`, `hour` or `day`."""

    instant: datetime | None
    local: str | None
    precision: str | None
    problem: str | None = None


def read_publication(text: str | None, zone: ZoneInfo | None, now: datetime,
                     day_first: bool | None = None) -> Publication:
    """`text` as a page states a publication: ISO 8601 (also loose), words (`April 14, 2023,
    2:14 AM`, `jeudi 9 janvier 2014`, `5 minutes ago`), or numbers (`2023-11-17 15:13`,
    `2018年6月18日`, `08/01/2014`, read day first when `day_first`, month first when False, and
    refused as `ambiguous` when not known and both orders read it). A day alone is kept as that
    day, never moved across midnight; a time without an offset is read in `zone`, or kept as a
    local time when no zone is known. Never raises."""
    text = (text or "").strip()
    if not text:
        return Publication(None, None, None, "empty")
    try:
        return _read_publication(text, zone, now, day_first)
    except (ValueError, OverflowError, TypeError):  # dateutil's errors on text it half reads
        return Publication(None, None, None, "unparseable")


EPOCH = re.compile(r"^\d{10}(?:\d{3})?$")
# A date in figures year first: never a time counted back (nor is an EPOCH), which is costly to ask
# in every language read (feeds and JSON-LD write nearly every date this way).
YEAR_FIRST = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:[T ]|$)")


def _read_publication(text: str, zone: ZoneInfo | None, now: datetime, day_first: bool) -> Publication:
    text = offsets_written_out(published_part(text))
    in_figures = YEAR_FIRST.match(text) or EPOCH.match(text)
    relative = None if in_figures else relative_reading(text, now, zone)
    if relative is not None:
        return counted_back(*relative, zone, now)
    if EPOCH.match(text):
        # Seconds (or milliseconds) since 1970, as some pages declare the publication to machines.
        moment = datetime.fromtimestamp(int(text[:10]), timezone.utc)
        return _stated(moment, "second", now) if moment.year >= 1995 else Publication(None, None, None, "unparseable")
    iso = normalise_iso(text)
    if iso is None:
        text = in_english(text)
        if not (MONTH_NAME.search(text) and YEAR.search(text)):
            iso = normalise_iso(numeric_date(text, day_first) or "")
            if iso is None and numeric_date(text, True) is not None:
                return Publication(None, None, None, "ambiguous")
    if iso is not None:
        if "T" not in iso:
            return _stated_day(datetime.fromisoformat(iso).date(), zone, now)
        parsed = dateutil_parser.isoparse(iso)
        clock = re.split(r"[+-]", iso.split("T")[1])[0]  # the time of day, without an offset
        precision = "second" if clock.count(":") >= 2 else "minute"
    else:
        if not (MONTH_NAME.search(text) and YEAR.search(text)):
            return Publication(None, None, None, "unparseable")
        parsed = parse_words(text)
        if parsed is None:
            return Publication(None, None, None, "unparseable")
        if not HAS_TIME.search(text):
            return _stated_day(parsed.date(), zone, now)
        precision = "second" if HAS_SECONDS.search(text) else "minute"
    if parsed.tzinfo is None:
        if zone is None:  # no offset, no zone: a local time, not an instant
            return Publication(None, parsed.isoformat(timespec="seconds"), precision)
        parsed = localize(parsed, zone)
    return _stated(parsed, precision, now)


def counted_back(moment: datetime | date, precision: str, zone: ZoneInfo | None, now: datetime) -> Publication:
    """A time counted back from `now` (`relative_reading`) as the page's publication."""
    if not isinstance(moment, datetime):
        return Publication(None, moment.isoformat(), "day")
    if moment.tzinfo is None:  # a clock on a named day, in the page's zone
        if zone is None:
            return Publication(None, moment.isoformat(timespec="seconds"), precision)
        moment = localize(moment, zone)
    return _stated(moment.astimezone(zone) if zone else moment, precision, now)


def parse_words(text: str) -> datetime | None:
    """A date in words; words that are no part of it (`Updated`, a label) are skipped when the
    strict reading fails, but only before or after it. None unless every part of the reading is
    written in the text: a year, a day, and the clock when it tells one (dateutil fills what it
    does not find from a default, and its fuzzy reading takes any number for a part)."""
    default = datetime(2000, 1, 1)
    with warnings.catch_warnings():
        # A zone name it does not know (`9:22 PM XYZ`) leaves the time local, as no name would.
        warnings.simplefilter("ignore", dateutil_parser.UnknownTimezoneWarning)
        try:
            parsed = dateutil_parser.parse(text, default=default, tzinfos=ZONE_ABBREVIATIONS)
        except (ValueError, OverflowError):
            parsed, skipped = dateutil_parser.parse(text, default=default, tzinfos=ZONE_ABBREVIATIONS,
                                                    fuzzy_with_tokens=True)
            if skips_inside_date(text, skipped):
                return None
    return parsed if is_written_in(parsed, text) else None


WORD = re.compile(r"[^\W\d_]{3,}")
CLOCK_ANYWHERE = re.compile(r"(?<!\d)(?P<h>\d{1,2}):(?P<min>\d{2})")


def skips_inside_date(text: str, skipped: tuple[str, ...]) -> bool:
    """Whether a fuzzy reading skipped a word between the text's first and last number: the
    numbers are then no one date (`Room 5, May Street 2024`)."""
    digits = [i for i, char in enumerate(text) if char.isdigit()]
    position = 0
    for token in skipped:
        found = text.find(token, position)
        if found < 0:
            continue
        position = found + len(token)
        if WORD.search(token) and digits[0] < found < digits[-1]:
            return True
    return False


def is_written_in(parsed: datetime, text: str) -> bool:
    """Whether the year, the day and the time of a reading are all written in `text`."""
    numbers = {int(n) for n in re.findall(r"\d+", text)}
    if parsed.year not in numbers or parsed.day not in numbers:
        return False
    clocks = [(int(m.group("h")), int(m.group("min"))) for m in CLOCK_ANYWHERE.finditer(text)]
    if not clocks:
        return (parsed.hour, parsed.minute) == (0, 0)
    return any(h % 12 == parsed.hour % 12 and minute == parsed.minute for h, minute in clocks)


def _stated_day(day, zone: ZoneInfo | None, now: datetime) -> Publication:
    """A day alone, refused when it is later than tomorrow wherever the page is read (the same
    bound as an instant's)."""
    if day > (now + MAX_FUTURE).astimezone(zone or timezone(timedelta(hours=14))).date():
        return Publication(None, None, None, "future")
    return Publication(None, day.isoformat(), "day")


def _stated(moment: datetime, precision: str, now: datetime) -> Publication:
    instant = moment.astimezone(timezone.utc)
    if instant - now > MAX_FUTURE:
        return Publication(None, None, None, "future")
    return Publication(instant, moment.isoformat(timespec="seconds"), precision)


def most_complete(declared: list[str], now: datetime | None = None) -> str | None:
    """Of the dates a page declares (most trusted first), the first that reads; where it lacks the
    offset or the time, a later one that gives the same time with an offset, or the same day with a
    time, is taken instead; so is one whose clock reading the first one stamped with a wrong
    offset. `now`: when the page was fetched."""
    now = now or datetime.now(timezone.utc)
    readings = [(text, read_publication(text, None, now)) for text in declared]
    readings = [(text, reading) for text, reading in readings if reading.local]
    if not readings:
        return declared[0] if declared else None
    text, first = readings[0]
    for other_text, other in readings[1:]:
        if first.precision == "day" and other.precision != "day" and other.local[:10] == first.local[:10]:
            return other_text
        if first.instant is None and first.precision != "day" and other.instant is not None \
                and other.local[:16] == first.local[:16]:
            return other_text
        if is_misstamped(first, other):
            return other_text
    return text


def is_misstamped(first: Publication, other: Publication) -> bool:
    """Two declared times that are one clock reading stamped with the wrong offset once: `20:00Z`
    in a meta tag and `20:00+09:00` in the page's `<time>` (a local time stamped as UTC), or
    `19:11-04:00` in a meta tag and `15:11-04:00` in the JSON-LD (a UTC time stamped with the local
    offset). The other one is believed: its reading is what the first one's was taken from."""
    if first.instant is None or other.instant is None or first.precision == "day" or first.instant == other.instant:
        return False
    first_offset, other_offset = (datetime.fromisoformat(p.local).utcoffset() for p in (first, other))
    if not first_offset and other_offset:
        return other.local[:16] == first.local[:16]
    utc_clock = other.instant.replace(tzinfo=None).isoformat(timespec="minutes")
    return bool(first_offset) and first_offset == other_offset and first.local[:16] == utc_clock


def in_shown_offset(declared: Publication, shown: Publication) -> Publication:
    """A declared instant in UTC told in the offset the page shows it in: the shown time names its
    zone, or is the same minute a whole quarter-hour count of hours away (`2:00 AM` on a page that
    declares `07:00Z` is 2:00 at -05:00). The publisher's day is the day in that offset; where the
    page shows only a day, see `on_shown_day`."""
    if declared.instant is None or not (declared.local or "").endswith("+00:00"):
        return declared
    if shown.precision == "day":
        return on_shown_day(declared, shown)
    if shown.instant is not None:
        if abs((shown.instant - declared.instant).total_seconds()) >= 60 or not shown.local[19:]:
            return declared
        offset = datetime.fromisoformat(shown.local).utcoffset()
    else:
        apart = datetime.fromisoformat(shown.local) - declared.instant.replace(tzinfo=None, second=0, microsecond=0)
        quarters, rest = divmod(apart.total_seconds(), 900)
        if rest or abs(apart) > timedelta(hours=14):
            return declared
        offset = timedelta(seconds=quarters * 900)
    if not offset:
        return declared
    local = declared.instant.astimezone(timezone(offset)).isoformat(timespec="seconds")
    return Publication(declared.instant, local, declared.precision)


def on_shown_day(declared: Publication, shown: Publication) -> Publication:
    """A declared UTC instant whose page shows only the day, the day before or after it: the
    publisher's day, where an offset in use puts the instant (`2016-11-29T01:45Z` is the evening
    of the 28th in the Americas, `2019-04-03T15:00Z` the 4th in Japan). The day is told as shown,
    its offset unknown; the instant stands."""
    utc = declared.instant.astimezone(timezone.utc)
    apart = (date.fromisoformat(shown.local[:10]) - utc.date()).days
    hours = utc.hour + utc.minute / 60
    if (apart == -1 and hours < 12) or (apart == 1 and hours >= 10):
        return Publication(declared.instant, shown.local[:10], "day")
    return declared


def in_zone_shown(declared: Publication, shown: Publication) -> Publication:
    """A declared local time without an offset, where the page shows the same clock reading with its
    zone (`10:00:00` declared, `10:00 AM EDT` shown): the declared time at the shown offset."""
    if declared.instant is not None or declared.precision in (None, "day") or shown.instant is None:
        return declared
    if shown.local[:16] != declared.local[:16]:
        return declared
    offset = datetime.fromisoformat(shown.local).utcoffset()
    local = datetime.fromisoformat(declared.local).replace(tzinfo=timezone(offset))
    return Publication(local.astimezone(timezone.utc), local.isoformat(timespec="seconds"), declared.precision)


def completes_declared_day(shown: Publication, declared: Publication) -> bool:
    """Whether the text's reading says more than the declared one: the day with a time, where the
    declared date gives only a day (or midnight, as systems that store days write them). Such a
    day is often the day in UTC, so a shown time on the day before or after is the same moment
    told better."""
    if not (shown.local and declared.local) or shown.precision == "day":
        return False
    if not (declared.precision == "day" or declared.local[11:19] == "00:00:00"):
        return False
    if shown.instant is not None and shown.instant == declared.instant:
        return False  # a midnight that is a real time: the same moment told in another zone
    if declared.instant is not None and shown.instant is None and shown.local[:16] == declared.local[:16]:
        return False  # the declared midnight shown without its offset: nothing more is told
    apart = datetime.fromisoformat(shown.local[:10]) - datetime.fromisoformat(declared.local[:10])
    return abs(apart.days) <= 1


def agreeing_reading(text: str, zone: ZoneInfo | None, now: datetime, declared: Publication) -> Publication:
    """A numeric date that reads either way round (`02/10/2020`), read in the one order whose day
    is the declared one's (a day apart at most: a time zone); still ambiguous when neither or both."""
    day = date.fromisoformat(declared.local[:10])
    agreeing = [reading for reading in (read_publication(text, zone, now, order) for order in (True, False))
                if reading.local and abs((date.fromisoformat(reading.local[:10]) - day).days) <= 1]
    return agreeing[0] if len(agreeing) == 1 else Publication(None, None, None, "ambiguous")


def set_dates(item, zone: ZoneInfo | None, now: datetime) -> Publication | None:
    """An item's dates from what its page stated: a machine-readable date (JSON-LD, meta, an API)
    wins over the text, unless the text gives the time of the day the declared date gives alone;
    a declared UTC instant is told in the offset the text shows it in; the text is kept either way.
    Numeric dates are read in the order the page writes them (`extraction.day_first`, else its
    language's); where that is not known, in the order that agrees with the declared day. Sets
    `published_at`, `published_at_local`, `published_at_precision` and `modified_at`, and in the
    item's extraction metadata the source of the date chosen; returns the publication read (None: no
    date text)."""
    from itemadapter import ItemAdapter

    from ..items import extraction_of

    adapter = ItemAdapter(item)
    extraction = extraction_of(adapter)
    day_first = extraction.day_first if extraction.day_first is not None else day_first_for(adapter.get("language"))
    publication, source = None, None
    for text, told_by in ((extraction.published_iso, "declared"),
                          (adapter.get("published_at_raw"), extraction.date_source)):
        if not text:
            continue
        reading = read_publication(text, zone, now, day_first)
        if reading.problem == "ambiguous" and publication is not None and publication.local:
            reading = agreeing_reading(text, zone, now, publication)
        if publication is None or not publication.local or completes_declared_day(reading, publication):
            publication, source = reading, told_by
        elif reading.local:
            publication = in_zone_shown(in_shown_offset(publication, reading), reading)
    adapter["published_at"] = publication.instant if publication else None
    adapter["published_at_local"] = publication.local if publication else None
    adapter["published_at_precision"] = publication.precision if publication else None
    extraction.date_source = source if publication and publication.local else None
    modified = extraction.modified_iso
    adapter["modified_at"] = read_publication(modified, zone, now).instant if modified else None
    return publication
