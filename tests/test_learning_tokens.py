"""A token the app's page asks a call for at run time and sends in a header or the query: learned
with the call that gives it, asked for by reads (once, then reused), asked for again when the API
refuses it."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from types import SimpleNamespace

from scrapy import Request
from scrapy.http import Response, TextResponse
from test_learning import recorded_render, site  # noqa: F401  (the fixture)

from newscrawler import meta as m
from newscrawler.learning.learner import same_calls
from newscrawler.learning.reads import LearnedReads
from newscrawler.learning.recipe import DataCall, Recipe, learn, query_values
from newscrawler.learning.tokens import RunTimeTokensMiddleware, token_meta

SESSION = "http://api.test/feed/v1/session?languageCode=en"


def with_token(calls: list[DataCall], token: str, header: str = "x-api-token", prefix: str = "",
               issuer: DataCall | None = None) -> list[DataCall]:
    """A render's record where the page first asked a call for a token (`issuer`, by default a
    GET of a session), then sent it in `header` with every call."""
    issuer = issuer or DataCall(SESSION, "GET", {"accept": "*/*"}, 200, {"token": token, "ttl": 600})
    return [issuer] + [DataCall(c.url, c.method, {**c.headers, header: prefix + token}, c.status, c.data, c.body)
                       for c in calls]


def in_query(calls: list[DataCall], token: str, name: str = "access_token") -> list[DataCall]:
    """A render's record where the page first asked the session for a token, then sent it in the
    query of every call (`&access_token=<token>`)."""
    issuer = DataCall(SESSION, "GET", {"accept": "*/*"}, 200, {"token": token, "ttl": 600})
    return [issuer] + [DataCall(f"{c.url}&{name}={token}", c.method, c.headers, c.status, c.data, c.body)
                       for c in calls]


def test_a_header_an_earlier_answer_gave_is_learned_with_the_call_that_gives_it(site):
    article, other = [a for a in site.editions["en"].articles.values() if len(a.related_ids) > 3][:2]
    shown, calls = recorded_render(site, "en", article)
    recipe = learn(shown, with_token(calls, "3f9a0c2e7d41b5aa"), str(article.id), "en")
    assert recipe.token is not None
    assert (recipe.token.call.url, recipe.token.call.method, recipe.token.path) == \
        ("http://api.test/feed/v1/session?languageCode={edition}", "GET", ("token",))
    # The value is never replayed: every call of the recipe that sent it asks for it.
    assert recipe.article.headers["x-api-token"] == "{token}" and recipe.related.headers["x-api-token"] == "{token}"
    assert recipe.article.headers["origin"] == "http://site.test"
    assert "session?languageCode={edition} (token), sent as x-api-token" in recipe.describe()
    # Another render gets another token from the same call: the same recipe.
    shown, calls = recorded_render(site, "en", other)
    again = learn(shown, with_token(calls, "77c01d9be0a2f4e3"), str(other.id), "en")
    assert same_calls(recipe, again) and again.article.headers == recipe.article.headers
    assert Recipe.from_data(json.loads(json.dumps(recipe.plain))) == recipe


def test_a_bearer_token_from_a_post_is_learned_with_its_prefix_and_body(site):
    article = list(site.editions["en"].articles.values())[3]
    shown, calls = recorded_render(site, "en", article)
    auth = DataCall("http://auth.test/v2/login", "POST", {"content-type": "application/json"}, 200,
                    {"data": {"user": "guest", "accessToken": "eyJhbGciOi.J9eyJzdWIi.OiIxMjM0"}},
                    json.dumps({"client": "web", "lang": "en"}))
    recipe = learn(shown, with_token(calls, "eyJhbGciOi.J9eyJzdWIi.OiIxMjM0", "Authorization", "Bearer ", auth),
                   str(article.id), "en")
    assert recipe.token.call.method == "POST" and recipe.token.call.url == "http://auth.test/v2/login"
    assert recipe.token.path == ("data", "accessToken")
    assert recipe.article.headers["Authorization"] == "Bearer {token}"
    assert json.loads(recipe.token.body_for("12", "ko")) == {"client": "web", "lang": "ko"}
    assert recipe.token.value_of({"data": {"accessToken": "eyJnew.token.value"}}) == "eyJnew.token.value"


def test_a_token_asked_for_again_during_the_render_is_the_same_step(site):
    """The page's token expired during the render: refused, it asked for another and sent that."""
    article = list(site.editions["en"].articles.values())[3]
    shown, calls = recorded_render(site, "en", article)
    first = with_token(calls[:1], "aaaaaaaa11111111")
    refused = DataCall(first[1].url, "GET", first[1].headers, 401, {"error": "token expired"})
    second = with_token(calls, "bbbbbbbb22222222")
    recipe = learn(shown, [first[0], refused] + second, str(article.id), "en")
    assert recipe.token is not None and recipe.article.headers["x-api-token"] == "{token}"
    assert recipe.related.headers["x-api-token"] == "{token}"


def test_a_header_no_earlier_answer_gave_is_replayed_as_recorded(site):
    article = list(site.editions["en"].articles.values())[3]
    shown, calls = recorded_render(site, "en", article)
    fixed = [DataCall(c.url, c.method, {**c.headers, "x-api-key": "k-5d2e91f0c3"}, c.status, c.data) for c in calls]
    recipe = learn(shown, fixed, str(article.id), "en")
    assert recipe.token is None and recipe.article.headers["x-api-key"] == "k-5d2e91f0c3"
    # An answer that gives the value after the page first sent it (an echo) did not issue it.
    echo = DataCall("http://api.test/feed/v1/me", "GET", {"x-api-key": "k-5d2e91f0c3"}, 200, {"key": "k-5d2e91f0c3"})
    assert learn(shown, [echo] + fixed, str(article.id), "en").token is None
    # Headers that say what a request is are never a token, whatever an answer holds.
    typed = [DataCall(SESSION, "GET", {}, 200, {"type": "application/json"})] + \
        [DataCall(c.url, c.method, {**c.headers, "accept": "application/json"}, c.status, c.data) for c in calls]
    assert learn(shown, typed, str(article.id), "en").token is None


def test_a_query_value_an_earlier_answer_gave_is_learned_with_the_call_that_gives_it(site):
    article, other = [a for a in site.editions["en"].articles.values() if len(a.related_ids) > 3][:2]
    shown, calls = recorded_render(site, "en", article)
    recipe = learn(shown, in_query(calls, "3f9a0c2e7d41b5aa"), str(article.id), "en")
    assert recipe.token is not None and recipe.token.path == ("token",)
    assert recipe.token.call.url == "http://api.test/feed/v1/session?languageCode={edition}"
    # Its place in the URL is marked, the other parameters as learned; the headers as recorded.
    assert recipe.article.url == "http://api.test/feed/v1/articles/{id}?languageCode={edition}&access_token={token}"
    assert recipe.related.url.endswith("?languageCode={edition}&offset={offset}&access_token={token}")
    assert "{token}" not in json.dumps(recipe.article.headers)
    assert "session?languageCode={edition} (token), sent as ?access_token" in recipe.describe()
    # Another render gets another token from the same call: the same recipe.
    shown, calls = recorded_render(site, "en", other)
    again = learn(shown, in_query(calls, "77c01d9be0a2f4e3"), str(other.id), "en")
    assert same_calls(recipe, again) and again.related.url == recipe.related.url
    assert Recipe.from_data(json.loads(json.dumps(recipe.plain))) == recipe


def test_a_query_value_no_earlier_answer_gave_or_made_of_words_is_kept_as_recorded(site):
    article = list(site.editions["en"].articles.values())[3]
    shown, calls = recorded_render(site, "en", article)
    keyed = [DataCall(f"{c.url}&key=k5d2e91f0c3a", c.method, c.headers, c.status, c.data) for c in calls]
    recipe = learn(shown, keyed, str(article.id), "en")
    assert recipe.token is None and recipe.article.url.endswith("&key=k5d2e91f0c3a")
    # A section's name an earlier answer (the categories) gave is what the app asks for, no token.
    categories = DataCall("http://api.test/feed/v1/categories?languageCode=en", "GET", {}, 200,
                          [{"id": 3, "slug": "policy-regulation"}, {"id": 4, "slug": "Markets-Daily-2024"}])
    for slug in ("policy-regulation", "Markets-Daily-2024"):
        named = [categories] + [DataCall(f"{c.url}&category={slug}", c.method, c.headers, c.status, c.data)
                                for c in calls]
        assert learn(shown, named, str(article.id), "en").token is None


def test_a_token_renewed_between_the_related_pages_is_not_their_paging_parameter(site):
    """The page's token expired between two pages of the related call, sent before `offset`."""
    article = next(a for a in site.editions["en"].articles.values() if len(a.related_ids) > 3)
    shown, calls = recorded_render(site, "en", article)
    first, second = "aaaaaaaa11111111", "bbbbbbbb22222222"
    issuer = DataCall(SESSION, "GET", {}, 200, {"token": first})
    renewed = DataCall(SESSION, "GET", {}, 200, {"token": second})
    sent = [DataCall(c.url.replace("?", f"?access_token={first if i < 2 else second}&"), c.method, c.headers,
                     c.status, c.data) for i, c in enumerate(calls)]
    recipe = learn(shown, [issuer, *sent[:2], renewed, *sent[2:]], str(article.id), "en")
    assert recipe.related.url.endswith("?access_token={token}&languageCode={edition}&offset={offset}")


def test_a_header_token_wins_and_its_value_is_marked_in_the_query_too(site):
    """An app that sends the token both ways: one step, both places marked."""
    article = list(site.editions["en"].articles.values())[3]
    shown, calls = recorded_render(site, "en", article)
    both = with_token(in_query(calls, "3f9a0c2e7d41b5aa")[1:], "3f9a0c2e7d41b5aa")
    recipe = learn(shown, both, str(article.id), "en")
    assert recipe.article.headers["x-api-token"] == "{token}" and recipe.article.url.endswith("&access_token={token}")
    assert recipe.describe().endswith("sent as x-api-token, ?access_token")


class Stats(Counter):
    def inc_value(self, key, count=1, start=0):
        self[key] += count


class TokenServer:
    """An API's token call, as the crawler's engine downloads it: each token a new one."""

    def __init__(self):
        self.asked: list[str] = []

    async def download_async(self, request):
        self.asked.append(request.url)
        return TextResponse(request.url, body=json.dumps({"token": f"token-{len(self.asked):04d}"}).encode(),
                            encoding="utf-8", request=request)


def token_recipe(site) -> Recipe:
    article = list(site.editions["en"].articles.values())[3]
    shown, calls = recorded_render(site, "en", article)
    return learn(shown, with_token(calls, "3f9a0c2e7d41b5aa"), str(article.id), "en")


def middleware():
    server = TokenServer()
    crawler = SimpleNamespace(stats=Stats(), engine=server, settings={})
    return RunTimeTokensMiddleware(crawler), server, crawler.stats


def read_call(recipe: Recipe, article_id: str) -> Request:
    meta = {m.READ_AS: {"number": article_id}, **token_meta(recipe, recipe.article.headers, article_id, "en")}
    return Request(recipe.article.url_for(article_id, "en"), headers=recipe.article.headers, meta=meta)


def query_token_recipe(site) -> Recipe:
    article = list(site.editions["en"].articles.values())[3]
    shown, calls = recorded_render(site, "en", article)
    return learn(shown, in_query(calls, "3f9a0c2e7d41b5aa"), str(article.id), "en")


def query_read_call(recipe: Recipe, article_id: str) -> Request:
    """A read's article call as reads make it: its URL with the token's place marked."""
    url = recipe.article.url_for(article_id, "en")
    meta = {m.READ_AS: {"number": article_id}, **token_meta(recipe, recipe.article.headers, article_id, "en", url)}
    return Request(url, headers=recipe.article.headers, meta=meta)


def sent_token(request: Request) -> str | None:
    return dict(query_values(request.url)).get("access_token")


def answer(request: Request, status: int) -> Response:
    return Response(request.url, status=status, request=request)


def test_reads_ask_for_the_token_once_and_once_more_when_it_is_refused(site):
    recipe = token_recipe(site)
    tokens, server, stats = middleware()

    async def crawl():
        reads = [read_call(recipe, n) for n in ("7", "8", "9", "10")]
        await asyncio.gather(*(tokens.process_request(r) for r in reads))
        assert server.asked == [SESSION]  # once, reused by every read
        assert {r.headers["x-api-token"] for r in reads} == {b"token-0001"}
        assert [tokens.process_response(r, answer(r, 200)).status for r in reads[:2]] == [200, 200]
        # Expired: the refused read is asked again, and takes a new token as it leaves.
        again = tokens.process_response(reads[2], answer(reads[2], 401))
        assert isinstance(again, Request) and again.url == reads[2].url and again.meta[m.TOKEN_RENEWED] == 1
        await tokens.process_request(again)
        assert again.headers["x-api-token"] == b"token-0002" and len(server.asked) == 2
        # Another read refused with the old token takes the new one: no token call more.
        late = tokens.process_response(reads[3], answer(reads[3], 403))
        await tokens.process_request(late)
        assert late.headers["x-api-token"] == b"token-0002" and len(server.asked) == 2
        # A fresh token refused as well is no expired one: the refusal goes on (back to learning).
        refused = answer(again, 401)
        assert tokens.process_response(again, refused) is refused
        assert stats["news/learn/token/refused"] == 1

    asyncio.run(crawl())
    assert (stats["news/learn/token/asked"], stats["news/learn/token/renewed"]) == (1, 1)


def test_reads_put_the_token_in_the_query_and_a_new_one_when_it_is_refused(site):
    recipe = query_token_recipe(site)
    tokens, server, stats = middleware()

    async def crawl():
        reads = [query_read_call(recipe, n) for n in ("7", "8", "9")]
        assert reads[0].meta[m.TOKEN_CALL]["query"] == {"access_token": "{token}"}
        await asyncio.gather(*(tokens.process_request(r) for r in reads))
        assert server.asked == [SESSION]  # once, reused by every read
        assert [sent_token(r) for r in reads] == ["token-0001"] * 3
        assert reads[0].url == "http://api.test/feed/v1/articles/7?languageCode=en&access_token=token-0001"
        assert "x-api-token" not in reads[0].headers
        # Expired: the refused read is asked again; its URL takes the new token in the old one's place.
        again = tokens.process_response(reads[2], answer(reads[2], 401))
        assert isinstance(again, Request) and again.meta[m.TOKEN_RENEWED] == 1
        await tokens.process_request(again)
        assert again.url == "http://api.test/feed/v1/articles/9?languageCode=en&access_token=token-0002"
        # The related call's pages carry it too, after their paging parameter.
        related = recipe.related.url_for("7", "en", 3)
        page = Request(related, meta=token_meta(recipe, recipe.related.headers, "7", "en", related))
        await tokens.process_request(page)
        assert page.url.endswith("?languageCode=en&offset=3&access_token=token-0002") and len(server.asked) == 2

    asyncio.run(crawl())
    assert (stats["news/learn/token/asked"], stats["news/learn/token/renewed"]) == (1, 1)


def test_a_failed_token_call_sends_the_read_without_the_query_parameter(site):
    recipe = query_token_recipe(site)
    tokens, server, stats = middleware()

    async def refused(request):
        return Response(request.url, status=500, request=request)

    server.download_async = refused
    request = query_read_call(recipe, "7")
    asyncio.run(tokens.process_request(request))
    assert request.url == "http://api.test/feed/v1/articles/7?languageCode=en" and request.meta[m.TOKEN_SENT] is None
    assert stats["news/learn/token/failed"] == 1


def test_a_token_that_lasts_so_many_calls_is_renewed_before_it_is_refused(site):
    """Tokens that open two calls each: once one has been refused, the next are renewed after two
    calls, but one in four is sent until refused, in case tokens last longer now (by time)."""
    recipe = token_recipe(site)
    tokens, server, stats = middleware()

    async def crawl():
        first = [read_call(recipe, str(n)) for n in range(10, 13)]
        for request in first:
            await tokens.process_request(request)
        assert isinstance(tokens.process_response(first[2], answer(first[2], 401)), Request)
        for request in first[:2]:  # answered after the refusal: the token lasted two calls
            tokens.process_response(request, answer(request, 200))
        later = [read_call(recipe, str(n)) for n in range(20, 30)]
        for request in later:
            await tokens.process_request(request)
        return [int(request.headers["x-api-token"][-4:]) for request in later]

    assert asyncio.run(crawl()) == [2, 2, 3, 3, 4, 4, 4, 4, 4, 4]
    assert stats["news/learn/token/renewed_ahead"] == 2


def test_a_failed_token_call_sends_the_read_without_the_header(site):
    recipe = token_recipe(site)
    tokens, server, stats = middleware()

    async def refused(request):
        server.asked.append(request.url)
        return Response(request.url, status=500, request=request)

    server.download_async = refused
    request = read_call(recipe, "7")
    asyncio.run(tokens.process_request(request))
    assert "x-api-token" not in request.headers and request.meta[m.TOKEN_SENT] is None
    assert stats["news/learn/token/failed"] == 1


def test_an_answer_without_the_fields_is_asked_again_with_a_new_token_once(site):
    """A refusal answered 200 with an error body: asked again with a new token, then learned again."""
    recipe = token_recipe(site)
    stats = Stats()
    reads = LearnedReads.__new__(LearnedReads)
    reads.spider = SimpleNamespace(crawler=SimpleNamespace(stats=stats))
    again = []
    reads.render_again = lambda read, what, why=None: again.append(what) or iter(())
    request = read_call(recipe, "7")
    request.meta[m.TOKEN_SENT] = "token-0001"
    (asked,) = reads.shape_not_seen(answer(request, 200), request.meta[m.READ_AS], "answer_shape")
    assert asked.meta[m.TOKEN_STALE] == "token-0001" and asked.meta[m.TOKEN_RENEWED] == 1 and again == []
    assert list(reads.shape_not_seen(answer(asked, 200), asked.meta[m.READ_AS], "answer_shape")) == []
    assert again == ["answer_shape"]
