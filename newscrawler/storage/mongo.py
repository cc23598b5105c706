"""MongoDB storage of articles (pymongo): documents, indexes, versioned bulk upserts.

Synchronous and thread-safe: the pipeline runs these calls off the reactor thread; the replay
command calls them directly. `docs/article-schema.md` describes the stored shape.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import pymongo
from pymongo import InsertOne, MongoClient, ReplaceOne, UpdateOne
from pymongo.errors import BulkWriteError, ConnectionFailure, OperationFailure, PyMongoError

from ..incremental import KnownArticles
from ..items import plain, stored_fields

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
TEXT_INDEX_UNSUPPORTED = 67  # CannotCreateIndex: servers without text search
DUPLICATE_KEY = 11000
# Fields that describe the page around the article rather than its content: refreshed by every
# crawl that saw them completely, without making a new version.
SURROUNDINGS = ("related", "related_status")
STORED_FIELDS = stored_fields()


class StoreUnavailable(RuntimeError):
    """The server cannot be reached; the message names host and database, never a password."""


def mask_uri(uri: str) -> str:
    """`mongodb://user:****@host/db`: safe for logs, stats and errors."""
    parts = urlsplit(uri)
    if parts.password is None and "@" not in parts.netloc:
        return uri
    userinfo, _, hosts = parts.netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    return urlunsplit((parts.scheme, f"{user}:****@{hosts}", parts.path, parts.query, ""))


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
        return {"kind": "article", "key": self.key, "fields": self.fields, "aliases": self.aliases}

    @classmethod
    def from_record(cls, record: dict) -> "ArticleDoc":
        return cls(record["key"], record["fields"], list(record.get("aliases") or []))


@dataclass
class WriteResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[tuple[ArticleDoc, str]] = field(default_factory=list)


class MongoArticleStore:
    def __init__(self, uri: str, database: str = "newscrawler", collection: str = "articles",
                 versions: str = "article_versions", timeout_s: float = 5.0):
        self.uri = uri
        self.database_name = database
        self.collection_name = collection
        self.versions_name = versions
        self.timeout_ms = int(timeout_s * 1000)
        self._client: MongoClient | None = None

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
        articles.create_index("content_hash", name="content_hash")
        self.versions.create_index("article_key", name="article_key")
        try:
            articles.create_index([("title", pymongo.TEXT), ("body", pymongo.TEXT)], name="title_body_text")
            return True
        except OperationFailure as error:
            if error.code != TEXT_INDEX_UNSUPPORTED:
                raise
            logger.info("This MongoDB server has no text indexes; the title/body text index was not created")
            return False

    # -- reading ----------------------------------------------------------------------------
    def unavailable(self, error: Exception) -> StoreUnavailable:
        return StoreUnavailable(f"MongoDB unreachable at {self.describe()}: {type(error).__name__}")

    def content_hashes(self) -> dict[str, str]:
        """{content_hash: _id} of every stored article."""
        try:
            cursor = self.articles.find({}, {"content_hash": 1})
            return {doc["content_hash"]: doc["_id"] for doc in cursor if doc.get("content_hash")}
        except PyMongoError as error:
            raise self.unavailable(error) from None

    def known_articles(self, site: str, revisit_days: float, now: datetime) -> KnownArticles:
        """The ids stored for `site`, and those published in the last `revisit_days` (or without a
        date: a later crawl may read it), which incremental crawls fetch again. Reads only ids and
        dates (a projection), not the documents. Raises StoreUnavailable."""
        recent = now - timedelta(days=revisit_days)
        known = KnownArticles()
        try:
            for doc in self.articles.find({"site": site}, {"_id": 0, "article_id": 1, "published_at": 1}):
                known.ids.add(doc["article_id"])
                published = doc.get("published_at")
                if published is None or published >= recent:
                    known.revisit.add(doc["article_id"])
        except PyMongoError as error:
            raise self.unavailable(error) from None
        return known

    def stored_keys(self, keys: list[str]) -> set[str]:
        """Which of `keys` are stored articles."""
        return {doc["_id"] for doc in self.articles.find({"_id": {"$in": keys}}, {"_id": 1})}

    # -- writing ----------------------------------------------------------------------------
    def write(self, docs: list[ArticleDoc], now: datetime) -> WriteResult:
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
        version_ops, article_ops, changed = [], [], set()
        for doc in docs:
            old = existing.get(doc.key)
            if old is None:
                # Known to be absent: a plain insert costs the server far less than an upsert.
                article_ops.append(self.insert_op(doc, now))
            elif old.get("content_hash") != doc.fields.get("content_hash"):
                version_ops.append(self.version_op(old, now))
                article_ops.append(self.changed_op(doc, old, now))
                changed.add(doc.key)
            else:
                article_ops.append(self.upsert_op(doc, now))
        if version_ops:
            self.versions.bulk_write(version_ops, ordered=False)
        errors, inserted = self.bulk(article_ops)
        # Inserted meanwhile by another crawler process: store it the way an upsert would.
        raced = [i for i, (code, _) in errors.items() if code == DUPLICATE_KEY and isinstance(article_ops[i], InsertOne)]
        if raced:
            retry_errors, _ = self.bulk([self.upsert_op(docs[i], now) for i in raced])
            for position, index in enumerate(raced):
                inserted.discard(index)
                if position in retry_errors:
                    errors[index] = retry_errors[position]
                else:
                    errors.pop(index)
        for index, doc in enumerate(docs):
            if index in errors:
                result.failed.append((doc, errors[index][1]))
            elif index in inserted:
                result.new += 1
            elif doc.key in changed:
                result.updated += 1
            else:
                result.unchanged += 1
        return result

    def bulk(self, ops: list) -> tuple[dict[int, tuple[int, str]], set[int]]:
        """One unordered bulk write: ({op index: (error code, message)}, indexes of inserted docs)."""
        inserts = {i for i, op in enumerate(ops) if isinstance(op, InsertOne)}
        try:
            self.articles.bulk_write(ops, ordered=False)
            return {}, inserts
        except BulkWriteError as error:
            errors = {e["index"]: (e.get("code"), e.get("errmsg", "write error"))
                      for e in error.details.get("writeErrors", [])}
            return errors, inserts - set(errors)

    def insert_op(self, doc: ArticleDoc, now: datetime) -> InsertOne:
        fields = safe_keys(doc.fields)
        return InsertOne({"_id": doc.key, **fields, "aliases": list(dict.fromkeys(doc.aliases)),
                          "first_seen_at": now, "last_seen_at": now, "content_changed_at": now,
                          "version": 1, "schema_version": SCHEMA_VERSION})

    def upsert_op(self, doc: ArticleDoc, now: datetime) -> UpdateOne:
        """New article: the whole document. Known and unchanged: only `last_seen_at` (and the
        related block when this crawl saw it completely)."""
        fields = safe_keys(doc.fields)
        on_insert = {k: v for k, v in fields.items() if k not in SURROUNDINGS}
        on_insert.update(first_seen_at=now, content_changed_at=now, version=1, schema_version=SCHEMA_VERSION)
        update = {"$setOnInsert": on_insert, "$max": {"last_seen_at": now},
                  "$addToSet": {"aliases": {"$each": doc.aliases}}}
        update["$set"] = self.surroundings(fields)
        return UpdateOne({"_id": doc.key}, update, upsert=True)

    def surroundings(self, fields: dict) -> dict:
        return {k: fields.get(k) for k in SURROUNDINGS}

    def changed_op(self, doc: ArticleDoc, old: dict, now: datetime) -> UpdateOne:
        fields = safe_keys(doc.fields)
        update = {
            "$set": {**fields, "content_changed_at": now, "version": int(old.get("version", 1)) + 1,
                     "schema_version": SCHEMA_VERSION},
            "$max": {"last_seen_at": now},
            "$addToSet": {"aliases": {"$each": doc.aliases}},
        }
        # Guarded by the old hash: a concurrent writer that already stored this edit wins once.
        return UpdateOne({"_id": doc.key, "content_hash": old.get("content_hash")}, update)

    def version_op(self, old: dict, now: datetime) -> ReplaceOne:
        key = old["_id"]
        snapshot = {**old, "_id": f"{key}:v{int(old.get('version', 1))}", "article_key": key, "superseded_at": now}
        return ReplaceOne({"_id": snapshot["_id"]}, snapshot, upsert=True)

    def add_aliases(self, aliases: dict[str, list[str]]) -> int:
        """Add URLs to stored articles' `aliases`; returns how many articles were not found."""
        ops = [UpdateOne({"_id": key}, {"$addToSet": {"aliases": {"$each": urls}}}) for key, urls in aliases.items()]
        if not ops:
            return 0
        outcome = self.articles.bulk_write(ops, ordered=False)
        return len(ops) - outcome.matched_count


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
