"""`make bench`: crawl throughput of four modes on one replica, the render ceiling, and storage.

    .venv/bin/python bench/run.py [--articles 500] [--concurrency 4] [--modes ...] [--no-render-ceiling]

Modes, on the same replica in one run: (a) ceiling: bare Scrapy fetching the same listing and
article URLs, no parsing, no pipelines, no browser; (b) newscrawler with rendering off;
(c) newscrawler as shipped; (d) naive: every request through Playwright, nothing blocked, network
idle plus a fixed pause. AutoThrottle is off in all four (it measures politeness, not the crawler),
and no MongoDB is used (bench/storage.py measures storage). Writes bench/results/crawl-<N>.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from common import BIN, ROOT, machine, run_measured, save

from replica import Replica, SiteContent  # noqa: E402
from replica.server import PAGE_SIZE  # noqa: E402


def listing_urls(replica: Replica) -> list[str]:
    content, base = replica.content, replica.base_url
    urls = [base + "/"]
    for slug, _ in content.sections:
        pages = max(1, -(-len(content.newest_first(section=slug)) // PAGE_SIZE))
        urls += [f"{base}/section/{slug}"] + [f"{base}/section/{slug}?page={n}" for n in range(2, pages + 1)]
    pages = max(1, -(-len(content.newest_first()) // PAGE_SIZE))
    urls += [f"{base}/articles"] + [f"{base}/articles?page={n}" for n in range(2, pages + 1)]
    return urls


def crawl(mode: str, replica: Replica, urls_file: Path, tmp: Path, concurrency: int) -> dict:
    stats_file = tmp / f"{mode}.json"
    measured = run_measured([str(BIN / "python"), str(ROOT / "bench" / "crawl.py"), mode, replica.base_url + "/",
                             str(urls_file), str(stats_file)], env={"NEWS_BENCH_RENDER_CONCURRENCY": str(concurrency)})
    stats = json.loads(stats_file.read_text())
    elapsed = stats.get("elapsed_time_seconds") or measured["wall_s"]
    pages = stats.get("news/pages/article", 0) + stats.get("news/pages/listing", 0)
    articles = stats.get("item_scraped_count", 0) or stats.get("news/pages/article", 0)
    return {**measured, "crawl_s": round(elapsed, 2), "pages": pages, "articles": articles,
            "renders": stats.get("news/renders", 0), "pages_per_s": round(pages / elapsed, 2),
            "articles_per_s": round(articles / elapsed, 2)}


def render_ceiling(article_urls: list[str], concurrency: int, tmp: Path) -> dict:
    urls_file = tmp / "articles.json"
    urls_file.write_text(json.dumps(article_urls))
    command = [str(BIN / "python"), str(ROOT / "bench" / "render_ceiling.py"), str(urls_file), str(concurrency)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": str(BIN)})
    result = json.loads(done.stdout)
    result["articles_per_s"] = round(result["pages"] / result["wall_s"], 2)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=4, help="NEWS_RENDER_CONCURRENCY of mode (c)")
    parser.add_argument("--modes", nargs="+", default=["ceiling", "plain", "shipped", "naive"],
                        choices=["ceiling", "plain", "shipped", "naive"])
    parser.add_argument("--no-render-ceiling", action="store_true")
    args = parser.parse_args()
    content = SiteContent(seed=21, sections=6, articles=args.articles)
    results = {"machine": machine(), "articles": args.articles, "modes": {}}
    with Replica(content) as replica, tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        article_urls = [replica.base_url + a.path for a in content.articles.values()]
        urls_file = tmp / "urls.json"
        urls_file.write_text(json.dumps(listing_urls(replica) + article_urls))
        for mode in args.modes:
            results["modes"][mode] = crawl(mode, replica, urls_file, tmp, args.concurrency)
            print(mode, results["modes"][mode], flush=True)
        if not args.no_render_ceiling:
            results["render_ceiling"] = render_ceiling(article_urls, args.concurrency, tmp)
    modes = results["modes"]
    ratios = {}
    if {"plain", "ceiling"} <= set(modes):
        ratios["plain_vs_ceiling_pages_per_s"] = modes["plain"]["pages_per_s"] / modes["ceiling"]["pages_per_s"]
    if "shipped" in modes and "render_ceiling" in results:
        ratios["shipped_vs_render_ceiling_articles_per_s"] = \
            modes["shipped"]["articles_per_s"] / results["render_ceiling"]["articles_per_s"]
    if {"shipped", "naive"} <= set(modes):
        ratios["shipped_vs_naive_articles_per_s"] = modes["shipped"]["articles_per_s"] / modes["naive"]["articles_per_s"]
    results["ratios"] = {k: round(v, 2) for k, v in ratios.items()}
    print(f"\nmachine: {results['machine']}; replica: {args.articles} articles")
    print(f"{'mode':<10}{'wall s':>8}{'pages/s':>9}{'articles/s':>11}{'renders':>9}{'RSS crawler':>13}{'RSS Chromium':>14}")
    for mode, row in modes.items():
        print(f"{mode:<10}{row['crawl_s']:>8}{row['pages_per_s']:>9}{row['articles_per_s']:>11}{row['renders']:>9}"
              f"{row['rss_crawler_mib']:>10} MiB{row['rss_browser_mib']:>11} MiB")
    if "render_ceiling" in results:
        ceiling = results["render_ceiling"]
        print(f"render ceiling (bare Playwright): {ceiling['articles_per_s']} articles/s, "
              f"{ceiling['complete']}/{ceiling['pages']} complete")
    for name, value in results["ratios"].items():
        print(f"{name}: {value}")
    print("saved", save(f"crawl-{args.articles}", results))


if __name__ == "__main__":
    sys.exit(main())
