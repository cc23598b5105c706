"""`make demo`: crawl a local replica of the site into MongoDB and summarise what was stored.

Starts the replica (6 sections, 120 articles) on 127.0.0.1, uses MONGO_URI when set or else an
embedded SecantusDB server whose storage lives in ./data/mongo (kept between runs), runs
`scrapy crawl news`, prints a summary read back from MongoDB, and stops what it started.
`python demo.py --query` prints the latest stored articles.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pymongo

ROOT = Path(__file__).resolve().parent
DATA = ROOT / "data"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from replica import Replica, SiteContent  # noqa: E402


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


def crawl(start_url: str, mongo_uri: str, database: str, stats_file: Path) -> int:
    env = {**os.environ, "MONGO_URI": mongo_uri, "MONGO_DATABASE": database, "PYTHONPATH": str(ROOT),
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [str(BIN / "scrapy"), "crawl", "news", "-a", f"start_url={start_url}",
               "-s", f"NEWS_STATS_FILE={stats_file}", "-s", "LOG_LEVEL=INFO"]
    print("$", " ".join(command[1:]), flush=True)
    return subprocess.run(command, cwd=ROOT, env=env).returncode


def summary(mongo_uri: str, database: str, replica: Replica, stats: dict, seconds: float) -> None:
    client = pymongo.MongoClient(mongo_uri, tz_aware=True)
    try:
        articles = client[database]["articles"]
        stored_ids = {d["article_id"] for d in articles.find({"site": "replica"}, {"article_id": 1})}
    finally:
        client.close()
    truth = replica.content.articles
    related_only = [a for a in truth.values() if not a.listed]
    print("\n== newscrawler demo ==")
    print(f"articles on the replica:          {len(truth)}")
    print(f"articles stored in MongoDB:       {len(stored_ids & {str(i) for i in truth})} of {len(truth)}")
    print(f"reachable only via 'More to Read': {sum(str(a.id) in stored_ids for a in related_only)} of {len(related_only)} stored")
    print(f"Chromium renders:                 {stats.get('news/renders', 0)} in "
          f"{stats.get('news/render/contexts_opened', 0)} browser pages "
          f"(listing pages rendered: {stats.get('news/pages/listing_rendered', 0)})")
    print(f"new / updated / unchanged:        {stats.get('news/store/new', 0)} / {stats.get('news/store/updated', 0)}"
          f" / {stats.get('news/store/unchanged', 0)}")
    print(f"duration:                         {seconds:.1f} s")
    print(f"\nQuery the results:  .venv/bin/python demo.py --query" if not os.environ.get("MONGO_URI") else
          f"\nQuery the results:  mongosh '{database}' --eval 'db.articles.find().sort({{published_at:-1}}).limit(5)'")


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
    parser.add_argument("--articles", type=int, default=120)
    parser.add_argument("--sections", type=int, default=6)
    parser.add_argument("--database", default=os.environ.get("MONGO_DATABASE", "newscrawler"))
    parser.add_argument("--query", action="store_true", help="print the latest stored articles and exit")
    parser.add_argument("--limit", type=int, default=10)
    args = parser.parse_args()
    if args.query:
        query(args.database, args.limit)
        return 0
    DATA.mkdir(exist_ok=True)
    stats_file = DATA / "demo-stats.json"
    content = SiteContent(seed=1, sections=args.sections, articles=args.articles)
    with Replica(content, port=free_port(8765)) as replica, mongo_server() as uri:
        print(f"replica: {replica.base_url}/  ({args.articles} articles)   store: {uri}  database: {args.database}")
        started = time.monotonic()
        code = crawl(replica.base_url + "/", uri, args.database, stats_file)
        seconds = time.monotonic() - started
        stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
        summary(uri, args.database, replica, stats, seconds)
    return code


if __name__ == "__main__":
    sys.exit(main())
