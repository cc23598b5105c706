"""Dates written in the languages of the big news markets, made English for the date reader: month
and weekday names and the small words between a date's parts, as dateparser's locale data (from
the Unicode CLDR) knows them, rather than tables grown here by hand. Chinese, Japanese and Korean
dates are numbers (`2024年3月5日`, `2024.05.03.`) and read as such; Eastern Arabic digits are made
ASCII."""

from __future__ import annotations

import re
from dataclasses import dataclass
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


# Languages whose times counted back from now (`vor 3 Stunden`, `3 часа назад`, `3時間前`) are read:
# those of the month names, English, and the Chinese, Japanese and Korean pages read as numbers.
RELATIVE_LANGUAGES = ("en", *LANGUAGES, "ja", "zh", "zh-Hant", "ko")
# `\1 hour ago`, `2 day ago`: the English reading dateparser gives a locale's words.
COUNTED_BACK_KEY = re.compile(r"^(?:\\1|(?P<n>\d+)) (?P<unit>\w+) ago$")
# A simplification that writes a count in figures (`einer` -> `1`, `przedwczoraj` -> `2 dnia temu`).
COUNT_IN_FIGURES = re.compile(r"^\d+(?: [^\W\d_]+)*$")
UNITS = ("second", "minute", "hour", "day", "week", "month", "year")


@dataclass(frozen=True)
class CountedBack:
    """How a language counts back from now: its counts written in words and the figures they mean
    (`einer` -> `1`); its whole phrases with their unit (`vor (\\d+) stunden`, `hour`); and, where
    words are spaced, its words for "ago" (`vor`, `назад`) and for each unit (`часов` -> `hour`),
    which also read the inflections the phrases leave out (`5 минут назад`)."""

    figures: tuple[tuple[str, str], ...]
    phrases: tuple[tuple[str, str], ...]
    ago: tuple[str, ...]
    units: dict[str, str]


@lru_cache(maxsize=1)
def counted_back_words() -> tuple[dict[str, CountedBack], dict[str, int]]:
    """Of the languages read: how each counts back from now, and the names of days by their
    distance back (`gestern` -> 1, `hier` -> 1, `今日` -> 0; a name two languages give two
    distances is neither)."""
    from dateparser.languages.loader import default_loader

    languages, distances = {}, {}
    for language in RELATIVE_LANGUAGES:
        info = default_loader.get_locale(language).info
        languages[language] = counting_back(info)
        for name, words in info.get("relative-type", {}).items():
            key = COUNTED_BACK_KEY.match(name)
            if key and key.group("unit") == "day" and key.group("n"):
                for word in words:
                    distances.setdefault(word.lower(), set()).add(int(key.group("n")))
    days_back = {word: found.pop() for word, found in distances.items() if len(found) == 1}
    return languages, days_back


def counting_back(info: dict) -> CountedBack:
    figures = tuple((key, value) for entry in info.get("simplifications", []) for key, value in entry.items()
                    if COUNT_IN_FIGURES.match(value))
    phrases = tuple((pattern, key.group("unit")) for name, written in info.get("relative-type-regex", {}).items()
                    if (key := COUNTED_BACK_KEY.match(name)) for pattern in written)
    # A language written without spaces has no inflections to add, and its unit words are also
    # clock words (`3時前` is before three o'clock): its phrases alone are read.
    if info.get("no_word_spacing"):
        return CountedBack(figures, phrases, (), {})
    units = {word.lower(): unit for unit in UNITS for word in info.get(unit, [])}
    return CountedBack(figures, phrases, tuple(word.lower() for word in info.get("ago", [])), units)
