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
    ("Yesterday", utc(2025, 11, 18, 15, 0)),                    # a day, as on article pages: its start in Seoul
    ("  December 31, 2024, 11:59 PM ", utc(2024, 12, 31, 14, 59)),
    ("January 1, 2025, 12:00 AM", utc(2024, 12, 31, 15, 0)),     # midnight local, previous day UTC
    ("1715936400", utc(2024, 5, 17, 9, 0)),                       # seconds since 1970, as machines are told
    ("1715936400000", utc(2024, 5, 17, 9, 0)),                    # and milliseconds
    ("Updated: Nov 30, 2023; Posted: Nov 29, 2023", utc(2023, 11, 28, 15, 0)),   # the publication, either order
    ("Published Nov 29, 2023 | Updated Nov 30, 2023", utc(2023, 11, 28, 15, 0)),
])
def test_seoul(text, expected):
    assert parse_site_date(text, "Asia/Seoul", NOW).value == expected


@pytest.mark.parametrize("text, problem", [
    ("", "empty"), (None, "empty"), ("Sometime soon", "unparseable"), ("12", "unparseable"),
    ("April 99, 2023, 2:14 AM", "unparseable"), ("December 1, 2026, 1:00 PM", "future"),
    # Dates that do not exist or leave the calendar once in UTC: never an exception.
    ("0000-00-00T00:00:00+00:00", "unparseable"), ("2023-02-30", "unparseable"),
    ("0001-01-01T00:00:00+01:00", "unparseable"), ("999999999 days ago", "unparseable"),
    ("9999-12-31T23:59:59-01:00", "unparseable"), ("0000000123", "unparseable"),
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
    from newscrawler.items import ArticleItem, Extraction

    page = {"url": "https://news.test/a/1", "site": "generic", "article_id": "news.test/a/1", "title": "T"}
    item = ArticleItem(**page, extraction=Extraction(published_iso="2023-11-17", date_source="shown"),
                       published_at_raw="2023-11-17 15:13", language="zh-CN")
    set_dates(item, None, NOW)
    assert (item.published_at_local, item.published_at_precision) == ("2023-11-17T15:13:00", "minute")
    assert item.extraction.date_source == "shown"
    next_day = ArticleItem(**page, extraction=Extraction(published_iso="2014-06-30"), published_at_raw="June 29, 2014 08:08 pm")
    set_dates(next_day, None, NOW)  # the declared day is the day in UTC
    assert next_day.published_at_local == "2014-06-29T20:08:00"
    other_day = ArticleItem(**page, extraction=Extraction(published_iso="2023-11-17"), published_at_raw="2023-11-19 09:00")
    set_dates(other_day, None, NOW)
    assert other_day.published_at_local == "2023-11-17" and other_day.extraction.date_source == "declared"


def test_a_declared_date_is_completed_by_a_later_one_of_the_same_time():
    from newscrawler.cleaning.dates import most_complete

    assert most_complete(["2024-04-30T16:38:37", "2024-04-30T16:38:37+02:00"]) == "2024-04-30T16:38:37+02:00"
    assert most_complete(["2024-04-30", "2024-04-30T16:38"]) == "2024-04-30T16:38"
    assert most_complete(["2024-04-30", "2024-05-01T09:00"]) == "2024-04-30"          # another day: not ours
    assert most_complete(["garbage", "2024-04-30T16:38:37Z"]) == "2024-04-30T16:38:37Z"
    assert most_complete([]) is None


def test_a_clock_reading_stamped_with_a_wrong_offset_is_believed_where_it_is_stamped_right():
    from newscrawler.cleaning.dates import most_complete

    # A local time stamped as UTC in a meta tag, its offset given by the page's `<time>`.
    assert most_complete(["2019-04-19T20:00:00Z", "2019-04-19T20:00:00+09:00"]) == "2019-04-19T20:00:00+09:00"
    # A UTC time stamped with the local offset, beside the JSON-LD's right one.
    assert most_complete(["2022-10-11T19:11:05-04:00", "2022-10-11T15:11:05-04:00"]) == "2022-10-11T15:11:05-04:00"
    # Two instants that are no such pair: the first is kept.
    assert most_complete(["2022-10-11T19:11:05-04:00", "2022-10-11T12:00:00-04:00"]) == "2022-10-11T19:11:05-04:00"
    assert most_complete(["2022-10-11T19:11:05Z", "2022-10-11T14:11:05-05:00"]) == "2022-10-11T19:11:05Z"


@pytest.mark.parametrize("declared, shown, local", [
    ("2023-11-07T07:00:00Z", "Nov 7, 2023 2:00 AM", "2023-11-07T02:00:00-05:00"),
    ("2023-11-06T01:30:00Z", "November 5, 2023 8:30 PM", "2023-11-05T20:30:00-05:00"),   # the publisher's day
    ("2023-11-02T19:53:52Z", "November 2, 2023 3:53 PM EDT", "2023-11-02T15:53:52-04:00"),
    ("2023-11-02T19:53:52Z", "November 2, 2023 9:12 PM", "2023-11-02T19:53:52+00:00"),   # another time: an update
    ("2023-11-02T19:53:52+01:00", "November 2, 2023 3:53 PM", "2023-11-02T19:53:52+01:00"),
])
def test_a_utc_date_is_told_in_the_offset_the_page_shows(declared, shown, local):
    from newscrawler.cleaning.dates import set_dates
    from newscrawler.items import ArticleItem, Extraction

    item = ArticleItem(url="https://news.test/a/1", site="generic", article_id="news.test/a/1", title="T",
                       extraction=Extraction(published_iso=declared), published_at_raw=shown)
    set_dates(item, None, NOW)
    assert item.published_at_local == local
    assert item.published_at == datetime.fromisoformat(declared.replace("Z", "+00:00")).astimezone(timezone.utc)


@pytest.mark.parametrize("name, offset", [
    ("IST", "+05:30"), ("NPT", "+05:45"), ("ACST", "+09:30"), ("ACDT", "+10:30"), ("NST", "-03:30"),
    ("KST", "+09:00"), ("EST", "-05:00"), ("AEDT", "+11:00"),
])
def test_zones_of_fractional_offsets_are_read_not_crashed_on(name, offset):
    from newscrawler.cleaning.dates import read_publication

    for text in (f"Oct 17, 2023, 09:03 {name}", f"2023-10-17 09:03 {name}", f"10/17/2023 9:03 AM {name}"):
        reading = read_publication(text, None, NOW)
        assert reading.local == f"2023-10-17T09:03:00{offset}", text
        assert reading.precision == "minute"


@pytest.mark.parametrize("text, instant", [
    ("Nov 17, 2023 15:13 UTC+8", utc(2023, 11, 17, 7, 13)),          # east of Greenwich is plus
    ("Nov 17, 2023 09:03 GMT+9", utc(2023, 11, 17, 0, 3)),
    ("Nov 17, 2023 09:03 GMT-4", utc(2023, 11, 17, 13, 3)),
    ("2023-11-17 15:13 UTC+05:30", utc(2023, 11, 17, 9, 43)),
])
def test_offsets_named_after_utc_or_gmt_keep_their_sign(text, instant):
    from newscrawler.cleaning.dates import read_publication

    assert read_publication(text, None, NOW).instant == instant


@pytest.mark.parametrize("text, instant", [
    ("11/17/2023 3:13 PM EST", utc(2023, 11, 17, 20, 13)),
    ("2023-11-17 15:13 KST", utc(2023, 11, 17, 6, 13)),
    ("2023-11-17 15:13 EST", utc(2023, 11, 17, 20, 13)),             # not Seoul, the site's zone
    ("2023-07-17 15:13 ET", utc(2023, 7, 17, 19, 13)),                # summer in New York
])
def test_a_zone_the_text_states_after_a_numeric_date_wins_over_the_sites(text, instant):
    from zoneinfo import ZoneInfo

    from newscrawler.cleaning.dates import read_publication

    assert read_publication(text, ZoneInfo("Asia/Seoul"), NOW).instant == instant


@pytest.mark.parametrize("text, local, precision", [
    ("2023년 10월 17일 오후 9:03", "2023-10-17T21:03:00+09:00", "minute"),
    ("2023년 10월 17일 오전 9:03", "2023-10-17T09:03:00+09:00", "minute"),
    ("2023. 10. 17. 오후 9:03:00", "2023-10-17T21:03:00+09:00", "second"),   # a browser's ko-KR locale
    ("2023.10.17 21:03", "2023-10-17T21:03:00+09:00", "minute"),
    ("2023年10月17日 下午9:03", "2023-10-17T21:03:00+09:00", "minute"),
    ("2019년 8월 20일 오후 9시 3분", "2019-08-20T21:03:00+09:00", "minute"),
    ("5시간 전", "2025-11-20T16:00:00+09:00", "hour"),     # hours tell only the hour
    ("30분 전", "2025-11-20T20:30:00+09:00", "minute"),
    ("3小时前", "2025-11-20T18:00:00+09:00", "hour"),
    ("어제", "2025-11-19", "day"),
    ("昨天", "2025-11-19", "day"),
])
def test_korean_and_chinese_times(text, local, precision):
    from zoneinfo import ZoneInfo

    from newscrawler.cleaning.dates import read_publication

    reading = read_publication(text, ZoneInfo("Asia/Seoul"), NOW)
    assert (reading.local, reading.precision) == (local, precision)


@pytest.mark.parametrize("text, value", [
    ("2023.10.17", utc(2023, 10, 16, 15, 0)), ("3시간 전", utc(2025, 11, 20, 9, 0)),
    ("2023년 10월 17일 오후 9:03", utc(2023, 10, 17, 12, 3)),
])
def test_korean_card_dates(text, value):
    assert parse_site_date(text, "Asia/Seoul", NOW).value == value


@pytest.mark.parametrize("text", ["9999-12-31", "May 1, 2031", "2026-01-01"])
def test_a_future_day_is_refused_as_a_future_instant_is(text):
    from newscrawler.cleaning.dates import read_publication

    reading = read_publication(text, None, NOW)
    assert (reading.local, reading.problem) == (None, "future")
    assert read_publication("November 21, 2025", None, NOW).local == "2025-11-21"  # tomorrow somewhere


@pytest.mark.parametrize("text, day", [("yesterday", "2025-11-19"), ("Today", "2025-11-20")])
def test_today_and_yesterday_name_a_day_not_a_minute(text, day):
    from newscrawler.cleaning.dates import read_publication

    reading = read_publication(text, None, NOW)
    assert (reading.instant, reading.local, reading.precision) == (None, day, "day")


def test_a_declared_midnight_is_kept_when_the_text_tells_the_same_moment():
    from newscrawler.cleaning.dates import set_dates
    from newscrawler.items import ArticleItem, Extraction

    item = ArticleItem(url="https://news.test/a/1", site="coinness", article_id="1", title="T",
                       extraction=Extraction(published_iso="2025-11-20T00:00+09:00"), published_at_raw="2025-11-19T15:00:00.000Z")
    set_dates(item, None, NOW)
    assert (item.published_at_local, item.published_at_precision) == ("2025-11-20T00:00:00+09:00", "minute")


@pytest.mark.parametrize("text, local", [
    ("Published May 9, 2024 3:00 PM EDT | Updated 2 hours ago", "2024-05-09T15:00:00-04:00"),
    ("May 9, 2024 3:00 PM · Updated 45 minutes ago", "2024-05-09T15:00:00"),
    ("Posted 10/17/2023 9:03 AM - Last updated 3 hrs ago", "2023-10-17T09:03:00"),
    ("更新日時 2024年3月6日 10:00 公開日時 2024年3月5日 14:30", "2024-03-05T14:30:00"),
    ("최종수정 2024.05.04. 10:00 기사입력 2024.05.03. 15:12", "2024-05-03T15:12:00"),
    ("수정 2024-05-04 10:00 입력 2024-05-03 15:12", "2024-05-03T15:12:00"),
    ("更新时间：2024年3月6日 10:00 发布时间：2024年3月5日 14:30", "2024-03-05T14:30:00"),
    ("May 9, 2024 · 5 min read", "2024-05-09"),
    ("May 9, 2024 | 4 min read", "2024-05-09"),
    ("May 9, 2024 | 2 comments", "2024-05-09"),
    ("By Ann Lee | May 9, 2024 | 12 Comments | 1,204 views", "2024-05-09"),
])
def test_the_publication_is_read_apart_from_an_update_and_what_else_the_line_tells(text, local):
    from newscrawler.cleaning.dates import read_publication

    assert read_publication(text, None, NOW, False).local == local


@pytest.mark.parametrize("text, local", [
    ("2024.05.03. 오후 3:12", "2024-05-03T15:12:00+09:00"),
    ("2024.05.03. 15:12", "2024-05-03T15:12:00+09:00"),
    ("2024년 5월 3일(금) 오후 3:12", "2024-05-03T15:12:00+09:00"),
    ("2024年3月5日(火) 14:30", "2024-03-05T14:30:00+09:00"),
    ("2024年3月5日（火）14:30", "2024-03-05T14:30:00+09:00"),
    ("Tue, 2024/03/05 (Tue) 14:30", "2024-03-05T14:30:00+09:00"),
])
def test_a_clock_after_a_korean_or_japanese_date_is_read_with_it(text, local):
    from zoneinfo import ZoneInfo

    from newscrawler.cleaning.dates import read_publication

    assert read_publication(text, ZoneInfo("Asia/Seoul"), NOW).local == local


def dated_item(declared, shown):
    from newscrawler.items import ArticleItem, Extraction

    return ArticleItem(url="https://news.test/a/1", site="generic", article_id="news.test/a/1", title="T",
                       extraction=Extraction(published_iso=declared), published_at_raw=shown)


@pytest.mark.parametrize("declared, shown", [
    ("2024-05-03T00:00:00+09:00", "2024.05.03 00:00"),
    ("2024-05-03T00:00+09:00", "May 3, 2024 12:00 AM"),
    ("2024-05-03T00:00:00Z", "2024-05-03 00:00"),
])
def test_a_declared_midnight_with_its_offset_stands_beside_the_same_midnight_shown(declared, shown):
    from newscrawler.cleaning.dates import set_dates

    item = dated_item(declared, shown)
    set_dates(item, None, NOW)
    assert item.published_at == datetime.fromisoformat(declared.replace("Z", "+00:00")).astimezone(timezone.utc)


@pytest.mark.parametrize("declared, shown, instant", [
    ("2024-05-09T10:00:00", "May 9, 2024 10:00 AM EDT", utc(2024, 5, 9, 14, 0)),
    ("2024-05-09T10:00", "Published 10:00 AM EDT, Thu May 9, 2024", utc(2024, 5, 9, 14, 0)),
    ("2024-05-09T22:15:00", "09/05/2024 22:15 CEST", utc(2024, 5, 9, 20, 15)),
])
def test_a_zone_the_page_shows_completes_a_declared_local_time(declared, shown, instant):
    from newscrawler.cleaning.dates import set_dates

    item = dated_item(declared, shown)
    set_dates(item, None, NOW)
    assert item.published_at == instant
    assert item.published_at_local[:16] == declared[:16]   # the publisher's clock, with the offset shown


def test_a_zone_shown_for_another_time_does_not_complete_a_declared_local_time():
    from newscrawler.cleaning.dates import set_dates

    item = dated_item("2024-05-09T10:00:00", "May 9, 2024 11:30 AM EDT")
    set_dates(item, None, NOW)
    assert item.published_at is None and item.published_at_local == "2024-05-09T10:00:00"


@pytest.mark.parametrize("text, day_first, local", [
    ("05.03.2024", None, "2024-03-05"),           # dotted dates are day first nearly everywhere
    ("05.03.2024", False, "2024-03-05"),
    ("05.03.2024 14:30", None, "2024-03-05T14:30:00"),
    ("02/10/2020", True, "2020-10-02"),
    ("02/10/2020", False, "2020-02-10"),
    ("02/10/2020", None, None),                   # no language, no country: refused, never guessed
    ("02-10-2020 10:00", None, None),
    ("25/12/2023", None, "2023-12-25"),           # no 25th month: one reading only
    ("12/25/2023", None, "2023-12-25"),
    ("05/05/2024", None, "2024-05-05"),
])
def test_the_order_of_day_and_month_is_known_or_the_date_refused(text, day_first, local):
    from newscrawler.cleaning.dates import read_publication

    assert read_publication(text, None, NOW, day_first).local == local


@pytest.mark.parametrize("language, day_first", [
    ("en-US", False), ("en-GB", True), ("en", None), (None, None), ("", None), ("de", True), ("fr-CA", True),
    ("en-CA", None), ("es-US", False), ("pt-BR", True),
])
def test_the_order_of_numeric_dates_by_language(language, day_first):
    from newscrawler.cleaning.dates import day_first_for

    assert day_first_for(language) is day_first


def test_since_written_with_dots_is_day_first():
    assert parse_site_date("01.11.2025", None, NOW).value == utc(2025, 11, 1)
    assert parse_site_date("01/11/2025", None, NOW).problem == "ambiguous"
    assert parse_site_date("01/11/2025", "Europe/London", NOW).value == utc(2025, 11, 1)
    assert parse_site_date("01/11/2025", "America/New_York", NOW).value == utc(2025, 1, 11, 5)


def test_a_numeric_date_shown_is_read_in_the_order_the_declared_date_agrees_with():
    from newscrawler.cleaning.dates import set_dates

    item = dated_item("2020-10-02", "02/10/2020 14:05")
    set_dates(item, None, NOW)
    assert item.published_at_local == "2020-10-02T14:05:00"


@pytest.mark.parametrize("text, local", [
    ("5 de marzo de 2024 a las 14:30", "2024-03-05T14:30:00"),
    ("Por Juan Pérez | martes, 5 de marzo de 2024, 14:30", "2024-03-05T14:30:00"),
    ("5 de março de 2024 às 14h30", "2024-03-05T14:30:00"),
    ("mardi 5 mars 2024 à 14h30", "2024-03-05T14:30:00"),
    ("5. März 2024, 14:30 Uhr", "2024-03-05T14:30:00"),
    ("5 marzo 2024 alle 14:30", "2024-03-05T14:30:00"),
    ("5 марта 2024, 14:30", "2024-03-05T14:30:00"),
    ("Опубликовано: 5 марта 2024 г., 14:30", "2024-03-05T14:30:00"),
    ("5 мая 2024", "2024-05-05"),
    ("Selasa, 5 Maret 2024 14:30", "2024-03-05T14:30:00"),
    ("5 Mart 2024 Salı 14:30", "2024-03-05T14:30:00"),
    ("٥ مارس ٢٠٢٤", "2024-03-05"),
    ("5 مارس 2024 14:30", "2024-03-05T14:30:00"),
    ("5 maart 2024 om 14.30 uur", "2024-03-05T14:30:00"),
    ("2024年3月5日 14:30", "2024-03-05T14:30:00"),
    ("May 9, 2024 at noon", "2024-05-09T12:00:00"),
    ("Thu, 09 May 2024 15:00:00 UT", "2024-05-09T15:00:00+00:00"),
    ("Thu, 09 May 24 15:00:00 GMT", "2024-05-09T15:00:00+00:00"),   # RFC 822's two-digit year
    ("09.05.24", "2024-05-09"),
])
def test_dates_of_the_big_news_languages_are_read(text, local):
    from newscrawler.cleaning.dates import read_publication

    assert read_publication(text, None, NOW).local == local


@pytest.mark.parametrize("text", [
    "5 de marzo de 2024 a las 14:30 y 3 de abril",   # two dates: no guess of which
    "Market outlook for 5 companies, 2024", "May 2024 | 3 min read", "Room 5, May Street 2024",
])
def test_text_that_is_no_one_date_gives_none_rather_than_a_wrong_one(text):
    from newscrawler.cleaning.dates import read_publication

    reading = read_publication(text, None, NOW)
    assert reading.local is None or reading.local.startswith("2024-03-05"), reading


@pytest.mark.parametrize("text, local", [
    ("2024年3月5日 星期二 14:30", "2024-03-05T14:30:00"),
    ("2024年3月5日 火曜日 14:30", "2024-03-05T14:30:00"),
    ("2024년 3월 5일 화요일 14:30", "2024-03-05T14:30:00"),
])
def test_a_weekday_between_a_cjk_date_and_its_clock_is_skipped(text, local):
    from newscrawler.cleaning.dates import read_publication

    assert read_publication(text, None, NOW).local == local


@pytest.mark.parametrize("text, local, precision", [
    ("vor 3 Stunden", "2025-11-20T09:00:00+00:00", "hour"),
    ("il y a 3 heures", "2025-11-20T09:00:00+00:00", "hour"),
    ("hace 3 horas", "2025-11-20T09:00:00+00:00", "hour"),
    ("3 ore fa", "2025-11-20T09:00:00+00:00", "hour"),
    ("há 3 horas", "2025-11-20T09:00:00+00:00", "hour"),
    ("3 saat önce", "2025-11-20T09:00:00+00:00", "hour"),
    ("3 часа назад", "2025-11-20T09:00:00+00:00", "hour"),
    ("3時間前", "2025-11-20T09:00:00+00:00", "hour"),
    ("3小时前", "2025-11-20T09:00:00+00:00", "hour"),
    ("3 uur geleden", "2025-11-20T09:00:00+00:00", "hour"),
    ("Vor 3 Std.", "2025-11-20T09:00:00+00:00", "hour"),
    ("vor einer Stunde", "2025-11-20T11:00:00+00:00", "hour"),
    ("il y a une heure", "2025-11-20T11:00:00+00:00", "hour"),
    ("hace 45 minutos", "2025-11-20T11:15:00+00:00", "minute"),
    ("5 минут назад", "2025-11-20T11:55:00+00:00", "minute"),     # inflections the locale's phrases leave out
    ("5 часов назад", "2025-11-20T07:00:00+00:00", "hour"),
    ("منذ 3 ساعات", "2025-11-20T09:00:00+00:00", "hour"),
    ("3 horas atrás", "2025-11-20T09:00:00+00:00", "hour"),
    ("vor 1,5 Stunden", "2025-11-20T10:30:00+00:00", "hour"),
    ("il y a 2 jours", "2025-11-18", "day"),
    ("2 gün önce", "2025-11-18", "day"),
    ("3 小時前", "2025-11-20T09:00:00+00:00", "hour"),
    ("gestern", "2025-11-19", "day"),
    ("ayer", "2025-11-19", "day"),
    ("вчера", "2025-11-19", "day"),
    ("gestern um 14:30 Uhr", "2025-11-19T14:30:00", "minute"),
    ("hier à 14h30", "2025-11-19T14:30:00", "minute"),
    ("ayer a las 14:30", "2025-11-19T14:30:00", "minute"),
    ("ieri alle 14:30", "2025-11-19T14:30:00", "minute"),
    ("Veröffentlicht vor 3 Stunden", "2025-11-20T09:00:00+00:00", "hour"),
])
def test_times_counted_back_in_other_languages_are_read_against_the_fetch(text, local, precision):
    from newscrawler.cleaning.dates import read_publication

    reading = read_publication(text, None, NOW)
    assert (reading.local, reading.precision) == (local, precision)


@pytest.mark.parametrize("text", ["vor 3 Monaten", "il y a 2 ans", "hace 3 meses", "3 года назад", "3개월 전",
                                  "vor 3 Tagen und 2 Stunden", "3時前", "vor 3", "3 Stunden"])
def test_a_time_counted_back_in_months_or_years_gives_no_date(text):
    from newscrawler.cleaning.dates import read_publication

    reading = read_publication(text, None, NOW)
    assert (reading.instant, reading.local) == (None, None)


@pytest.mark.parametrize("text, local", [
    ("9 May 2024 | 3 min read | 12:30", "2024-05-09T12:30:00"),
    ("May 9, 2024 · 4 min read · 2 comments · 3:00 PM", "2024-05-09T15:00:00"),
    ("12:30 | 5 Min. Lesezeit | 9. Mai 2024", "2024-05-09T12:30:00"),
    ("2024年3月5日 | 3分钟阅读 | 14:30", "2024-03-05T14:30:00"),
    ("9 May 2024 | By Ann Lee | 12:30", "2024-05-09"),          # a name between: the clock may be another's
    ("9 May 2024 | Updated 10 May 2024 | 12:30", "2024-05-09"),  # an update's clock
])
def test_a_clock_two_parts_away_joins_its_date_across_reading_times_and_counts(text, local):
    from newscrawler.cleaning.dates import read_publication

    assert read_publication(text, None, NOW, True).local == local
