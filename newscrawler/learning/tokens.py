"""Tokens a read asks for at run time. Where an app's page asked a call for a value (a session's
token) and sent it in the headers or the query of its data calls, the recipe names that call
(`recipe.TokenCall`) and marks the value's place in their headers or URL (`{token}`); a read's calls
carry both (meta.TOKEN_CALL), and RunTimeTokensMiddleware puts the token in their headers and query
as they leave.

- A token is asked for once per token call (per edition, where the call's URL or body names it) and
  reused by every read of this process; calls that need it while it is asked for wait for that one
  answer. Each process of a distributed crawl (and a crawl resumed from a JOBDIR) asks for its own.
- A call the API refuses (401, 403; not a bot check) is asked again with a new token: once, and again
  (up to three times) only while the token it was refused with had opened calls before, as an
  expired one has. A fresh token refused as well is not what opens the API: the refusal goes on to
  the read's errback, which sends its kind back to learning its headers. A read whose answer lacks
  the learned fields (a refusal answered 200 with an error body) is asked again the same way, once
  (newscrawler.learning.reads).
- A call refused with the token had makes the calls that leave after it wait for a new one (not
  sent with a token known refused). A token that lasts so many calls (the calls the last refused
  one opened) is renewed once it has been sent that many times, before it is refused; one token in
  KEEP_EVERY is sent until refused all the same, to see how long one lasts now (a token that
  expires by time lasts as many calls as the crawl makes meanwhile).
- A token call that fails leaves the calls without the header (or the query parameter): the API
  refuses them, and the kind learns again.
Stats: `news/learn/token/asked`, `.../renewed` (after a refusal, or `.../renewed_ahead`),
`.../failed`, `.../refused` (a fresh token refused), `.../answer_without_fields`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter, OrderedDict
from dataclasses import dataclass

from scrapy import Request
from scrapy.exceptions import NotConfigured

from .. import meta as m
from .recipe import TOKEN, Recipe, TokenCall, query_values, rewritten_query

logger = logging.getLogger(__name__)

REFUSED = (401, 403)
# Times one call is asked again with a new token, each time its last token had opened calls.
MAX_RENEWALS = 3
# One token in so many is sent until refused, however long the one measured before lasted.
KEEP_EVERY = 4
# Tokens remembered (the newest): what became of the one a call was sent with.
KEPT_TOKENS = 64


def token_meta(recipe: Recipe, headers: dict, article_id: str, edition: str | None, url: str = "") -> dict:
    """The meta of a read's call whose headers (its template's) or URL (made from its template)
    send the recipe's token; empty where they send none."""
    sent = {name: value for name, value in headers.items() if TOKEN in value}
    query = {name: value for name, value in query_values(url) if TOKEN in value}
    if recipe.token is None or not (sent or query):
        return {}
    spec = {"call": recipe.plain["token"], "number": str(article_id), "edition": edition, "headers": sent}
    if query:
        spec["query"] = query  # parameter -> its value's template
    return {m.TOKEN_CALL: spec}


def with_query_token(url: str, parameters: dict, value: str | None) -> str:
    """`url` with each of `parameters` holding its template with `value` in it, whatever it held
    (the placeholder, or the token of a try before: a call asked again keeps its URL); without them
    where there is no token. Every other parameter is left as written."""

    def filled(name: str, held: str) -> str | None:
        if name not in parameters:
            return held
        return None if value is None else parameters[name].replace(TOKEN, value)

    return rewritten_query(url, filled)


def asked_again(request: Request) -> Request:
    """A read's call refused with its token, to ask again with a new one (unless another call has
    had one since)."""
    again = request.replace(dont_filter=True)
    again.meta[m.TOKEN_STALE] = request.meta.get(m.TOKEN_SENT)
    again.meta[m.TOKEN_RENEWED] = request.meta.get(m.TOKEN_RENEWED, 0) + 1
    again.meta.pop(m.TOKEN_SENT, None)
    return again


def token_key(spec: dict) -> str:
    """One token per token call as it is asked: its URL, method and body, with the edition (and the
    article's id, where they name it) put in."""
    call = spec["call"]["call"]
    named = "{id}" in call["url"] or "{id" in (call.get("body") or "")
    return json.dumps([call["url"], call.get("method"), call.get("body"), spec.get("edition"),
                       spec.get("number") if named else None])


@dataclass
class Token:
    """A token had from a token call, and what became of it."""

    value: str | None  # None: the call gave none
    sent: int = 0      # calls sent with it
    opened: int = 0    # calls it opened (answered, not refused)
    refused: bool = False
    kept: bool = True  # sent until refused, whatever the tokens before lasted (to see how long one lasts)


class RunTimeTokensMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.current: dict[str, Token] = {}         # token key -> the token had
        self.asking: dict[str, asyncio.Event] = {}  # token key -> set once the token being asked for is had
        self.recent: OrderedDict[str, Token] = OrderedDict()  # the newest tokens had, by value
        self.had: Counter[str] = Counter()          # token key -> tokens asked for
        # Token key -> the calls the last token refused had opened (and its last answers, refused
        # meanwhile), the token that was: one that expires after so many calls is renewed before it
        # is refused, but for one token in KEEP_EVERY, sent until refused to see how long it lasts.
        self.lasts: dict[str, int] = {}
        self.measured: dict[str, Token] = {}

    @classmethod
    def from_crawler(cls, crawler):
        if (crawler.settings.get("NEWS_RENDER_MODE") or "learn") != "learn":
            raise NotConfigured  # no read without the browser
        return cls(crawler)

    async def process_request(self, request):
        spec = request.meta.get(m.TOKEN_CALL)
        if not spec:
            return None
        key = token_key(spec)
        if m.TOKEN_STALE in request.meta:
            self.refuse(key, request.meta.pop(m.TOKEN_STALE))
        value = await self.token(key, spec)
        request.meta[m.TOKEN_SENT] = value
        for name, template in spec["headers"].items():
            if value is None:
                request.headers.pop(name, None)
            else:
                request.headers[name] = template.replace(TOKEN, value)
        if spec.get("query"):
            # Set on the request itself, as its headers are: a new request returned here would go
            # back through the scheduler (its duplicate filter, a shared frontier's other processes)
            # carrying this process's token.
            request._set_url(with_query_token(request.url, spec["query"], value))
        return None

    def process_response(self, request, response):
        spec = request.meta.get(m.TOKEN_CALL)
        if not spec or m.TOKEN_SENT not in request.meta:
            return response
        sent = request.meta[m.TOKEN_SENT]
        token = self.recent.get(sent) if sent is not None else None
        if response.status not in REFUSED or request.meta.get(m.CHALLENGED):
            if token is not None and (response.status < 400 or response.status in (404, 410)):
                token.opened += 1
                if self.measured.get(token_key(spec)) is token:
                    self.lasts[token_key(spec)] = token.opened
            return response
        self.refuse(token_key(spec), sent)  # calls that leave from now on wait for a new one
        renewed = request.meta.get(m.TOKEN_RENEWED, 0)
        if renewed >= MAX_RENEWALS or (renewed and not (token and token.opened)):
            self.crawler.stats.inc_value("news/learn/token/refused")
            return response  # a fresh token refused: the read's errback sends its kind back to learning
        logger.debug("%s refused its token (HTTP %d): asked again with a new one", request.url, response.status)
        return asked_again(request)

    def refuse(self, key: str, value: str | None) -> None:
        """A call was refused with this token: unless another has been had since, the next call
        asks for a new one."""
        token = self.current.get(key)
        if token is None or token.value != value or token.refused:
            return
        token.refused = True
        self.measured[key] = token
        if token.opened:
            self.lasts[key] = token.opened

    async def token(self, key: str, spec: dict) -> str | None:
        """The token to send a call with (counted as sent): the one had, or a new one where none was
        had yet, a call was refused with the one had, or it has been sent as many times as a token
        of its call lasts. Calls that ask while a new one is asked for wait for that answer."""
        while key in self.asking:
            await self.asking[key].wait()
        token = self.current.get(key)
        spent = token is not None and not token.kept and token.sent >= self.lasts.get(key, 0) > 0
        if token is None or token.refused or spent:
            if spent:
                self.crawler.stats.inc_value("news/learn/token/renewed_ahead")
            event = self.asking[key] = asyncio.Event()
            try:
                token = Token(await self.ask(spec, renewing=token is not None))
            finally:
                del self.asking[key]
                event.set()
            self.had[key] += 1
            token.kept = key not in self.lasts or self.had[key] % KEEP_EVERY == 0
            self.current[key] = token
            if token.value is not None:
                self.recent[token.value] = token
                while len(self.recent) > KEPT_TOKENS:
                    self.recent.popitem(last=False)
        token.sent += 1
        return token.value

    async def ask(self, spec: dict, renewing: bool) -> str | None:
        """The token call's answer's token, or None (said, counted) where it gives none."""
        step = TokenCall.from_data(spec["call"])
        number, edition = spec["number"], spec["edition"]
        request = Request(step.call.url_for(number, edition), method=step.call.method,
                          body=step.body_for(number, edition),
                          headers={name: value for name, value in step.call.headers.items() if TOKEN not in value},
                          meta={m.FORMAT: "json"}, dont_filter=True)
        stats = self.crawler.stats
        try:
            response = await self.crawler.engine.download_async(request)
            if response.status != 200:
                raise ValueError(f"HTTP {response.status}")
            value = step.value_of(json.loads(response.body))
        except Exception as error:  # any failure (refused, gone, another answer): no token, said once a call
            stats.inc_value("news/learn/token/failed")
            logger.warning("The call that gives the token the learned calls send (%s) failed (%s): they go "
                           "without it", request.url, f"{type(error).__name__}: {error}"[:200])
            return None
        stats.inc_value("news/learn/token/renewed" if renewing else "news/learn/token/asked")
        return value
