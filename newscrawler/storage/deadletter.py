"""Dead-letter files: what could not be stored, as JSON Lines that `scrapy replay` stores later.

Each line is one record, MongoDB Extended JSON (dates stay dates): `{"kind": "article", "key",
"fields", "aliases", "error"}` or `{"kind": "aliases", "key", "urls", "error"}`.
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
