"""Storage: MongoDB (`mongo.py`) and the dead-letter files (`deadletter.py`).

`crawl_store(crawler)` is the one store (one MongoDB client) of a crawl, shared by the spider and
the pipelines, kept on the crawler and closed when the spider has closed (after the pipelines' last
flush). It is the one place that decides "no store configured" (no `MONGO_URI`: None).
"""

from __future__ import annotations

from scrapy import signals

from .mongo import MongoArticleStore

NO_STORE = object()  # MONGO_URI unset: decided once per crawl too


def crawl_store(crawler) -> MongoArticleStore | None:
    """The crawl's store, or None when `MONGO_URI` is not set."""
    store = getattr(crawler, "news_store", None)
    if store is None:
        store = MongoArticleStore.from_settings(crawler.settings) or NO_STORE
        if store is not NO_STORE:
            crawler.signals.connect(store.close, signal=signals.spider_closed, weak=False)
        crawler.news_store = store
    return None if store is NO_STORE else store
