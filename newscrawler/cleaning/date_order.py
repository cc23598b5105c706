"""Which comes first in a numeric date (`02/10/2020`), the day or the month: known from the page's
language and region, the site's country or zone, or the page's other dates; else not known, and a
date that both orders read is refused rather than guessed."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Regions that write the month first (`02/10/2020` is February 10th).
MONTH_FIRST_REGIONS = {"us", "ph", "fm", "mh", "pw", "as", "gu", "mp", "pr", "vi", "um"}
# Regions that write both orders (Canada): the region tells nothing.
MIXED_REGIONS = {"ca"}
# Zones of month-first countries; a zone of a region elsewhere is day first.
MONTH_FIRST_ZONES = re.compile(r"^(America/(New_York|Chicago|Denver|Phoenix|Los_Angeles|Anchorage|Boise|Detroit|"
                               r"Indiana/.*|Kentucky/.*|North_Dakota/.*|Juneau|Sitka|Nome|Adak|Menominee|Puerto_Rico)"
                               r"|Pacific/(Honolulu|Guam|Saipan)|Asia/Manila|US/.*)$")
MIXED_ZONES = re.compile(r"^(America/(Toronto|Vancouver|Edmonton|Winnipeg|Halifax|St_Johns|Regina|Montreal)|Canada/.*)$")
# A country's top-level domain names its region; generic ones (`.com`) name none.
GENERIC_DOMAINS = {"com", "org", "net", "info", "biz", "news", "io", "co", "tv", "me", "edu", "gov", "int", "app", "dev"}
# `/en-gb/`, `/en_us/`: a path that names its language and region.
PATH_LOCALE = re.compile(r"^/[a-z]{2}[-_](?P<region>[a-z]{2})(?:/|$)", re.I)


def day_first_in_region(region: str | None) -> bool | None:
    region = (region or "").lower()
    if not region or region in MIXED_REGIONS:
        return None
    return region not in MONTH_FIRST_REGIONS


def day_first_for(language: str | None) -> bool | None:
    """By a language tag (`en-GB`, `de`, `es-US`): its region's order, else its language's (only
    English is written both ways); None when it does not tell."""
    tag = (language or "").strip().lower().replace("_", "-")
    name, _, region = tag.partition("-")
    if region[:2].isalpha() and len(region) == 2:
        by_region = day_first_in_region(region)
        if by_region is not None or region in MIXED_REGIONS and name == "en":
            return by_region
    if not name or name == "en":
        return None
    return True


def day_first_in_zone(zone_name: str | None) -> bool | None:
    """By a site's zone (`America/New_York`: month first; `Europe/London`: day first); None for
    UTC or a zone of a country that writes both."""
    if not zone_name or "/" not in zone_name or zone_name.startswith("Etc/") or MIXED_ZONES.match(zone_name):
        return None
    return not MONTH_FIRST_ZONES.match(zone_name)


def day_first_at(url: str) -> bool | None:
    """By a page's address: a path naming its region (`/en-gb/`), else a country's domain (`.co.uk`,
    `.de`); None for a generic domain."""
    parts = urlsplit(url)
    path_locale = PATH_LOCALE.match(parts.path or "")
    if path_locale:
        return day_first_in_region(path_locale.group("region"))
    suffix = (parts.hostname or "").rsplit(".", 1)[-1].lower()
    if len(suffix) != 2 or suffix in GENERIC_DOMAINS:
        return None
    return day_first_in_region("gb" if suffix == "uk" else suffix)


def day_first_by_dates(numbers: list[tuple[int, int]]) -> bool | None:
    """By the page's other numeric dates (their first two numbers): one with a first number past
    12 is day first, one with a second past 12 month first; None when none tells, or they disagree."""
    day_first = any(first > 12 >= second for first, second in numbers)
    month_first = any(second > 12 >= first for first, second in numbers)
    return None if day_first == month_first else day_first
