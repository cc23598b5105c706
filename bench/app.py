"""`python bench/app.py --sizes 500 2000`: the `coinness` site on the app-mode replica.

For each size (articles over both editions): a crawl as users run it (no MongoDB, items counted),
and bare Playwright rendering the same article pages with the same wait (bench/render_ceiling.py).
Prints, measured in one run: renders against article pages (listings come from the feed and cost no
render), the crawl's articles/s against that ceiling, and peak RSS of the largest size against the
smallest."""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from common import BIN, ROOT, browser, machine, run_measured, save
from scrapy.utils.project import get_project_settings

from replica.app import AppReplica, app_editions  # noqa: E402


def crawl(app: AppReplica, tmp: Path) -> dict:
    stats_file = tmp / "crawl-stats.json"
    command = [str(BIN / "scrapy"), "crawl", "news", "-a", f"start_url={app.start_urls()}", "-s", "MONGO_URI=",
               "-s", "NEWS_SITE_PROFILE=coinness", "-s", f"NEWS_API_URL={app.api_url}", "-s", "LOG_LEVEL=WARNING",
               "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"NEWS_STATS_FILE={stats_file}"]
    measured = run_measured(command)
    stats = json.loads(stats_file.read_text())
    elapsed = stats.get("elapsed_time_seconds") or measured["wall_s"]
    articles = stats.get("item_scraped_count", 0)
    return {**measured, "crawl_s": round(elapsed, 2), "articles": articles,
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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--results", default="app")
    args = parser.parse_args()
    settings = get_project_settings()
    results = {"machine": machine(), "browser": browser(settings.get("NEWS_CHROMIUM_PATH")), "sizes": {}}
    for size in args.sizes:
        with AppReplica(app_editions(seed=31, sections=6, articles=size // 2)) as app, \
                tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            row = {"crawl": crawl(app, tmp), "ceiling": ceiling(app, tmp, settings)}
        row["crawl_vs_ceiling"] = round(row["crawl"]["articles_per_s"] / row["ceiling"]["articles_per_s"], 3)
        results["sizes"][size] = row
        c = row["crawl"]
        print(f"{size} articles: {c['articles']} stored, {c['renders']} renders for {c['article_pages']} article pages, "
              f"{c['listing_requests']} feed requests, {c['listings_rendered']} listings rendered; "
              f"{c['articles_per_s']} articles/s vs ceiling {row['ceiling']['articles_per_s']} "
              f"= {row['crawl_vs_ceiling']}; peak RSS {c['rss_total_mib']} MiB", flush=True)
    sizes = sorted(results["sizes"])
    if len(sizes) > 1:
        low, high = results["sizes"][sizes[0]]["crawl"], results["sizes"][sizes[-1]]["crawl"]
        results["rss_ratio"] = round(high["rss_total_mib"] / low["rss_total_mib"], 3)
        print(f"peak RSS at {sizes[-1]} / at {sizes[0]}: {results['rss_ratio']}")
    print("results:", save(args.results, results))


if __name__ == "__main__":
    main()
