"""Buffered unordered bulk upserts versus one write per article, on the same MongoDB server.

    .venv/bin/python bench/storage.py [--articles 2000] [--batch 100]

Uses MONGO_URI when set, else starts SecantusDB. Prints the ratio (target: bulk >= 5x faster).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from datetime import datetime, timezone

import pymongo

from common import machine, save

from newscrawler.storage.mongo import ArticleDoc, MongoArticleStore  # noqa: E402
from servers import MongoServer  # noqa: E402


def docs(count: int, tag: str) -> list[ArticleDoc]:
    body = "Paragraph of an article body. " * 60
    return [ArticleDoc(f"bench:{tag}:{i}", {
        "site": "bench", "article_id": f"{tag}{i}", "url": f"http://bench.test/{tag}/article/{i}", "title": f"Title {i}",
        "body": body, "content_hash": f"{tag}-{i}", "related": [], "related_status": "complete",
        "published_at": datetime(2025, 1, 1, tzinfo=timezone.utc), "tags": ["news"]}, []) for i in range(count)]


def measure(uri: str, count: int, batch: int) -> dict:
    database = f"bench_{uuid.uuid4().hex[:8]}"
    store = MongoArticleStore(uri, database)
    store.ensure_indexes()
    now = datetime.now(timezone.utc)
    try:
        started = time.perf_counter()
        for doc in docs(count, "one"):
            store.write([doc], now)
        one_by_one = time.perf_counter() - started
        items = docs(count, "bulk")
        started = time.perf_counter()
        for start in range(0, count, batch):
            store.write(items[start:start + batch], now)
        bulk = time.perf_counter() - started
    finally:
        pymongo.MongoClient(uri).drop_database(database)
        store.close()
    return {"articles": count, "batch": batch, "one_by_one_s": round(one_by_one, 3), "bulk_s": round(bulk, 3),
            "one_by_one_per_s": round(count / one_by_one), "bulk_per_s": round(count / bulk),
            "ratio": round(one_by_one / bulk, 1)}


def main() -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    server = None if os.environ.get("MONGO_URI") else MongoServer().start()
    try:
        result = measure(os.environ.get("MONGO_URI") or server.uri, args.articles, args.batch)
    finally:
        if server:
            server.stop()
    result["machine"] = machine()
    result["server"] = "MONGO_URI" if os.environ.get("MONGO_URI") else "SecantusDB (embedded)"
    print(f"storage: {args.articles} articles; one write per article {result['one_by_one_s']} s "
          f"({result['one_by_one_per_s']}/s); bulk of {args.batch} {result['bulk_s']} s ({result['bulk_per_s']}/s); "
          f"ratio {result['ratio']}x (target >= 5x)")
    save("storage", result)
    return result


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
