"""Dead-letter files: what could not be stored, as JSON Lines that `scrapy replay` stores later.

Each line is one record, MongoDB Extended JSON (dates stay dates), whose `kind` says where it is
stored: `{"kind": "article", "key", "fields", "aliases", "error"}` and `{"kind": "aliases", "key",
"urls", "error"}` (articles), `{"kind": "flash", "key", "fields", "read_at", "error"}` (flashes).

A crawl has one file for all its store pipelines (`crawl_dead_letters`): records the file cannot
take yet (a full disk) wait in memory, and what is still unwritten when the last pipeline closes is
reported lost.
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import datetime, timezone
from pathlib import Path

from bson import json_util

logger = logging.getLogger(__name__)
JSON_OPTIONS = json_util.JSONOptions(json_mode=json_util.JSONMode.RELAXED, tz_aware=True,
                                     tzinfo=timezone.utc)

# The kinds of record, each with the plural its counts go by (`news/lost/<plural>`, the messages).
ARTICLE, ALIASES, FLASH = "article", "aliases", "flash"
KIND_PLURALS = {ARTICLE: "articles", ALIASES: "alias_records", FLASH: "flashes"}


class DeadLetterFile:
    """Appends records to a file created on the first record (no empty files for good crawls)."""

    def __init__(self, template: str, spider_name: str = "crawl"):
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        # Absolute: the replay command printed must run from anywhere (Scrapyd crawls in its own directory).
        self.path = Path(template % {"spider": spider_name, "time": stamp, "pid": os.getpid()}).absolute()
        self.count = 0
        self._lock = threading.Lock()

    def write(self, records: list[dict], error: str) -> None:
        """Append `records`, each one line ended by a newline. A line left torn by an earlier
        writer (a full disk, a killed process) is ended first, so that no record is glued to it."""
        if not records:
            return
        lines = "".join(json_util.dumps({**record, "error": error}, json_options=JSON_OPTIONS) + "\n"
                        for record in records)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a+b") as handle:
                if handle.tell() and not ends_with_newline(handle):
                    handle.write(b"\n")
                handle.write(lines.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
            self.count += len(records)


def ends_with_newline(handle) -> bool:
    handle.seek(-1, os.SEEK_END)
    return handle.read(1) == b"\n"


def read_records(path: str | Path, skipped: list[str] | None = None) -> list[dict]:
    """The records of a dead-letter file. A line that is no whole record (torn by a full disk or
    a killed process) is skipped with a warning naming it (also added to `skipped`): the others
    are still stored."""
    records = []
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            line = raw.decode("utf-8", errors="replace")
            if not line.strip():
                continue
            try:
                record = json_util.loads(line, json_options=JSON_OPTIONS)
            except ValueError as error:
                record = f"not a whole dead-letter record ({error})"
            if not isinstance(record, dict) or "kind" not in record:
                problem = f"{path}:{number}: {record if isinstance(record, str) else 'not a dead-letter record'}, skipped"
                logger.warning("%s", problem)
                if skipped is not None:
                    skipped.append(problem)
                continue
            records.append(record)
    return records


class CrawlDeadLetters:
    """The dead letters of one crawl, shared by its store pipelines (one file, one closing report).

    Each pipeline `open()`s it when it opens and `close()`s it after its last flush; the last to
    close tries the file once more for what it could not take yet, and reports."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.template = crawler.settings.get("NEWS_DEADLETTER_PATH")
        self.file: DeadLetterFile | None = None
        self.unwritten: list[tuple[dict, str]] = []  # (record, reason) the file could not take yet
        self.users = 0

    def open(self) -> None:
        self.users += 1
        # Named when the first pipeline opens: the file's time is the crawl's start, whichever
        # pipeline writes to it first.
        if self.file is None:
            spider = self.crawler.spider
            self.file = DeadLetterFile(self.template, spider.name if spider else "crawl")

    def add(self, records: list[dict], reason: str) -> None:
        """Write `records` (and those waiting) to the file. Where it cannot be written either (a
        full disk), they wait in memory and are written with the next dead letters or at close."""
        pending = self.unwritten + [(record, reason) for record in records]
        # One write per reason, each record's own reason kept; what was written leaves `pending`
        # at once, so that a failure midway never writes a record twice.
        for each in dict.fromkeys(r for _, r in pending):
            batch = [record for record, r in pending if r == each]
            try:
                self.file.write(batch, each)
            except OSError as failure:
                self.keep_unwritten(pending, failure)
                return
            pending = [(record, r) for record, r in pending if r != each]
            self.count_written(batch, each)
        self.unwritten = []
        self.stats.set_value("news/store/deadletter_unwritten", 0)

    def count_written(self, records: list[dict], reason: str) -> None:
        self.stats.inc_value("news/store/dead_lettered", len(records))
        for plural, count in count_by_kind(records).items():
            self.stats.inc_value(f"news/store/dead_lettered/{plural}", count)
        logger.warning("%d records dead-lettered to %s: %s", len(records), self.file.path, reason)

    def keep_unwritten(self, pending: list[tuple[dict, str]], failure: OSError) -> None:
        self.unwritten = pending
        self.stats.set_value("news/store/deadletter_unwritten", len(pending))
        logger.error("%d records could not be written to %s either (%s); kept in memory, written again "
                     "with the next dead letters or at close", len(pending), self.file.path, failure)

    def close(self) -> None:
        # Only the last pipeline to close reports: the others' records may still be on their way.
        self.users -= 1
        if self.users > 0 or self.file is None:
            return
        if self.unwritten:  # a last try: the disk may have room again
            self.add([], "written at close")
        if self.unwritten:
            self.report_lost()
        if self.file.count:
            self.stats.set_value("news/store/deadletter_file", str(self.file.path))
            logger.warning("%d records could not be stored; they are in %s. Store them later with: "
                           "scrapy replay %s", self.file.count, self.file.path, self.file.path)

    def report_lost(self) -> None:
        """What neither MongoDB nor the dead-letter file took is gone when the process ends: said
        in one ERROR with its counts, and counted where the monitors, the summary and the exit
        code look (`news/lost/<kind>`)."""
        lost = count_by_kind([record for record, _ in self.unwritten])
        for kind, count in lost.items():
            self.stats.set_value(f"news/lost/{kind}", count)
        logger.error("%s scraped by this crawl are lost: neither MongoDB nor the dead-letter file %s took them",
                     described_counts(lost), self.file.path)


def crawl_dead_letters(crawler) -> CrawlDeadLetters:
    """The crawl's one dead-letter sink, kept on the crawler for every store pipeline."""
    dead_letters = getattr(crawler, "news_dead_letters", None)
    if dead_letters is None:
        dead_letters = crawler.news_dead_letters = CrawlDeadLetters(crawler)
    return dead_letters


def count_by_kind(records: list[dict]) -> dict[str, int]:
    """How many records of each kind there are, by plural, in the order of `KIND_PLURALS`
    (`{"articles": 3, "flashes": 1}`); kinds without a record are left out."""
    plurals = [KIND_PLURALS.get(record.get("kind"), "records") for record in records]
    order = [*KIND_PLURALS.values(), "records"]
    return {plural: plurals.count(plural) for plural in order if plural in plurals}


def described_counts(counts: dict[str, int]) -> str:
    """`3 articles, 1 alias records and 2 flashes`: counts as a sentence says them."""
    parts = [f"{count} {plural.replace('_', ' ')}" for plural, count in counts.items()]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
