"""Times a page counts back from when it was read (`3 hours ago`, `3h ago`, `5시간 전`, `3小时前`,
`Yesterday at 3:15 PM`): read against the fetch time, as precisely as they say."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

# `3 hours ago`, `3h ago`, `an hour ago`, `12 mins ago`, `2 days ago`.
RELATIVE = re.compile(r"^(?P<n>\d+|an?|one)\s*(?P<unit>seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|"
                      r"weeks?|wks?|w)\.?\s+ago$", re.I)
# `5시간 전`, `3分钟前`, `2時間前`: Korean, Chinese and Japanese counts back from now.
CJK_RELATIVE = re.compile(r"^(?P<n>\d+)\s*(?P<unit>초|분|시간|일|주|秒|秒钟|分|分钟|分鐘|小时|小時|時間|天|日|周|週|週間)\s*(?:전|前)$")
UNIT_NAMES = {"s": "second", "sec": "second", "m": "minute", "min": "minute", "h": "hour", "hr": "hour",
              "d": "day", "w": "week", "wk": "week",
              "초": "second", "秒": "second", "秒钟": "second", "분": "minute", "分": "minute", "分钟": "minute",
              "分鐘": "minute", "시간": "hour", "小时": "hour", "小時": "hour", "時間": "hour", "일": "day",
              "天": "day", "日": "day", "주": "week", "周": "week", "週": "week", "週間": "week"}
UNIT_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}
# What a count of each unit tells: minutes tell the minute, hours only the hour, days only the day.
UNIT_PRECISION = {"second": "minute", "minute": "minute", "hour": "hour", "day": "day", "week": "day"}
JUST_NOW = ("just now", "now", "방금", "방금 전", "刚刚", "剛剛", "たった今")
DAYS_BACK = {"today": 0, "오늘": 0, "今天": 0, "今日": 0, "yesterday": 1, "어제": 1, "昨天": 1, "昨日": 1}
# `Yesterday at 3:15 PM`, `Today, 10:05`: a day named by its distance and a clock on it.
DAY_AND_CLOCK = re.compile(r"^(?P<day>today|yesterday)\s*(?:,|at|@)?\s*(?P<h>\d{1,2})[:.](?P<min>\d{2})"
                           r"\s*(?P<ampm>[ap]\.?m\.?)?$", re.I)


def unit_of(name: str) -> str:
    name = name.lower()
    return UNIT_NAMES.get(name) or UNIT_NAMES.get(name.rstrip("s")) or name.rstrip("s")


def relative_reading(text: str, now: datetime, zone: ZoneInfo | None) -> tuple[datetime | date, str] | None:
    """A time counted back from `now` (aware) with its precision: an aware instant (`minute` for
    seconds and minutes, `hour` for hours); a day (`date`, in `zone`, UTC when none is known) for
    days, weeks, `today` and `yesterday`; a naive local time in `zone` for a named day and its clock.
    None when `text` is no such time."""
    lowered = text.lower().strip()
    here = now.astimezone(zone) if zone else now
    if lowered in JUST_NOW:
        return now, "minute"
    if lowered in DAYS_BACK:
        return here.date() - timedelta(days=DAYS_BACK[lowered]), "day"
    named = DAY_AND_CLOCK.match(lowered)
    if named:
        return day_and_clock(here.date() - timedelta(days=DAYS_BACK[named.group("day")]), named)
    match = RELATIVE.match(lowered) or CJK_RELATIVE.match(lowered)
    if not match:
        return None
    count = match.group("n")
    amount = 1 if count in ("a", "an", "one") else int(count)
    unit = unit_of(match.group("unit"))
    moment = now - timedelta(seconds=amount * UNIT_SECONDS[unit])
    precision = UNIT_PRECISION[unit]
    return (moment.astimezone(zone).date() if zone else moment.date(), "day") if precision == "day" else (moment, precision)


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
    lowered = text.lower().strip()
    return (lowered in JUST_NOW or lowered in DAYS_BACK or bool(DAY_AND_CLOCK.match(lowered))
            or bool(RELATIVE.match(lowered) or CJK_RELATIVE.match(lowered)))
