"""Times a page counts back from when it was read (`3 hours ago`, `3h ago`, `vor 3 Stunden`,
`il y a 2 jours`, `5시간 전`, `3小时前`, `Yesterday at 3:15 PM`, `ayer a las 14:30`): read against the
fetch time, as precisely as they say. Other languages' words are dateparser's locale data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import regex

from .locales import RELATIVE_LANGUAGES, CountedBack, counted_back_words

# `3 hours ago`, `3h ago`, `an hour ago`, `12 mins ago`, `2 days ago`: English as pages abbreviate it,
# beyond the locale's words.
RELATIVE = re.compile(r"^(?P<n>\d+|an?|one)\s*(?P<unit>seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|"
                      r"weeks?|wks?|w)\.?\s+ago$", re.I)
UNIT_NAMES = {"s": "second", "sec": "second", "m": "minute", "min": "minute", "h": "hour", "hr": "hour",
              "d": "day", "w": "week", "wk": "week"}
UNIT_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}
# What a count of each unit tells: minutes tell the minute, hours only the hour, days only the day.
# Months and years are no fixed length and tell no day: not read.
UNIT_PRECISION = {"second": "minute", "minute": "minute", "hour": "hour", "day": "day", "week": "day"}
# The locales' words for "now" (`jetzt`, `ora`, `nu`, `今`) are also words of running text and
# menus; only these are taken as a time.
JUST_NOW = ("just now", "now", "방금", "방금 전", "刚刚", "剛剛", "たった今")
# Any instant does to ask whether a text is a time counted back.
SOME_MOMENT = datetime(2000, 1, 1, tzinfo=timezone.utc)
CLOCK = r"(?P<h>\d{1,2})\s*[:.h]\s*(?P<min>\d{2})\s*(?P<ampm>[ap]\.?m\.?)?"


def unit_of(name: str) -> str:
    name = name.lower()
    return UNIT_NAMES.get(name) or UNIT_NAMES.get(name.rstrip("s")) or name.rstrip("s")


def relative_reading(text: str, now: datetime, zone: ZoneInfo | None) -> tuple[datetime | date, str] | None:
    """A time counted back from `now` (aware) with its precision: an aware instant (`minute` for
    seconds and minutes, `hour` for hours); a day (`date`, in `zone`, UTC when none is known) for
    days, weeks and named days (`today`, `gestern`); a naive local time in `zone` for a named day and
    its clock. None when `text` is no such time, or one too coarse to tell a day (months, years)."""
    lowered = " ".join(text.lower().split()).rstrip(".")
    here = now.astimezone(zone) if zone else now
    if lowered in JUST_NOW:
        return now, "minute"
    _, days_back = counted_back_words()
    if lowered in days_back:
        return here.date() - timedelta(days=days_back[lowered]), "day"
    named = day_and_clock_pattern().match(lowered)
    if named:
        return day_and_clock(here.date() - timedelta(days=days_back[named.group("day")]), named)
    count = counted_back(lowered)
    if count is None or count[1] not in UNIT_SECONDS:
        return None
    amount, unit = count
    try:
        moment = now - timedelta(seconds=amount * UNIT_SECONDS[unit])
    except OverflowError:  # a count no calendar holds (`999999999 days ago`)
        return None
    precision = UNIT_PRECISION[unit]
    return (moment.astimezone(zone).date() if zone else moment.date(), "day") if precision == "day" else (moment, precision)


def counted_back(lowered: str) -> tuple[float, str] | None:
    """The count and unit of a time counted back (`vor 3 Stunden` -> `(3, "hour")`), in English as
    pages abbreviate it or in any language read; None when it is none, or when two languages read it
    with different units."""
    english = RELATIVE.match(lowered)
    if english:
        count = english.group("n")
        return (1 if count in ("a", "an", "one") else int(count)), unit_of(english.group("unit"))
    readings = set()
    for language in locale_patterns():
        written = language.in_figures(lowered)
        if any(char.isdigit() for char in written):  # every way of counting back has its count in figures
            readings.update(language.readings(written))
    return readings.pop() if len(readings) == 1 else None


@dataclass(frozen=True)
class LocaleCounts:
    """A language's ways of counting back, compiled with `regex`, the engine dateparser writes its
    patterns for (variable-width look-behinds)."""

    figures: tuple[tuple[regex.Pattern, str], ...]
    any_figure: regex.Pattern | None  # any of the counts in words, to pass by texts without one at once
    phrases: tuple[tuple[regex.Pattern, str], ...]
    worded: regex.Pattern | None  # a count, a unit word, and the word for "ago" before or after
    any_way: regex.Pattern  # any of the phrases or the worded form, to pass by other texts at once
    units: dict[str, str]

    def in_figures(self, lowered: str) -> str:
        if self.any_figure is None or not self.any_figure.search(lowered):
            return lowered
        for words, value in self.figures:
            lowered = words.sub(value, lowered)
        return lowered

    def readings(self, written: str) -> set[tuple[float, str]]:
        if not self.any_way.fullmatch(written):
            return set()
        found = {(figure(match.group(1)), unit) for pattern, unit in self.phrases
                 if (match := pattern.fullmatch(written))}
        worded = self.worded.fullmatch(written) if self.worded else None
        if worded and bool(worded.group("before")) != bool(worded.group("after")):
            found.add((figure(worded.group("n")), self.units[worded.group("unit")]))
        return found


def figure(count: str) -> float:
    return float(count.replace(",", "."))


@lru_cache(maxsize=1)
def locale_patterns() -> tuple[LocaleCounts, ...]:
    """Per language read, its ways of counting back; a space in the locale's phrase may be none or
    several on a page (`3h`, `3 時間前`)."""
    languages, _ = counted_back_words()
    return tuple(compiled(languages[language]) for language in RELATIVE_LANGUAGES)


def compiled(language: CountedBack) -> LocaleCounts:
    figures = tuple((regex.compile(rf"(?<!\w)(?:{words})(?!\w)"), value) for words, value in language.figures)
    any_figure = (regex.compile(rf"(?<!\w)(?:{'|'.join(words for words, _ in language.figures)})(?!\w)")
                  if language.figures else None)
    phrases = tuple((regex.compile(pattern.replace(" ", r"\s*")), unit) for pattern, unit in language.phrases)
    worded = None
    if language.ago and language.units:
        ago, units = alternatives(language.ago), alternatives(language.units)
        worded = regex.compile(rf"(?:(?P<before>{ago})\s*)?(?P<n>\d+(?:[.,]\d+)?)\s*(?P<unit>{units})\.?"
                               rf"(?:\s*(?P<after>{ago}))?")
    any_way = regex.compile("|".join([f"(?:{pattern.pattern})" for pattern, _ in phrases]
                                     + ([f"(?:{worded.pattern})"] if worded else []) or ["(?!)"]))
    return LocaleCounts(figures, any_figure, phrases, worded, any_way, language.units)


@lru_cache(maxsize=1)
def day_and_clock_pattern() -> re.Pattern:
    """`yesterday at 3:15 pm`, `gestern um 14:30 uhr`, `hier à 14h30`, `昨日 14:30`: a day named by its
    distance, the locale's small words around a clock, and the clock."""
    from dateparser.languages.loader import default_loader

    _, days_back = counted_back_words()
    joins = {word for language in RELATIVE_LANGUAGES for word in default_loader.get_locale(language).info.get("skip", [])
             if re.fullmatch(r"[^\W\d_]+(?: [^\W\d_]+)*", word)}
    days, join = alternatives(days_back), alternatives(joins | {"at"})
    return re.compile(rf"^(?P<day>{days})\s*[,@]?\s*(?:(?:{join})\s+)?{CLOCK}(?:\s*(?:{join}))?$")


def alternatives(words) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


def day_and_clock(day: date, match: re.Match) -> tuple[datetime, str] | None:
    hour, minute = int(match.group("h")), int(match.group("min"))
    ampm = (match.group("ampm") or "").replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return datetime(day.year, day.month, day.day, hour, minute), "minute"


def is_relative(text: str) -> bool:
    """Whether `text` is a time counted back from now (whatever the moment it was read)."""
    return relative_reading(text, SOME_MOMENT, None) is not None
