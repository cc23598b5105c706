"""What a render teaches: which of the app's data calls give which of an article's fields.

A render records the JSON the page's own script fetched (`DataCall`). `learn()` matches the
article the render showed against those answers, value by value: the call whose answer holds the
article's title, text, section, instant, picture and tags becomes the article call; calls whose
answers list the related articles' ids, in the page's order, become the related call with its paging
parameter. Each is kept as a template of its URL (the article's id and the edition as placeholders)
and the headers the app sent. A related row holding another site's page (an outside outlet's
story, its `link`) may be drawn at the site's own address, or linked to that page and so left out
of the page's related list: the renders (or, where they showed no such row, the first check of a
read that meets one) teach which, per key of the row (`Recipe.related_outside`). A header or query
parameter whose value an earlier call's answer gave (a session's token) is learned with that call
(`TokenCall`): the value is asked for at run time, never replayed.
`read_fields()` then reads another article's answer with the same paths. Plain data only: a recipe
is logged, compared and shared as it is.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from datetime import datetime, timezone
from zoneinfo import ZoneInfo
from urllib.parse import parse_qsl, quote, unquote_plus, urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector

from ..pages.body_text import text_blocks
from ..text import clean_text
from ..urls import host_family, host_of

# Headers a request carries by itself, not the app's choice.
OWN_HEADERS = {"content-length", "host", "connection", "accept-encoding", "cookie", "user-agent", "referer"}
PAGING_NAMES = re.compile(r"^(offset|start|skip|page|cursor|from|after)$", re.I)
# What an instant's key says it is: the publication, or a later edit. Where several instants of an
# answer show as the page's minute (an article never edited has `updatedAt == publishAt`), the
# publication's name is believed before an unnamed one, and an edit's last.
PUBLICATION_NAMES = re.compile(r"publish|pub_?date|release|creat|posted|issued|first|date_?gmt$|^date$", re.I)
EDIT_NAMES = re.compile(r"updat|modif|edit|revis|change|last|expir", re.I)


@dataclass(frozen=True)
class DataCall:
    """One call the app made during a render, as recorded."""

    url: str
    method: str
    headers: dict
    status: int
    data: object
    body: str | None = None  # what a POST sent (GraphQL's query and variables)


# The article "call" of a site whose server sends the article's page whole (all but what its script
# fills in, such as a lazy related block): the page itself, fetched without the browser.
PAGE_AS_SERVED = "{page}"


@dataclass(frozen=True)
class CallTemplate:
    """A call's URL with `{id}`, `{edition}` and `{offset}` where the article's values go; its
    method, and the JSON it posts (GraphQL's variables) with the article's values marked alike."""

    url: str
    headers: dict = field(default_factory=dict, compare=False)
    method: str = "GET"
    body: str | None = None

    def body_for(self, article_id: str, edition: str | None) -> str | None:
        """The JSON to post for this article: the learned body with its id and edition put back,
        each of the type the app sent (GraphQL's `Int!` is a number)."""
        if self.body is None:
            return None
        values = {ID: str(article_id), ID_NUMBER: int(article_id) if str(article_id).isdigit() else article_id,
                  EDITION: edition or ""}
        return json.dumps(replaced(json.loads(self.body), values), ensure_ascii=False)

    def url_for(self, article_id: str, edition: str | None, offset: int | None = None) -> str:
        now = datetime.now(timezone.utc).timestamp()
        return (self.url.replace("{id}", str(article_id)).replace("{edition}", edition or "")
                .replace("{offset}", str(offset or 0)).replace("{now_ms}", str(int(now * 1000)))
                .replace("{now_s}", str(int(now))))


@dataclass(frozen=True)
class FollowCall:
    """A call made after the article call, its URL made from the article call's answer (the text's
    id the answer gives: `{answer:0}` is the value at `answer_paths[0]`), and the fields it gives."""

    call: CallTemplate
    fields: tuple = ()
    answer_paths: tuple = ()

    def url_for(self, article_id: str, edition: str | None, answer) -> str:
        """Raises KeyError where the article's answer lacks a value the call needs."""
        url = self.call.url_for(article_id, edition)
        for index, path in enumerate(self.answer_paths):
            value = at(answer, path)
            if value is None or isinstance(value, (dict, list)):
                raise KeyError(path)
            url = url.replace(f"{{answer:{index}}}", quote(str(value), safe=""))
        return url

    @classmethod
    def from_data(cls, data: dict) -> "FollowCall":
        return cls(CallTemplate(**data["call"]), tuple((name, tuple(path)) for name, path in data.get("fields") or ()),
                   tuple(tuple(path) for path in data.get("answer_paths") or ()))


# Where a header or a query parameter holds the value a token call gives (`Authorization: Bearer
# {token}`, `?access_token={token}`).
TOKEN = "{token}"


@dataclass(frozen=True)
class TokenCall:
    """A call the app makes before the others, whose answer gives a value it then sends in their
    headers or their query (a session's token): made once and its value reused, made again when the
    API refuses a read with it. Its URL and body with the edition (and the article's id, where they
    name it) marked, as any call's."""

    call: CallTemplate
    path: tuple = ()   # where its answer holds the value

    def body_for(self, article_id: str, edition: str | None) -> str | None:
        """What to post: a JSON body with the article's values put back, any other as recorded."""
        try:
            return self.call.body_for(article_id, edition)
        except ValueError:
            return self.call.body

    def value_of(self, answer) -> str:
        """The value its answer gives; KeyError where there is none."""
        value = at(answer, self.path)
        if not is_token(value):
            raise KeyError(self.path)
        return str(value)

    def describe(self) -> str:
        posted = f"POST {self.call.body} to " if self.call.method != "GET" else ""
        return f"{posted}{self.call.url} ({'.'.join(map(str, self.path))})"

    @classmethod
    def from_data(cls, data: dict) -> "TokenCall":
        return cls(CallTemplate(**data["call"]), tuple(data.get("path") or ()))


@dataclass(frozen=True)
class Recipe:
    """How to read an article of one kind (a site's edition) without the browser."""

    article: CallTemplate
    fields: tuple = ()                 # ((field, json path), ...): title, section, published, body_html, ...
    related: CallTemplate | None = None
    related_rows: tuple = ()           # path of the rows list in a related answer
    related_id: str | None = None      # key of a row's article id (or URL)
    related_url: str | None = None     # a related article's URL with `{id}`, or ROW_URL
    related_total: tuple | None = None  # path of the number of related articles in a related answer
    # Other paths of the answer that showed the publication's minute on every learning render (an
    # edit time equal to it): a read where one of them differs is checked, until one such check agrees.
    published_doubles: tuple = ()
    published_zone: str | None = None  # the zone an answer's local times (no offset) are in
    # A related call paged by cursor: ((parameter, key of the previous page's last row), ...).
    related_cursor: tuple = ()
    # Calls made after the article call that give the fields its answer lacks (the text).
    follow: tuple = ()
    # The call that gives the value the other calls send in a header or their query (TOKEN there).
    token: TokenCall | None = None
    # ((key, listed), ...): keys of a related row that held another site's page (an outside story's
    # `link`), and whether the page's related list held such a row (its card drawn at the site's own
    # address: True) or left it out (the card links to that page: False). A key seen both ways says
    # nothing of the row (a picture on a CDN): True. A row with such a key not known here is checked.
    related_outside: tuple = ()

    @cached_property
    def plain(self) -> dict:
        """The recipe as plain data, for a request's meta (JOBDIR, the shared frontier): made once
        per recipe and shared by its reads, which never change it."""
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict) -> "Recipe":
        related = data.get("related")
        total = data.get("related_total")
        return cls(CallTemplate(**data["article"]), tuple((name, tuple(path)) for name, path in data.get("fields") or ()),
                   CallTemplate(**related) if related else None, tuple(data.get("related_rows") or ()),
                   data.get("related_id"), data.get("related_url"), tuple(total) if total is not None else None,
                   tuple(tuple(path) for path in data.get("published_doubles") or ()), data.get("published_zone"),
                   tuple(tuple(pair) for pair in data.get("related_cursor") or ()),
                   tuple(FollowCall.from_data(follow) for follow in data.get("follow") or ()),
                   TokenCall.from_data(data["token"]) if data.get("token") else None,
                   tuple(tuple(pair) for pair in data.get("related_outside") or ()))

    @property
    def calls(self) -> tuple:
        """The templates of the calls a read makes (the article's, those after it, the related one)."""
        own = () if self.reads_page else (self.article,)
        return own + tuple(follow.call for follow in self.follow) + ((self.related,) if self.related else ())

    @property
    def reads_page(self) -> bool:
        """Whether the article's fields come from its page as the server sends it (not a data call)."""
        return self.article.url == PAGE_AS_SERVED

    def describe(self) -> str:
        """One readable line: which call gives which field."""
        paths = described(self.fields)
        cursor = "".join(f" {name}=<last row's {key}>" for name, key in self.related_cursor)
        outside = "".join(f", rows with another site's page at {key} {'listed' if listed else 'left out'}"
                          for key, listed in self.related_outside)
        related = (f"; related: {self.related.url} rows={'.'.join(map(str, self.related_rows))}[].{self.related_id}"
                   f"{cursor}{outside}" if self.related else "; no related call")
        posted = f"POST {self.article.body} to " if self.article.method != "GET" else ""
        paths += "".join(f"; then {follow.call.url} ({described(follow.fields)})" for follow in self.follow)
        article = "the page as the server sends it" if self.reads_page else f"{posted}{self.article.url} ({paths})"
        token = f"; first {self.token.describe()}, sent as {', '.join(self.token_sent_as())}" if self.token else ""
        return f"article: {article}{related}{token}"

    def token_sent_as(self) -> list[str]:
        """Where its calls send the token: the headers' names, then the query's (`?access_token`)."""
        headers = {name for call in self.calls for name, value in call.headers.items() if TOKEN in value}
        query = {f"?{name}" for call in self.calls for name, value in query_values(call.url) if TOKEN in value}
        return sorted(headers) + sorted(query)


def described(fields: tuple) -> str:
    return ", ".join(f"{name}={'.'.join(map(str, path))}" for name, path in fields)


def leaves(data, path: tuple = ()):
    """(path, value) of every value in a JSON document, lists and dicts included."""
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from leaves(value, path + (index,))


def at(data, path: tuple):
    """The value at `path`; None where the path runs into a null (an article without a picture);
    KeyError where a key is missing (an answer of another shape)."""
    for key in path:
        if data is None:
            return None
        if isinstance(data, dict) and key in data:
            data = data[key]
        elif isinstance(data, list) and isinstance(key, int) and key < len(data):
            data = data[key]
        else:
            raise KeyError(path)
    return data


def html_text(fragment: str) -> tuple[str, list[str]]:
    """An HTML fragment's text as a page reads it: (body, headings)."""
    blocks = text_blocks(Selector(text=f"<div>{fragment}</div>").css("div")[:1])
    return "\n\n".join(text for _, text in blocks), [text for kind, text in blocks if kind == "h2"]


# Seconds since 1970 of instants an API may give as numbers (2001-09 to 2286): seconds or milliseconds.
EPOCH_SECONDS = (1e9, 1e10)
EPOCH_MILLISECONDS = (1e12, 1e13)


def instant(value, zone: str | None = None) -> datetime | None:
    """The instant an answer's value gives: ISO 8601 with its offset, or in `zone` without one;
    seconds or milliseconds since 1970."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        for (low, high), unit in ((EPOCH_SECONDS, 1), (EPOCH_MILLISECONDS, 1000)):
            if low <= value < high:
                return datetime.fromtimestamp(value / unit, timezone.utc)
        return None
    if not isinstance(value, str) or not re.match(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d", value):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        if zone is None:
            return None
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(timezone.utc)


def publication_rank(path: tuple) -> int:
    """How surely a key names the publication (lower: surer)."""
    name = str(path[-1]) if path else ""
    if PUBLICATION_NAMES.search(name) and not EDIT_NAMES.search(name):
        return 0
    return 2 if EDIT_NAMES.search(name) else 1


def to_minute(moment: datetime | None):
    return moment.replace(second=0, microsecond=0) if moment else None


def template_of(url: str, article_id: str, edition: str | None, paging: str | None = None) -> str:
    """`url` with the article's id (a path segment or a query value) and its edition as placeholders."""
    parts = urlsplit(url)
    path = "/".join("{id}" if segment == article_id else segment for segment in parts.path.split("/"))
    query = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if value == article_id:
            value = "{id}"
        elif is_time_now(value):
            value = NOW_MS if len(value) == 13 else NOW_S
        elif edition and value == edition:
            value = "{edition}"
        elif key == paging:
            value = "{offset}"
        query.append((key, value))
    encoded = urlencode(query, safe="{}")
    return urlunsplit((parts.scheme, parts.netloc, path, encoded, ""))


# Where a posted body holds the article's id (as text, as a number) and its edition.
ID, ID_NUMBER, EDITION = "{id}", "{id:number}", "{edition}"


def replaced(data, values: dict):
    """`data` (parsed JSON) with every value that is a key of `values` replaced by its value."""
    if isinstance(data, dict):
        return {key: replaced(value, values) for key, value in data.items()}
    if isinstance(data, list):
        return [replaced(value, values) for value in data]
    return values.get(data, data) if isinstance(data, str) else data


def body_template_of(body: str | None, article_id: str, edition: str | None, needs_id: bool = True) -> str | None:
    """A posted JSON body with the article's id and edition marked; None where it is no JSON, or
    `needs_id` and it names no article (posting it again would read the learned article, whatever
    the one asked for)."""
    try:
        data = json.loads(body or "")
    except ValueError:
        return None
    found = []

    def mark(value):
        if isinstance(value, dict):
            return {key: mark(item) for key, item in value.items()}
        if isinstance(value, list):
            return [mark(item) for item in value]
        if isinstance(value, str) and value == article_id:
            found.append(ID)
            return ID
        if isinstance(value, int) and not isinstance(value, bool) and str(value) == article_id:
            found.append(ID_NUMBER)
            return ID_NUMBER
        if edition and value == edition:
            return EDITION
        return value

    marked = mark(data)
    return json.dumps(marked, ensure_ascii=False) if found or not needs_id else None


# A parameter that changes with time (a cache-buster `_=<ms since 1970>`): made again for each call.
NOW_MS, NOW_S = "{now_ms}", "{now_s}"


def is_time_now(value: str) -> bool:
    """Whether a parameter's value is the time of the call, in milliseconds or seconds since 1970
    (within a day: the render recorded it moments ago)."""
    if not (value.isdigit() and len(value) in (10, 13)):
        return False
    seconds = int(value) / (1000 if len(value) == 13 else 1)
    return abs(seconds - datetime.now(timezone.utc).timestamp()) < 86400


def headers_of(call: DataCall) -> dict:
    return {k: v for k, v in call.headers.items() if k.lower() not in OWN_HEADERS and not k.startswith(":")}


def learn(shown: dict, calls: list[DataCall], article_id: str, edition: str | None,
          zones: tuple[str, ...] = ()) -> Recipe | None:
    """The recipe the render of one article teaches, or None when its calls do not give its text.

    `shown`: what the rendered page showed (`title`, `section`, `body`, `published` (an aware
    instant), `image_url`, `image_alt`, `image_caption`, `tags`, `related` (URLs, in order)); the
    article's own id as its URLs write it (`1383`) and its edition; `zones`: the zones an answer's
    local times (ISO 8601 without an offset) may be in (the site's, the browser's, UTC)."""
    recipe = learn_calls(shown, calls, article_id, edition, zones)
    return with_token(recipe, calls, article_id, edition) if recipe is not None else None


def learn_calls(shown: dict, calls: list[DataCall], article_id: str, edition: str | None,
                zones: tuple[str, ...]) -> Recipe | None:
    """`learn()`'s recipe, its headers as recorded."""
    for call in calls:
        if call.status != 200 or not isinstance(call.data, (dict, list)):
            continue
        fields = match_fields(shown, call.data)
        if fields is None:
            continue
        article = call_template(call, article_id, edition)
        if article is None:
            continue
        recipe = with_published(Recipe(article, tuple(fields)), shown, call.data, zones)
        return with_related(recipe, shown.get("related") or [], calls, call, article_id, edition)
    return learn_with_text_call(shown, calls, article_id, edition, zones)


def learn_with_text_call(shown: dict, calls: list[DataCall], article_id: str, edition: str | None,
                         zones: tuple[str, ...]) -> Recipe | None:
    """The recipe of an app whose article call gives all but the text, and a second call, made from
    a value of the first's answer (the text's id), the text."""
    answered = [call for call in calls if call.status == 200 and isinstance(call.data, (dict, list))]
    for call in answered:
        fields = match_fields(shown, call.data, needs_body=False)
        article = call_template(call, article_id, edition) if fields is not None else None
        if article is None:
            continue
        for other in answered:
            text = match_fields(shown, other.data, needs_title=False) if other is not call else None
            follow = follow_call(other, call.data, article_id, edition) if text else None
            if follow is None:
                continue
            own = dict(fields)
            follow = replace(follow, fields=tuple((name, path) for name, path in text if name not in own))
            recipe = with_published(Recipe(article, tuple(fields), follow=(follow,)), shown, call.data, zones)
            return with_related(recipe, shown.get("related") or [], calls, call, article_id, edition)
    return None


def follow_call(call: DataCall, answer, article_id: str, edition: str | None) -> FollowCall | None:
    """`call` as one made after the article call: its URL with the article's id and edition, and
    the values it takes from the article call's answer, as placeholders; None where its URL names
    nothing of the article (asked again, it would give the learned article's text for every one)."""
    if call.method.upper() != "GET":
        return None
    url = template_of(call.url, article_id, edition)
    values = {str(value): path for path, value in leaves(answer) if is_reference(value, article_id, edition)}
    paths: list[tuple] = []

    def placeholder(raw: str) -> str:
        path = values.get(unquote_plus(raw))
        if path is None:
            return raw
        if path not in paths:
            paths.append(path)
        return f"{{answer:{paths.index(path)}}}"

    base, _, query = url.partition("?")
    base = "/".join(placeholder(segment) for segment in base.split("/"))
    query = "&".join(pair.partition("=")[0] + "=" + placeholder(pair.partition("=")[2]) if "=" in pair else pair
                     for pair in query.split("&")) if query else ""
    if not paths and "{id}" not in url:
        return None
    return FollowCall(CallTemplate(base + ("?" + query if query else ""), headers_of(call)), (), tuple(paths))


def is_reference(value, article_id: str, edition: str | None) -> bool:
    """Whether an answer's value may name another resource in a URL (a text's id): text or a number
    of four characters or more, neither the article's id nor its edition."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return False
    text = str(value)
    return len(text) >= 4 and text not in (article_id, edition) and "/" not in text and " " not in text


# Headers that say what a request is, or where it comes from: never a value the app was given to send.
REQUEST_HEADERS = re.compile(r"^(accept(-.*)?|content-(type|language)|origin|referer|user-agent|sec-.*|priority|"
                             r"cache-control|pragma|dnt|upgrade-insecure-requests|if-.*|range|x-requested-with)$", re.I)


def is_token(value) -> bool:
    """Whether an answer's value may be one an app sends back in a header (a token): text, or a
    number, of eight characters or more, without spaces."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return False
    text = str(value)
    return len(text) >= 8 and not any(c.isspace() for c in text)


def with_token(recipe: Recipe, calls: list[DataCall], article_id: str, edition: str | None) -> Recipe:
    """The recipe with the call whose answer gives a value its calls send in a header or their query
    (a token the page asked for at run time: `X-Token: abc`, `Authorization: Bearer abc`,
    `?access_token=abc`), that value's place in their headers and query marked TOKEN: a read asks
    for the value, never replays the recorded one. A header (or parameter) holds such a value where
    an answer the page had before it first sent it gives it (whole, or after a prefix). Headers are
    looked at first: a header the app sends is more surely a token than a query's value."""
    found = header_token(recipe, calls) or query_token(recipe, calls)
    if found is None:
        return recipe
    issuer, path = found
    step = TokenCall(token_template(issuer, article_id, edition), path)
    values = issued_values(step, calls, article_id, edition)
    return with_token_query(with_token_headers(replace(recipe, token=step), values), values)


def header_token(recipe: Recipe, calls: list[DataCall]) -> tuple[DataCall, tuple] | None:
    """(call, path) of the token the first header of the recipe's calls sends, if one does."""
    for template in recipe.calls:
        for name, value in template.headers.items():
            if REQUEST_HEADERS.match(name) or TOKEN in value:
                continue
            found = token_source(value, calls)
            if found is not None:
                return found
    return None


def query_token(recipe: Recipe, calls: list[DataCall]) -> tuple[DataCall, tuple] | None:
    """(call, path) of the token the first query parameter of the recipe's calls sends, if one does."""
    for template in recipe.calls:
        for _, value in query_values(template.url):
            if TOKEN in value or not is_query_token(value):
                continue
            found = token_source(value, calls, sent=query_sent)
            if found is not None:
                return found
    return None


def query_values(url: str) -> list[tuple[str, str]]:
    """A URL's query parameters, decoded, in order."""
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def headers_sent(call: DataCall):
    return call.headers.values()


def query_sent(call: DataCall) -> list[str]:
    return [value for _, value in query_values(call.url)]


# A query's value made of words or numbers (`bitcoin-etf-2024`, `Markets`, a long id): what the app
# asks for, which an earlier answer (a listing, the categories) may well hold without being a token.
# A token mixes cases, letters and digits within its parts.
WORDS = re.compile(r"(?:[a-z]+|[A-Z][a-z]+|[A-Z]+|\d+)(?:[-_.~](?:[a-z]+|[A-Z][a-z]+|[A-Z]+|\d+))*")


def is_query_token(value: str) -> bool:
    """Whether a query's value may be a token: one a header could hold, and no words or number."""
    return is_token(value) and not WORDS.fullmatch(value)


def token_source(value: str, calls: list[DataCall], sent=headers_sent) -> tuple[DataCall, tuple] | None:
    """(call, path): the first call, answered before any call sent `value`, whose answer gives it
    (or the longest part of it: `abc` of `Bearer abc`) and that did not send it itself (an answer
    that echoes it); None where none does. `sent`: the values a call sent where this one is sent
    (its headers' values, or its query's)."""
    used = next((i for i, call in enumerate(calls) if value in sent(call)), len(calls))
    for call in calls[:used]:
        if call.status != 200 or not isinstance(call.data, (dict, list)):
            continue
        found = [(len(str(leaf)), path) for path, leaf in leaves(call.data) if is_token(leaf) and str(leaf) in value
                 and not any(str(leaf) in given for given in sent(call))]
        if found:
            return call, max(found, key=lambda candidate: candidate[0])[1]
    return None


def token_template(call: DataCall, article_id: str, edition: str | None) -> CallTemplate:
    """The token call as a template: its URL and a JSON body with the edition (and the article's
    id, should they name it) marked; any other body as recorded."""
    method = call.method.upper()
    body = None if method == "GET" else body_template_of(call.body, article_id, edition, needs_id=False) or call.body
    return CallTemplate(template_of(call.url, article_id, edition), headers_of(call), method, body)


def issued_values(step: TokenCall, calls: list[DataCall], article_id: str, edition: str | None) -> list[str]:
    """Every value the token call gave during the render (a page asks again for one refused),
    longest first."""
    values = set()
    for call in calls:
        if call.status == 200 and token_template(call, article_id, edition) == step.call:
            try:
                values.add(step.value_of(call.data))
            except KeyError:
                continue
    return sorted(values, key=len, reverse=True)


def with_token_headers(recipe: Recipe, values: list[str]) -> Recipe:
    """The recipe with `values` in its calls' headers marked TOKEN."""
    def marked(template: CallTemplate) -> CallTemplate:
        headers = {}
        for name, value in template.headers.items():
            token = next((token for token in values if token in value), None)
            headers[name] = value.replace(token, TOKEN) if token else value
        return replace(template, headers=headers)

    return with_calls(recipe, marked)


def with_token_query(recipe: Recipe, values: list[str]) -> Recipe:
    """The recipe with `values` in its calls' query parameters marked TOKEN."""
    return with_calls(recipe, lambda template: replace(template, url=query_marked(template.url, values)))


def with_calls(recipe: Recipe, change) -> Recipe:
    """The recipe with `change` made to the template of each of its calls."""
    return replace(recipe, article=change(recipe.article),
                   follow=tuple(replace(follow, call=change(follow.call)) for follow in recipe.follow),
                   related=change(recipe.related) if recipe.related else None)


def query_marked(url: str, values: list[str]) -> str:
    """`url` with `values` in its query parameters marked TOKEN."""

    def marked(_name: str, value: str) -> str:
        token = next((token for token in values if token in value), None)
        return value.replace(token, TOKEN) if token else value

    return rewritten_query(url, marked, safe="{}")


def rewritten_query(url: str, rewrite, safe: str = "") -> str:
    """`url` with each query parameter's value that `rewrite(name, value)` changes (both decoded)
    written anew (quoted but for `safe`), left out where it gives None. Each other parameter is
    left as written: a template's own placeholders (`{answer:0}`) would not survive encoding again."""
    base, _, query = url.partition("?")
    if not query:
        return url
    pairs = []
    for pair in query.split("&"):
        name, _, raw = pair.partition("=")
        value = unquote_plus(raw)
        new = rewrite(unquote_plus(name), value)
        if new is not None:
            pairs.append(pair if new == value else f"{name}={quote(new, safe=safe)}")
    return base + "?" + "&".join(pairs)


def with_published(recipe: Recipe, shown: dict, data, zones: tuple[str, ...]) -> Recipe:
    """The recipe with the path of the article call's answer that gives the shown publication."""
    published = published_paths(shown.get("published"), data, zones)
    if not published:
        return recipe
    (path, zone), doubles = published[0], tuple(p for p, z in published[1:] if z == published[0][1])
    return replace(recipe, fields=tuple(sorted(recipe.fields + (("published", path),))),
                   published_doubles=doubles, published_zone=zone)


def call_template(call: DataCall, article_id: str, edition: str | None) -> CallTemplate | None:
    """The call as a template for any article: its URL, and for a POST its body, with the article's
    values marked; None for a POST whose body names no article."""
    url = template_of(call.url, article_id, edition)
    if call.method.upper() == "GET":
        return CallTemplate(url, headers_of(call))
    body = body_template_of(call.body, article_id, edition)
    return CallTemplate(url, headers_of(call), call.method.upper(), body) if body is not None else None


def published_paths(shown, data, zones: tuple[str, ...]) -> list[tuple[tuple, str | None]]:
    """The answer's values that give the shown publication's minute, as (path, zone of a local
    time): the publication's name first, an edit's last, in the answer's order otherwise. Values with
    their own offset (or numbers) are tried before local times read in `zones`."""
    wanted = to_minute(shown)
    if wanted is None:
        return []
    for zone in (None, *dict.fromkeys(zones)):
        found = [(path, zone) for path, value in leaves(data) if to_minute(instant(value, zone)) == wanted]
        if found:
            return sorted(found, key=lambda candidate: publication_rank(candidate[0]))
    return []


def learn_page(shown: dict, calls: list[DataCall], article_id: str, edition: str | None) -> Recipe:
    """The recipe of a page the server sends whole but for what its calls fill in (a related block
    loaded by its script): the page itself, and the related call the render taught."""
    recipe = with_related(Recipe(CallTemplate(PAGE_AS_SERVED)), shown.get("related") or [], calls, None,
                          article_id, edition)
    return with_token(recipe, calls, article_id, edition)


TEXT_FIELDS = ("title", "section", "image_url", "image_alt", "image_caption")


def match_fields(shown: dict, data, needs_title: bool = True, needs_body: bool = True) -> list | None:
    """Where in `data` each shown field is; None unless the title and the text are both there (or
    the one of them asked for).
    A value is matched as the page shows it: HTML entities an app decodes (`&amp;`, `&#40;`) decoded,
    and the field then read decoded (`DECODED`)."""
    found: dict[str, tuple] = {}
    for path, value in leaves(data):
        if isinstance(value, str):
            text = clean_text(value)
            decoded = clean_text(html.unescape(value)) if "&" in value else None
            name = next((n for n in TEXT_FIELDS if n not in found and shown.get(n) and text == shown[n]), None)
            if name is None and decoded:
                name = next((n for n in TEXT_FIELDS if n not in found and shown.get(n) and decoded == shown[n]), None)
                if name is not None:
                    found[DECODED + name] = path
            if name is not None:
                found[name] = path
            elif "<" in value and "body_html" not in found and shown.get("body") \
                    and html_text(value)[0] == shown["body"]:
                found["body_html"] = path
        elif isinstance(value, list) and value and value == shown.get("tags") and "tags" not in found:
            found["tags"] = path
    if (needs_title and "title" not in found) or (needs_body and "body_html" not in found) or not found:
        return None
    return sorted(found.items())


def with_related(recipe: Recipe, related: list[str], calls: list[DataCall], article_call: DataCall | None,
                 article_id: str, edition: str | None) -> Recipe:
    """The recipe with its related call, learned from the calls whose rows are the related
    articles in the page's order (all its pages together)."""
    if not related:
        return recipe
    for call in calls:
        if call is article_call or call.status != 200:
            continue
        found = rows_of(call.data, related)
        if not found:
            continue
        rows_path, id_key, url_template = found
        pages = [c for c in calls if c.status == 200 and urlsplit(c.url).path == urlsplit(call.url).path]
        cursor = cursor_parameters(pages, rows_path)
        paging = None if cursor else paging_parameter(pages)
        first = pages[0].url if cursor else call.url
        template = CallTemplate(template_of(without(first, dict(cursor)), article_id, edition, paging), headers_of(call))
        outside, rows_seen = outside_rows_taught(pages, rows_path, id_key, url_template, related)
        # The count of related rows (those the page left out too) is beside the rows, never a row's
        # own number (a category id).
        total = next((path for path, value in leaves(call.data)
                      if isinstance(value, int) and not isinstance(value, bool) and value == rows_seen
                      and path[:len(rows_path)] != rows_path), None)
        return replace(recipe, related=template, related_rows=rows_path, related_id=id_key, related_url=url_template,
                       related_total=total, related_cursor=cursor, related_outside=outside)
    return recipe


def offsite_keys(row, page_url: str) -> tuple:
    """Keys of a related row whose value is a page of another site than `page_url`'s (an outside
    outlet's story), as the page judges a card's link (`is_article_here`): a card it may link there."""
    if not isinstance(row, dict):
        return ()
    own = host_family(host_of(page_url))
    return tuple(sorted(key for key, value in row.items() if isinstance(value, str)
                        and value.startswith(("http://", "https://")) and host_family(host_of(value)) != own))


def row_url(row: dict, id_key: str, url_template: str | None, page_url: str) -> str:
    """The site's address of a related row, as a read makes it."""
    if url_template == ROW_URL:
        return urljoin(page_url, str(row[id_key]))
    return url_template.replace("{id}", str(row[id_key]))


def outside_rows_taught(pages: list[DataCall], rows_path: tuple, id_key: str, url_template: str,
                        related: list[str]) -> tuple[tuple, int]:
    """What the related call's pages teach of rows holding another site's page: ((key, listed), ...)
    (`Recipe.related_outside`), and how many rows they held (the total a related answer gives)."""
    shown = {urlsplit(url).path for url in related}
    known: dict[str, bool] = {}
    seen: set[str] = set()
    for page in pages:
        try:
            rows = at(page.data, rows_path)
        except KeyError:
            continue
        for row in rows if isinstance(rows, list) else ():
            if not isinstance(row, dict) or row.get(id_key) is None:
                continue
            url = row_url(row, id_key, url_template, related[0])
            seen.add(url)
            listed = urlsplit(url).path in shown
            for key in offsite_keys(row, related[0]):
                known[key] = known.get(key, False) or listed  # listed once: the key says nothing
    return tuple(sorted(known.items())), len(seen)


def row_listed(recipe: Recipe, row, page_url: str) -> bool | None:
    """Whether the page's related list holds a related row: False for a card it links to another
    site's page (a key of the row learned so), True where every such key of the row was seen on
    listed rows, None where the recipe does not know one of them."""
    known = dict(recipe.related_outside)
    keys = offsite_keys(row, page_url)
    if any(known.get(key) is False for key in keys):
        return False
    return True if all(known.get(key) for key in keys) else None


def undecided_rows(recipe: Recipe, data, page_url: str) -> list[list]:
    """[[URL, [keys]], ...]: the rows of a related answer holding another site's page at a key the
    recipe does not know (it keeps them; a render tells whether the page lists them)."""
    known = dict(recipe.related_outside)
    return [[row_url(row, recipe.related_id, recipe.related_url, page_url),
             [key for key in offsite_keys(row, page_url) if key not in known]]
            for row in related_rows(recipe, data) if row_listed(recipe, row, page_url) is None]


def cursor_parameters(pages: list[DataCall], rows_path: tuple) -> tuple:
    """((parameter, row key), ...) of a call paged by cursor: a parameter that each page after the
    first carries with a value of the previous page's last row (`lastId` = its `id`), and that the
    first page lacks or that moves."""
    first = dict(parse_qsl(urlsplit(pages[0].url).query)) if pages else {}
    found: dict[str, str] = {}
    # A parameter the first page carries (`offset=0`) pages by count, whatever a row holds that
    # happens to equal it (a category id of 3 beside `offset=3`): a cursor names no row at first.
    for before, after in zip(pages, pages[1:]):
        try:
            rows = at(before.data, rows_path)
        except KeyError:
            continue
        if not (isinstance(rows, list) and rows and isinstance(rows[-1], dict)):
            continue
        for name, value in parse_qsl(urlsplit(after.url).query):
            if name in found or first.get(name):
                continue
            key = next((k for k, v in rows[-1].items() if not isinstance(v, (dict, list)) and str(v) == value), None)
            if key is not None:
                found[name] = key
    return tuple(found.items())


def without(url: str, names) -> str:
    """`url` without the query parameters `names`."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in names]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def next_related_url(recipe: Recipe, article_id: str, edition: str | None, offset: int, rows: list) -> str:
    """The related call's next page: by its paging parameter, or by cursor from this page's last row."""
    url = recipe.related.url_for(article_id, edition, offset)
    if not recipe.related_cursor or not rows:
        return url
    last = rows[-1]
    cursor = urlencode([(name, str(last.get(key, ""))) for name, key in recipe.related_cursor])
    return url + ("&" if urlsplit(url).query else "?") + cursor


def related_rows(recipe: Recipe, data) -> list:
    rows = at(data, recipe.related_rows)
    if not isinstance(rows, list):
        raise KeyError(recipe.related_rows)
    return rows


def rows_of(data, related: list[str]):
    """(rows path, key, related URL template) when `data` lists some of the related articles in
    order: each row's value under the key is the article's id (a segment of its URL), or its URL
    itself (template ROW_URL, read against the article's page)."""
    for path, value in leaves(data):
        if not (isinstance(value, list) and value and all(isinstance(row, dict) for row in value)):
            continue
        for key in value[0]:
            found = listed_in_order([row.get(key) for row in value], related)
            if found is None:
                found = listed_leaving_out(value, key, related)
            if found is not None:
                return (path, key, found)
    return None


def listed_leaving_out(rows: list, key: str, related: list[str]) -> str | None:
    """listed_in_order() of the rows the page kept, where it left out those holding another site's
    page at one key (cards linked to an outside outlet: no related article of the site's)."""
    candidates = sorted({k for row in rows for k in offsite_keys(row, related[0])})
    for offsite in candidates:
        kept = [row for row in rows if offsite not in offsite_keys(row, related[0])]
        if kept and len(kept) < len(rows):
            found = listed_in_order([row.get(key) for row in kept], related)
            if found is not None:
                return found
    return None


ROW_URL = "{url}"


def listed_in_order(values: list, related: list[str]) -> str | None:
    """How `values` name a run of the related articles, in order: the URL template of their ids,
    ROW_URL where they are the URLs themselves, or None."""
    paths = [urlsplit(url).path for url in related]
    as_paths = [urlsplit(v).path if isinstance(v, str) and "/" in v else None for v in values]
    if all(as_paths) and contains_run(paths, as_paths):
        return ROW_URL
    ids = [str(v) for v in values]
    start = next((i for i, path in enumerate(paths) if ids[0] in path.split("/")), None)
    if start is None or len(ids) > len(related) - start:
        return None
    if not all(i in path.split("/") for i, path in zip(ids, paths[start:])):
        return None
    parts = urlsplit(related[start])
    segments = ["{id}" if s == ids[0] else s for s in parts.path.split("/")]
    return urlunsplit((parts.scheme, parts.netloc, "/".join(segments), "", ""))


def contains_run(whole: list, run: list) -> bool:
    return any(whole[i:i + len(run)] == run for i in range(len(whole) - len(run) + 1))


def paging_parameter(pages: list[DataCall]) -> str | None:
    """The query parameter that moves from page to page of one call (`offset=0`, `offset=3`), or,
    with one page seen, the one named like a paging parameter."""
    queries = [dict(parse_qsl(urlsplit(c.url).query)) for c in pages]
    # A token sent in the query moves too where the page had a new one between pages: never first.
    moving = sorted((k for k in queries[0] if len({q.get(k) for q in queries}) > 1),
                    key=lambda k: is_query_token(queries[0][k]))
    if moving:
        return moving[0]
    return next((k for k in queries[0] if PAGING_NAMES.match(k)), None)


# A field's name with this before it marks a field the app shows with its HTML entities decoded.
DECODED = "decoded:"


def read_fields(recipe: Recipe, data) -> dict:
    """An article's fields from its answer to the article call: what `learn()` matched, by the same
    paths. Raises KeyError when the answer lacks one (an answer of a shape not seen before)."""
    return finished_fields(recipe, answer_values(recipe.fields, data))


def answer_values(fields: tuple, data) -> dict:
    """The raw values of one call's answer at the learned paths (KeyError where one is missing)."""
    return {name: at(data, path) for name, path in fields if not name.startswith(DECODED)}


def finished_fields(recipe: Recipe, values: dict) -> dict:
    """The fields of an article from the raw values its calls gave, as the page shows them. Raises
    KeyError without a title or a text."""
    values = dict(values)
    names = [name for name, _ in recipe.fields] + [name for follow in recipe.follow for name, _ in follow.fields]
    for name in names:
        if name.startswith(DECODED) and isinstance(values.get(name[len(DECODED):]), str):
            values[name[len(DECODED):]] = html.unescape(values[name[len(DECODED):]])
    if not isinstance(values.get("title"), str) or not isinstance(values.get("body_html"), str):
        raise KeyError("title or text missing from the answer")
    body, headings = html_text(values.pop("body_html"))
    if "published" in values:
        values["published"] = instant_text(values["published"], recipe.published_zone)
    return {**{k: (clean_text(v) if isinstance(v, str) else v) for k, v in values.items()},
            "body": body, "headings": headings}


def instant_text(value, zone: str | None) -> str | None:
    """An answer's publication as ISO 8601 text: as written where it has its offset, else the
    instant it gives (a number, a local time in the learned zone) with its offset; None where the
    value gives none (a shape not seen before: the read is checked like any other)."""
    moment = instant(value, zone)
    if moment is None:
        return None
    if isinstance(value, str) and instant(value) is not None:
        return value
    return moment.astimezone(ZoneInfo(zone)).isoformat() if zone else moment.isoformat().replace("+00:00", "Z")


def tells_publication_apart(recipe: Recipe, data) -> bool:
    """Whether this answer's other instants that matched the publication while learning differ from
    it here (an edited article): a render of it shows which one the page means."""
    if not recipe.published_doubles:
        return False
    chosen = to_minute(instant(at(data, dict(recipe.fields).get("published", ())), recipe.published_zone))
    for path in recipe.published_doubles:
        try:
            other = to_minute(instant(at(data, path), recipe.published_zone))
        except KeyError:
            continue
        if other != chosen:
            return True
    return False


def related_page(recipe: Recipe, data, page_url: str) -> list[str]:
    """The related articles' URLs one answer of the related call lists, in order (URLs the rows
    give read against the article's page, `page_url`), but for rows the page leaves out (cards it
    links to another site's page: `Recipe.related_outside`)."""
    return [row_url(row, recipe.related_id, recipe.related_url, page_url) for row in related_rows(recipe, data)
            if row_listed(recipe, row, page_url) is not False]


def read_total(recipe: Recipe, data) -> int | None:
    """How many related articles a related answer says there are, where the recipe knows where."""
    if recipe.related_total is None:
        return None
    total = at(data, recipe.related_total)
    return total if isinstance(total, int) else None
