"""`python bench/follow.py`: follow mode (`-a follow=1`) on the publishing replica, both editions.

Three follows, each a `scrapy crawl news -a follow=1` subprocess with MongoDB (SecantusDB) and real
Chromium, measured in one run:

1. Latency and losses, at the default interval (10 s): the replica publishes at 10x (flashes, bursts
   deeper than a page, articles, corrections, removals); midway the API answers 429 with
   `Retry-After` for 15 s, later it is down (no answer) for 20 s. Every flash and article
   published while following must be stored; publication to stored (`first_seen_at` minus
   `publishAt`) p50 and p95, over what was published outside the two faults and over everything.
2. Idle cost: a replica that publishes nothing, two editions: requests a minute and renders while
   following (goal: <= 30 requests a minute, 0 renders).
3. Memory over a long follow: 5,000 flashes published at 4000x; the crawl's RSS sampled every 5 s
   (the re-check window shortened to 15 s: at 4000x a 30-minute window would hold the whole run).

`--quick` shortens every phase (a smoke run, not figures to quote); `--phases memory` runs some only.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psutil
import pymongo
from common import machine, save

from replica.app import AppReplica, app_editions  # noqa: E402
from replica.flashes import flash_editions  # noqa: E402
from replica.publishing import PublishPlan  # noqa: E402
from servers import Crawl, MongoServer, wait_until  # noqa: E402


def follow(tmp: Path, app: AppReplica, mongo: str, database: str, name: str, **settings) -> Crawl:
    settings = {"NEWS_SITE_PROFILE": "coinness", "NEWS_API_URL": app.api_url, "LOG_LEVEL": "INFO", **settings}
    return Crawl(tmp, app.start_urls(), mongo, database, settings=settings, args={"follow": 1}, name=name)


def following(crawl: Crawl, timeout: float = 180) -> float:
    wait_until(lambda: crawl.log_file.exists() and "Following flashes:" in crawl.log_file.read_text(), timeout,
               "the crawl done, following", every=0.5)
    return time.time()


def stop(crawl: Crawl):
    crawl.process.send_signal(signal.SIGTERM)
    result = crawl.finish(timeout=120)
    if result.returncode != 0 or "Traceback" in result.log:
        raise RuntimeError(f"the follow did not end cleanly: {result.log[-2000:]}")
    return result


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else float("nan")


def outage(app: AppReplica, seconds: float) -> tuple[datetime, datetime]:
    """The API down for a while: every connection closed without an answer."""
    began = datetime.now(timezone.utc)
    app.site.faults.api_down = True
    time.sleep(seconds)
    app.site.faults.api_down = False
    return began, datetime.now(timezone.utc)


def published_flashes(app: AppReplica, since: datetime, until: datetime):
    for edition, timeline in app.site.flashes.items():
        for flash in timeline.flashes.values():
            if since <= flash.published <= until:
                yield f"coinness:{edition}:{flash.id}", flash


def published_articles(app: AppReplica, since: datetime, until: datetime):
    for url, article in app.ground_truth().items():
        if since <= article["published_at"] <= until:
            yield url, article


def latency_and_losses(tmp: Path, mongo: str, quick: bool) -> dict:
    minutes = 1.5 if quick else 4.0
    plan = PublishPlan(speed=10, hours=(minutes * 60 + 120) / 3600, flash_every_s=60, burst_every_s=900, burst_size=60,
                       burst_s=20, article_every_s=300, throttle_every_s=0, seed=11)
    flashes = flash_editions(seed=11, count=20, newest=datetime.now(timezone.utc) - timedelta(minutes=2))
    database = "bench_follow_latency"
    pymongo.MongoClient(mongo).drop_database(database)
    with AppReplica(app_editions(seed=11, sections=2, articles=5), flashes=flashes, publish=plan) as app:
        crawl = follow(tmp, app, mongo, database, "latency")
        begun = datetime.fromtimestamp(following(crawl), timezone.utc)
        span = minutes * 60
        time.sleep(span * 0.35)
        window = (datetime.now(timezone.utc), datetime.now(timezone.utc) + timedelta(seconds=15))
        app.site.publishing.throttles.append(window)                   # a 429 window of 15 s
        time.sleep(span * 0.3)
        down = outage(app, 20)                                         # then 20 s down
        time.sleep(span * 0.35)
        ended = datetime.now(timezone.utc)
        time.sleep(15)                                                 # what was published last is polled
        result = stop(crawl)
        wanted = dict(published_flashes(app, begun, ended))
        articles = dict(published_articles(app, begun, ended))
    db = pymongo.MongoClient(mongo, tz_aware=True)[database]
    stored = {doc["_id"]: doc for doc in db.flashes.find({"_id": {"$in": list(wanted)}})}
    visible = {key for key, flash in wanted.items() if flash.removed_at is None or flash.removed_at > flash.published
               + timedelta(seconds=30)}  # a flash removed within seconds may go before any poll sees it
    lost = sorted(visible - set(stored))
    stored_articles = {doc["url"]: doc for doc in db.articles.find({"url": {"$in": list(articles)}})}
    faults = [window, down]

    def clean(moment: datetime) -> bool:  # published neither in a fault nor in the 10 s before its end
        return not any(start - timedelta(seconds=10) <= moment <= end + timedelta(seconds=10) for start, end in faults)

    delays = {key: (doc["first_seen_at"] - wanted[key].published).total_seconds() for key, doc in stored.items()}
    article_delays = [(doc["first_seen_at"] - articles[url]["published_at"]).total_seconds()
                      for url, doc in stored_articles.items()]
    clean_delays = [d for key, d in delays.items() if clean(wanted[key].published)]
    return {
        "followed_min": round((ended - begun).total_seconds() / 60, 1), "flashes_published": len(wanted),
        "flashes_stored": len(stored), "flashes_lost": lost, "articles_published": len(articles),
        "articles_stored": len(stored_articles),
        "latency_p50_s": round(percentile(clean_delays, 0.5), 1), "latency_p95_s": round(percentile(clean_delays, 0.95), 1),
        "latency_max_s": round(max(clean_delays, default=float("nan")), 1),
        "latency_all_p50_s": round(percentile(list(delays.values()), 0.5), 1),
        "latency_all_p95_s": round(percentile(list(delays.values()), 0.95), 1),
        "article_latency_s": [round(d, 1) for d in sorted(article_delays)],
        "throttled_429": result.stat("news/throttled/429"), "polls": result.stat("news/follow/polls"),
        "polls_failed": result.stat("news/follow/polls_failed"),
    }


def idle_cost(tmp: Path, mongo: str, quick: bool) -> dict:
    database = "bench_follow_idle"
    pymongo.MongoClient(mongo).drop_database(database)
    with AppReplica(app_editions(seed=12, sections=2, articles=5)) as app:
        crawl = follow(tmp, app, mongo, database, "idle")
        following(crawl)
        time.sleep(5)                                                   # the first polls' walk of the window
        before = len(app.site.requests)
        seconds = 30 if quick else 120
        time.sleep(seconds)
        during = app.site.requests[before:]
        stop(crawl)
    pages = [path for path in during if not path.startswith("api:")]   # a render asks the site for its page
    return {"measured_s": seconds, "requests_per_min": round(len(during) * 60 / seconds, 1),
            "renders_per_min": round(len(pages) * 60 / seconds, 1), "editions": len(app.site.editions)}


def memory_over_a_long_follow(tmp: Path, mongo: str, quick: bool) -> dict:
    total = 1000 if quick else 5000
    seconds = 40 if quick else 150
    speed = 240 * (total / 2) / seconds                                # flash_every_s 240: total/2 an edition
    plan = PublishPlan(speed=speed, hours=seconds / 3600, burst_every_s=0, article_every_s=0, throttle_every_s=0,
                       seed=13)
    database = "bench_follow_memory"
    pymongo.MongoClient(mongo).drop_database(database)
    with AppReplica(app_editions(seed=13, sections=2, articles=5), publish=plan) as app:
        crawl = follow(tmp, app, mongo, database, "memory", NEWS_FOLLOW_RECHECK=0.25)
        following(crawl)
        process, samples, started = psutil.Process(crawl.process.pid), [], time.monotonic()
        while time.monotonic() - started < seconds + 10:
            samples.append(process.memory_info().rss / 2**20)
            time.sleep(5)
        result = stop(crawl)
        published = sum(len(timeline.flashes) for timeline in app.site.flashes.values())
    db = pymongo.MongoClient(mongo)[database]
    quarter = max(1, len(samples) // 4)
    return {"flashes_published": published, "flashes_stored": db.flashes.count_documents({}),
            "rss_mib_first_quarter": round(statistics.mean(samples[:quarter]), 1),
            "rss_mib_last_quarter": round(statistics.mean(samples[-quarter:]), 1),
            "rss_mib_max": round(max(samples), 1), "pages": result.stat("news/follow/pages")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--phases", default="latency,idle,memory", help="comma-separated: which to run")
    args = parser.parse_args()
    phases = set(args.phases.split(","))
    mongo = MongoServer().start()
    results = {"machine": machine()}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name, phase in (("latency", latency_and_losses), ("idle", idle_cost),
                                ("memory", memory_over_a_long_follow)):
                if name in phases:
                    results[name] = phase(Path(tmp), mongo.uri, args.quick)
                    print(f"{name}:", results[name], flush=True)
    finally:
        mongo.stop()
    if not args.quick:
        print("saved:", save("follow" if phases >= {"latency", "idle", "memory"} else "follow-" + "-".join(sorted(phases)),
                             results))


if __name__ == "__main__":
    main()
