"""Storage: MongoDB (`mongo.py`) and the dead-letter files (`deadletter.py`).

`crawl_store(crawler)` is the one store (one MongoDB client) of a crawl, shared by the spider and
the pipelines, and closed when the spider has closed (after the pipelines' last flush).
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from scrapy import signals

from .mongo import MongoArticleStore

_STORES: WeakKeyDictionary = WeakKeyDictionary()


def crawl_store(crawler) -> MongoArticleStore | None:
    """The crawl's store, or None when `MONGO_URI` is not set."""
    if crawler not in _STORES:
        store = MongoArticleStore.from_settings(crawler.settings)
        if store is not None:
            crawler.signals.connect(store.close, signal=signals.spider_closed, weak=False)
        _STORES[crawler] = store
    return _STORES[crawler]
