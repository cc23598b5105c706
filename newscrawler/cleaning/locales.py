"""Dates written in the languages of the big news markets, made English for the date reader: month
and weekday names and the small words between a date's parts, as dateparser's locale data (from
the Unicode CLDR) knows them, rather than tables grown here by hand. Chinese, Japanese and Korean
dates are numbers (`2024年3月5日`, `2024.05.03.`) and read as such; Eastern Arabic digits are made
ASCII."""

from __future__ import annotations

import re
from functools import lru_cache

# Languages whose month names pages are read in, beside English.
LANGUAGES = ("es", "pt", "fr", "de", "it", "nl", "pl", "ru", "uk", "id", "tr", "ar")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ENGLISH_MONTH = {name: name[:3].title() for name in MONTHS}
# Words that mark a year (`5 марта 2024 г.`, `5 marca 2024 r.`), which the locale data leaves out.
YEAR_WORDS = ("г", "года", "год", "r", "roku")
# `٥ مارس ٢٠٢٤`, `۵ اسفند`: Arabic-Indic and Persian digits.
EASTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
ENGLISH_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"


@lru_cache(maxsize=1)
def locale_words() -> tuple[dict[str, str], set[str], set[str]]:
    """Of the languages read: month names to English (`marzo`, `марта` -> `Mar`), weekday names, and
    the words that join a date's parts (`de`, `a las`, `às`, `um`)."""
    from dateparser.languages.loader import default_loader  # its data, loaded once when first needed

    months, weekdays, joins = {}, set(), set(YEAR_WORDS)
    for language in LANGUAGES:
        info = default_loader.get_locale(language).info
        for month in MONTHS:
            for name in info.get(month, []):
                if name.lower() not in ENGLISH_MONTH_NAMES:
                    months.setdefault(name.lower(), ENGLISH_MONTH[month])
        weekdays.update(name.lower() for day in WEEKDAYS for name in info.get(day, []) if len(name) >= 4)
        joins.update(word.lower() for word in info.get("skip", []) if word.strip(" '.,-/;@[]|，"))
    return months, weekdays - set(months), joins


ENGLISH_MONTH_NAMES = {name for month in MONTHS for name in (month, month[:3], month[:4])}


def alternatives(names) -> str:
    return "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))


@lru_cache(maxsize=1)
def patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    months, weekdays, joins = locale_words()
    long_names = [name for name in months if len(name) > 3]
    short_names = [name for name in months if len(name) <= 3]
    # A short name (`mar`, `ago`, `set`) is a month only beside a number (`5 ago 2024`, `set. 2024`):
    # alone it is a word of English text.
    month = re.compile(rf"(?<!\w)(?:(?P<long>{alternatives(long_names)})\.?"
                       rf"|(?:(?<=\d\s)|(?<=\d\.\s))(?P<short_after>{alternatives(short_names)})\.?(?=[\s,]*\d)"
                       rf"|(?P<short>{alternatives(short_names)})\.?(?=\s*\d))(?!\w)", re.I)
    weekday = re.compile(rf"(?<!\w)(?:{alternatives(weekdays)})(?!\w)\.?,?", re.I)
    join = re.compile(rf"(?P<before>\d|\b{ENGLISH_MONTHS})\.?,?\s+(?:(?:{alternatives(joins)})\.?,?\s+)+"
                      rf"(?=\d|{ENGLISH_MONTHS}\b)", re.I)
    return month, weekday, join


def months_made_english(text: str) -> str:
    """`5 de marzo de 2024 a las 14:30` -> `5 Mar 2024 14:30`, `mardi 5 mars 2024` -> `5 Mar 2024`:
    month names made English, weekday names dropped, the words between the parts left out."""
    text = text.translate(EASTERN_DIGITS)
    month, weekday, join = patterns()
    if not month.search(text):
        return text
    months, _, _ = locale_words()
    text = month.sub(lambda m: months[(m.group("long") or m.group("short_after") or m.group("short")).lower()], text)
    text = weekday.sub("", text).strip()
    return join.sub(lambda m: m.group("before") + " ", text)
