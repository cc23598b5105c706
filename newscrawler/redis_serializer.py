"""How requests are written into the shared Redis frontier: JSON, never pickle.

scrapy-redis pickles requests by default, and unpickling runs whatever code the data names: anyone
who could write to that Redis would run code in every crawler process (which holds `MONGO_URI`).
JSON cannot run code. A request's dict (Scrapy's `Request.to_dict`) is JSON but for bytes (its body,
headers) and the browser steps of a render (`PageMethod` with a method name, never a callable),
which are tagged; a request class outside `scrapy.http` is refused on reading.
`SCHEDULER_SERIALIZER = "newscrawler.redis_serializer"` (set by the distributed add-on).
"""

from __future__ import annotations

import base64
import json

from scrapy_playwright.page import PageMethod

BYTES, STEP, PAIRS = "$bytes", "$page_method", "$pairs"
REQUEST_CLASSES = "scrapy.http."


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
        return PageMethod(str(method), *args, **kwargs)
    return value


def dumps(request_dict: dict) -> bytes:
    return json.dumps(encoded(request_dict), separators=(",", ":")).encode("utf-8")


def loads(data: bytes | str) -> dict:
    request_dict = json.loads(data, object_hook=decoded)
    if not isinstance(request_dict, dict):
        raise ValueError("not a request in the shared frontier")
    request_class = request_dict.get("_class")
    if request_class is not None and not str(request_class).startswith(REQUEST_CLASSES):
        raise ValueError(f"request class {request_class!r} refused: only Scrapy's own are read")
    return request_dict
