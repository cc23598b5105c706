"""`python bench/render_ceiling.py URLS_FILE CONCURRENCY SETTLE_MS RENDERS_PER_CONTEXT RESULT_FILE [SITE]`

Render ceiling: bare Playwright (no Scrapy) opening article pages with the crawler's concurrency,
the same browser, the same blocked resources, the same page reuse and the same wait for each
related block."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time

from playwright.async_api import async_playwright

from newscrawler.sites import load_site
from newscrawler.rendering import BLOCKED_RESOURCE_TYPES, CHROMIUM_ARGS, RenderConfig, chromium_path
from newscrawler.rendering.scripts import article_page_methods


async def render_all(urls: list[str], config: RenderConfig, site: str) -> int:
    methods = article_page_methods(config, load_site(site).article_page)  # the crawler's own wait
    queue = list(reversed(urls))
    complete = 0

    async def block(route):
        await (route.abort() if route.request.resource_type in BLOCKED_RESOURCE_TYPES else route.continue_())

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=config.chromium_path, args=CHROMIUM_ARGS)

        async def worker():
            # One context with one page per worker, replaced after renders_per_context renders.
            nonlocal complete
            context = page = None
            renders = 0
            while queue:
                url = queue.pop()
                if page is None:
                    context = await browser.new_context(timezone_id=config.timezone_id)
                    page = await context.new_page()
                    await page.route("**", block)
                await page.goto(url)
                for method in methods:
                    result = await getattr(page, method.method)(*method.args, **method.kwargs)
                await page.content()
                complete += result["status"] == "complete"
                renders += 1
                if renders % config.renders_per_context == 0:
                    await context.close()
                    context = page = None
            if context is not None:
                await context.close()

        await asyncio.gather(*(worker() for _ in range(config.max_pages)))
        await browser.close()
    return complete


def main():
    urls = json.load(open(sys.argv[1]))
    concurrency, settle_ms, renders_per_context = (int(value) for value in sys.argv[2:5])
    result_file = sys.argv[5]
    site = sys.argv[6] if len(sys.argv) > 6 else "replica"
    config = RenderConfig(True, chromium_path(os.environ.get("NEWS_CHROMIUM_PATH")), 15000, settle_ms, concurrency,
                          30000, "newscrawler-bench", renders_per_context, "Asia/Seoul")
    started = time.monotonic()
    complete = asyncio.run(render_all(urls, config, site))
    result = {"pages": len(urls), "complete": complete, "crawl_s": round(time.monotonic() - started, 2)}
    with open(result_file, "w") as out:
        json.dump(result, out)


if __name__ == "__main__":
    main()
