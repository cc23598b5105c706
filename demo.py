"""`make demo`: crawl a local replica of the site into MongoDB and summarise what was stored.

Starts the replica on 127.0.0.1 behind a real nginx, as real sites answer (compressed, chunked,
keep-alive): by default in its app mode, the shape of the real site (an app shell, a JSON API on a
second port, editions `en` and `ko`, 60 articles each); `--mode classic` for the server-rendered one
(120 articles). The summary says how nginx encoded its answers. Uses MONGO_URI when set or else an embedded SecantusDB
server whose storage lives in ./data/mongo (kept between runs), runs `scrapy crawl news` with its
log in ./data/demo.log, shows its progress, prints a summary read back from MongoDB, and stops what
it started. `python demo.py --query` prints the latest stored articles. `--follow SECONDS` (app
mode): the replica keeps publishing (20 times faster than the site) and the crawl stays that long
after it is done (`-a follow=1`), printing each new flash and article as it is stored, with the
time from its publication to MongoDB.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pymongo

ROOT = Path(__file__).resolve().parent
DATA = ROOT / "data"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from newscrawler.storage.mongo import mask_uri  # noqa: E402
from replica import Replica, SiteContent  # noqa: E402
from replica.app import AppReplica, app_editions  # noqa: E402
from replica.publishing import PublishPlan  # noqa: E402

FOLLOW_SPEED = 20  # a demo's minute shows what the real site publishes in twenty

PROGRESS = re.compile(r"Crawled (\d+) pages .*?scraped (\d+) items")


def free_port(preferred: int = 0) -> int:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", preferred))
        except OSError:
            sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def mongo_server():
    """MONGO_URI when set; else SecantusDB on a free loopback port, storage under ./data/mongo."""
    if os.environ.get("MONGO_URI"):
        yield os.environ["MONGO_URI"]
        return
    storage = DATA / "mongo"
    storage.mkdir(parents=True, exist_ok=True)
    port = free_port()
    process = subprocess.Popen([str(BIN / "secantusd-py"), "--host", "127.0.0.1", "--port", str(port),
                                "--storage-path", str(storage)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    uri = f"mongodb://127.0.0.1:{port}"
    try:
        client = pymongo.MongoClient(uri, serverSelectionTimeoutMS=15000)
        client.admin.command("ping")
        client.close()
        yield uri
    finally:
        process.terminate()
        process.wait(15)


def crawl(start_url: str, mongo_uri: str, database: str, stats_file: Path, log_file: Path, site: str,
          settings: dict, follow_seconds: float = 0) -> int:
    """`scrapy crawl news` with its log in `log_file`; the terminal shows one line of progress, and
    with `follow_seconds`, a line per item stored while following, then SIGTERM."""
    env = {**os.environ, "MONGO_URI": mongo_uri, "MONGO_DATABASE": database, "PYTHONPATH": str(ROOT),
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [str(BIN / "scrapy"), "crawl", "news", "-a", f"start_url={start_url}",
               "-s", f"NEWS_STATS_FILE={stats_file}", "-s", "LOG_LEVEL=INFO", "-s", "LOGSTATS_INTERVAL=2",
               "--logfile", str(log_file)]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    if follow_seconds:
        command += ["-a", "follow=1"]
    print("$", " ".join(command[1:]), flush=True)
    log_file.unlink(missing_ok=True)
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    client = pymongo.MongoClient(mongo_uri, serverSelectionTimeoutMS=2000, tz_aware=True)
    try:
        before = client[database]["articles"].count_documents({"site": site})
        follow = Following(client[database], follow_seconds) if follow_seconds else None
        while process.poll() is None:
            time.sleep(1)
            if follow is not None and follow.began(log_file):
                if not follow.over:
                    follow.show_new()
                    if follow.is_over():
                        process.send_signal(signal.SIGTERM)
                continue
            show_progress(log_file, client[database]["articles"].count_documents({"site": site}) - before)
        # The last line from the crawl's final stats: its last log line of progress may come before
        # its last items.
        final = json.loads(stats_file.read_text()) if stats_file.exists() else None
        show_progress(log_file, client[database]["articles"].count_documents({"site": site}) - before, final)
        print(flush=True)
    finally:
        client.close()
    return process.returncode


class Following:
    """The follow's part of the demo: a line per flash or article stored since it began."""

    def __init__(self, db, seconds: float):
        self.db, self.seconds = db, seconds
        self.published_from = datetime.now(timezone.utc)  # what the replica publishes from now on
        self.since: float | None = None
        self.over = False
        self.shown: set[str] = set()
        self.latencies: list[float] = []

    def began(self, log_file: Path) -> bool:
        if self.since is None and log_file.exists() and "Following flashes:" in log_file.read_text(errors="replace"):
            self.since = time.time()
            print(f"\n  following for {self.seconds:g} s: each new item, and its publication to MongoDB", flush=True)
        return self.since is not None

    def show_new(self) -> None:
        for name, label in (("flashes", "flash  "), ("articles", "article")):
            query = {"_id": {"$nin": list(self.shown)}, "published_at": {"$gte": self.published_from}}
            for doc in self.db[name].find(query).sort("published_at", 1):
                self.shown.add(doc["_id"])
                latency = (doc["first_seen_at"] - doc["published_at"]).total_seconds()
                self.latencies.append(latency)
                print(f"  {label} {latency:5.1f} s  {doc['published_at']:%H:%M:%S}  {doc['title'][:70]}", flush=True)

    def is_over(self) -> bool:
        if time.time() - self.since < self.seconds:
            return False
        if self.latencies:
            ordered = sorted(self.latencies)
            print(f"  {len(ordered)} items stored while following; publication to MongoDB: median "
                  f"{ordered[len(ordered) // 2]:.1f} s, slowest {ordered[-1]:.1f} s", flush=True)
        print("  SIGTERM: the follow ends cleanly", flush=True)
        self.over = True
        return True


def show_progress(log_file: Path, stored: int, final_stats: dict | None = None) -> None:
    """pages fetched (listings, feed pages and articles), articles parsed, articles newly stored."""
    if final_stats is not None:
        pages, items = final_stats.get("response_received_count", 0), final_stats.get("item_scraped_count", 0)
    else:
        text = log_file.read_text(errors="replace") if log_file.exists() else ""
        found = PROGRESS.findall(text)
        pages, items = found[-1] if found else (0, 0)
    print(f"\r  pages fetched {pages:>5}   articles parsed {items:>5}   newly stored {stored:>5}", end="", flush=True)


def summary(mongo_uri: str, database: str, site: str, truth: dict, stats: dict, seconds: float,
            log_file: Path, flash_truth: dict | None = None) -> None:
    client = pymongo.MongoClient(mongo_uri, tz_aware=True)
    try:
        stored_urls = {d["url"] for d in client[database]["articles"].find({"site": site}, {"url": 1})}
        flashes = None
        if flash_truth is not None:
            shown = {d["url"] for d in client[database]["flashes"].find({"site": site, "removed_at": None}, {"url": 1})}
            flashes = (len(shown & set(flash_truth)), len(flash_truth))
    finally:
        client.close()
    related_only = [url for url, t in truth.items() if not t["listed"]]
    print("\n== newscrawler demo ==")
    print(f"site:                             {site}")
    print(f"articles on the replica:          {len(truth)}")
    print(f"articles stored in MongoDB:       {len(stored_urls & set(truth))} of {len(truth)}")
    print(f"reachable only via 'More to Read': {sum(url in stored_urls for url in related_only)} of {len(related_only)} stored")
    print(f"render mode:                      {settings_mode()}: {stats.get('news/renders', 0)} renders, "
          f"{stats.get('news/learn/read', 0)} articles read from the app's data calls "
          f"({stats.get('news/learn/checked', 0)} of them checked by a render)")
    print(f"Chromium renders:                 {stats.get('news/renders', 0)} in "
          f"{stats.get('news/render/contexts_opened', 0)} browser pages "
          f"(listing pages rendered: {stats.get('news/pages/listing_rendered', 0)})")
    print(f"new / updated / unchanged:        {stats.get('news/store/new', 0)} / {stats.get('news/store/updated', 0)}"
          f" / {stats.get('news/store/unchanged', 0)}")
    if flashes is not None:
        print(f"flashes stored in MongoDB:        {flashes[0]} of {flashes[1]} shown by the replica "
              f"(corrected {stats.get('news/flashes/store/updated', 0)}, removed {stats.get('news/flashes/removed', 0)})")
    print(f"duration:                         {seconds:.1f} s")
    print(f"the crawl's log:                  {log_file.relative_to(ROOT)}")
    print("\nQuery the results:  .venv/bin/python demo.py --query" if not os.environ.get("MONGO_URI") else
          f"\nQuery the results:  mongosh '{database}' --eval 'db.articles.find().sort({{published_at:-1}}).limit(5)'"
          f"  (server {mask_uri(mongo_uri)})")


def print_encodings(front) -> None:
    """How the front server's answers went out: what a crawler of a real site meets."""
    if front is None:
        print("answers:                          straight from the replica (--no-front)")
        return
    codings = front.encodings()
    told = ", ".join(f"{coding} {count}" for coding, count in sorted(codings.items(), key=lambda kv: -kv[1]))
    print(f"answers through nginx:            {sum(codings.values())} ({told})")


def settings_mode() -> str:
    """NEWS_RENDER_MODE as the crawl ran it (the environment, else the project's default)."""
    return os.environ.get("NEWS_RENDER_MODE") or "learn"


def query(database: str, limit: int) -> None:
    with mongo_server() as uri:
        client = pymongo.MongoClient(uri, tz_aware=True)
        try:
            for doc in client[database]["articles"].find().sort("published_at", -1).limit(limit):
                print(f"{doc['published_at']:%Y-%m-%d %H:%M} UTC  {doc['section']:<20}  {doc['title']}")
                print(f"    {doc['url']}  related={len(doc['related'])} ({doc['related_status']})")
        finally:
            client.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=("app", "classic"), default="app",
                        help="app: the real site's shape (default); classic: server-rendered pages")
    parser.add_argument("--articles", type=int, default=None, help="per edition (app: 60, classic: 120)")
    parser.add_argument("--sections", type=int, default=6)
    parser.add_argument("--database", default=os.environ.get("MONGO_DATABASE", "newscrawler"))
    parser.add_argument("--query", action="store_true", help="print the latest stored articles and exit")
    parser.add_argument("--no-front", action="store_true",
                        help="serve the replica directly, without nginx in front (compressed all the same)")
    parser.add_argument("--limit", type=int, default=10)
    parser.add_argument("--follow", type=float, default=0, metavar="SECONDS",
                        help="app mode: the replica keeps publishing; follow it this long after the crawl")
    args = parser.parse_args()
    if args.query:
        query(args.database, args.limit)
        return 0
    DATA.mkdir(exist_ok=True)
    stats_file, log_file = DATA / "demo-stats.json", DATA / "demo.log"
    if args.mode == "app":
        plan = PublishPlan(speed=FOLLOW_SPEED, hours=1, throttle_every_s=0) if args.follow else None
        replica = AppReplica(app_editions(1, args.sections, args.articles or 60), port=free_port(8765),
                             api_port=free_port(8766), front=not args.no_front, publish=plan)
        site, start_url, settings = "coinness", replica.start_urls(), {"NEWS_SITE_PROFILE": "coinness",
                                                                      "NEWS_API_URL": replica.api_url}
        described = f"{replica.base_url}/ (app; editions en, ko; API {replica.api_url})"
    else:
        replica = Replica(SiteContent(seed=1, sections=args.sections, articles=args.articles or 120),
                          port=free_port(8765), front=not args.no_front)
        site, start_url, settings = "replica", replica.base_url + "/", {}
        described = f"{replica.base_url}/ (classic)"
    with replica, mongo_server() as uri:
        truth = replica.ground_truth()
        print(f"replica: {described}, {len(truth)} articles   store: {mask_uri(uri)}  database: {args.database}")
        started = time.monotonic()
        code = crawl(start_url, uri, args.database, stats_file, log_file, site, settings,
                     args.follow if args.mode == "app" else 0)
        seconds = time.monotonic() - started
        stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
        if args.follow and args.mode == "app":  # what is published by the end counts, not what is planned
            truth = {url: t for url, t in replica.ground_truth().items() if t["published_at"].timestamp() <= time.time()}
        flash_truth = replica.flash_truth() if args.mode == "app" else None
        summary(uri, args.database, site, truth, stats, seconds, log_file, flash_truth)
        print_encodings(replica.front)
    return code


if __name__ == "__main__":
    sys.exit(main())
