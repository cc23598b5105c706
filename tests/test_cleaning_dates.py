"""Dates: every form the site shows, its time zone, and edges around midnight and DST."""

from datetime import datetime, timezone

import pytest

from newscrawler.cleaning.dates import parse_site_date

NOW = datetime(2025, 11, 20, 12, 0, tzinfo=timezone.utc)


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize("text, expected", [
    ("April 14, 2023, 2:14 AM", utc(2023, 4, 13, 17, 14)),       # KST is UTC+9: the day before in UTC
    ("April 14, 2023, 2:14 PM", utc(2023, 4, 14, 5, 14)),
    ("Oct 11, 2023", utc(2023, 10, 10, 15, 0)),                  # local midnight
    ("2023-04-14T02:14:00+09:00", utc(2023, 4, 13, 17, 14)),
    ("2023-04-14T02:14:00Z", utc(2023, 4, 14, 2, 14)),
    ("2023-04-14", utc(2023, 4, 13, 15, 0)),
    ("5 minutes ago", utc(2025, 11, 20, 11, 55)),
    ("3 hours ago", utc(2025, 11, 20, 9, 0)),
    ("an hour ago", utc(2025, 11, 20, 11, 0)),
    ("Yesterday", utc(2025, 11, 19, 12, 0)),
    ("  December 31, 2024, 11:59 PM ", utc(2024, 12, 31, 14, 59)),
    ("January 1, 2025, 12:00 AM", utc(2024, 12, 31, 15, 0)),     # midnight local, previous day UTC
])
def test_seoul(text, expected):
    assert parse_site_date(text, "Asia/Seoul", NOW).value == expected


@pytest.mark.parametrize("text, problem", [
    ("", "empty"), (None, "empty"), ("Sometime soon", "unparseable"), ("12", "unparseable"),
    ("April 99, 2023, 2:14 AM", "unparseable"), ("December 1, 2026, 1:00 PM", "future"),
    # Dates that do not exist or leave the calendar once in UTC: never an exception.
    ("0000-00-00T00:00:00+00:00", "unparseable"), ("2023-02-30", "unparseable"),
    ("0001-01-01T00:00:00+01:00", "unparseable"), ("999999999 days ago", "unparseable"),
    ("9999-12-31T23:59:59-01:00", "unparseable"),
])
def test_refused(text, problem):
    parsed = parse_site_date(text, "Asia/Seoul", NOW)
    assert parsed.value is None and parsed.problem == problem


def test_result_is_aware_utc():
    value = parse_site_date("April 14, 2023, 2:14 AM", "Asia/Seoul", NOW).value
    assert value.tzinfo is timezone.utc


@pytest.mark.parametrize("text, zone, expected", [
    # New York spring forward (2024-03-10 02:00 -> 03:00): 2:30 does not exist, read as 3:30 EDT.
    ("March 10, 2024, 2:30 AM", "America/New_York", utc(2024, 3, 10, 7, 30)),
    ("March 10, 2024, 1:59 AM", "America/New_York", utc(2024, 3, 10, 6, 59)),
    ("March 10, 2024, 3:00 AM", "America/New_York", utc(2024, 3, 10, 7, 0)),
    # Fall back (2024-11-03 02:00 -> 01:00): 1:30 happens twice; the first (EDT) reading is taken.
    ("November 3, 2024, 1:30 AM", "America/New_York", utc(2024, 11, 3, 5, 30)),
    ("November 3, 2024, 2:30 AM", "America/New_York", utc(2024, 11, 3, 7, 30)),
    # Berlin, around midnight on the DST change day.
    ("March 31, 2024, 12:30 AM", "Europe/Berlin", utc(2024, 3, 30, 23, 30)),
    ("March 31, 2024, 11:30 PM", "Europe/Berlin", utc(2024, 3, 31, 21, 30)),
])
def test_dst_edges(text, zone, expected):
    assert parse_site_date(text, zone, NOW).value == expected


def test_relative_dates_count_from_the_response_time():
    just_after_midnight = datetime(2025, 1, 1, 0, 5, tzinfo=timezone.utc)
    assert parse_site_date("10 minutes ago", "Asia/Seoul", just_after_midnight).value == utc(2024, 12, 31, 23, 55)


@pytest.mark.parametrize("text, day_first, local", [
    ("jueves, 09 enero 2014 10:21", True, "2014-01-09T10:21:00"),
    ("Mis à jour le 3 févr. 2021 à 14h05", True, "2021-02-03T14:05:00"),
    ("20.11.2023 um 14.30 Uhr", True, "2023-11-20T14:30:00"),
    ("Submitted on Mon, 2019-01-21 13:49", True, "2019-01-21T13:49:00"),
    ("2018年6月18日 10:01", True, "2018-06-18T10:01:00"),
    ("2019년 8월 20일 09시 31분", True, "2019-08-20T09:31:00"),
    ("Patricio Candia | Palma | 08/01/2014", True, "2014-01-08"),
    ("08/01/2014", False, "2014-08-01"),
    ("25/12/2023", False, "2023-12-25"),                      # no 25th month: day first whatever the language
    ("Updated 9:22 PM EST, Mon November 6, 2023", False, "2023-11-06T21:22:00-05:00"),
    ("Published 14 March 2022 at 10.30 GMT", False, "2022-03-14T10:30:00+00:00"),
    ("Published 3:00 PM EST, Mon December 23, 2019 | Updated 5:00 PM EST, Tue December 24, 2019", False,
     "2019-12-23T15:00:00-05:00"),
    ("Von Max Mustermann | 23.12.2019, 10:05 Uhr", True, "2019-12-23T10:05:00"),
    ("Wednesday, 21 Sep 2011 | 4:35 PM ET", False, "2011-09-21T16:35:00-04:00"),
])
def test_dates_as_pages_of_many_languages_write_them(text, day_first, local):
    from newscrawler.cleaning.dates import read_publication

    assert read_publication(text, None, NOW, day_first).local == local


@pytest.mark.parametrize("text", ["Market outlook 2024", "Decided in 2019", "Junior league 2020", "Room 12/14"])
def test_words_that_only_begin_like_a_month_are_no_date(text):
    from newscrawler.cleaning.dates import mentions_date, read_publication

    assert not mentions_date(text) and read_publication(text, None, NOW).local is None


def test_a_shown_time_completes_a_declared_day():
    from newscrawler.cleaning.dates import set_dates
    from newscrawler.items import ArticleItem

    page = {"url": "https://news.test/a/1", "site": "generic", "article_id": "news.test/a/1", "title": "T"}
    item = ArticleItem(**page, published_at_iso="2023-11-17", published_at_raw="2023-11-17 15:13", language="zh-CN")
    set_dates(item, None, NOW)
    assert (item.published_at_local, item.published_at_precision) == ("2023-11-17T15:13:00", "minute")
    next_day = ArticleItem(**page, published_at_iso="2014-06-30", published_at_raw="June 29, 2014 08:08 pm")
    set_dates(next_day, None, NOW)  # the declared day is the day in UTC
    assert next_day.published_at_local == "2014-06-29T20:08:00"
    other_day = ArticleItem(**page, published_at_iso="2023-11-17", published_at_raw="2023-11-19 09:00")
    set_dates(other_day, None, NOW)
    assert other_day.published_at_local == "2023-11-17"


def test_a_declared_date_is_completed_by_a_later_one_of_the_same_time():
    from newscrawler.cleaning.dates import most_complete

    assert most_complete(["2024-04-30T16:38:37", "2024-04-30T16:38:37+02:00"]) == "2024-04-30T16:38:37+02:00"
    assert most_complete(["2024-04-30", "2024-04-30T16:38"]) == "2024-04-30T16:38"
    assert most_complete(["2024-04-30", "2024-05-01T09:00"]) == "2024-04-30"          # another day: not ours
    assert most_complete(["garbage", "2024-04-30T16:38:37Z"]) == "2024-04-30T16:38:37Z"
    assert most_complete([]) is None


@pytest.mark.parametrize("declared, shown, local", [
    ("2023-11-07T07:00:00Z", "Nov 7, 2023 2:00 AM", "2023-11-07T02:00:00-05:00"),
    ("2023-11-06T01:30:00Z", "November 5, 2023 8:30 PM", "2023-11-05T20:30:00-05:00"),   # the publisher's day
    ("2023-11-02T19:53:52Z", "November 2, 2023 3:53 PM EDT", "2023-11-02T15:53:52-04:00"),
    ("2023-11-02T19:53:52Z", "November 2, 2023 9:12 PM", "2023-11-02T19:53:52+00:00"),   # another time: an update
    ("2023-11-02T19:53:52+01:00", "November 2, 2023 3:53 PM", "2023-11-02T19:53:52+01:00"),
])
def test_a_utc_date_is_told_in_the_offset_the_page_shows(declared, shown, local):
    from newscrawler.cleaning.dates import set_dates
    from newscrawler.items import ArticleItem

    item = ArticleItem(url="https://news.test/a/1", site="generic", article_id="news.test/a/1", title="T",
                       published_at_iso=declared, published_at_raw=shown)
    set_dates(item, None, NOW)
    assert item.published_at_local == local
    assert item.published_at == datetime.fromisoformat(declared.replace("Z", "+00:00")).astimezone(timezone.utc)
