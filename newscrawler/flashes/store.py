"""MongoDB storage of flashes: their own collection (`MONGO_FLASH_COLLECTION`) beside the articles,
earlier versions in `MONGO_FLASH_VERSIONS_COLLECTION`, on the crawl's one client.

Times are the database's (`$$NOW` in update pipelines; a replayed dead letter's `first_seen_at` and
`last_seen_at` are when it was read, on the database's clock): `first_seen_at`, `last_seen_at`, and
`updated_at`, which moves whenever a field a consumer reads changes (a correction, new vote
counts, a removal), never for `last_seen_at` alone. A changed title or text makes a new version (the
old document kept in the versions collection); vote counts and other fields are refreshed in place.
Values go into update pipelines as `$literal`: a title that starts with `$` (`$BTC ...`) is text.
`docs/flash-schema.md` describes the stored shape.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

import pymongo
from pymongo import UpdateOne
from pymongo.errors import BulkWriteError, PyMongoError

from ..storage.deadletter import FLASH
from ..storage.mongo import StoreUnavailable, as_utc, comparable
from .feed import FeedMark, mark_of

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
NOW = "$$NOW"
# What the store keeps of each stored flash for a crawl to decide where to stop and what vanished.
MEMORY_FIELDS = {"flash_id": 1, "published_at": 1, "removed_at": 1}


@dataclass
class StoredFlashes:
    """What is stored of one edition's flashes: the newest's place, and those of the re-read window."""

    newest: FeedMark | None = None
    recent: dict[str, FeedMark] = field(default_factory=dict)  # key -> place, of flashes not marked removed


@dataclass
class FlashDoc:
    """One flash ready to store (`fields`: the item's), and when it was read on the database's clock:
    a late replay of its dead letter never undoes what a later reading stored (`newer_in_store`)."""

    key: str
    fields: dict
    read_at: datetime | None = None

    def to_record(self) -> dict:
        return {"kind": FLASH, "key": self.key, "fields": self.fields, "read_at": self.read_at}

    @classmethod
    def from_record(cls, record: dict) -> "FlashDoc":
        return cls(record["key"], record["fields"], record.get("read_at"))


@dataclass
class FlashWriteResult:
    new: int = 0
    updated: int = 0     # a new version (title or text changed)
    refreshed: int = 0   # same text, other fields changed (votes, source, importance): no new version
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (key, error)


def literal(fields: dict) -> dict:
    return {name: {"$literal": value} for name, value in fields.items()}


class FlashStore:
    """Flashes on the crawl store's client (`MongoArticleStore.client`): synchronous, thread-safe."""

    def __init__(self, store, collection: str = "flashes", versions: str = "flash_versions"):
        self.store = store
        self.collection_name = collection
        self.versions_name = versions

    @classmethod
    def from_settings(cls, store, settings) -> "FlashStore | None":
        if store is None:
            return None
        return cls(store, settings.get("MONGO_FLASH_COLLECTION") or "flashes",
                   settings.get("MONGO_FLASH_VERSIONS_COLLECTION") or "flash_versions")

    @property
    def flashes(self):
        return self.store.client[self.store.database_name][self.collection_name]

    @property
    def versions(self):
        return self.store.client[self.store.database_name][self.versions_name]

    def describe(self) -> str:
        return self.store.describe()

    def ensure_indexes(self) -> None:
        flashes = self.flashes
        flashes.create_index([("published_at", pymongo.DESCENDING)], name="published_at_desc")
        flashes.create_index([("site", pymongo.ASCENDING), ("language", pymongo.ASCENDING),
                              ("published_at", pymongo.DESCENDING)], name="site_language_published_at")
        flashes.create_index("updated_at", name="updated_at")
        self.versions.create_index("flash_key", name="flash_key")

    # -- reading ---------------------------------------------------------------------------------
    def stored(self, site: str, edition: str, window_start: datetime) -> StoredFlashes:
        """The newest stored flash of an edition, and the flashes published since `window_start`.
        Raises StoreUnavailable."""
        query = {"site": site, "language": edition}
        try:
            newest = self.flashes.find_one(query, MEMORY_FIELDS, sort=[("published_at", -1), ("flash_id", -1)])
            recent = list(self.flashes.find({**query, "published_at": {"$gte": window_start}, "removed_at": None},
                                            MEMORY_FIELDS))
        except PyMongoError as error:
            raise StoreUnavailable(f"MongoDB unreachable at {self.describe()}: {type(error).__name__}") from None
        stored = StoredFlashes(mark_of(newest) if newest else None)
        for doc in recent:
            mark = mark_of(doc)
            if mark is not None:
                stored.recent[doc["_id"]] = mark
        return stored

    def newer_in_store(self, docs: list[FlashDoc]) -> set[str]:
        """The keys of `docs` whose stored flash tells a later state than they do: seen again, or
        marked removed, after they were read. A dead letter replayed late must not bring back an
        earlier text, earlier vote counts, or a flash the site has removed since."""
        read_at = {doc.key: as_utc(doc.read_at) for doc in docs if doc.read_at is not None}
        if not read_at:
            return set()
        stored = self.flashes.find({"_id": {"$in": list(read_at)}}, {"last_seen_at": 1, "removed_at": 1})
        return {doc["_id"] for doc in stored
                if any(isinstance(doc.get(name), datetime) and as_utc(doc[name]) > read_at[doc["_id"]]
                       for name in ("last_seen_at", "removed_at"))}

    # -- writing ---------------------------------------------------------------------------------
    def write(self, docs: dict[str, dict], read_at: dict[str, datetime] | None = None) -> FlashWriteResult:
        """Store flashes (`key -> fields`): new ones inserted, changed ones versioned or refreshed,
        every one seen now, or when `read_at` says it was read (a replay: `last_seen_at` then tells
        the reading, which `newer_in_store` compares with). Idempotent. Raises ConnectionFailure
        when the server is unreachable."""
        result = FlashWriteResult()
        if not docs:
            return result
        existing = {d["_id"]: d for d in self.flashes.find({"_id": {"$in": list(docs)}})}
        ops, versions, outcome = [], [], {}
        for key, fields in docs.items():
            old = existing.get(key)
            seen = {"$literal": read_at[key]} if read_at and read_at.get(key) else NOW
            if old is None:
                ops.append(self.insert_op(key, fields, seen))
                outcome[key] = "new"
            elif old.get("content_hash") != fields.get("content_hash"):
                versions.append(self.version_op(old))
                ops.append(self.new_version_op(key, fields, old, seen))
                outcome[key] = "updated"
            elif changed := changed_fields(fields, old):
                ops.append(self.refresh_op(key, changed, seen))
                outcome[key] = "refreshed"
            else:
                ops.append(UpdateOne({"_id": key}, [{"$set": {"last_seen_at": seen}}]))
                outcome[key] = "unchanged"
        if versions:
            self.versions.bulk_write(versions, ordered=False)
        errors = self.bulk(ops)
        for index, key in enumerate(docs):
            if index in errors:
                result.failed.append((key, errors[index]))
            else:
                setattr(result, outcome[key], getattr(result, outcome[key]) + 1)
        return result

    def bulk(self, ops: list) -> dict[int, str]:
        try:
            self.flashes.bulk_write(ops, ordered=False)
            return {}
        except BulkWriteError as error:
            return {e["index"]: e.get("errmsg", "write error") for e in error.details.get("writeErrors", [])}

    @staticmethod
    def insert_op(key: str, fields: dict, seen=NOW) -> UpdateOne:
        # An upsert, not an insert: only an update pipeline can take the database's clock.
        return UpdateOne({"_id": key}, [{"$set": {
            **literal(fields), "version": {"$ifNull": ["$version", 1]}, "schema_version": SCHEMA_VERSION,
            "first_seen_at": {"$ifNull": ["$first_seen_at", seen]}, "last_seen_at": seen, "updated_at": NOW,
            "removed_at": None}}], upsert=True)

    @staticmethod
    def new_version_op(key: str, fields: dict, old: dict, seen=NOW) -> UpdateOne:
        # Guarded by the old hash: a concurrent writer that stored this correction already wins once.
        return UpdateOne({"_id": key, "content_hash": old.get("content_hash")}, [{"$set": {
            **literal(fields), "version": int(old.get("version") or 1) + 1, "schema_version": SCHEMA_VERSION,
            "last_seen_at": seen, "updated_at": NOW, "removed_at": None}}])

    @staticmethod
    def refresh_op(key: str, changed: dict, seen=NOW) -> UpdateOne:
        return UpdateOne({"_id": key}, [{"$set": {**literal(changed), "schema_version": SCHEMA_VERSION,
                                                   "last_seen_at": seen, "updated_at": NOW}}])

    @staticmethod
    def version_op(old: dict) -> UpdateOne:
        """The stored document kept as it was, under `<key>:v<version>`, with `superseded_at`."""
        key = old["_id"]
        snapshot = {name: value for name, value in old.items() if name != "_id"}
        return UpdateOne({"_id": f"{key}:v{int(old.get('version') or 1)}"},
                         [{"$set": {**literal(snapshot), "flash_key": key, "superseded_at": NOW}}], upsert=True)

    def mark_removed(self, keys: list[str]) -> int:
        """Stored flashes the site no longer has: `removed_at` set (the database's clock), kept."""
        if not keys:
            return 0
        return self.flashes.update_many({"_id": {"$in": keys}, "removed_at": None},
                                        [{"$set": {"removed_at": NOW, "updated_at": NOW}}]).modified_count


def changed_fields(fields: dict, old: dict) -> dict:
    """The fields whose values differ from the stored ones, and `removed_at` cleared for a flash
    seen again; a document of an older schema takes every field."""
    outdated = int(old.get("schema_version") or 0) < SCHEMA_VERSION
    changed = {k: v for k, v in fields.items() if outdated or comparable(v) != comparable(old.get(k))}
    if old.get("removed_at") is not None:
        changed["removed_at"] = None
    return changed
