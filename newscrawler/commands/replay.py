"""`scrapy replay FILE...`: store dead-lettered records into MongoDB, idempotently.

Each record goes where its `kind` says: articles and their aliases into the articles collection,
flashes into the flashes collection (`MONGO_FLASH_COLLECTION`). Replaying a file twice, or a file
whose records were partly stored already, gives the same documents: both are upserted by key with
the same versioning rules as a crawl, and a record older than what is stored reverts nothing.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from datetime import datetime, timezone

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from pymongo.errors import PyMongoError

from ..clock import CrawlClock
from ..flashes.store import FlashDoc, FlashStore
from ..storage.deadletter import ALIASES, ARTICLE, FLASH, read_records
from ..storage.mongo import ArticleDoc, MongoArticleStore, StoreUnavailable

BATCH = 500
EARLIEST = datetime.min.replace(tzinfo=timezone.utc)  # a flash record without `read_at` (written by hand)
ARTICLE_TOTALS = ("new", "updated", "unchanged", "refreshed", "stale")
FLASH_TOTALS = ("new", "updated", "refreshed", "unchanged")


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self):
        return "FILE [FILE ...]"

    def short_desc(self):
        return "Store dead-lettered articles and flashes into MongoDB (MONGO_URI), idempotently"

    def run(self, args, opts):
        if not args:
            raise UsageError("name at least one dead-letter file")
        store = MongoArticleStore.from_settings(self.settings)
        if store is None:
            raise UsageError("MONGO_URI is not set")
        flashes = FlashStore.from_settings(store, self.settings)
        clock = CrawlClock.from_settings(self.settings)
        totals = Counter({name: 0 for name in (*ARTICLE_TOTALS, "aliases", *(f"flashes_{n}" for n in FLASH_TOTALS),
                                               "flashes_stale", "torn", "failed")})
        try:
            store.check()
            # A database of an earlier crawler is brought to the current indexes.
            store.ensure_indexes()
            flashes.ensure_indexes()
            clock.follow(store.server_time())
            for path in args:
                replay_file(store, flashes, path, totals, clock)
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
        # Torn lines and records of no known kind are reported and skipped; the rest is stored,
        # and the exit code says so.
        self.exitcode = 1 if totals["failed"] or totals["torn"] else 0


def replay_file(store: MongoArticleStore, flashes: FlashStore, path: str, totals: Counter,
                clock: CrawlClock) -> None:
    skipped: list[str] = []
    records = read_records(path, skipped)
    for problem in skipped:
        print(problem, file=sys.stderr)
    totals["torn"] += len(skipped)
    by_kind = defaultdict(list)
    for record in records:
        by_kind[record.get("kind")].append(record)
    replay_articles(store, [ArticleDoc.from_record(r) for r in by_kind.pop(ARTICLE, [])], totals, clock)
    # After the articles: an alias is added to a stored article only.
    replay_aliases(store, by_kind.pop(ALIASES, []), totals)
    replay_flashes(flashes, [FlashDoc.from_record(r) for r in by_kind.pop(FLASH, [])], totals)
    for kind, unknown in by_kind.items():  # written by a newer crawler, or by hand
        print(f"{path}: {len(unknown)} records of kind {kind!r}, which this replay does not know, not stored",
              file=sys.stderr)
        totals["failed"] += len(unknown)


def replay_articles(store: MongoArticleStore, docs: list[ArticleDoc], totals: Counter, clock: CrawlClock) -> None:
    now = clock.now()
    for start in range(0, len(docs), BATCH):
        result = store.write(docs[start:start + BATCH], now)
        # `stale`: older than what is stored, so not written: a replay never reverts an article.
        for name in ARTICLE_TOTALS:
            totals[name] += getattr(result, name)
        for doc, error in result.failed:
            print(f"not stored ({error}): {doc.fields.get('url')}", file=sys.stderr)
            totals["failed"] += 1


def replay_aliases(store: MongoArticleStore, records: list[dict], totals: Counter) -> None:
    aliases = defaultdict(list)
    for record in records:
        aliases[record["key"]].extend(record.get("urls") or [])
    if aliases:
        totals["failed"] += store.add_aliases(dict(aliases))
        totals["aliases"] += len(aliases)


def replay_flashes(flashes: FlashStore, docs: list[FlashDoc], totals: Counter) -> None:
    docs = latest_readings(docs)
    for start in range(0, len(docs), BATCH):
        batch = docs[start:start + BATCH]
        # A flash seen again or marked removed since it was read is stored as that later state:
        # this older reading is left out, or it would bring back an earlier text or a removed flash.
        newer = flashes.newer_in_store(batch)
        totals["flashes_stale"] += len(newer)
        kept = [doc for doc in batch if doc.key not in newer]
        result = flashes.write({doc.key: doc.fields for doc in kept}, {doc.key: doc.read_at for doc in kept})
        for name in FLASH_TOTALS:
            totals[f"flashes_{name}"] += getattr(result, name)
        for key, error in result.failed:
            print(f"flash not stored ({error[:200]}): {key}", file=sys.stderr)
            totals["failed"] += 1


def latest_readings(docs: list[FlashDoc]) -> list[FlashDoc]:
    """One record per flash, its latest reading (a flash dead-lettered twice in a file)."""
    latest: dict[str, FlashDoc] = {}
    for doc in docs:
        kept = latest.get(doc.key)
        if kept is None or (doc.read_at or EARLIEST) >= (kept.read_at or EARLIEST):
            latest[doc.key] = doc
    return list(latest.values())
