"""Save rendered replica article pages for the parser tests: `.venv/bin/python tests/data/save_pages.py`.

Each case is `pages/<name>.html.gz` (the HTML as the crawler parses it: rendered by Chromium, the
related block filled) beside `pages/<name>.json` (its URL, when it was saved, and the fields the
parser must find, from the replica's ground truth). Run it again after a change to the replica's
markup, and check the diff of the JSON files.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from newscrawler.sites import load_site  # noqa: E402
from newscrawler.rendering import CHROMIUM_ARGS, RenderConfig, chromium_path, related_block_method  # noqa: E402
from replica import Replica, SiteContent  # noqa: E402

PAGES = Path(__file__).parent / "pages"
EXPECTED_FIELDS = ["url", "article_id", "title", "section", "published_at_raw", "summary", "body", "headings",
                   "tags", "related"]


def pick_cases(content: SiteContent) -> dict[str, int]:
    """One article for each shape the parser meets: with and without JSON-LD, a credit paragraph
    in the body, no hero, no related cards, reachable only through related blocks."""
    articles = list(content.articles.values())
    shapes = {
        "jsonld": lambda a: a.jsonld,
        "no-jsonld": lambda a: not a.jsonld,
        "body-credit": lambda a: any(b.kind == "credit" for b in a.blocks),
        "no-hero": lambda a: a.hero_credit is None,
        "no-related": lambda a: not a.related_ids,
        "related-only": lambda a: not a.listed,
    }
    return {name: next(a.id for a in articles if test(a)) for name, test in shapes.items()
            if any(test(a) for a in articles)}


async def render(urls: dict[str, str]) -> dict[str, str]:
    config = RenderConfig(True, None, 15000, 200, 1, 30000, "newscrawler-tests")
    method = related_block_method(config, load_site("replica").article_page.related)
    pages = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(None), args=CHROMIUM_ARGS)
        context = await browser.new_context(timezone_id="UTC")
        page = await context.new_page()
        for name, url in urls.items():
            await page.goto(url)
            result = await page.evaluate(*method.args)
            if result["status"] != "complete":
                raise RuntimeError(f"related block of {url} is {result['status']}")
            pages[name] = await page.content()
        await browser.close()
    return pages


def main() -> None:
    content = SiteContent(seed=7, sections=6, articles=40)
    cases = pick_cases(content)
    PAGES.mkdir(parents=True, exist_ok=True)
    with Replica(content) as replica:
        truth = content.ground_truth(replica.base_url)
        urls = {name: replica.base_url + content.articles[i].path for name, i in cases.items()}
        html = asyncio.run(render(urls))
    saved_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    for name, url in urls.items():
        expected = {field: truth[url][field] for field in EXPECTED_FIELDS}
        (PAGES / f"{name}.html.gz").write_bytes(gzip.compress(html[name].encode(), mtime=0))
        case = {"url": url, "saved_at": saved_at, "expected": expected}
        (PAGES / f"{name}.json").write_text(json.dumps(case, indent=1, ensure_ascii=False) + "\n")
        print("saved", name, url)


if __name__ == "__main__":
    main()
