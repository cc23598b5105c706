"""`scrapy replay FILE...`: store dead-lettered records into MongoDB, idempotently.

Replaying a file twice, or a file whose records were partly stored already, gives the same
documents: articles are upserted by key with the same versioning rules as a crawl.
"""

from __future__ import annotations

import sys
from collections import defaultdict

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from pymongo.errors import PyMongoError

from ..clock import CrawlClock
from ..storage.deadletter import read_records
from ..storage.mongo import ArticleDoc, MongoArticleStore, StoreUnavailable

BATCH = 500


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self):
        return "FILE [FILE ...]"

    def short_desc(self):
        return "Store dead-lettered articles into MongoDB (MONGO_URI), idempotently"

    def run(self, args, opts):
        if not args:
            raise UsageError("name at least one dead-letter file")
        store = MongoArticleStore.from_settings(self.settings)
        if store is None:
            raise UsageError("MONGO_URI is not set")
        clock = CrawlClock.from_settings(self.settings)
        try:
            store.check()
            store.ensure_indexes()  # a database of an earlier crawler is brought to the current indexes
            clock.follow(store.server_time())
            totals = {"new": 0, "updated": 0, "unchanged": 0, "refreshed": 0, "stale": 0, "aliases": 0, "torn": 0, "failed": 0}
            for path in args:
                replay_file(store, path, totals, clock)
        except PyMongoError as error:
            # The server went away midway: what was written stays written, and replaying the same
            # files again stores the rest (a replay is idempotent).
            print(f"replay failed: MongoDB at {store.describe()}: {type(error).__name__}; nothing is lost, "
                  f"run the same replay again", file=sys.stderr)
            self.exitcode = 1
            return
        except (StoreUnavailable, ValueError, OSError) as error:
            print(f"replay failed: {error}", file=sys.stderr)
            self.exitcode = 1
            return
        finally:
            store.close()
        print(", ".join(f"{k}={v}" for k, v in totals.items()))
        # Torn lines are reported and skipped; the rest is stored, and the exit code says so.
        self.exitcode = 1 if totals["failed"] or totals["torn"] else 0


def replay_file(store: MongoArticleStore, path: str, totals: dict, clock: CrawlClock) -> None:
    skipped: list[str] = []
    records = read_records(path, skipped)
    for problem in skipped:
        print(problem, file=sys.stderr)
    totals["torn"] += len(skipped)
    now = clock.now()
    docs = [ArticleDoc.from_record(r) for r in records if r.get("kind") == "article"]
    for start in range(0, len(docs), BATCH):
        result = store.write(docs[start:start + BATCH], now)
        totals["new"] += result.new
        totals["updated"] += result.updated
        totals["unchanged"] += result.unchanged
        totals["refreshed"] += result.refreshed
        totals["stale"] += result.stale  # older than what is stored: a replay never reverts an article
        for doc, error in result.failed:
            print(f"not stored ({error}): {doc.fields.get('url')}", file=sys.stderr)
            totals["failed"] += 1
    aliases = defaultdict(list)
    for record in records:
        if record.get("kind") == "aliases":
            aliases[record["key"]].extend(record.get("urls") or [])
    if aliases:
        totals["failed"] += store.add_aliases(dict(aliases))
        totals["aliases"] += len(aliases)
