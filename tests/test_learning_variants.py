"""Rendering only to learn, on the ways a real app may differ from the replica's plain shape
(`replica.app.AppVariant`): every article exact against the ground truth, whether the crawl learned
the app's calls or, where it cannot, rendered every article and said so; never stored wrong, never a
crawl without end."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest

from replica.app import AppVariant, AppReplica, app_editions
from servers import run_crawl

COMPARED = ("article_id", "title", "section", "summary", "body", "headings", "image_credits", "related", "tags",
            "language")
LINK_COMPARED = ("article_id", "title", "summary", "source_url", "language")
# Calls the API may answer per article: the article's calls, its related pages, the checks' renders.
CALLS_PER_ARTICLE = 12

VARIANTS = {
    "edited_updated_first": AppVariant(edited_updated_first=True),
    "edited_epoch_ms": AppVariant(edited_updated_first=True, epoch_ms=True),
    "cards_in_article_content": AppVariant(cards_in_article_content=True),
    "related_cursor": AppVariant(related_cursor=True),
    "outside_cards": AppVariant(outside_cards=True),
    # Related lists holding cards of outside stories (rows linking to their outlet, no article here).
    "outside_cards_in_related": AppVariant(outside_cards=True, outside_related=True),
    # ... each such card linked to its outlet (the row's `link`): no related article of the site's.
    "outside_cards_in_related_linking_their_outlet": AppVariant(outside_cards=True, outside_related=True,
                                                                outside_related_outlet=True),
    "expiring_token": AppVariant(token_calls=6),
    # The same token sent in the query (`&access_token=`), not a header.
    "expiring_token_in_query": AppVariant(token_calls=6, token_in_query=True),
    "naive_times": AppVariant(naive_times=True),
    "cache_buster": AppVariant(cache_buster=True),
    "title_entities": AppVariant(title_entities=True),
    # Through nginx (compressed, chunked), the API's JSON served as text/plain.
    "json_as_text_through_nginx": AppVariant(json_as_text=True),
    "graphql": AppVariant(graphql=True),
    "content_call": AppVariant(content_call=True),
    # Related lists of exactly one page, two, and two and one card more, paged by offset and by cursor.
    "related_lists_of_3_6_7": AppVariant(related_counts=(3, 6, 7)),
    "related_lists_of_3_6_7_by_cursor": AppVariant(related_counts=(3, 6, 7), related_cursor=True),
}
FRONTED = {"json_as_text_through_nginx"}

# Variants not yet learned as the test asks, each with why.
NOT_YET: dict[str, str] = {}


def crawl_variant(tmp_path, app: AppReplica, **settings):
    return run_crawl(tmp_path, app.start_urls(), settings={"NEWS_SITE_PROFILE": "coinness", "NEWS_API_URL": app.api_url,
                                                           **settings}, name="variant")


def wrong_fields(items: dict, truth: dict) -> list:
    wrong = []
    for url, expected in truth.items():
        item = items[url]
        names = LINK_COMPARED if expected.get("kind") == "link" else COMPARED
        wrong += [(url, name) for name in names if item.get(name) != expected[name]]
        if datetime.fromisoformat(item["published_at"]) != expected["published_at"]:
            wrong.append((url, "published_at"))
        if item.get("kind", "article") != expected.get("kind", "article"):
            wrong.append((url, "kind"))
    return wrong


@pytest.mark.slow
@pytest.mark.parametrize("name", [pytest.param(name, marks=pytest.mark.xfail(reason=NOT_YET[name]))
                                  if name in NOT_YET else name for name in VARIANTS])
def test_an_app_variant_is_stored_exactly_and_the_crawl_ends(tmp_path, name):
    with AppReplica(app_editions(seed=31, sections=3, articles=12), variant=VARIANTS[name],
                    front=name in FRONTED) as app:
        result = crawl_variant(tmp_path, app, CLOSESPIDER_TIMEOUT=240)
        truth = app.ground_truth()
        api_calls = [r for r in app.site.requests if r.startswith("api:")]
    assert result.stats.get("finish_reason") == "finished" and "Traceback" not in result.log, result.log[-3000:]
    items = {item["url"]: item for item in result.articles}  # each article's last item (flashes apart)
    assert set(items) == set(truth)
    assert wrong_fields(items, truth) == []
    assert len(api_calls) <= CALLS_PER_ARTICLE * len(truth)
    assert result.stat("news/learn/learned") >= 2, "both editions learned"
    assert result.stat("news/misses/recorded") == 0
    # Renders in flight when learning ended are learning's cost; only readings rendered again count.
    assert result.stat("news/renders/beyond_learning") <= result.stat("news/learn/read")
    # Learned right the first time: no check found a field wrong (a refused call is no field).
    assert [key for key in result.stats if key.startswith("news/learn/disagreed/") and key != "news/learn/disagreed/refused"] == []
    # An article's own calls: asked by its learning or checking render and its read, never over and over.
    # Every read the API refused learned the app's headers again.
    assert result.stat("news/learn/disagreed/refused") == result.stat("news/fetch_failed/http_401")
    repeated = [call for call, count in Counter(api_calls).items() if count > 3 and "/feed/v1/session" not in call]
    assert repeated == []


def test_the_body_is_the_articles_own_content_block_never_a_cards():
    """Cards built as the real listing builds them wrap their title and description in the same
    component as the article's text; the related block may come first in the page."""
    from newscrawler.sites.coinness import URLS, CoinnessArticlePage

    card = ('<a class="RelatedCard-sc-abcdef-1 Xyzabc" href="/en/article/3"><div class="ArticleContent-sc-qwerty-0 '
            'Asdfgh"><h3>A related title</h3><p>Its description.</p></div></a>')
    html = (f'<html><body><div id="root"><section class="MoreToRead-sc-zxcvbn-2 Poiuyt">{card}</section>'
            '<h1 class="ArticleDetailTitle-sc-lkjhgf-0 Mnbvcx">The title</h1>'
            '<div class="ArticleContent-sc-qwerty-0 Asdfgh"><p>The text.</p><h2>A heading</h2><p>More.</p></div>'
            f'<div class="RelatedList-sc-tyuiop-1 Ghjklz">{card}</div></div></body></html>')
    page = CoinnessArticlePage(html, "http://site.test/en/article/2", URLS)
    assert page.body() == "The text.\n\nA heading\n\nMore." and page.headings() == ["A heading"]


@pytest.mark.slow
def test_where_nothing_can_be_learned_every_article_is_rendered_loudly_and_a_monitor_fails(tmp_path):
    """The app makes its text from Markdown: no answer holds the text the page shows. Every article
    is rendered, exact; the crawl says why and what it costs, counts it, and the monitor of renders
    beyond learning fails."""
    with AppReplica(app_editions(seed=32, sections=3, articles=16), variant=AppVariant(content_markdown=True)) as app:
        result = crawl_variant(tmp_path, app, NEWS_MAX_RENDER_SHARE=0.1)
        truth = app.ground_truth()
    assert result.stats.get("finish_reason") == "finished" and "Traceback" not in result.log
    items = {item["url"]: item for item in result.articles}
    assert set(items) == set(truth) and wrong_fields(items, truth) == []
    given_up = [line for line in result.log.splitlines() if "given up" in line]
    assert len(given_up) == 2 and all(" WARNING: " in line and "rendered" in line for line in given_up)
    assert result.stat("news/learn/gave_up/nothing_learned") == 2
    assert result.stat("news/renders/beyond_learning") == len(truth) - 2 * 12  # all but the learning renders
    assert result.stat("news/monitors/failed/Renders beyond learning/Renders beyond learning under "
                       "NEWS_MAX_RENDER_SHARE") == 1


def test_related_lists_may_hold_outside_story_cards_stored_at_the_sites_address():
    """`outside_related`: a listed outside story's card among an article's related ones, its row the
    listing's (the outlet as `link`); `related` holds the site's address of it, its document's `url`."""
    from replica.app import OUTSIDE_OUTLET, AppSite, is_outside_story

    site = AppSite(app_editions(seed=31, sections=3, articles=12),
                   variant=AppVariant(outside_cards=True, outside_related=True))
    site.base_url = "http://site.test"
    content = site.editions["en"]
    holding = [a for a in content.articles.values()
               if any(is_outside_story(content.articles[i]) for i in site.related_ids("en", a))]
    assert holding, "some related lists hold an outside story's card"
    article = holding[0]
    outside = next(i for i in site.related_ids("en", article) if is_outside_story(content.articles[i]))
    assert content.articles[outside].listed and not site.has_article(content.articles[outside])
    rows = site.related("en", article, 0)["rows"] + site.related("en", article, 3)["rows"] \
        + site.related("en", article, 6)["rows"]
    assert {"id": outside, "link": f"{OUTSIDE_OUTLET}/{outside}"}.items() <= next(r for r in rows if r["id"] == outside).items()
    truth = site.ground_truth()
    assert site.url_of("en", outside) in truth[site.url_of("en", article.id)]["related"]
    assert truth[site.url_of("en", outside)]["kind"] == "link"
    # Unlisted outside stories have no document: their cards are never related.
    assert all(content.articles[i].listed for a in content.articles.values() for i in site.related_ids("en", a)
               if is_outside_story(content.articles[i]))
