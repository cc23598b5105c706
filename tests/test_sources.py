"""The coinness site's sources and page class on responses made here (no server, no browser)."""

from __future__ import annotations

import json

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse

from newscrawler import meta
from newscrawler.sites import configured_site
from newscrawler.sites.coinness import CoinnessArticlePage
from newscrawler.sources import SourceFailed
from replica.app import class_names

SITE = configured_site({"NEWS_SITE_PROFILE": "coinness", "NEWS_API_URL": "http://api.test"})
FEED, FALLBACK = SITE.sources


def feed_response(data, step: str = "feed", start: str = "http://site.test/en/article",
                  url: str = "http://api.test/feed/v1/articles?categoryId=3&languageCode=en&limit=30") -> TextResponse:
    request = Request(url, meta={meta.STEP: step, meta.START_URL: start})
    body = data if isinstance(data, str) else json.dumps(data)
    return TextResponse(url, body=body.encode(), encoding="utf-8", request=request)


def test_feed_rows_become_cards_at_their_own_site_url_and_a_full_page_asks_for_the_next():
    rows = [{"id": 200 - i, "publishAt": f"2025-11-20T0{i % 10}:00:00.000Z", "view": i,
             "link": "https://outlet.example/news/1" if i == 2 else f"/en/article/{200 - i}"} for i in range(30)]
    found = FEED.parse(feed_response(rows), SITE)
    assert [c.url for c in found.cards][:3] == ["http://site.test/en/article/200", "http://site.test/en/article/199",
                                                "http://site.test/en/article/198"]
    assert found.cards[0].date_text == "2025-11-20T00:00:00.000Z"
    [follow] = found.follows
    assert follow.kind == "next" and "lastId=171" in follow.url and "categoryId=3" in follow.url


def test_the_korean_edition_has_no_prefix_and_an_empty_page_ends_the_feed():
    found = FEED.parse(feed_response([{"id": 7, "publishAt": "2025-11-20T00:00:00Z"}], start="http://site.test/article"), SITE)
    assert [c.url for c in found.cards] == ["http://site.test/article/7"]
    assert FEED.parse(feed_response([], start="http://site.test/article"), SITE).follows == []


def test_a_page_shorter_than_asked_is_paged_on_while_the_cursor_moves():
    """An API that caps `limit` below what is asked still gives every page."""
    rows = [{"id": 100 - i, "publishAt": f"2025-11-20T0{i}:00:00Z"} for i in range(5)]
    [follow] = FEED.parse(feed_response(rows), SITE).follows
    assert follow.kind == "next" and "lastId=96" in follow.url


def test_a_feed_that_ignores_its_cursor_stops_and_says_so(caplog):
    rows = [{"id": 100 - i, "publishAt": f"2025-11-20T0{i}:00:00Z"} for i in range(5)]
    same_again = feed_response(rows, url="http://api.test/feed/v1/articles?categoryId=3&languageCode=en&limit=30"
                                         "&lastId=96&lastAt=2025-11-20T04%3A00%3A00Z")
    assert FEED.parse(same_again, SITE).follows == []
    assert "ignores the cursor" in caplog.text


@pytest.mark.parametrize("category", ["policy", 0.0, 2.5])
def test_category_ids_of_any_type_are_passed_back_as_given(category):
    found = FEED.parse(feed_response([{"id": category, "name": "C"}], step="categories"), SITE)
    section = [f for f in found.follows if f.label == "C"][0]
    rows = [{"id": 7, "publishAt": "2025-11-20T00:00:00Z"}]
    [follow] = FEED.parse(feed_response(rows, url=section.url), SITE).follows
    assert f"categoryId={category}" in follow.url


def test_categories_give_view_all_and_sections():
    found = FEED.parse(feed_response([{"id": 0, "name": "All"}, {"id": 2, "name": "Policy & Regulation"}],
                                     step="categories"), SITE)
    assert [(f.kind, f.label) for f in found.follows] == [("view_all", "All"), ("section", "Policy & Regulation")]


@pytest.mark.parametrize("body", ["<html><body>Service unavailable</body></html>", {"rows": []},
                                  [{"title": "no id"}], "[1, 2]"])
def test_a_feed_it_cannot_read_fails_the_source(body):
    with pytest.raises(SourceFailed):
        FEED.parse(feed_response(body), SITE)


def app_page(build: str) -> str:
    c = class_names(build)
    return (f'<html lang="en" data-newscrawler-related="complete" data-newscrawler-timezone="UTC"><body><div id="root">'
            f'<div class="{c["ArticleHeader"]}"><h1 class="{c["ArticleDetailTitle"]}">Title</h1>'
            f'<span class="{c["CategoryName"]}">Markets</span>·<span class="{c["PublishDate"]}">April 13, 2023, 5:14 PM</span></div>'
            f'<figure class="{c["HeroFigure"]}"><img src="/img/1.jpg" alt="A chart"><figcaption>© Reuters</figcaption></figure>'
            f'<div class="{c["ArticleContent"]}"><p>One.</p><h2>Two</h2><p>Three.</p></div>'
            f'<ul class="{c["TagList"]}"><li>news</li></ul><section class="{c["MoreToRead"]}"><h2>More to Read</h2>'
            f'<div class="{c["RelatedList"]}"><a class="{c["RelatedCard"]}" href="/en/article/9?ref=related">x</a></div>'
            f'<div class="{c["RelatedSentinel"]}"></div></section></div></body></html>')


@pytest.mark.parametrize("build", ["a1", "b2"])
def test_article_selectors_survive_a_rebuild(build):
    page = CoinnessArticlePage(app_page(build), "http://site.test/en/article/5?utm_source=x", SITE.urls)
    item = page.to_item("coinness")
    assert (item.article_id, item.title, item.section, item.language) == ("en:5", "Title", "Markets", "en")
    assert item.url == "http://site.test/en/article/5" and item.body == "One.\n\nTwo\n\nThree." and item.headings == ["Two"]
    assert item.published_at_raw == "April 13, 2023, 5:14 PM" and item.extraction.published_zone == "UTC"
    assert item.related == ["http://site.test/en/article/9"] and item.related_status == "complete"
    assert item.image.caption == "© Reuters" and item.tags == ["news"]


def test_the_apps_error_view_asks_for_a_retry_and_its_not_found_view_does_not():
    c = class_names("a1")
    from newscrawler.pages import ArticleParseError
    for view, retry in (("ErrorView", True), ("NotFound", False)):
        html = f'<html><body><div id="root"><div class="{c[view]}">x</div></div></body></html>'
        with pytest.raises(ArticleParseError) as error:
            CoinnessArticlePage(html, "http://site.test/article/5", SITE.urls).to_item("coinness")
        assert error.value.retry is retry


def test_the_rendered_listing_reads_cards_from_the_apps_markup():
    c = class_names("b2")
    html = (f'<html><body><div class="{c["ArticleListContainer"]}"><a class="{c["ArticleWrapper"]}" href="/en/article/3?utm_source=listing">'
            f'<h3 class="{c["ArticleTitle"]}">T</h3><span class="{c["TimeWrap"]}">Oct 11, 2023</span></a></div></body></html>')
    response = HtmlResponse("http://site.test/en/article", body=html.encode(), encoding="utf-8")
    found = FALLBACK.parse(response, SITE)
    assert [(card.url, card.date_text) for card in found.cards] == [("http://site.test/en/article/3?utm_source=listing", "Oct 11, 2023")]
