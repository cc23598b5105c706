"""Render ceiling: bare Playwright (no Scrapy) opening article pages with the crawler's concurrency,
blocking the same resources and waiting for each related block with the same script."""

from __future__ import annotations

import asyncio
import json
import sys
import time

from playwright.async_api import async_playwright

from newscrawler.profiles import load_profile
from newscrawler.rendering import BLOCKED_RESOURCE_TYPES, CHROMIUM_ARGS, RenderConfig, chromium_path, related_block_method


async def render_all(urls: list[str], concurrency: int, config: RenderConfig) -> int:
    method = related_block_method(config, load_profile("replica"))
    gate = asyncio.Semaphore(concurrency)
    complete = 0

    async def block(route):
        await (route.abort() if route.request.resource_type in BLOCKED_RESOURCE_TYPES else route.continue_())

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(None), args=CHROMIUM_ARGS)

        async def one(url):
            nonlocal complete
            async with gate:
                context = await browser.new_context(timezone_id="UTC")
                page = await context.new_page()
                await page.route("**", block)
                await page.goto(url)
                result = await page.evaluate(*method.args)
                await page.content()
                complete += result["status"] == "complete"
                await context.close()

        await asyncio.gather(*(one(url) for url in urls))
        await browser.close()
    return complete


def main():
    urls = json.load(open(sys.argv[1]))
    concurrency = int(sys.argv[2])
    config = RenderConfig(True, None, 15000, 400, concurrency, 30000, "newscrawler-bench")
    started = time.monotonic()
    complete = asyncio.run(render_all(urls, concurrency, config))
    print(json.dumps({"pages": len(urls), "complete": complete, "wall_s": time.monotonic() - started}))


if __name__ == "__main__":
    main()
