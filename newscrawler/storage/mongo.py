"""MongoDB storage of articles (pymongo): documents, indexes, versioned bulk upserts.

Synchronous and thread-safe: the pipeline runs these calls off the reactor thread; the replay
command calls them directly. `docs/article-schema.md` describes the stored shape.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pymongo
from pymongo import MongoClient, UpdateOne
from pymongo.errors import BulkWriteError, ConnectionFailure, OperationFailure, PyMongoError

from ..items import plain, stored_fields
from ..urls import mask_uri, unique_urls
from .deadletter import ARTICLE
from .index import INDEX_FIELDS, StoredIndex

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 2  # 2: published_at_local and published_at_precision (docs/article-schema.md)
TEXT_INDEX_UNSUPPORTED = 67  # CannotCreateIndex: servers without text search
INDEX_NOT_FOUND = 27
DUPLICATE_KEY = 11000
# `updated_at` is the database's clock at the write that changed what a consumer sees: a consumer
# polling `updated_at > T` never misses a write that committed after a crawler read its own clock.
TOUCH = {"$currentDate": {"updated_at": True}}
# Fields that describe the page around the article rather than its content: refreshed by every
# crawl that saw them completely, without making a new version.
SURROUNDINGS = ("related", "related_status")
# Fields for the crawler's own use (the page's validators, for its next re-visit): written whenever a
# fetch brings them, never a change a consumer sees, never replaced by a fetch that brought none (a
# render, an app's call: the stored ones still name the page).
CRAWLER_OWN = ("http_validators",)
STORED_FIELDS = stored_fields()


class StoreUnavailable(RuntimeError):
    """The server cannot be reached; the message names host and database, never a password."""


def safe_keys(value):
    """Page data can never become an operator or a field path: `$` and `.` in keys are replaced
    by their full-width forms (documented in docs/article-schema.md)."""
    if isinstance(value, dict):
        return {str(k).replace("$", "\uff04").replace(".", "\uff0e"): safe_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [safe_keys(v) for v in value]
    return value


@dataclass
class ArticleDoc:
    """One article ready to store: its document fields and the URLs to add to `aliases`."""

    key: str
    fields: dict
    aliases: list[str] = field(default_factory=list)

    def to_record(self) -> dict:
        return {"kind": ARTICLE, "key": self.key, "fields": self.fields, "aliases": self.aliases}

    def urls(self) -> list[str]:
        """Every URL of this article: its own and its aliases."""
        return unique_urls([self.fields.get("url"), *self.aliases])

    @classmethod
    def from_record(cls, record: dict) -> "ArticleDoc":
        return cls(record["key"], record["fields"], list(record.get("aliases") or []))


@dataclass
class WriteResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    refreshed: int = 0       # same content, other fields corrected (a date, the section, tags): no new version
    stale: int = 0           # read from an older fetch than the stored document's: nothing overwritten
    copies: int = 0          # articles whose content was stored already (or in the same batch) under another key
    retired: list[str] = field(default_factory=list)  # stored later copies replaced by an earlier original
    failed: list[tuple[ArticleDoc, str]] = field(default_factory=list)

    def absorb(self, other: "WriteResult") -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.refreshed += other.refreshed
        self.stale += other.stale
        self.copies += other.copies
        self.retired += other.retired
        self.failed += other.failed


class MongoArticleStore:
    def __init__(self, uri: str, database: str = "newscrawler", collection: str = "articles",
                 versions: str = "article_versions", timeout_s: float = 5.0):
        self.uri = uri
        self.database_name = database
        self.collection_name = collection
        self.versions_name = versions
        self.timeout_ms = int(timeout_s * 1000)
        self._client: MongoClient | None = None
        self._index_lock = threading.Lock()
        self._crawl_start_index: StoredIndex | None = None

    @classmethod
    def from_settings(cls, settings) -> "MongoArticleStore | None":
        uri = settings.get("MONGO_URI")
        if not uri:
            return None
        return cls(uri, settings.get("MONGO_DATABASE", "newscrawler"), settings.get("MONGO_COLLECTION", "articles"),
                   settings.get("MONGO_VERSIONS_COLLECTION", "article_versions"),
                   settings.getfloat("MONGO_CONNECT_TIMEOUT", 5.0))

    def describe(self) -> str:
        return f"{mask_uri(self.uri)} (database {self.database_name!r})"

    # -- connection -------------------------------------------------------------------------
    @property
    def client(self) -> MongoClient:
        if self._client is None:
            self._client = MongoClient(self.uri, tz_aware=True, serverSelectionTimeoutMS=self.timeout_ms,
                                       connectTimeoutMS=self.timeout_ms, socketTimeoutMS=self.timeout_ms * 6,
                                       appname="newscrawler")
        return self._client

    @property
    def articles(self):
        return self.client[self.database_name][self.collection_name]

    @property
    def versions(self):
        return self.client[self.database_name][self.versions_name]

    @property
    def misses(self):
        """Articles a crawl could not store (`_id` the article's key): retried by later crawls."""
        return self.client[self.database_name]["crawl_misses"]

    @property
    def crawl_state(self):
        """What scheduled crawls remember of each other, one document per site."""
        return self.client[self.database_name]["crawl_state"]

    def check(self) -> None:
        """Raise StoreUnavailable unless the server answers."""
        try:
            self.client.admin.command("ping")
        except (PyMongoError, ValueError) as error:
            raise StoreUnavailable(f"MongoDB unreachable at {self.describe()}: {type(error).__name__}") from None

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # -- schema -----------------------------------------------------------------------------
    def ensure_indexes(self) -> bool:
        """Create the indexes consumers rely on; returns whether the text index exists."""
        articles = self.articles
        articles.create_index("url", unique=True, name="url_unique")
        articles.create_index([("published_at", pymongo.DESCENDING)], name="published_at_desc")
        articles.create_index([("section", pymongo.ASCENDING), ("published_at", pymongo.DESCENDING)],
                              name="section_published_at")
        articles.create_index("last_seen_at", name="last_seen_at")
        articles.create_index("content_changed_at", name="content_changed_at")
        for collection in (articles, self.versions, self.misses, self.crawl_state):
            collection.create_index("updated_at", name="updated_at_1")
        self.ensure_content_index()
        self.versions.create_index("article_key", name="article_key")
        try:
            articles.create_index([("title", pymongo.TEXT), ("body", pymongo.TEXT)], name="title_body_text")
            return True
        except OperationFailure as error:
            if error.code != TEXT_INDEX_UNSUPPORTED:
                raise
            logger.info("This MongoDB server has no text indexes; the title/body text index was not created")
            return False

    def ensure_content_index(self) -> None:
        """An index on `content_hash`, not unique: an article's identity is its key, and two articles
        may rightly hold one text (an older article edited into a newer one's). Copies at other URLs
        met for the first time are still folded into the original (`resolve_copies`). A database made
        by an earlier crawler has the unique index, which refused such an edit every crawl: dropped."""
        try:
            self.articles.drop_index("content_hash_unique")
            logger.info("The unique index on content_hash of %s was dropped: two articles may hold one text",
                        self.describe())
        except OperationFailure as error:
            if error.code != INDEX_NOT_FOUND:
                raise
        self.articles.create_index("content_hash", name="content_hash")

    def server_time(self) -> datetime:
        """The database server's clock, now."""
        try:
            moment = self.client.admin.command("hello")["localTime"]
        except PyMongoError as error:
            raise self.unavailable(error) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)

    # -- reading ----------------------------------------------------------------------------
    def unavailable(self, error: Exception) -> StoreUnavailable:
        return StoreUnavailable(f"MongoDB unreachable at {self.describe()}: {type(error).__name__}")

    def stored_index(self, site: str | None = None) -> StoredIndex:
        """A fresh read of what is stored (of `site`, or of every site): ids, dates, content hashes
        and aliases only (a projection), not the documents. Raises StoreUnavailable."""
        try:
            return StoredIndex(list(self.articles.find({"site": site} if site else {}, INDEX_FIELDS)))
        except PyMongoError as error:
            raise self.unavailable(error) from None

    def crawl_start_index(self) -> StoredIndex:
        """What was stored when the crawl started, read once for whoever asks first (the spider's
        incremental rules, the dedupe pipeline) and kept for the other."""
        with self._index_lock:
            if self._crawl_start_index is None:
                self._crawl_start_index = self.stored_index()
            return self._crawl_start_index

    def stored_keys(self, keys: list[str]) -> set[str]:
        """Which of `keys` are stored articles."""
        return {doc["_id"] for doc in self.articles.find({"_id": {"$in": keys}}, {"_id": 1})}

    # -- what crawls remember of each other -------------------------------------------------------
    def record_misses(self, misses: list[dict], now: datetime) -> None:
        """Articles that failed for good in a crawl (`key`, `site`, `url`, `reason`): remembered
        with how often they failed, until a crawl stores them."""
        ops = [UpdateOne({"_id": miss["key"]}, {
            "$set": {"site": miss["site"], "url": miss["url"], "reason": miss["reason"], "last_failed_at": now},
            "$setOnInsert": {"first_failed_at": now}, "$inc": {"attempts": 1}, **TOUCH}, upsert=True) for miss in misses]
        if ops:
            self.misses.bulk_write(ops, ordered=False)

    def missed(self, site: str) -> list[dict]:
        """The articles of `site` earlier crawls could not store."""
        try:
            return list(self.misses.find({"site": site}))
        except PyMongoError as error:
            raise self.unavailable(error) from None

    def mark_seen_unchanged(self, keys: list[str], now: datetime) -> None:
        """Stored articles a re-visit found unchanged (the server answered 304): seen, so `last_seen_at`
        moves (a removal check moves on to others) and a miss is one no longer; nothing a consumer sees
        changes, so `updated_at` stays."""
        if not keys:
            return
        self.articles.update_many({"_id": {"$in": keys}}, {"$max": {"last_seen_at": now}})
        self.forget_misses(keys)

    def mark_removed(self, keys: list[str], now: datetime) -> int:
        """Stored articles the site no longer has (a 404, the app's not-found view): marked with
        `removed_at`, kept; returns how many were newly marked."""
        if not keys:
            return 0
        return self.articles.update_many({"_id": {"$in": keys}, "removed_at": None},
                                         {"$set": {"removed_at": now}, **TOUCH}).modified_count

    def state(self, site: str) -> dict:
        try:
            return self.crawl_state.find_one({"_id": site}) or {}
        except PyMongoError as error:
            raise self.unavailable(error) from None

    def set_state_once(self, site: str, **values) -> None:
        """Values kept at their earliest (the first time something happened)."""
        self.crawl_state.update_one({"_id": site}, {"$min": values}, upsert=True)

    def set_state(self, site: str, **values) -> None:
        self.crawl_state.update_one({"_id": site}, {"$set": values, **TOUCH}, upsert=True)

    # -- writing ----------------------------------------------------------------------------
    def write(self, docs: list[ArticleDoc], now: datetime, _depth: int = 0) -> WriteResult:
        """Store a batch: unordered bulk upserts, versions kept on content changes.

        Idempotent: repeating a batch (a retry, a dead-letter replay) gives the same documents.
        Raises ConnectionFailure when the server is unreachable; per-document errors come back in
        `WriteResult.failed`.
        """
        result = WriteResult()
        if not docs:
            return result
        docs = merge_same_key(docs)
        existing = {d["_id"]: d for d in self.articles.find({"_id": {"$in": [doc.key for doc in docs]}})}
        docs = self.resolve_copies(docs, existing, result)
        versions, article_ops, inserts, changed, refreshed, stale = {}, [], set(), set(), set(), set()
        for doc in docs:
            old = existing.get(doc.key)
            if old is None:
                inserts.add(len(article_ops))
                article_ops.append(self.insert_op(doc, now))
            elif older_than_stored(doc.fields, old, now):
                article_ops.append(self.aliases_op(doc.key, doc.aliases))  # an older fetch: only its URLs are news
                stale.add(doc.key)
            elif old.get("content_hash") != doc.fields.get("content_hash"):
                versions[len(article_ops)] = self.version_op(old, now)
                article_ops.append(self.changed_op(doc, old, now))
                changed.add(doc.key)
            elif corrected := corrected_fields(safe_keys(doc.fields), old):
                article_ops.append(self.refresh_op(doc, old, corrected, now))
                refreshed.add(doc.key)
            else:
                article_ops.append(self.upsert_op(doc, old, now))
        # The previous version first: a crawl killed between the two writes loses no version.
        if versions:
            self.versions.bulk_write(list(versions.values()), ordered=False)
        errors, inserted = self.bulk(article_ops, inserts)
        self.forget_versions_not_superseded(versions, errors, docs, existing, changed)
        # Inserted meanwhile by another crawler process under the same key: written again, now
        # that the database holds the other process's document.
        raced = [i for i, (code, _) in errors.items() if code == DUPLICATE_KEY and i in inserts]
        if raced and _depth < 2:
            again = self.write([docs[i] for i in raced], now, _depth + 1)
            result.absorb(again)
            for index in raced:
                errors.pop(index)
                inserted.discard(index)
        self.forget_misses([doc.key for index, doc in enumerate(docs) if index not in errors])
        for index, doc in enumerate(docs):
            if index in raced and _depth < 2:
                continue
            if index in errors:
                result.failed.append((doc, errors[index][1]))
            elif index in inserted:
                result.new += 1
            elif doc.key in changed:
                result.updated += 1
            elif doc.key in refreshed:
                result.refreshed += 1
            elif doc.key in stale:
                result.stale += 1
            else:
                result.unchanged += 1
        return result

    def forget_versions_not_superseded(self, versions: dict, errors: dict, docs: list[ArticleDoc], existing: dict,
                                       changed: set[str]) -> None:
        """A previous version is one only once the article's edit is stored: the snapshots of edits
        that failed go, and so does one left by a crawl killed between the two writes (a snapshot
        numbered as the article still is), when the article is next written unchanged."""
        orphans = [f"{docs[i].key}:v{int(existing[docs[i].key].get('version', 1))}" for i in versions if i in errors]
        orphans += [f"{doc.key}:v{int(existing[doc.key].get('version', 1))}" for doc in docs
                    if doc.key in existing and doc.key not in changed]
        if orphans:
            self.versions.delete_many({"_id": {"$in": orphans}})

    def forget_misses(self, keys: list[str]) -> None:
        """Stored at last: no longer a miss."""
        if keys:
            self.misses.delete_many({"_id": {"$in": keys}})

    def resolve_copies(self, docs: list[ArticleDoc], existing: dict, result: "WriteResult") -> list[ArticleDoc]:
        """One document per content, the earliest published: of a batch's copies and a stored
        document with the same content under another key, the earliest published is written (the
        others' URLs become its aliases, and a stored later copy is retired); a later copy only adds
        its URLs to the stored document's aliases. Counted in `result.copies`."""
        winners: dict[str, ArticleDoc] = {}
        kept: list[ArticleDoc] = []
        for doc in docs:
            digest = doc.fields.get("content_hash")
            if not digest or doc.key in existing:  # known keys keep their own versioning rules
                kept.append(doc)
                continue
            rival = winners.get(digest)
            if rival is None:
                winners[digest] = doc
                continue
            first, copy = (doc, rival) if published_earlier(doc.fields, doc.key, rival.fields, rival.key) else (rival, doc)
            first.aliases = unique_urls(first.aliases + copy.urls())
            winners[digest] = first
            result.copies += 1
        if not winners:
            return kept
        # A removed article's content is no reason to keep a live copy out.
        owners = self.articles.find({"content_hash": {"$in": list(winners)}, "removed_at": None},
                                    {"_id": 1, "url": 1, "aliases": 1, "published_at": 1, "content_hash": 1})
        retired, aliases = [], {}
        for owner in owners:
            doc = winners.get(owner["content_hash"])
            if doc is None or owner["_id"] == doc.key:
                continue
            result.copies += 1
            if published_earlier(doc.fields, doc.key, owner, owner["_id"]):
                doc.aliases = unique_urls(doc.aliases + [owner.get("url")] + list(owner.get("aliases") or []))
                retired.append(owner["_id"])
            else:
                aliases[owner["_id"]] = unique_urls(aliases.get(owner["_id"], []) + doc.urls())
                del winners[owner["content_hash"]]
        if retired:
            self.articles.delete_many({"_id": {"$in": retired}})
            result.retired.extend(retired)
        if aliases:
            self.add_aliases(aliases)
        return kept + list(winners.values())

    def bulk(self, ops: list, inserts: set[int]) -> tuple[dict[int, tuple[int, str]], set[int]]:
        """One unordered bulk write: ({op index: (error code, message)}, indexes of inserted docs)."""
        if not ops:
            return {}, inserts
        try:
            self.articles.bulk_write(ops, ordered=False)
            return {}, inserts
        except BulkWriteError as error:
            errors = {e["index"]: (e.get("code"), e.get("errmsg", "write error"))
                      for e in error.details.get("writeErrors", [])}
            return errors, inserts - set(errors)

    def insert_op(self, doc: ArticleDoc, now: datetime) -> UpdateOne:
        """A new article: inserted (with the database's time), never matching a stored one. Known
        to be absent; one stored meanwhile by another process fails with a duplicate key."""
        fields = safe_keys(doc.fields)
        document = {**fields, "aliases": list(dict.fromkeys(doc.aliases)), "first_seen_at": now, "last_seen_at": now,
                    "content_changed_at": now, "version": 1, "schema_version": SCHEMA_VERSION}
        return UpdateOne({"_id": doc.key, "first_seen_at": {"$exists": False}}, {"$setOnInsert": document, **TOUCH},
                         upsert=True)

    def upsert_op(self, doc: ArticleDoc, old: dict, now: datetime) -> UpdateOne:
        """A stored article, unchanged: only `last_seen_at` and `fetched_at`, the related block when
        this crawl saw it completely, and `removed_at` gone (seen live again); `updated_at` moves
        only when one of these is news to a consumer."""
        fields = safe_keys(doc.fields)
        latest = {"last_seen_at": now}
        if fields.get("fetched_at") is not None:
            latest["fetched_at"] = fields["fetched_at"]
        update = {"$max": latest, "$addToSet": {"aliases": {"$each": doc.aliases}}, "$unset": {"removed_at": ""},
                  "$set": crawler_own(fields)}
        visible = old.get("removed_at") is not None or not set(doc.aliases) <= set(old.get("aliases") or ())
        if seen_completely(fields):  # a block that timed out never replaces a stored one
            update["$set"].update(self.surroundings(fields))
            visible |= comparable(self.surroundings(fields)) != comparable(self.surroundings(old))
        if not update["$set"]:
            del update["$set"]
        if visible:
            update.update(TOUCH)
        return UpdateOne({"_id": doc.key}, update)

    def surroundings(self, fields: dict) -> dict:
        return {k: fields.get(k) for k in SURROUNDINGS}

    def changed_op(self, doc: ArticleDoc, old: dict, now: datetime) -> UpdateOne:
        fields = safe_keys(doc.fields)
        if not seen_completely(fields) and old.get("related_status") == "complete":
            fields = {k: v for k, v in fields.items() if k not in SURROUNDINGS}  # keep the complete list
        fields = {k: v for k, v in fields.items() if k not in CRAWLER_OWN} | crawler_own(fields)
        update = {
            "$set": {**fields, "content_changed_at": now, "version": int(old.get("version", 1)) + 1,
                     "schema_version": SCHEMA_VERSION},
            "$max": {"last_seen_at": now},
            "$addToSet": {"aliases": {"$each": doc.aliases}},
            "$unset": {"removed_at": ""},
            **TOUCH,
        }
        # Guarded by the old hash: a concurrent writer that already stored this edit wins once.
        return UpdateOne({"_id": doc.key, "content_hash": old.get("content_hash")}, update)

    def refresh_op(self, doc: ArticleDoc, old: dict, corrected: dict, now: datetime) -> UpdateOne:
        """Same content, other fields corrected (a date, the section, tags, a field a newer
        extractor reads): the document takes them, and the current shape, without a new version."""
        fields = safe_keys(doc.fields)
        update = {"$set": {**corrected, **crawler_own(fields), "schema_version": SCHEMA_VERSION},
                  "$max": {"last_seen_at": now},
                  "$addToSet": {"aliases": {"$each": doc.aliases}}, "$unset": {"removed_at": ""}, **TOUCH}
        if fields.get("fetched_at") is not None:
            update["$set"]["fetched_at"] = fields["fetched_at"]
        if seen_completely(fields):
            update["$set"].update(self.surroundings(fields))
        return UpdateOne({"_id": doc.key, "content_hash": old.get("content_hash")}, update)

    @staticmethod
    def aliases_op(key: str, urls: list[str]) -> UpdateOne:
        """URLs added to a stored article's `aliases` (and nothing else of it): it matches only
        when one of them is new, so that `updated_at` moves only then."""
        return UpdateOne({"_id": key, "aliases": {"$not": {"$all": list(urls)}}},
                         {"$addToSet": {"aliases": {"$each": list(urls)}}, **TOUCH})

    def version_op(self, old: dict, now: datetime) -> UpdateOne:
        key = old["_id"]
        snapshot = {k: v for k, v in old.items() if k not in ("_id", "updated_at")}
        snapshot.update(article_key=key, superseded_at=now)
        return UpdateOne({"_id": f"{key}:v{int(old.get('version', 1))}"}, {"$set": snapshot, **TOUCH}, upsert=True)

    def add_aliases(self, aliases: dict[str, list[str]]) -> int:
        """Add URLs to stored articles' `aliases`; returns how many articles were not found. A miss
        whose URL is among them is one no longer: the article is stored, as this copy's original."""
        ops = [self.aliases_op(key, urls) for key, urls in aliases.items() if urls]
        if not ops:
            return 0
        self.articles.bulk_write(ops, ordered=False)
        self.misses.delete_many({"url": {"$in": [url for urls in aliases.values() for url in urls]}})
        return len(aliases) - len(self.stored_keys(list(aliases)))


def published_earlier(fields: dict, key: str, other: dict, other_key: str) -> bool:
    """Whether `fields` were published before `other` (an undated article is never earlier; equal
    times: the smaller key, so that every process decides the same)."""
    mine, theirs = fields.get("published_at"), other.get("published_at")
    if mine is None or theirs is None:
        return theirs is None and mine is not None
    if mine.tzinfo is None:  # read back from a dead-letter file without zone: UTC, as stored
        mine = mine.replace(tzinfo=timezone.utc)
    if theirs.tzinfo is None:
        theirs = theirs.replace(tzinfo=timezone.utc)
    return (mine, key) < (theirs, other_key)


def as_utc(moment: datetime) -> datetime:
    """A stored instant as MongoDB keeps it: UTC, to the millisecond (naive ones read back from a
    dead-letter file are UTC)."""
    moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def older_than_stored(fields: dict, old: dict, now: datetime) -> bool:
    """Whether `fields` tell an older state of the article than the stored document: by the site's
    own `modified_at` where both have one and they differ, else by fetch times; a stored fetch
    time later than `now` (stamped by a clock that ran fast) tells nothing. A fetch from before
    the article was marked removed never brings it back."""
    mine, theirs = fields.get("modified_at"), old.get("modified_at")
    if isinstance(mine, datetime) and isinstance(theirs, datetime) and as_utc(mine) != as_utc(theirs):
        return as_utc(mine) < as_utc(theirs)
    fetched = fields.get("fetched_at")
    if not isinstance(fetched, datetime):
        return False
    removed, stored = old.get("removed_at"), old.get("fetched_at")
    if isinstance(removed, datetime) and as_utc(fetched) <= as_utc(removed):
        return True
    return isinstance(stored, datetime) and as_utc(fetched) < as_utc(stored) <= as_utc(now)


# Fields a re-visit of the same content may correct without a new version.
NOT_CORRECTIONS = (*SURROUNDINGS, *CRAWLER_OWN, "fetched_at", "content_hash")


def comparable(value):
    if isinstance(value, datetime):
        return as_utc(value)
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [comparable(v) for v in value]
    return value


def corrected_fields(fields: dict, old: dict) -> dict:
    """The fields whose values differ from the stored ones (the content being the same), and
    every field a document of an older shape lacks."""
    outdated = int(old.get("schema_version") or 1) < SCHEMA_VERSION
    corrected = {k: v for k, v in fields.items() if k not in NOT_CORRECTIONS
                 and (comparable(v) != comparable(old.get(k)) or (outdated and k not in old))}
    if "published_at_raw" in corrected and old.get("published_at_raw") and same_publication(fields, old):
        # The same instant told another way (an app's call writes ISO, its page a date in words):
        # the stored text stands, and a consumer sees no change.
        del corrected["published_at_raw"]
    if outdated:
        corrected["schema_version"] = SCHEMA_VERSION
    return corrected


def same_publication(fields: dict, old: dict) -> bool:
    return all(comparable(fields.get(k)) == comparable(old.get(k)) for k in ("published_at", "published_at_local"))


def crawler_own(fields: dict) -> dict:
    """The crawler's own fields this fetch brought (none: the stored ones stand)."""
    return {k: fields[k] for k in CRAWLER_OWN if fields.get(k)}


def seen_completely(fields: dict) -> bool:
    """Whether this crawl saw the related block whole: only then does it replace a stored one."""
    return fields.get("related_status") in ("complete", "absent")


def merge_same_key(docs: list[ArticleDoc]) -> list[ArticleDoc]:
    """One operation per key in a batch: the last fields win, aliases add up."""
    merged: dict[str, ArticleDoc] = {}
    for doc in docs:
        if doc.key in merged:
            aliases = list(dict.fromkeys(merged[doc.key].aliases + doc.aliases))
            merged[doc.key] = ArticleDoc(doc.key, doc.fields, aliases)
        else:
            merged[doc.key] = doc
    return list(merged.values())


def document_fields(adapter) -> dict:
    """The stored fields of an item (read through ItemAdapter), typed parts as plain dicts."""
    return {name: plain(adapter.get(name)) for name in STORED_FIELDS}


TRANSIENT_ERRORS = (ConnectionFailure,)
