"""`python bench/app.py --sizes 500 2000`: the `coinness` site on the app-mode replica.

For each size (articles over both editions): a crawl as users run it (`NEWS_RENDER_MODE=learn`, the
default: render only to learn and to check), the same crawl rendering every article (`always`), and
bare Playwright rendering the same article pages with the same wait (bench/render_ceiling.py). The
replica answers through nginx, compressed and chunked, as real sites do (`--no-front`: directly). No
MongoDB: items are written to a file and compared, field by field, between the two crawls. Prints,
measured in one run: articles/s of each against the ceiling, renders beyond the learning ones as a
share of the articles, the number of fields in which the two crawls' items differ (the publication's
raw text aside: an article read from the app's calls keeps the call's text), and peak RSS."""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from common import BIN, ROOT, browser, machine, run_measured, save
from scrapy.utils.project import get_project_settings

from replica.app import AppReplica, app_editions  # noqa: E402


COMPARED = ("title", "section", "published_at", "published_at_local", "published_at_precision", "body", "headings",
            "image", "image_credits", "related", "related_status", "tags", "language", "summary")


def crawl(app: AppReplica, tmp: Path, mode: str = "learn") -> dict:
    stats_file, items_file = tmp / f"{mode}-stats.json", tmp / f"{mode}-items.jsonl"
    command = [str(BIN / "scrapy"), "crawl", "news", "-a", f"start_url={app.start_urls()}", "-s", "MONGO_URI=",
               "-s", "NEWS_SITE_PROFILE=coinness", "-s", f"NEWS_API_URL={app.api_url}", "-s", "LOG_LEVEL=WARNING",
               "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"NEWS_STATS_FILE={stats_file}",
               "-s", f"NEWS_RENDER_MODE={mode}", "-O", f"{items_file}:jsonlines"]
    measured = run_measured(command)
    stats = json.loads(stats_file.read_text())
    elapsed = stats.get("elapsed_time_seconds") or measured["wall_s"]
    items = {item["url"]: item for item in map(json.loads, items_file.read_text().splitlines())}
    articles = len(items)
    learning = 3 * len(app.site.editions)  # NEWS_LEARN_RENDERS per edition
    return {**measured, "crawl_s": round(elapsed, 2), "articles": articles, "items": items,
            "reads": stats.get("news/learn/read", 0), "checks": stats.get("news/learn/checked", 0),
            "renders_beyond_learning_share": round(max(0, stats.get("news/renders", 0) - learning) / articles, 3)
            if mode == "learn" else 1.0,
            "article_pages": stats.get("news/pages/article", 0), "renders": stats.get("news/renders", 0),
            "listing_requests": stats.get("news/pages/listing", 0),
            "listings_rendered": stats.get("news/pages/listing_rendered", 0),
            "articles_per_s": round(articles / elapsed, 2)}


def ceiling(app: AppReplica, tmp: Path, settings) -> dict:
    urls_file, result_file = tmp / "articles.json", tmp / "ceiling.json"
    urls_file.write_text(json.dumps(sorted(app.ground_truth())))
    measured = run_measured([str(BIN / "python"), str(ROOT / "bench" / "render_ceiling.py"), str(urls_file),
                             str(settings.getint("NEWS_RENDER_CONCURRENCY")), str(settings.getint("NEWS_RELATED_SETTLE_MS")),
                             str(settings.getint("NEWS_RENDERS_PER_CONTEXT")), str(result_file), "coinness"])
    result = {**measured, **json.loads(result_file.read_text())}
    result["articles_per_s"] = round(result["pages"] / result["crawl_s"], 2)
    return result


def calls_at_once(settings) -> int:
    """The calls the crawl may have at once at the API's host: the loop is given as many."""
    return min(settings.getint("CONCURRENT_REQUESTS"), settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))


def http_loop(app: AppReplica, tmp: Path, settings) -> dict:
    """The same JSON calls in a bare asyncio loop (bench/http_loop.py): the floor of reading the API."""
    result_file = tmp / "http-loop.json"
    measured = run_measured([str(BIN / "python"), str(ROOT / "bench" / "http_loop.py"), app.api_url,
                             ",".join(app.site.editions), str(result_file),
                             str(calls_at_once(settings)), app.site.names["related"]])
    result = {**measured, **json.loads(result_file.read_text())}
    result["articles_per_s"] = round(result["articles"] / result["crawl_s"], 2)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--results", default="app")
    parser.add_argument("--no-front", action="store_true",
                        help="serve the replica directly (compressed all the same), without nginx in front")
    args = parser.parse_args()
    settings = get_project_settings()
    results = {"machine": machine(), "browser": browser(settings.get("NEWS_CHROMIUM_PATH")), "sizes": {},
               "served": "replica" if args.no_front else "nginx before the replica (brotli, gzip, chunked)"}
    for size in args.sizes:
        with AppReplica(app_editions(seed=31, sections=6, articles=size // 2), front=not args.no_front) as app, \
                tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            row = {"crawl": crawl(app, tmp), "always": crawl(app, tmp, "always"), "ceiling": ceiling(app, tmp, settings),
                   "http_loop": http_loop(app, tmp, settings)}
        learned, rendered = row["crawl"].pop("items"), row["always"].pop("items")
        row["differing_fields"] = sum(learned.get(url, {}).get(name) != item.get(name)
                                      for url, item in rendered.items() for name in COMPARED)
        row["crawl_vs_ceiling"] = round(row["crawl"]["articles_per_s"] / row["ceiling"]["articles_per_s"], 3)
        row["always_vs_ceiling"] = round(row["always"]["articles_per_s"] / row["ceiling"]["articles_per_s"], 3)
        row["crawl_vs_http_loop"] = round(row["crawl"]["articles_per_s"] / row["http_loop"]["articles_per_s"], 3)
        results["sizes"][size] = row
        c, a = row["crawl"], row["always"]
        print(f"{size} articles: learn: {c['articles']} stored, {c['renders']} renders ({c['reads']} read from the "
              f"app's calls, {c['checks']} of them checked; renders beyond learning {c['renders_beyond_learning_share']:.1%} "
              f"of articles), {c['articles_per_s']} articles/s = {row['crawl_vs_ceiling']}x the bare Playwright loop "
              f"({row['ceiling']['articles_per_s']}/s), peak RSS {c['rss_total_mib']} MiB; always: {a['renders']} renders, "
              f"{a['articles_per_s']} articles/s = {row['always_vs_ceiling']}x, peak RSS {a['rss_total_mib']} MiB; "
              f"fields differing between the two: {row['differing_fields']}; a bare HTTP loop making the same JSON "
              f"calls: {row['http_loop']['articles_per_s']} articles/s ({row['http_loop']['calls']} calls), the crawl "
              f"= {row['crawl_vs_http_loop']}x of it", flush=True)
    sizes = sorted(results["sizes"])
    if len(sizes) > 1:
        low, high = results["sizes"][sizes[0]]["crawl"], results["sizes"][sizes[-1]]["crawl"]
        results["rss_ratio"] = round(high["rss_total_mib"] / low["rss_total_mib"], 3)
        print(f"peak RSS at {sizes[-1]} / at {sizes[0]}: {results['rss_ratio']}")
    print("results:", save(args.results, results))


if __name__ == "__main__":
    main()
