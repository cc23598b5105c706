"""Date text read as text: ISO 8601 as pages write it, numeric dates (year first, year last,
Chinese, Japanese and Korean), clocks and the zones named after them, other languages' month names
made English; whether a text mentions a date at all."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from .locales import months_made_english

MONTH_NAME = re.compile(r"\b(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sept?(ember)?|"
                        r"oct(ober)?|nov(ember)?|dec(ember)?)\b", re.I)
YEAR = re.compile(r"\b(19|20)\d{2}\b")
DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{8}$")
HAS_TIME = re.compile(r"\d{1,2}:\d{2}|T\d{2}\d{2}")
HAS_SECONDS = re.compile(r"\d{1,2}:\d{2}:\d{2}|T\d{6}")
HAS_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2}|\b(UTC|GMT)([+-]\d{1,2}(:?\d{2})?)?)\s*$", re.I)
# `2024-04-30 16:38:37 +02:00`, `20201123T11:02:35Z`: ISO 8601 as pages write it, made strict.
ISO_LOOSE = re.compile(r"^(?P<date>\d{4}-?\d{2}-?\d{2})(?:[T ](?P<time>\d{2}:?\d{2}(?::?\d{2}(?:[.,]\d+)?)?))?"
                       r"\s*(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?$", re.I)


def normalise_iso(text: str) -> str | None:
    """Loose ISO 8601 made strict (`20201123T11:02:35Z` -> `2020-11-23T11:02:35+00:00`); None when
    `text` is no ISO date."""
    match = ISO_LOOSE.match(text.strip())
    if not match:
        return None
    date = match.group("date").replace("-", "")
    result = f"{date[:4]}-{date[4:6]}-{date[6:8]}"
    clock = (match.group("time") or "").replace(":", "")
    if clock:
        fraction = ""
        if "." in clock or "," in clock:
            clock, fraction = re.split(r"[.,]", clock, maxsplit=1)
            fraction = "." + fraction[:6]
        clock = clock.ljust(4, "0")
        result += f"T{clock[:2]}:{clock[2:4]}" + (f":{clock[4:6]}{fraction}" if len(clock) > 4 else "")
    offset = match.group("offset")
    if offset and clock:
        offset = "+00:00" if offset.upper() == "Z" else offset
        if len(offset) == 3:
            offset += ":00"
        elif ":" not in offset:
            offset = f"{offset[:3]}:{offset[3:]}"
        result += offset
    return result


# `2018年6月18日 10:01`, `2019년 8월 20일`: Chinese, Japanese and Korean dates; `2023. 10. 17.`,
# what a browser's Korean locale writes.
CJK_DATE = re.compile(r"(?P<y>\d{4})\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]?"
                      r"|(?<!\d)(?P<ky>(?:19|20)\d{2})\.\s+(?P<km>\d{1,2})\.\s+(?P<kd>\d{1,2})\.?(?!\d)")
# `오후 9:03`, `下午9:03`, `午後9時3分`: morning or afternoon written before the clock.
MERIDIEM_FIRST = re.compile(r"(?P<mer>오전|오후|上午|下午|午前|午後|早上|晚上)\s*(?P<clock>\d{1,2}:\d{2}(?::\d{2})?)")
AFTERNOON = ("오후", "下午", "午後", "晚上")
# `2023-11-17 15:13`, `2023.11.17`, `2019/08/20 09:31`: year first, inside any text.
YEAR_FIRST = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<sep>[-./])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)")
# `08/01/2014`, `20.11.2023`: day or month first, as the page's language writes it.
YEAR_LAST = re.compile(r"(?<!\d)(?P<a>\d{1,2})(?P<sep>[-./])(?P<b>\d{1,2})(?P=sep)(?P<y>(?:19|20)\d{2})(?!\d)")
CLOCK = re.compile(r"^[\s,.|T-]*(?:(?:[(（][^()（）\d]{1,12}[)）]|星期.|周.|.曜日|.요일)\s*)?(?:at\s+|um\s+|à\s+|a las\s+)?(?P<h>\d{1,2})[:h.](?P<min>\d{2})(?::(?P<s>\d{2}))?"
                   r"(?:\s*(?P<ampm>[ap]\.?m\.?))?", re.I)
OTHER_CLOCK = re.compile(r"(?<!\d)(?P<h>\d{1,2})\s*(?:h(?P<m>\d{2})|[時时시]\s*(?P<cm>\d{1,2})\s*[分분]?)(?!\d)")
DOT_CLOCK = re.compile(r"(?P<at>\b(?:at|um|à|alle|a las|om)\s+|(?:19|20)\d{2},?\s+)(?P<h>\d{1,2})\.(?P<m>\d{2})(?![\d.])", re.I)
NOON = re.compile(r"\b(?:noon|midnight)\b", re.I)
# A two-digit year after a day and a month in words (`09 May 24`, `May 9, 24`, RFC 822's) or dots
# (`09.05.24`), never before a clock's colon or another number.
SHORT_YEAR = re.compile(r"(?P<before>(?<![\w.])\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?,?\s+"
                        r"|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},\s+"
                        r"|(?<![\w.])\d{1,2}\.\d{1,2}\.)(?P<yy>\d{2})(?![\w.:])")


def whole_year(yy: str) -> str:
    """A two-digit year of a news page: this century's (pages with dates of the last one write four)."""
    return f"20{yy}"


# Zone abbreviations pages print after a time (`9:22 PM EST`), as fixed offsets: tzinfo objects,
# since dateutil takes offsets in whole seconds only and several zones are half or quarter hours
# off UTC (`IST` +5:30, `NPT` +5:45, `ACST` +9:30).
ZONE_HOURS = {
    "UTC": 0, "UT": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 1, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7,
    "MDT": -6, "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10, "AST": -4, "ADT": -3, "NST": -3.5,
    "NDT": -2.5, "BRT": -3, "ART": -3, "BST": 1, "CET": 1, "CEST": 2, "MEZ": 1, "MESZ": 2, "EET": 2,
    "EEST": 3, "MSK": 3, "GST": 4, "PKT": 5, "IST": 5.5, "NPT": 5.75, "ICT": 7, "WIB": 7, "HKT": 8,
    "SGT": 8, "PHT": 8, "AWST": 8, "JST": 9, "KST": 9, "ACST": 9.5, "ACDT": 10.5, "AEST": 10, "AEDT": 11,
    "NZST": 12, "NZDT": 13,
}
ZONE_ABBREVIATIONS = {name: timezone(timedelta(hours=hours), name) for name, hours in ZONE_HOURS.items()}
# `4:35 PM ET`: the zone's name without saying summer or winter; its rules know which.
ZONE_ABBREVIATIONS.update({"ET": ZoneInfo("America/New_York"), "CT": ZoneInfo("America/Chicago"),
                           "MT": ZoneInfo("America/Denver"), "PT": ZoneInfo("America/Los_Angeles")})
# `UTC+8`, `GMT+05:30`: an offset from UTC written as people read it (east is plus). dateutil reads
# such text the POSIX way, with the sign inverted, so it is written out as `+08:00` first.
NAMED_OFFSET = re.compile(r"\b(?:UTC|GMT)\s*(?P<sign>[+-−])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?\b", re.I)
# A zone the text names after a clock: an abbreviation above, or a written offset.
STATED_ZONE = re.compile(r"^\s*(?:\(\s*)?(?P<zone>[A-Z]{1,5}\b|[+-]\d{2}:?\d{2}\b)")


def offsets_written_out(text: str) -> str:
    """`UTC+8` -> `+08:00`, `GMT-4:30` -> `-04:30`."""
    def written(match: re.Match) -> str:
        sign = "-" if match.group("sign") in "-−" else "+"
        return f"{sign}{int(match.group('h')):02d}:{match.group('m') or '00'}"
    return NAMED_OFFSET.sub(written, text)


def stated_offset(after: str, naive: datetime) -> str | None:
    """The offset (`+09:00`) of the zone that `after`, the text after a clock, names first; None
    when it names none that is known."""
    match = STATED_ZONE.match(after)
    if not match:
        return None
    name = match.group("zone")
    if name[0] in "+-":
        return name if ":" in name else f"{name[:3]}:{name[3:]}"
    zone = ZONE_ABBREVIATIONS.get(name)
    if zone is None:
        return None
    offset = naive.replace(tzinfo=zone, fold=0).utcoffset()
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def numeric_date(text: str, day_first: bool | None) -> str | None:
    """The first numeric date in `text` (year first, year last, or Chinese/Japanese/Korean), with
    the clock that follows it, as loose ISO (`2023-11-17T15:13`); None when there is none, or when
    its day and month could be either way round and `day_first` is None (not known). Dotted dates
    (`05.03.2024`) are day first, as nearly everywhere they are written."""
    match = CJK_DATE.search(text) or YEAR_FIRST.search(text)
    if match:
        year, month, day = (match.group("y") or match.group("ky"), match.group("m") or match.group("km"),
                            match.group("d") or match.group("kd"))
    else:
        match = YEAR_LAST.search(text)
        if not match:
            return None
        first, second, year = int(match.group("a")), int(match.group("b")), match.group("y")
        day_first = True if match.group("sep") == "." else day_first
        if day_first is None and first <= 12 and second <= 12 and first != second:
            return None
        if first > 12 or (day_first and second <= 12):
            day, month = first, second
        else:
            month, day = first, second
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        return None
    result = f"{year}-{int(month):02d}-{int(day):02d}"
    clock = CLOCK.match(in_english(text[match.end():]))
    if clock:
        hour = int(clock.group("h"))
        ampm = (clock.group("ampm") or "").lower().replace(".", "")
        hour = hour % 12 + (12 if ampm == "pm" else 0) if ampm else hour
        if hour < 24 and int(clock.group("min")) < 60:
            result += f"T{hour:02d}:{clock.group('min')}" + (f":{clock.group('s')}" if clock.group("s") else "")
            after = in_english(text[match.end():])[clock.end():]
            result += stated_offset(after, datetime.fromisoformat(result)) or ""
    return result


def mentions_date(text: str) -> bool:
    """Whether `text` holds a calendar date: a month name (of any language above) and a year, or a
    numeric date."""
    text = in_english(text)
    return bool(MONTH_NAME.search(text) and YEAR.search(text)) or numeric_date(text, True) is not None


def in_english(text: str) -> str:
    """Month names of other languages made English (`09 enero 2014` -> `09 Jan 2014`, see
    `locales`), clocks written `14h05`, `09시 31분` or `noon` made `14:05`, two-digit years of a
    date in words or dots written whole (`09 May 24` -> `09 May 2024`)."""
    text = NOON.sub(lambda m: "12:00 PM" if m.group(0).lower() == "noon" else "12:00 AM", months_made_english(text))
    text = SHORT_YEAR.sub(lambda m: m.group("before") + whole_year(m.group("yy")), text)
    text = DOT_CLOCK.sub(r"\g<at>\g<h>:\g<m>", text)
    text = OTHER_CLOCK.sub(lambda m: f"{m.group('h')}:{int(m.group('m') or m.group('cm')):02d}", text)
    return MERIDIEM_FIRST.sub(
        lambda m: f"{m.group('clock')} {'PM' if m.group('mer') in AFTERNOON else 'AM'}", text)
