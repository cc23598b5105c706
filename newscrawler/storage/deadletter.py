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
        self.path = Path(template % {"spider": spider_name, "time": stamp, "pid": os.getpid()})
        self.count = 0
        self._lock = threading.Lock()

    def write(self, records: list[dict], error: str) -> None:
        if not records:
            return
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                for record in records:
                    handle.write(json_util.dumps({**record, "error": error}, json_options=JSON_OPTIONS) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            self.count += len(records)


def read_records(path: str | Path) -> list[dict]:
    """The records of a dead-letter file; a line that does not parse raises ValueError naming it."""
    records = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                records.append(json_util.loads(line, json_options=JSON_OPTIONS))
            except ValueError as error:
                raise ValueError(f"{path}:{number}: not a dead-letter record ({error})") from None
    return records
