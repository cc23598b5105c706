"""Scaling of distributed mode: articles/s with 1, 2 and 3 crawler processes sharing one Redis.

    .venv/bin/python bench/distributed.py [--articles 200] [--processes 1 2 3]

Each run gets a fresh crawl id and database on the same SecantusDB and Redis servers (started here).
On a 2-core machine this shows the cost of coordination more than a speed-up: the processes share
the cores that render.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from pathlib import Path

import pymongo
from common import machine, save

from replica import Replica, SiteContent  # noqa: E402
from servers import Crawl, MongoServer, RedisServer  # noqa: E402


def run(processes: int, replica: Replica, mongo_uri: str, redis_url: str, tmp: Path) -> dict:
    database = f"bench_{uuid.uuid4().hex[:8]}"
    settings = {"REDIS_URL": redis_url, "NEWS_CRAWL_ID": uuid.uuid4().hex, "AUTOTHROTTLE_ENABLED": False,
                "NEWS_REDIS_IDLE_BEFORE_CLOSE": 5}
    started = time.monotonic()
    crawls = [Crawl(tmp, replica.base_url + "/", mongo_uri, database, settings, name=f"p{processes}-{n}")
              for n in range(processes)]
    results = [crawl.finish() for crawl in crawls]
    wall = time.monotonic() - started
    client = pymongo.MongoClient(mongo_uri)
    stored = client[database].articles.count_documents({})
    client.drop_database(database)
    client.close()
    # The last process waits NEWS_REDIS_IDLE_BEFORE_CLOSE for peers: not crawling time.
    busy = max(r.stats.get("elapsed_time_seconds", wall) for r in results) - 5
    return {"processes": processes, "stored": stored, "wall_s": round(wall, 1), "crawl_s": round(busy, 1),
            "articles_per_s": round(stored / busy, 2),
            "pages_per_process": [r.stat("news/pages/article") for r in results]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    mongo, redis = MongoServer().start(), RedisServer().start()
    rows = []
    try:
        with Replica(SiteContent(seed=61, sections=6, articles=args.articles)) as replica, \
                tempfile.TemporaryDirectory() as tmp:
            for processes in args.processes:
                rows.append(run(processes, replica, mongo.uri, redis.url, Path(tmp)))
                print(rows[-1], flush=True)
    finally:
        mongo.stop()
        redis.stop()
    print(f"\nmachine: {machine()}; replica: {args.articles} articles")
    print(f"{'processes':>9}{'stored':>8}{'crawl s':>9}{'articles/s':>12}  pages per process")
    for row in rows:
        print(f"{row['processes']:>9}{row['stored']:>8}{row['crawl_s']:>9}{row['articles_per_s']:>12}  {row['pages_per_process']}")
    print("saved", save(f"distributed-{args.articles}", {"machine": machine(), "articles": args.articles, "runs": rows}))


if __name__ == "__main__":
    main()
