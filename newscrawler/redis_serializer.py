"""How requests are written into the shared Redis frontier: JSON, never pickle.

scrapy-redis pickles requests by default, and unpickling runs whatever code the data names: anyone
who could write to that Redis would run code in every crawler process (which holds `MONGO_URI`).
JSON cannot run code. A request's dict (Scrapy's `Request.to_dict`) is JSON but for bytes (its body,
headers) and the browser steps of a render (`PageMethod` with a method name, never a callable),
which are tagged. On reading, a request class outside `scrapy.http`, a browser step other than those
the project builds (`newscrawler.rendering.scripts.is_own_page_method`) and scrapy-playwright meta
keys the project never sends through the frontier (a context's options can name files to write)
are refused (`RefusedRequest`).
`SCHEDULER_SERIALIZER = "newscrawler.redis_serializer"` (set by the distributed add-on).
"""

from __future__ import annotations

import base64
import json

from scrapy_playwright.page import PageMethod

from .rendering.scripts import is_own_page_method

BYTES, STEP, PAIRS = "$bytes", "$page_method", "$pairs"
REQUEST_CLASSES = "scrapy.http."
# The only scrapy-playwright keys a request of this project carries while queued: the rendering
# handler adds its page and context as the request leaves, and takes them off again.
PLAYWRIGHT_KEYS = {"playwright", "playwright_page_methods"}


class RefusedRequest(ValueError):
    """Data in the shared frontier that this crawl does not run."""


def encoded(value):
    """`value` as plain JSON data: bytes, page methods, and dicts with keys other than strings
    (a request's headers) tagged."""
    if isinstance(value, dict):
        if all(isinstance(key, str) for key in value):
            return {key: encoded(item) for key, item in value.items()}
        return {PAIRS: [[encoded(key), encoded(item)] for key, item in value.items()]}
    if isinstance(value, (list, tuple)):
        return [encoded(item) for item in value]
    if isinstance(value, bytes):
        return {BYTES: base64.b64encode(value).decode("ascii")}
    if isinstance(value, PageMethod):
        if not isinstance(value.method, str):
            raise TypeError("a page method given as a callable cannot be shared through Redis")
        return {STEP: [value.method, encoded(value.args), encoded(value.kwargs)]}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"{type(value).__name__} cannot be written to the shared frontier as JSON")


def decoded(value: dict):
    if set(value) == {BYTES}:
        return base64.b64decode(value[BYTES])
    if set(value) == {PAIRS}:
        return {key: item for key, item in value[PAIRS]}
    if set(value) == {STEP}:
        method, args, kwargs = value[STEP]
        step = PageMethod(str(method), *args, **kwargs)
        if not is_own_page_method(step):
            raise RefusedRequest(f"page method {step.method!r} is not one this crawl builds")
        return step
    return value


def dumps(request_dict: dict) -> bytes:
    return json.dumps(encoded(request_dict), separators=(",", ":")).encode("utf-8")


def loads(data: bytes | str) -> dict:
    request_dict = json.loads(data, object_hook=decoded)
    if not isinstance(request_dict, dict):
        raise RefusedRequest("not a request")
    request_class = request_dict.get("_class")
    if request_class is not None and not str(request_class).startswith(REQUEST_CLASSES):
        raise RefusedRequest(f"request class {request_class!r} refused: only Scrapy's own are read")
    meta = request_dict.get("meta") or {}
    if not isinstance(meta, dict):
        raise RefusedRequest("a request whose meta is no mapping")
    foreign = sorted(key for key in meta if str(key).startswith("playwright") and key not in PLAYWRIGHT_KEYS)
    if foreign:
        raise RefusedRequest(f"meta {', '.join(foreign)} is not sent through the shared frontier")
    if not all(isinstance(step, PageMethod) for step in meta.get("playwright_page_methods") or []):
        raise RefusedRequest("playwright_page_methods must be page methods this crawl builds")
    return request_dict
