"""Render only to learn: the browser teaches which of the app's data calls give which fields; the
crawl reads the other articles from those calls, checks a share against renders, and goes back to
rendering when the app's API changes."""

from __future__ import annotations

import json
from datetime import timezone

import pytest

from newscrawler.learning.recipe import DataCall, Recipe, learn, read_fields, related_page
from replica.app import AppFaults, AppReplica, AppSite, app_editions
from servers import run_crawl



def recorded_render(site: AppSite, edition: str, article) -> tuple[dict, list[DataCall]]:
    """What a render of `article` shows, and the calls its app makes, as the crawler records them."""
    data = site.article(edition, article)
    calls = [DataCall(f"{site.api_url}/feed/v1/articles/{article.id}?languageCode={edition}", "GET",
                      {"origin": site.base_url, "accept": "*/*"}, 200, data)]
    offset = 0
    while True:
        answer = site.related(edition, article, offset)
        calls.append(DataCall(f"{site.api_url}/feed/v1/articles/{article.id}/related?languageCode={edition}"
                              f"&offset={offset}", "GET", {"origin": site.base_url}, 200, answer))
        offset += len(answer["rows"])
        if not answer["rows"] or offset >= answer["total"]:
            break
    image = data["image"] or {}
    shown = {"title": article.title, "section": article.section, "body": "\n\n".join(b.text for b in article.blocks),
             "published": article.published.astimezone(timezone.utc), "tags": article.tags,
             "image_url": image.get("url"), "image_alt": image.get("alt"), "image_caption": image.get("caption"),
             "related": [f"{site.base_url}/{edition}/article/{i}" for i in article.related_ids]}
    return shown, calls


@pytest.fixture
def site():
    site = AppSite(app_editions(seed=5, sections=3, articles=20))
    site.base_url, site.api_url = "http://site.test", "http://api.test"
    return site


def test_a_render_teaches_the_article_call_its_fields_and_the_related_call(site):
    article = next(a for a in site.editions["en"].articles.values() if len(a.related_ids) > 3)
    shown, calls = recorded_render(site, "en", article)
    recipe = learn(shown, calls, str(article.id), "en")
    assert recipe.article.url == "http://api.test/feed/v1/articles/{id}?languageCode={edition}"
    assert recipe.article.headers == {"origin": "http://site.test", "accept": "*/*"}
    assert dict(recipe.fields)["title"] == ("title",) and dict(recipe.fields)["body_html"] == ("content",)
    assert recipe.related.url.endswith("/related?languageCode={edition}&offset={offset}")
    other = list(site.editions["en"].articles.values())[7]
    fields = read_fields(recipe, site.article("en", other))
    assert (fields["title"], fields["section"]) == (other.title, other.section)
    assert fields["body"] == "\n\n".join(b.text for b in other.blocks)
    assert related_page(recipe, site.related("en", other, 0), f"http://site.test/en/article/{other.id}")[:1] == \
        [f"http://site.test/en/article/{i}" for i in other.related_ids[:1]]


def test_an_answer_of_another_shape_is_noticed(site):
    article = list(site.editions["en"].articles.values())[3]
    recipe = learn(*recorded_render(site, "en", article), str(article.id), "en")
    answer = site.article("en", article)
    answer["headline"] = answer.pop("title")
    with pytest.raises(KeyError):
        read_fields(recipe, answer)


def test_calls_that_do_not_give_the_text_teach_nothing(site):
    article = list(site.editions["en"].articles.values())[3]
    shown, calls = recorded_render(site, "en", article)
    assert learn({**shown, "body": "Another text altogether."}, calls, str(article.id), "en") is None


def crawl_app(tmp_path, app, name: str, **settings):
    return run_crawl(tmp_path, app.start_urls(), settings={"NEWS_SITE_PROFILE": "coinness", "NEWS_API_URL": app.api_url,
                                                           **settings}, name=name)


def last_items(result) -> dict:
    """Each article's last item (a render that replaced a reading comes after it)."""
    return {item["url"]: item for item in result.articles}


STORED_FIELDS = ("article_id", "title", "section", "published_at", "published_at_local", "published_at_precision",
                 "body", "headings", "image", "image_credits", "related", "related_status", "tags", "language")


@pytest.mark.slow
def test_learning_stores_what_rendering_every_article_stores(tmp_path):
    with AppReplica(app_editions(seed=21, sections=3, articles=24)) as app:
        learned = crawl_app(tmp_path, app, "learn")
        rendered = crawl_app(tmp_path, app, "always", NEWS_RENDER_MODE="always")
        truth = app.ground_truth()
    for result in (learned, rendered):
        assert result.stats["finish_reason"] == "finished" and "Traceback" not in result.log
        assert set(last_items(result)) == set(truth)
    learned_items, rendered_items = last_items(learned), last_items(rendered)
    differing = [(url, name) for url in truth for name in STORED_FIELDS
                 if learned_items[url][name] != rendered_items[url][name]]
    assert differing == []
    assert learned.stat("news/learn/learned") == 2                      # both editions
    assert learned.stat("news/learn/read") > 0 and learned.stat("news/renders") < len(truth)
    assert rendered.stat("news/renders") == len(truth) and rendered.stat("news/learn/read") == 0
    assert sum("Learned from 3 renders how coinness:" in line for line in learned.log.splitlines()) == 2


@pytest.mark.slow
def test_no_render_is_lost_while_an_edition_learns(tmp_path):
    """While an edition learns, only the renders it learns from are out, and both editions learn
    at once: every render either taught or checked (none was still out, for nothing, when its
    edition had learned), and the articles that waited are read."""
    with AppReplica(app_editions(seed=21, sections=3, articles=16)) as app:
        result = crawl_app(tmp_path, app, "learn", AUTOTHROTTLE_ENABLED=False)
        truth = app.ground_truth()
    assert result.stats["finish_reason"] == "finished" and "Traceback" not in result.log
    assert set(last_items(result)) == set(truth)
    assert result.stat("news/learn/learned") == 2
    assert result.stat("news/learn/too_late") == 0
    assert result.stat("news/renders/beyond_learning") == 0
    assert result.stat("news/learn/read") + result.stat("news/renders") - result.stat("news/learn/checked") == len(truth)


@pytest.mark.slow
def test_an_api_changed_mid_crawl_sends_the_crawl_back_to_rendering_and_loses_nothing(tmp_path):
    faults = AppFaults(api_change_after=14, articles_need_origin=True)
    with AppReplica(app_editions(seed=22, sections=3, articles=24), faults) as app:
        result = crawl_app(tmp_path, app, "changed")
        truth = app.ground_truth()
    assert result.stats["finish_reason"] == "finished" and "Traceback" not in result.log
    items = last_items(result)
    assert set(items) == set(truth)
    wrong = [(url, name) for url, item in items.items() for name in ("title", "body", "section", "tags")
             if item[name] != truth[url][name]]
    # A related list is wrong only where it claims to be whole: a render in flight while the app's
    # new build moved its related call shows part of the block, and says so (`partial`).
    wrong += [(url, "related") for url, item in items.items()
              if item["related_status"] == "complete" and item["related"] != truth[url]["related"]]
    assert wrong == []
    assert any(key.startswith("news/learn/disagreed/") for key in result.stats)
    assert "without the browser stopped" in result.log


def test_renders_of_articles_with_and_without_a_picture_teach_one_recipe(site):
    from newscrawler.learning.learner import Learner

    class Crawler:
        stats = type("Stats", (), {"inc_value": lambda *args, **kwargs: None})()

    learner = Learner(Crawler(), learn_renders=3)
    articles = list(site.editions["en"].articles.values())
    with_picture = [a for a in articles if a.hero_url][:2]
    without = [a for a in articles if not a.hero_url][:1]
    for article in (with_picture[0], *without, with_picture[1]):
        learner.taught("coinness:en", learn(*recorded_render(site, "en", article), str(article.id), "en"))
    recipe = learner.recipe_to_read("coinness:en")
    assert recipe is not None and dict(recipe.fields)["image_url"] == ("image", "url")


def test_a_related_call_whose_rows_give_urls_is_learned_with_its_paging():
    """The classic page's related call answers cards with URLs (`/article/812/slug?ref=related`),
    three a call, paged by `offset`."""
    from newscrawler.learning.recipe import learn_page

    related = [f"http://site.test/article/{n}/story-{n}" for n in (7, 9, 4, 12)]
    answers = [{"total": 4, "cards": [{"url": f"/article/{n}/story-{n}?ref=related", "title": f"T{n}"}
                                      for n in (7, 9, 4)]},
               {"total": 4, "cards": [{"url": "/article/12/story-12?ref=related", "title": "T12"}]}]
    calls = [DataCall(f"http://site.test/api/articles/5/related?offset={offset}", "GET", {}, 200, answer)
             for offset, answer in ((0, answers[0]), (3, answers[1]))]
    recipe = learn_page({"related": related}, calls, "5", None)
    assert recipe.reads_page and recipe.related.url == "http://site.test/api/articles/{id}/related?offset={offset}"
    assert recipe.related.url_for("31", None, 3) == "http://site.test/api/articles/31/related?offset=3"
    page = related_page(recipe, answers[0], "http://site.test/article/5/x")
    assert page == [f"http://site.test/article/{n}/story-{n}?ref=related" for n in (7, 9, 4)]
    assert "the page as the server sends it" in recipe.describe()


@pytest.mark.slow
def test_classic_pages_are_read_with_a_plain_fetch_and_their_related_call(tmp_path):
    """After a few renders, a classic article is its page as the server sends it plus its related
    calls; what is stored is what rendering every article stores."""
    from replica import Replica, SiteContent

    with Replica(SiteContent(seed=43, sections=3, articles=40)) as replica:
        learned = run_crawl(tmp_path, replica.base_url + "/", name="learn")
        rendered = run_crawl(tmp_path, replica.base_url + "/", settings={"NEWS_RENDER_MODE": "always"}, name="always")
        truth = replica.ground_truth()
    for result in (learned, rendered):
        assert result.stats["finish_reason"] == "finished" and "Traceback" not in result.log
        assert set(last_items(result)) == set(truth)
    learned_items, rendered_items = last_items(learned), last_items(rendered)
    differing = [(url, name) for url in truth for name in STORED_FIELDS + ("published_at_raw", "summary")
                 if learned_items[url][name] != rendered_items[url][name]]
    assert differing == []
    assert all(learned_items[url]["related"] == truth[url]["related"] for url in truth)
    assert learned.stat("news/learn/learned") == 1 and learned.stat("news/renders") < len(truth) / 2
    assert "the page as the server sends it; related: " in learned.log


@pytest.mark.slow
def test_a_crawl_stopped_while_learning_resumes_from_its_jobdir_and_stores_every_article(tmp_path):
    """SIGTERM after the first learning renders; the resumed crawl learns again (what is learned is
    not kept in the JOBDIR) and stores every article once."""
    import signal

    from servers import Crawl, wait_until

    # Twenty renders in a row to learn from, one at a time: the stop (which lets the requests in the
    # downloader finish) comes while learning.
    settings = {"NEWS_SITE_PROFILE": "coinness", "JOBDIR": tmp_path / "job", "NEWS_RENDER_CONCURRENCY": 1,
                "NEWS_LEARN_RENDERS": 20}
    with AppReplica(app_editions(seed=23, sections=3, articles=40)) as app:
        settings["NEWS_API_URL"] = app.api_url
        first = Crawl(tmp_path, app.start_urls(), settings=settings, name="stopped")
        wait_until(lambda: first.items_file.exists() and len(first.items_file.read_text().splitlines()) >= 2,
                   120, "2 articles rendered")
        first.process.send_signal(signal.SIGTERM)
        stopped = first.finish()
        resumed = run_crawl(tmp_path, app.start_urls(), settings=settings, name="resumed")
        truth = app.ground_truth()
    assert stopped.stats["finish_reason"] == "shutdown" and not stopped.stat("news/learn/learned")
    assert resumed.stats["finish_reason"] == "finished"
    urls = [item["url"] for item in stopped.articles + resumed.articles]
    assert sorted(urls) == sorted(truth)                                   # each article once
    assert resumed.stat("news/learn/learned") == 2 and resumed.stat("news/learn/read") > 0
    items = last_items(resumed) | last_items(stopped)
    assert [url for url in truth if items[url]["title"] != truth[url]["title"]
            or items[url]["related"] != truth[url]["related"]] == []
    assert "Traceback" not in stopped.log + resumed.log


def test_a_recipe_travels_as_json_and_comes_back_the_same(site):
    """A read carries its recipe in its request (JOBDIR pickles it, the shared frontier writes JSON):
    whichever process takes the next call reads with the very same recipe."""
    import json

    from newscrawler.learning.recipe import Recipe

    article = next(a for a in site.editions["en"].articles.values() if len(a.related_ids) > 3)
    recipe = learn(*recorded_render(site, "en", article), str(article.id), "en")
    back = Recipe.from_data(json.loads(json.dumps(recipe.plain)))
    assert back == recipe and back.article.headers == recipe.article.headers


def variant_site(**variant) -> AppSite:
    from replica.app import AppVariant

    site = AppSite(app_editions(seed=5, sections=3, articles=20), variant=AppVariant(**variant))
    site.base_url, site.api_url = "http://site.test", "http://api.test"
    return site


def recorded_as_variant(site: AppSite, article) -> tuple[dict, list[DataCall]]:
    """A render's record where the app's answers are the variant's (what the page shows is the same)."""
    shown, calls = recorded_render(site, "en", article)
    return shown, [DataCall(c.url, c.method, c.headers, c.status, c.data) for c in calls]


@pytest.mark.parametrize("variant", [{"edited_updated_first": True},
                                     {"edited_updated_first": True, "epoch_ms": True}])
def test_the_publication_is_the_instant_named_so_and_a_read_of_an_edited_article_is_checked(variant):
    """Where an article was never edited, `updatedAt` shows the same minute as `publishAt` and comes
    first in the answer: the publication is the one its name says; an answer where the two differ
    is the one worth a check."""
    from newscrawler.learning.recipe import tells_publication_apart

    site = variant_site(**variant)
    articles = list(site.editions["en"].articles.values())
    unedited = next(a for a in articles if site.updated(a) == a.published)
    edited = next(a for a in articles if site.updated(a) != a.published)
    recipe = learn(*recorded_as_variant(site, unedited), str(unedited.id), "en", ("Asia/Seoul", "UTC"))
    assert dict(recipe.fields)["published"] == ("publishAt",)
    assert recipe.published_doubles == (("updatedAt",),)
    answer = site.article("en", edited)
    fields = read_fields(recipe, answer)
    from newscrawler.learning.recipe import instant
    assert instant(fields["published"]) == edited.published.astimezone(timezone.utc)
    assert tells_publication_apart(recipe, answer) and not tells_publication_apart(recipe, site.article("en", unedited))


def test_a_related_call_paged_by_cursor_is_learned_with_its_cursor():
    """`lastId` of the previous page's last row, a bare array, no total: as every public CoinNess
    feed pages."""
    from newscrawler.learning.recipe import next_related_url

    site = variant_site(related_cursor=True)
    article = next(a for a in site.editions["en"].articles.values() if len(site.related_ids("en", a)) > 3)
    shown, calls = recorded_render(site, "en", article)
    base = f"{site.api_url}/feed/v1/articles/{article.id}/related?languageCode=en&limit=3"
    pages, last = [], None
    while True:
        rows = site.related_after("en", article, last, 3)
        pages.append(DataCall(base + (f"&lastId={last}" if last else ""), "GET", {}, 200, rows))
        if len(rows) < 3:
            break
        last = str(rows[-1]["id"])
    recipe = learn({**shown, "related": [f"{site.base_url}/en/article/{i}" for i in site.related_ids("en", article)]},
                   calls[:1] + pages, str(article.id), "en")
    assert recipe.related_cursor == (("lastId", "id"),) and "lastId" not in recipe.related.url
    assert recipe.related_total is None  # a row's number equal to the count of cards is no total
    # Paged by offset, a row's number equal to the next offset (a category id of 2) is no cursor.
    offset_pages = [DataCall(f"{base}&offset={n}", "GET", {}, 200, {"total": 4, "rows": rows})
                    for n, rows in ((0, [{"id": 7, "categoryId": 1}, {"id": 8, "categoryId": 2}]),
                                    (2, [{"id": 9, "categoryId": 2}]))]
    from newscrawler.learning.recipe import cursor_parameters
    assert cursor_parameters(offset_pages, ("rows",)) == ()
    other = next(a for a in site.editions["en"].articles.values() if a is not article and len(a.related_ids) > 3)
    first = site.related_after("en", other, None, 3)
    assert next_related_url(recipe, str(other.id), "en", 3, first).endswith(f"&lastId={first[-1]['id']}")


@pytest.mark.parametrize("variant", [{"naive_times": True}, {"title_entities": True}, {"cache_buster": True}])
def test_a_variant_of_the_article_call_is_learned_and_other_articles_read_as_the_page_shows_them(variant):
    """Local times without an offset (in the site's zone), titles with HTML entities the app
    decodes, a cache-buster that is the time of the call: each learned from one render."""
    import time

    from newscrawler.learning.recipe import instant

    site = variant_site(**variant)
    article, other = list(site.editions["en"].articles.values())[2:4]
    shown, calls = recorded_render(site, "en", article)
    if variant.get("cache_buster"):
        first = calls[0]
        calls[0] = DataCall(first.url + f"&_={int(time.time() * 1000)}", first.method, first.headers, first.status,
                            first.data)
    recipe = learn(shown, calls, str(article.id), "en", ("Asia/Seoul", "UTC"))
    assert recipe is not None
    url = recipe.article.url_for(str(other.id), "en")
    assert url.startswith(f"http://api.test/feed/v1/articles/{other.id}?languageCode=en")
    if variant.get("cache_buster"):
        assert abs(int(url.rsplit("&_=", 1)[1]) - time.time() * 1000) < 60_000
    fields = read_fields(recipe, site.article("en", other))
    assert fields["title"] == other.title
    assert instant(fields["published"]) == other.published.astimezone(timezone.utc)


def graphql_render(site: AppSite, article) -> tuple[dict, list[DataCall]]:
    """A render's record where the app asks for its article with GraphQL (`POST /graphql`)."""
    shown, calls = recorded_render(site, "en", article)
    body = json.dumps({"query": "query Article($id: Int!, $languageCode: String!) { article(id: $id) { id } }",
                       "variables": {"id": article.id, "languageCode": "en"}})
    posted = DataCall(f"{site.api_url}/graphql", "POST", {"content-type": "application/json"}, 200,
                      {"data": {"article": site.article("en", article)}}, body)
    return shown, [posted] + calls[1:]


def test_a_graphql_post_is_learned_with_its_method_and_body_and_replayed_for_another_article():
    site = variant_site(graphql=True)
    article, other = list(site.editions["en"].articles.values())[2:4]
    recipe = learn(*graphql_render(site, article), str(article.id), "en")
    assert recipe is not None and recipe.article.method == "POST" and recipe.article.url == "http://api.test/graphql"
    assert json.loads(recipe.article.body_for(str(other.id), "en"))["variables"] == {"id": other.id, "languageCode": "en"}
    assert dict(recipe.fields)["title"] == ("data", "article", "title")
    back = Recipe.from_data(json.loads(json.dumps(recipe.plain)))
    assert back == recipe and back.article.body_for(str(other.id), "en") == recipe.article.body_for(str(other.id), "en")
    fields = read_fields(recipe, {"data": {"article": site.article("en", other)}})
    assert fields["title"] == other.title
    # A POST whose body names no article would read the learned article for every other one.
    shown, calls = graphql_render(site, article)
    fixed = DataCall(calls[0].url, "POST", calls[0].headers, 200, calls[0].data, json.dumps({"query": "{ latest { id } }"}))
    assert learn(shown, [fixed] + calls[1:], str(article.id), "en") is None


def content_call_render(site: AppSite, article) -> tuple[dict, list[DataCall]]:
    """A render's record where the article call gives the text's id and a second call the text."""
    from replica.app import content_id

    shown, calls = recorded_render(site, "en", article)
    text_id = content_id("en", article)
    text = DataCall(f"{site.api_url}/feed/v1/contents/{text_id}?languageCode=en", "GET", {"origin": site.base_url}, 200,
                    site.article_text("en", text_id))
    return shown, [calls[0], text] + calls[1:]


def test_a_text_from_a_second_call_is_learned_as_a_recipe_of_two_calls():
    """The article call gives all but the text and the text's id; the text's call is made from that id."""
    from newscrawler.learning.recipe import answer_values, finished_fields

    site = variant_site(content_call=True)
    article, other = list(site.editions["en"].articles.values())[2:4]
    recipe = learn(*content_call_render(site, article), str(article.id), "en")
    assert recipe is not None and dict(recipe.fields)["title"] == ("title",) and "body_html" not in dict(recipe.fields)
    (follow,) = recipe.follow
    assert follow.call.url == "http://api.test/feed/v1/contents/{answer:0}?languageCode={edition}"
    assert follow.answer_paths == (("contentId",),) and dict(follow.fields)["body_html"] == ("html",)
    assert recipe.related is not None
    answer = site.article("en", other)
    url = follow.url_for(str(other.id), "en", answer)
    assert url == f"http://api.test/feed/v1/contents/{answer['contentId']}?languageCode=en"
    values = {**answer_values(recipe.fields, answer), **answer_values(follow.fields, site.article_text("en", answer["contentId"]))}
    fields = finished_fields(recipe, values)
    assert (fields["title"], fields["body"]) == (other.title, "\n\n".join(b.text for b in other.blocks))
    assert Recipe.from_data(json.loads(json.dumps(recipe.plain))) == recipe


@pytest.mark.slow
def test_renders_at_once_keep_to_the_render_concurrency_whatever_waits_behind_them(tmp_path):
    """Scrapy hands a download slot's queue over all at once; every render still waits for a place of
    NEWS_RENDER_CONCURRENCY (each render's browser context is open only while it renders, and it
    is the memory of the crawl)."""
    with AppReplica(app_editions(seed=21, sections=3, articles=16)) as app:
        result = crawl_app(tmp_path, app, "always", NEWS_RENDER_MODE="always", AUTOTHROTTLE_ENABLED=False,
                           NEWS_RENDER_CONCURRENCY=3, NEWS_RENDERS_PER_CONTEXT=100)
        truth = app.ground_truth()
    assert result.stats["finish_reason"] == "finished" and "Traceback" not in result.log
    assert set(last_items(result)) == set(truth)
    assert result.stat("playwright/context_count/max_concurrent") <= 3


def outside_site(**variant) -> AppSite:
    """Related lists holding the cards of listed outside stories (`outside_related`)."""
    return variant_site(outside_cards=True, outside_related=True, **variant)


def holding_outside(site: AppSite, holding: bool = True):
    """Articles of `en` whose related list holds an outside story's card (or holds none), longest first."""
    from replica.app import is_outside_story

    content = site.editions["en"]
    found = [a for a in content.articles.values() if site.has_article(a) and site.related_ids("en", a)
             and any(is_outside_story(content.articles[i]) for i in site.related_ids("en", a)) == holding]
    return sorted(found, key=lambda a: -len(site.related_ids("en", a)))


def rendered_related(site: AppSite, article) -> list[str]:
    """The related list a render shows: only the site's articles (a card linked to its outlet is none)."""
    return [site.url_of("en", i) for i in site.related_ids("en", article) if not site.links_to_outlet("en", i)]


def read_related(recipe, site: AppSite, article) -> tuple[list[str], list]:
    """An article's related list as a read makes it, every page of the call, and its undecided rows."""
    from newscrawler.learning.recipe import undecided_rows

    urls, undecided, offset, page_url = [], [], 0, site.url_of("en", article.id)
    while True:
        answer = site.related("en", article, offset)
        urls += related_page(recipe, answer, page_url)
        undecided += undecided_rows(recipe, answer, page_url)
        offset += len(answer["rows"])
        if not answer["rows"] or offset >= answer["total"]:
            return urls, undecided


@pytest.mark.parametrize("outlet", [True, False])
def test_a_render_teaches_whether_related_rows_of_outside_stories_are_listed_or_left_out(outlet):
    """A row whose `link` is an outside outlet's page: where the page links its card there, the
    render's related list leaves it out (it is no article of the site's), and so does every read;
    where it draws the card at the site's own address, the list holds it. The total beside the rows
    counts them either way."""
    site = outside_site(outside_related_outlet=outlet)
    article = holding_outside(site)[0]
    shown, calls = recorded_render(site, "en", article)
    shown["related"] = rendered_related(site, article)
    assert len(shown["related"]) == len(site.related_ids("en", article)) - (1 if outlet else 0)
    recipe = learn(shown, calls, str(article.id), "en")
    assert recipe.related is not None and recipe.related_id == "id"
    assert recipe.related_outside == (("link", not outlet),)
    assert recipe.related_total == ("total",)
    assert ("left out" if outlet else "listed") in recipe.describe()
    assert Recipe.from_data(recipe.plain) == recipe
    for other in holding_outside(site)[1:]:
        assert read_related(recipe, site, other) == (rendered_related(site, other), [])


def test_a_related_row_of_an_outside_story_no_render_showed_is_read_undecided():
    """Learning renders that met no outside story's row know nothing of one: a read keeps its
    card at the site's address, says which row and key it is unsure of, and is checked."""
    site = outside_site(outside_related_outlet=True)
    article = holding_outside(site, holding=False)[0]
    shown, calls = recorded_render(site, "en", article)
    shown["related"] = rendered_related(site, article)
    recipe = learn(shown, calls, str(article.id), "en")
    assert recipe.related is not None and recipe.related_outside == ()
    other = holding_outside(site)[0]
    urls, undecided = read_related(recipe, site, other)
    outside = [site.url_of("en", i) for i in site.related_ids("en", other) if site.links_to_outlet("en", i)]
    assert urls == [site.url_of("en", i) for i in site.related_ids("en", other)]
    assert undecided == [[url, ["link"]] for url in outside]


def test_a_related_page_of_outside_stories_only_still_pages_on():
    """Rows a recipe leaves out count in the call's paging: a page of outside stories only is no
    end of the list."""
    from newscrawler.learning.recipe import CallTemplate, related_page

    recipe = Recipe(CallTemplate("http://api.test/a/{id}"), related=CallTemplate("http://api.test/a/{id}/r?o={offset}"),
                    related_rows=("rows",), related_id="id", related_url="http://site.test/en/article/{id}",
                    related_total=("total",), related_outside=(("link", False), ("thumbnail", True)))
    rows = [{"id": 4, "link": "https://outlet.example/news/4", "thumbnail": "https://cdn.example/4.jpg"},
            {"id": 5, "link": "/en/article/5", "thumbnail": "https://cdn.example/5.jpg"}]
    assert related_page(recipe, {"rows": rows, "total": 2}, "http://site.test/en/article/1") == \
        ["http://site.test/en/article/5"]
    assert related_page(recipe, {"rows": rows[:1], "total": 2}, "http://site.test/en/article/1") == []


def test_a_check_teaches_whether_an_outside_storys_related_row_is_listed():
    """The render of a read that was unsure of a row: listed there, the key says nothing of a row
    (every such row is kept); left out, rows with the key are left out from then on. A row left out
    with two unknown keys teaches neither."""
    from newscrawler.learning.learner import Learner
    from newscrawler.learning.recipe import CallTemplate

    class Crawler:
        stats = type("Stats", (), {"inc_value": lambda *args, **kwargs: None})()

    recipe = Recipe(CallTemplate("http://api.test/a/{id}"), (("title", ("title",)),),
                    related=CallTemplate("http://api.test/a/{id}/r"), related_rows=("rows",), related_id="id",
                    related_url="http://site.test/en/article/{id}")
    learner = Learner(Crawler(), learn_renders=1, check_first=0)
    learner.taught("k", recipe)
    # The first two such reads are checked whatever the count; the others wait for their lesson.
    assert [learner.read("k", f"http://site.test/en/article/{n}", undecided=True) for n in range(1, 5)] == [
        True, True, False, False]
    assert learner.outside_taught("k", ["link", "thumbnail"], listed=False) == []
    assert learner.recipe_to_read("k").related_outside == ()
    assert learner.outside_taught("k", ["thumbnail"], listed=True) == []   # the waiting reads were right
    assert learner.read("k", "http://site.test/en/article/5", undecided=True) is False
    # Rows with `link` are left out: the read stored keeping one is rendered again.
    assert learner.outside_taught("k", ["link"], listed=False) == ["http://site.test/en/article/5"]
    assert learner.outside_known("k") == {"link": False, "thumbnail": True}
    assert learner.recipe_to_read("k").related_outside == (("link", False), ("thumbnail", True))
    learner.outside_taught("k", ["thumbnail"], listed=False)  # seen listed once: says nothing of a row
    assert learner.recipe_to_read("k").related_outside == (("link", False), ("thumbnail", True))


def test_a_check_that_disagrees_on_the_related_list_says_which_entries_differed():
    from newscrawler.items import ArticleItem
    from newscrawler.learning.reading import difference

    def item(related):
        return ArticleItem(url="http://site.test/en/article/1", site="coinness", article_id="1", title="T",
                           related=related)

    a, b, c = (f"http://site.test/en/article/{n}" for n in (2, 3, 4))
    why = difference(item([a, b, c]), item([a, c]), "related", None)
    assert why == (f"related differed from the render: read 3 entries, rendered 2; only in the read ['{b}'], "
                   "only in the render []")
    assert "another order" in difference(item([a, b]), item([b, a]), "related", None)
    assert difference(item([]), ArticleItem(url="u", site="s", article_id="1", title="U"), "title", None) == \
        "title differed from the render: read 'T', rendered 'U'"
