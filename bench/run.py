"""`make bench`: crawl throughput of four modes on one replica, and the render ceiling.

    .venv/bin/python bench/run.py [--articles 500] [--concurrency N] [--renders-per-context N]
                                  [--chromium PATH] [--modes ...] [--no-render-ceiling] [--results NAME]

--concurrency, --renders-per-context and --chromium default to the project's settings.

Modes, on the same replica in one run: (a) ceiling: bare Scrapy fetching the same listing and
article URLs, no parsing, no pipelines, no browser; (b) newscrawler with rendering off;
(c) newscrawler as shipped; (d) naive: every request through Playwright, nothing blocked, network
idle plus a fixed pause. AutoThrottle is off in all four (it measures politeness, not the crawler),
and no MongoDB is used (bench/storage.py measures storage). Writes bench/results/crawl-<N>.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from common import BIN, ROOT, browser, machine, run_measured, save
from scrapy.utils.project import get_project_settings

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


def crawl(mode: str, replica: Replica, urls_file: Path, tmp: Path, args) -> dict:
    stats_file = tmp / f"{mode}.json"
    measured = run_measured([str(BIN / "python"), str(ROOT / "bench" / "crawl.py"), mode, replica.base_url + "/",
                             str(urls_file), str(stats_file)],
                            env=browser_env(args))
    stats = json.loads(stats_file.read_text())
    elapsed = stats.get("elapsed_time_seconds") or measured["wall_s"]
    pages = stats.get("news/pages/article", 0) + stats.get("news/pages/listing", 0)
    articles = stats.get("item_scraped_count", 0) or stats.get("news/pages/article", 0)
    return {**measured, "crawl_s": round(elapsed, 2), "pages": pages, "articles": articles,
            "renders": stats.get("news/renders", 0), "pages_per_s": round(pages / elapsed, 2),
            "articles_per_s": round(articles / elapsed, 2),
            "cpu_ms_per_article": round(1000 * measured["cpu_s"] / max(articles, 1))}


def browser_env(args) -> dict:
    """The rendering options of this run, for bench/crawl.py and bench/render_ceiling.py."""
    return {"NEWS_BENCH_RENDER_CONCURRENCY": str(args.concurrency),
            "NEWS_BENCH_RENDERS_PER_CONTEXT": str(args.renders_per_context),
            "NEWS_CHROMIUM_PATH": args.chromium or ""}


def render_ceiling(article_urls: list[str], tmp: Path, args, settle_ms: int) -> dict:
    urls_file, result_file = tmp / "articles.json", tmp / "render-ceiling.json"
    urls_file.write_text(json.dumps(article_urls))
    measured = run_measured([str(BIN / "python"), str(ROOT / "bench" / "render_ceiling.py"), str(urls_file),
                             str(args.concurrency), str(settle_ms), str(args.renders_per_context), str(result_file)],
                            env=browser_env(args))
    result = {**measured, **json.loads(result_file.read_text())}
    result["articles_per_s"] = round(result["pages"] / result["crawl_s"], 2)
    result["cpu_ms_per_article"] = round(1000 * measured["cpu_s"] / max(result["pages"], 1))
    return result


def main():
    defaults = get_project_settings()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=defaults.getint("NEWS_RENDER_CONCURRENCY"),
                        help="NEWS_RENDER_CONCURRENCY: pages rendered at once in (c), (d) and the render ceiling")
    parser.add_argument("--renders-per-context", type=int, default=defaults.getint("NEWS_RENDERS_PER_CONTEXT"),
                        help="NEWS_RENDERS_PER_CONTEXT of (c) and the render ceiling")
    parser.add_argument("--chromium", default=defaults.get("NEWS_CHROMIUM_PATH"),
                        help="NEWS_CHROMIUM_PATH: the browser of (c), (d) and the render ceiling")
    parser.add_argument("--results", help="name of the JSON file under bench/results/ (default crawl-<articles>)")
    parser.add_argument("--modes", nargs="+", default=["ceiling", "plain", "shipped", "naive"],
                        choices=["ceiling", "plain", "shipped", "naive"])
    parser.add_argument("--no-render-ceiling", action="store_true")
    args = parser.parse_args()
    content = SiteContent(seed=21, sections=6, articles=args.articles)
    results = {"machine": machine(), "browser": browser(args.chromium), "articles": args.articles, "concurrency": args.concurrency,
               "renders_per_context": args.renders_per_context, "modes": {}}
    with Replica(content) as replica, tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        article_urls = [replica.base_url + a.path for a in content.articles.values()]
        urls_file = tmp / "urls.json"
        urls_file.write_text(json.dumps(listing_urls(replica) + article_urls))
        for mode in args.modes:
            results["modes"][mode] = crawl(mode, replica, urls_file, tmp, args)
            print(mode, results["modes"][mode], flush=True)
        if not args.no_render_ceiling:
            results["render_ceiling"] = render_ceiling(article_urls, tmp, args,
                                                       defaults.getint("NEWS_RELATED_SETTLE_MS"))
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
    print(f"\nmachine: {results['machine']}; browser: {results['browser']}")
    print(f"replica: {args.articles} articles; {args.concurrency} renders at once, "
          f"{args.renders_per_context} renders per context")
    print(f"{'mode':<10}{'wall s':>8}{'pages/s':>9}{'articles/s':>11}{'renders':>9}{'CPU ms/article':>16}"
          f"{'RSS crawler':>13}{'RSS Chromium':>14}")
    for mode, row in modes.items():
        print(f"{mode:<10}{row['crawl_s']:>8}{row['pages_per_s']:>9}{row['articles_per_s']:>11}{row['renders']:>9}"
              f"{row['cpu_ms_per_article']:>16}{row['rss_crawler_mib']:>10} MiB{row['rss_browser_mib']:>11} MiB")
    if "render_ceiling" in results:
        ceiling = results["render_ceiling"]
        print(f"render ceiling (bare Playwright): {ceiling['crawl_s']} s, {ceiling['articles_per_s']} articles/s, "
              f"{ceiling['cpu_ms_per_article']} CPU ms/article, {ceiling['complete']}/{ceiling['pages']} complete")
    for name, value in results["ratios"].items():
        print(f"{name}: {value}")
    print("saved", save(args.results or f"crawl-{args.articles}", results))


if __name__ == "__main__":
    sys.exit(main())
