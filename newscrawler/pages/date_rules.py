"""Where a page of any site states its publication: the meta names it declares it under, the
dateline under its headline, the day its URL carries."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from urllib.parse import urlsplit

from ..cleaning.date_order import day_first_at, day_first_by_dates, day_first_for
from ..cleaning.dates import YEAR_LAST, read_publication

# Meta tags that carry a publication date, most specific first (lower case: matched so).
DATE_META = ("article:published_time", "og:article:published_time", "og:published_time", "article:published",
             "datepublished", "article_date_original", "original-publish-date", "publication_date",
             "published_time", "published-date", "pubdate", "publishdate", "publish-date", "publish_date",
             "date_published", "pub_date", "dc.date.issued", "dcterms.issued", "dc.date.created", "dcterms.created",
             "parsely-pub-date", "sailthru.date", "citation_publication_date",
             "date", "dc.date", "dcterms.date")
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "last-modified")
# Text nodes after the headline, in the order read, that are not links or scripts.
DATELINE_TEXTS = ("following::text()[normalize-space()][not(ancestor::script or ancestor::style or ancestor::a "
                  "or ancestor::noscript or ancestor::button or ancestor::figure or ancestor::figcaption "
                  "or ancestor::*[contains(@class, 'caption')])][position() <= 40]")
URL_DATE = re.compile(r"/(?P<y>(?:19|20)\d{2})[/-](?:[A-Za-z_-]+/)?(?P<m>\d{1,2})[/-](?P<d>\d{1,2})(?:[/-]|\.\w+$|$)")
URL_DAY_NUMBER = re.compile(r"/(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})(?:/|$)")
LONG_TEXT = 200
# A time alone (`2:24 pm`, `14:05`, `8.30 a.m. EST`), as a dateline's second element shows it.
BARE_TIME = re.compile(r"^(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s+[A-Z]{2,5})?$", re.I)
TIME_IN = re.compile(r"\d{1,2}:\d{2}|\b[ap]\.?m\b", re.I)
UPDATE_WORDS = re.compile(r"^(updated?|last updated|modified|aktualisiert|mis à jour|actualizado|aggiornato)\b", re.I)
# The site's own frame: a date there is the day's date or a link's, not the article's.
OUTSIDE_ARTICLE = "ancestor::header[not(ancestor::article)] | ancestor::nav | ancestor::footer | ancestor::aside | ancestor::a"


def url_date(url: str, now: datetime | None = None) -> str | None:
    """The day a news URL carries (`/2010/08/13/`, `/2010/POLITICS/08/13/`, `/20131023/`), as
    `YYYY-MM-DD`; None when it carries none that exists."""
    path = urlsplit(url).path
    match = URL_DATE.search(path) or URL_DAY_NUMBER.search(path)
    if not match:
        return None
    try:
        day = datetime(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    except ValueError:
        return None
    return day.date().isoformat() if 1995 <= day.year <= (now or datetime.now(timezone.utc)).year else None


def same_day_roughly(shown: str, day: str, now: datetime) -> bool:
    """Whether a shown date falls within a day of `day` (a time zone apart at most); `now`: when
    the page was fetched."""
    reading = read_publication(shown, None, now, True)
    if not reading.local:
        return True  # nothing to compare
    return abs((date.fromisoformat(reading.local[:10]) - date.fromisoformat(day)).days) <= 1


# The page's text that readers see, where its other numeric dates are.
SHOWN_TEXT = "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]"


def numeric_order(sel, url: str, language: str | None, locale: str | None) -> bool | None:
    """Whether the page writes numeric dates day first (True) or month first (False): as its other
    slashed or dashed dates tell (one with a day past 12), else its locale (`og:locale` `en_GB`,
    `lang`), its address (`/en-gb/`, `.co.uk`) or its language; None when nothing tells."""
    text = " ".join(sel.xpath(SHOWN_TEXT).getall())
    pairs = [(int(m.group("a")), int(m.group("b"))) for m in YEAR_LAST.finditer(text) if m.group("sep") != "."]
    for told in (day_first_by_dates(pairs), day_first_for(locale), day_first_for(language), day_first_at(url)):
        if told is not None:
            return told
    return None
