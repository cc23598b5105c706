"""Articles read without the browser, for the spider: what renders teach, the reads themselves
(the learned article call, or the page as the server sends it, then every page of the related call),
and the renders that check them.

The spider routes: its callbacks for these requests hand the response here, and requests made here
name the spider's callbacks (JOBDIR and the shared frontier keep a request by its spider's method).
"""

from __future__ import annotations

import json
import logging
from zoneinfo import ZoneInfo

from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import Request
from scrapy.spidermiddlewares.httperror import HttpError

from .. import meta as m
from ..downloader.conditional import NotModified
from ..pages import ArticleParseError
from ..downloader.refusals import PageRefused
from .reading import build_item, difference, differing_field, item_fields, page_fields, shown_of
from .recipe import (DataCall, Recipe, answer_values, finished_fields, learn, learn_page, next_related_url, read_total,
                     related_page, related_rows, tells_publication_apart, undecided_rows)
from .tokens import asked_again, token_meta

logger = logging.getLogger(__name__)


class LearnedReads:
    def __init__(self, spider, max_calls: int = 20):
        self.spider = spider
        self.site = spider.site
        self.learner = spider.learner
        self.max_calls = max(2, max_calls)  # calls one article's read may make (NEWS_READ_MAX_CALLS)

    @classmethod
    def from_crawler(cls, crawler, spider) -> "LearnedReads":
        return cls(spider, crawler.settings.getint("NEWS_READ_MAX_CALLS", 20))

    @property
    def browser_zone(self) -> ZoneInfo:
        """The zone the browser writes dates in: an answer's instant is told in it, as the page shows it."""
        return ZoneInfo(self.spider.render.timezone_id)

    # -- what renders teach ----------------------------------------------------------------------
    def learn_from(self, response, item) -> bool:
        """A recording render: what its data calls (and the page as the server sent it) teach about
        its kind of page. False where it came too late to teach (its kind learned or given up)."""
        match = self.site.urls.article_match(item.url)
        if match is None:
            return False
        calls = [DataCall(**call) for call in response.meta.get(m.DATA_CALLS) or ()]
        shown = shown_of(item, self.site.zone)
        article_id, edition = match.group("id"), self.site.urls.edition(item.url)
        zones = tuple(str(zone) for zone in (self.site.zone, self.browser_zone) if zone) + ("UTC",)
        recipe = learn(shown, calls, article_id, edition, zones)
        if recipe is None:
            served = self.served_item(response, item)
            if served is not None:
                recipe = learn_page(shown, calls, article_id, edition)
                if recipe.related is None and served.related != item.related:
                    recipe = None  # the script draws related cards from something we cannot read
        return self.learner.taught(self.spider.kind_of(item.url), recipe)

    def served_item(self, response, rendered):
        """The article as a plain fetch of its page reads it, when that agrees with the render in
        everything but the related block (which a script fills in); None otherwise."""
        html = response.meta.get(m.SERVER_HTML)
        if not html:
            return None
        page = self.site.article_page(html, response.url, self.site.urls, fetched_at=rendered.fetched_at)
        try:
            served = page.to_item(self.site.name, rendered.fetched_at)
        except ArticleParseError:
            return None  # an app's empty shell
        return served if differing_field(served, rendered, self.site.zone, besides=("related",)) is None else None

    # -- reading -----------------------------------------------------------------------------------
    def read_request(self, url: str, recipe: Recipe, filtered: bool = True, taken: str | None = None,
                     story: dict | None = None, revisit: dict | None = None) -> Request:
        """The article call a render taught, as an ordinary request with the headers the app sent
        (or the article's page itself, where the server sends it whole). It fingerprints as the
        article (newscrawler.fingerprint): `filtered`, it passes the duplicate filter as the
        article's first fetch would (JOBDIR and the shared frontier remember it); a render swapped
        for it (newscrawler.learning.middleware) passed the filter already."""
        edition = self.site.urls.edition(url)
        read = {"url": url, "kind": self.spider.kind_of(url), "recipe": recipe.plain,
                "number": self.site.urls.article_match(url).group("id"), "edition": edition, "asked": []}
        meta = {m.PAGE_KIND: m.ARTICLE, m.LINKED_AS: url, m.READ_AS: read, **({m.TAKEN: taken} if taken else {}),
                **(story or {})}
        if recipe.reads_page:  # a re-visit's stored validators are the page's: it goes out conditional
            read["asked"].append(url)
            return Request(url, callback=self.spider.parse_read_page, errback=self.spider.read_failed,
                           dont_filter=not filtered, meta={**meta, **(revisit or {})})
        call = recipe.article.url_for(read["number"], edition)
        read["asked"].append(call)
        token = token_meta(recipe, recipe.article.headers, read["number"], edition, call)
        return Request(call, method=recipe.article.method, body=recipe.article.body_for(read["number"], edition),
                       headers=recipe.article.headers, callback=self.spider.parse_read_article,
                       errback=self.spider.read_failed, dont_filter=not filtered,
                       meta={**meta, m.FORMAT: "json", **token})

    def recipe_for(self, read: dict) -> Recipe | None:
        return self.learner.recipe_to_go_on(read["kind"], read.get("recipe"))

    def article_answer(self, response):
        read = response.meta[m.READ_AS]
        recipe = self.recipe_for(read)
        if recipe is None:  # the kind went back to learning meanwhile
            yield self.render_instead(read["url"])
            return
        try:
            data = json.loads(response.text)
            values = answer_values(recipe.fields, data)
            read["more"] = [follow.url_for(read["number"], read["edition"], data) for follow in recipe.follow]
            read["tells"] = tells_publication_apart(recipe, data)
            fields = None if recipe.follow else finished_fields(recipe, values)
        except (ValueError, KeyError, TypeError):
            yield from self.shape_not_seen(response, read, "answer_shape")
            return
        if fields is None:  # the text (or more) comes from calls made with this answer's values
            read["values"] = values
            yield from self.more_request(recipe, read, response)
            return
        read["item"] = item_fields(fields, self.browser_zone)
        yield from self.related_then_finish(recipe, read, response)

    def more_request(self, recipe: Recipe, read: dict, response):
        """The next call after the article call (the text's, by the id its answer gave), on the read's
        budget of calls, carrying on the read as the related call's pages do."""
        step = len(read.setdefault("values_from", []))
        url, follow = read["more"][step], recipe.follow[step]
        yield from self.next_call(recipe, read, response, url, follow.call.headers, self.spider.parse_read_more,
                                  "answer_shape", "the call after the article's")

    def more_answer(self, response):
        """An answer of a call made after the article call: its fields, then the next call, or the
        article's fields whole and its related call."""
        read = response.meta[m.READ_AS]
        recipe = self.recipe_for(read)
        if recipe is None or len(read.get("values_from", ())) >= len(recipe.follow):
            yield self.render_instead(read["url"])
            return
        follow = recipe.follow[len(read["values_from"])]
        try:
            read["values"].update(answer_values(follow.fields, json.loads(response.text)))
            read["values_from"].append(response.url)
            fields = finished_fields(recipe, read["values"]) if len(read["values_from"]) == len(recipe.follow) else None
        except (ValueError, KeyError, TypeError):
            yield from self.shape_not_seen(response, read, "answer_shape")
            return
        if fields is None:
            yield from self.more_request(recipe, read, response)
            return
        for done in ("values", "values_from", "more"):
            read.pop(done, None)
        read["item"] = item_fields(fields, self.browser_zone)
        yield from self.related_then_finish(recipe, read, response)

    def served_page(self, response):
        """The article's page as the server sent it: every field but the related block, which the
        related call gives."""
        read = response.meta[m.READ_AS]
        recipe = self.recipe_for(read)
        if recipe is None:
            yield self.render_instead(read["url"])
            return
        self.spider.crawler.stats.inc_value("news/pages/article")
        page = self.spider.article_page_of(response)
        try:
            item = page.to_item(self.site.name, page.fetched_at, self.spider.seen_as(response))
        except ArticleParseError as error:
            retry = get_retry_request(response.request, spider=self.spider, reason=f"page_{error.reason}") \
                if error.retry else None
            # Anything else the render judges, as it judges every page it cannot read.
            yield retry or self.render_instead(read["url"])
            return
        read["item"] = page_fields(item, self.spider.article_id_of(item.url, item.article_id),
                                   response.meta.get(m.SERVED_VALIDATORS))
        if recipe.related is None:  # the page lists its related articles itself
            read["related"], read["related_status"] = list(item.related), item.related_status
            yield from self.finish(read, response)
            return
        yield from self.related_then_finish(recipe, read, response)

    def related_then_finish(self, recipe: Recipe, read: dict, response):
        read["related"], read["offset"] = [], 0
        if recipe.related is None:
            yield from self.finish(read, response)
            return
        yield from self.related_request(recipe, read, response, [])

    def related_request(self, recipe: Recipe, read: dict, response, rows: list):
        """The related call's next page (after `rows`, the page before)."""
        url = next_related_url(recipe, read["number"], read["edition"], read["offset"], rows)
        yield from self.next_call(recipe, read, response, url, recipe.related.headers, self.spider.parse_read_related,
                                  "related_paging", "the related call's next page")

    def next_call(self, recipe: Recipe, read: dict, response, url: str, headers: dict, callback, failure: str,
                  what: str):
        """A further call of an article's read. It carries on the read: in a distributed crawl it
        takes over the token under which this process held the read (newscrawler.meta.TAKEN). A read
        never asks the same call twice, nor more than its budget of calls: a recipe that pages wrong
        would ask for ever; the article is rendered instead (`failure` says why)."""
        asked = read.setdefault("asked", [])
        if url in asked or len(asked) >= self.max_calls:
            reason = "asked twice" if url in asked else f"over its budget of {self.max_calls} calls"
            yield from self.render_again(read, failure, f"{what} was {reason} ({url})")
            return
        asked.append(url)
        meta = {m.PAGE_KIND: m.ARTICLE, m.FORMAT: "json", m.LINKED_AS: read["url"], m.READ_AS: read}
        if response.meta.get(m.TAKEN):
            meta[m.TAKEN] = response.meta[m.TAKEN]
        meta.update(token_meta(recipe, headers, read["number"], read["edition"], url))
        yield Request(url, headers=headers, callback=callback, errback=self.spider.read_failed, dont_filter=True,
                      meta=meta)

    def related_answer(self, response):
        read = response.meta[m.READ_AS]
        recipe = self.recipe_for(read)
        if recipe is None:
            yield self.render_instead(read["url"])
            return
        try:
            data = json.loads(response.text)
            urls = related_page(recipe, data, read["url"])
            rows = related_rows(recipe, data)
            total = read_total(recipe, data)
            undecided = undecided_rows(recipe, data, read["url"])
        except (ValueError, KeyError, TypeError):
            yield from self.shape_not_seen(response, read, "related_shape")
            return
        read["related"] += urls
        if undecided:
            read.setdefault("undecided", []).extend(undecided)
        read["offset"] += len(rows)  # the rows the page leaves out count in the call's paging
        if rows and (total is None or read["offset"] < total):
            yield from self.related_request(recipe, read, response, rows)
            return
        yield from self.finish(read, response)

    def finish(self, read: dict, response):
        """The item of an article read without the browser; rendered too when it is one to check
        (the render's callback then stores whichever is right, and takes over the read's token)."""
        url = read["url"]
        urls = self.site.urls
        page = self.site.article_page("", url, urls, fetched_at=self.spider.clock.now())  # the site's own rules for the fields no call gives
        related = list(dict.fromkeys(urls.canonicalize(u) for u in read["related"] if page.is_article_here(u)))
        values = {"url": urls.canonicalize(url), "site": self.site.name, "article_id": self.spider.article_id_of(url),
                  "language": page.language(), "fetched_at": page.fetched_at.isoformat(), **read["item"],
                  "related": related, "related_status": read.get("related_status", "complete")}
        undecided = [[urls.canonicalize(u), keys] for u, keys in read.get("undecided") or ()]
        if undecided:  # what a check taught while this read was under way
            related, undecided = self.decided_since(read["kind"], related, undecided)
            values["related"] = related
        if self.learner.read(read["kind"], url, tells=bool(read.get("tells")), undecided=bool(undecided)):
            taken = {m.TAKEN: response.meta[m.TAKEN]} if response.meta.get(m.TAKEN) else {}
            tells = {m.CHECK_TELLS: True} if read.get("tells") else {}
            outside = {m.CHECK_OUTSIDE: undecided} if undecided else {}
            yield self.spider.page_request(url, **{m.CHECK_OF: values}, **taken, **tells, **outside)
            return
        yield build_item(values)
        for related_url in related:
            request = self.spider.article_request(related_url)
            if request:
                yield request

    def failed(self, failure):
        """A read that failed after its retries: the article is rendered instead; a card of an
        outside story whose call says not found is its row (newscrawler.spiders.outside)."""
        request = failure.request
        if failure.check(NotModified):  # the page is as stored: so is the stored related list
            self.spider.unchanged(request)
            return
        read = request.meta[m.READ_AS]
        status = failure.value.response.status if failure.check(HttpError) else None
        if request.meta.get(m.CHALLENGED):
            yield from self.challenged(read, status, request.meta.get(m.OUTSIDE_STORY))
            return
        if status in (404, 410) and request.meta.get(m.OUTSIDE_STORY):
            yield self.spider.outside_story_item(request)
            return
        self.spider.count_failure(failure)
        if failure.check(PageRefused):
            # No page to read (a file, a page over the size limit): a render would meet the same.
            self.spider.remember_failure(request, "refused", gone=False)
            return
        if status in (401, 403):
            # Refused: the headers the app sent no longer open the API (with a token the recipe asks
            # for, a new one was refused too: newscrawler.learning.tokens). A render learns them again.
            yield from self.render_again(read, "refused", f"the API refused the learned call (HTTP {status})")
            return
        yield self.render_instead(read["url"], request.meta.get(m.OUTSIDE_STORY))

    def challenged(self, read: dict, status: int | None, story: dict | None):
        """A read the server answered with a bot check that only a browser passes: the article is
        rendered (no failure of it), and so is every further article of its kind, whose reads would
        meet the same check."""
        self.learner.challenged(read["kind"], status)
        yield self.render_instead(read["url"], story)

    def render_instead(self, url: str, story: dict | None = None) -> Request:
        """A render of an article whose reading is in doubt (or could not be finished here): its item
        replaces any read one (meta.RENDER_AGAIN)."""
        return self.spider.page_request(url, **{m.RENDER_AGAIN: True}, **({m.OUTSIDE_STORY: story} if story else {}))

    def shape_not_seen(self, response, read: dict, what: str):
        """An answer without what the recipe reads in it: where its call sent a token, maybe a
        refusal answered 200 with an error body, the call is asked again with a new token, once;
        otherwise (or again) the kind goes back to learning."""
        if response.meta.get(m.TOKEN_CALL) and not response.meta.get(m.TOKEN_RENEWED):
            self.spider.crawler.stats.inc_value("news/learn/token/answer_without_fields")
            yield asked_again(response.request)
            return
        yield from self.render_again(read, what)

    def render_again(self, read: dict, what: str, why: str | None = None):
        """An answer of a shape not seen before (or a read that cannot end): the kind goes back to
        learning, and this article and those read since the last good check are rendered."""
        for url in [read["url"], *self.learner.disagreed(read["kind"], what, read["url"], why)]:
            yield self.render_instead(url)

    # -- checking ----------------------------------------------------------------------------------
    def checked(self, response, item):
        """A render that checks an article read without the browser: the render's item is stored,
        and a disagreement sends the kind back to learning, with what was read since the last good
        check rendered again."""
        read = build_item(response.meta[m.CHECK_OF])
        kind = self.spider.kind_of(item.url)
        undecided = response.meta.get(m.CHECK_OUTSIDE)
        if undecided and item.related_status == "complete":
            read.related, again = self.outside_rows_seen(kind, read.related, item.related, undecided)
            self.spider.crawler.stats.inc_value("news/learn/related_outside/rendered_again", len(again))
            for url in again:
                yield self.render_instead(url)
        what = differing_field(read, item, self.site.zone)
        if what is None:
            self.learner.agreed(kind, response.meta[m.LINKED_AS], told=bool(response.meta.get(m.CHECK_TELLS)))
            return
        why = difference(read, item, what, self.site.zone)
        for url in self.learner.disagreed(kind, what, response.meta[m.LINKED_AS], why):
            yield self.render_instead(url)

    def outside_rows_seen(self, kind: str, read: list[str], rendered: list[str], undecided: list):
        """A check of a read whose related rows held another site's page at a key its recipe did not
        know: the render's related list shows whether the page lists such a row (its card at the
        site's address) or leaves it out (linked to that page); the recipe learns it, per key.
        Returns the read's list as it would have read knowing it, and the reads stored unchecked
        with such rows kept that the lesson shows wrong (to render again)."""
        left_out = {url for url, _ in undecided if url not in rendered}
        seen = [url for url in read if url not in left_out]
        if seen != list(rendered):
            return read, []  # the lists differ by more than those rows: a disagreement like any other
        again = []
        for url, keys in undecided:
            again += self.learner.outside_taught(kind, keys, url not in left_out)
        return seen, again

    def decided_since(self, kind: str, related: list[str], undecided: list) -> tuple[list[str], list]:
        """A read's related list and its undecided rows in the light of what its kind's recipe knows
        now (a check may have taught a key while the read was under way): rows left out dropped,
        rows known listed no longer undecided."""
        known = self.learner.outside_known(kind)
        left_out = {url for url, keys in undecided if any(known.get(key) is False for key in keys)}
        still = [[url, keys] for url, keys in undecided
                 if url not in left_out and not all(known.get(key) for key in keys)]
        return [url for url in related if url not in left_out], still
