"""`python bench/classic.py --size 2000`: the classic replica (server-rendered pages whose "More to
Read" block is filled by the page's script), crawled as users run it (`NEWS_RENDER_MODE=learn`, the
default: after a few renders, an article is one plain fetch plus its related calls) and rendering
every article (`always`, the crawl as it shipped before classic pages were learned). The replica
answers through nginx, compressed and chunked, as real sites do (`--no-front`: directly). No MongoDB:
items are written to a file and compared field by field. Prints, measured in one run: articles/s of
each and their ratio, renders beyond the learning ones as a share of the articles, the number of
fields in which the two crawls' items differ, and peak RSS."""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from common import BIN, browser, machine, run_measured, save
from scrapy.utils.project import get_project_settings

from replica.content import SiteContent  # noqa: E402
from replica.server import Replica  # noqa: E402

COMPARED = ("title", "section", "published_at", "published_at_local", "published_at_precision", "published_at_raw",
            "body", "headings", "image", "image_credits", "related", "related_status", "tags", "language", "summary")


def crawl(replica: Replica, tmp: Path, mode: str) -> dict:
    stats_file, items_file = tmp / f"{mode}-stats.json", tmp / f"{mode}-items.jsonl"
    command = [str(BIN / "scrapy"), "crawl", "news", "-a", f"start_url={replica.base_url}", "-s", "MONGO_URI=",
               "-s", "LOG_LEVEL=WARNING", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"NEWS_STATS_FILE={stats_file}",
               "-s", f"NEWS_RENDER_MODE={mode}", "-O", f"{items_file}:jsonlines"]
    measured = run_measured(command)
    stats = json.loads(stats_file.read_text())
    elapsed = stats.get("elapsed_time_seconds") or measured["wall_s"]
    items = {item["url"]: item for item in map(json.loads, items_file.read_text().splitlines())}
    learning = 3  # NEWS_LEARN_RENDERS: one kind of page
    return {**measured, "crawl_s": round(elapsed, 2), "articles": len(items), "items": items,
            "renders": stats.get("news/renders", 0), "reads": stats.get("news/learn/read", 0),
            "checks": stats.get("news/learn/checked", 0),
            "renders_beyond_learning_share": round(max(0, stats.get("news/renders", 0) - learning) / len(items), 3)
            if mode == "learn" else 1.0,
            "articles_per_s": round(len(items) / elapsed, 2)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--results", default="classic")
    parser.add_argument("--no-front", action="store_true",
                        help="serve the replica directly (compressed all the same), without nginx in front")
    args = parser.parse_args()
    settings = get_project_settings()
    with Replica(SiteContent(seed=41, sections=6, articles=args.size), front=not args.no_front) as replica, \
            tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        learned, rendered = crawl(replica, tmp, "learn"), crawl(replica, tmp, "always")
        truth = replica.ground_truth()
    learned_items, rendered_items = learned.pop("items"), rendered.pop("items")
    differing = sum(learned_items.get(url, {}).get(name) != item.get(name)
                    for url, item in rendered_items.items() for name in COMPARED)
    ratio = round(learned["articles_per_s"] / rendered["articles_per_s"], 2)
    results = {"machine": machine(), "browser": browser(settings.get("NEWS_CHROMIUM_PATH")), "size": args.size,
               "articles_in_replica": len(truth), "learn": learned, "always": rendered,
               "differing_fields": differing, "learn_vs_always": ratio}
    print(f"{args.size} articles: learn: {learned['articles']} stored, {learned['renders']} renders "
          f"({learned['reads']} read with a plain fetch and the related call, {learned['checks']} of them checked; "
          f"renders beyond learning {learned['renders_beyond_learning_share']:.1%} of articles), "
          f"{learned['articles_per_s']} articles/s, peak RSS {learned['rss_total_mib']} MiB; always: "
          f"{rendered['articles']} stored, {rendered['renders']} renders, {rendered['articles_per_s']} articles/s, "
          f"peak RSS {rendered['rss_total_mib']} MiB; learn = {ratio}x always; fields differing: {differing}",
          flush=True)
    print("results:", save(args.results, results))


if __name__ == "__main__":
    main()
