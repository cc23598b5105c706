"""Rendering the lazy "More to Read" block with scrapy-playwright, and only that.

All `PLAYWRIGHT_*` settings are derived here, once, from the project's own settings; requests opt
in through `render_meta()`. The block is driven by one script evaluated in the page, so a render
costs one round trip between Scrapy and the browser, and the script bounds its own time: a slow
block ends as `partial` or `unavailable`, never as an exception.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import uuid
from dataclasses import dataclass

from scrapy.exceptions import DownloadTimeoutError
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
from scrapy_playwright.page import PageMethod

logger = logging.getLogger(__name__)

CLOSE_TIMEOUT_S = 10
RENDER_SLOT = "chromium"  # the download slot of every rendered request: the browser's capacity
BLOCKED_RESOURCE_TYPES = frozenset({"image", "font", "media", "stylesheet", "imageset", "texttrack"})
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]

# Scrolls the sentinel into view until the placeholder is gone and no card arrives during a quiet
# period; returns what it saw. The quiet period counts rendering frames as well as time: under
# load, IntersectionObserver reports (which arrive with frames) come late, and a time-only wait
# took a slow batch for the end of the block. Plain data in, plain data out: JOBDIR can pickle it.
RELATED_BLOCK_SCRIPT = """
async ({listSelector, cardSelector, loadingSelector, sentinelSelector, timeoutMs, settleMs}) => {
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const frame = () => Promise.race([new Promise((resolve) => requestAnimationFrame(resolve)), sleep(1000)]);
  const deadline = Date.now() + timeoutMs;
  const list = document.querySelector(listSelector);
  if (!list) return {status: "unavailable", cards: 0, reason: "no-block"};
  const count = () => list.querySelectorAll(cardSelector).length;
  const loading = () => list.querySelector(loadingSelector) !== null;
  const scroll = () => {
    const target = document.querySelector(sentinelSelector) || list;
    target.scrollIntoView({block: "end"});
    window.scrollBy(0, 1);
  };
  let seen = -1, quietSince = Date.now(), quietChecks = 0;
  while (Date.now() < deadline) {
    scroll();
    await frame();
    await frame();
    await sleep(50);
    const now = count();
    if (loading() || now !== seen) {
      seen = now;
      quietSince = Date.now();
      quietChecks = 0;
      continue;
    }
    quietChecks += 1;
    if (quietChecks >= 3 && Date.now() - quietSince >= settleMs) return {status: "complete", cards: now};
  }
  const cards = count();
  return {status: cards && !loading() ? "complete" : cards ? "partial" : "unavailable", cards, reason: "timeout"};
}
"""


@dataclass(frozen=True)
class RenderConfig:
    """Every rendering knob, read once from the crawler's settings."""

    enabled: bool
    chromium_path: str | None
    related_timeout_ms: int
    settle_ms: int
    max_pages: int
    navigation_timeout_ms: int
    user_agent: str

    @classmethod
    def from_settings(cls, settings) -> "RenderConfig":
        return cls(
            enabled=settings.getbool("NEWS_RENDER_RELATED", True),
            chromium_path=chromium_path(settings.get("NEWS_CHROMIUM_PATH")),
            related_timeout_ms=int(settings.getfloat("NEWS_RELATED_TIMEOUT", 15.0) * 1000),
            settle_ms=settings.getint("NEWS_RELATED_SETTLE_MS", 400),
            max_pages=settings.getint("NEWS_RENDER_CONCURRENCY", 4),
            navigation_timeout_ms=int(settings.getfloat("DOWNLOAD_TIMEOUT", 30) * 1000),
            user_agent=settings.get("USER_AGENT"),
        )

    def playwright_settings(self) -> dict:
        launch = {"headless": True, "args": CHROMIUM_ARGS}
        if self.chromium_path:
            launch["executable_path"] = self.chromium_path
        return {
            "PLAYWRIGHT_LAUNCH_OPTIONS": launch,
            # Renders are bounded by their download slot (RENDER_SLOT), not by scrapy-playwright's
            # context semaphore: a browser killed mid-render never gives its slots back to that
            # semaphore, and the crawl then waits forever (seen here).
            "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 1,
            "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": self.navigation_timeout_ms,
            "PLAYWRIGHT_ABORT_REQUEST": "newscrawler.rendering.should_abort_request",
            "PLAYWRIGHT_PROCESS_REQUEST_HEADERS": None,  # navigation and fetches share Scrapy's headers
        }

    def download_slots(self, existing: dict) -> dict:
        return {**existing, RENDER_SLOT: {"concurrency": self.max_pages, "delay": 0}}

    def context_kwargs(self) -> dict:
        return {"timezone_id": "UTC", "user_agent": self.user_agent, "accept_downloads": False,
                "java_script_enabled": True, "service_workers": "block"}


def chromium_path(configured: str | None) -> str | None:
    """The browser to launch: the setting, else Debian's Chromium, else Playwright's own (None)."""
    if configured:
        return configured
    return DEFAULT_CHROMIUM if os.path.exists(DEFAULT_CHROMIUM) else shutil.which("chromium")


def should_abort_request(request) -> bool:
    """Only the page, its scripts and its data calls load; no image, font, media or style."""
    return request.resource_type in BLOCKED_RESOURCE_TYPES or not request.url.startswith(("http:", "https:"))


def related_block_method(config: RenderConfig, profile) -> PageMethod:
    return PageMethod("evaluate", RELATED_BLOCK_SCRIPT, {
        "listSelector": profile.related_list,
        "cardSelector": profile.related_cards.replace(profile.related_list, "").strip() or "a",
        "loadingSelector": profile.related_loading.replace(profile.related_list, "").strip(),
        "sentinelSelector": profile.related_sentinel,
        "timeoutMs": config.related_timeout_ms,
        "settleMs": config.settle_ms,
    })


class RenderContexts:
    """One short-lived browser context per rendered page.

    Measured here: pages that share a context are tabs of one window, and Chromium runs the
    rendering steps of all but one of them late (IntersectionObserver reports arrived ~900 ms
    after a scroll instead of ~20 ms), so lazy blocks looked finished before they were. A context
    of its own gives each page its own window; closing it with the page keeps memory flat.
    """

    def __init__(self):
        # Names stay unique across a JOBDIR resume, whose queued requests carry the old run's names.
        self.run = uuid.uuid4().hex[:8]
        self.sequence = 0

    def next_name(self) -> str:
        self.sequence += 1
        return f"article-{self.run}-{self.sequence}"

    @staticmethod
    async def release(page) -> None:
        """Close the page and its context; a browser that is already gone has nothing to free."""
        if page is None:
            return
        try:
            # Bounded: closing a context of a browser that just died can wait forever.
            await asyncio.wait_for(page.context.close(), CLOSE_TIMEOUT_S)
        except Exception as error:  # noqa: BLE001 - any Playwright error means "already closed"
            logger.debug("Closing a render context failed: %s", error)


class TimeboxedPlaywrightHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler with a time limit on the whole render.

    Scrapy's DOWNLOAD_TIMEOUT does not reach inside a download handler, and a render can wait
    forever when the browser dies at the wrong moment (seen here: a crawl stalled after Chromium was
    killed). Past navigation timeout + related-block timeout + a margin, the render fails with
    DownloadTimeoutError, which RetryMiddleware retries like any timeout.
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        settings = crawler.settings
        self.timebox = settings.getfloat("DOWNLOAD_TIMEOUT", 30) + settings.getfloat("NEWS_RELATED_TIMEOUT", 15) + 15

    async def _download_request(self, request, spider=None):
        try:
            return await asyncio.wait_for(super()._download_request(request, spider), self.timebox)
        except asyncio.TimeoutError:
            await RenderContexts.release(request.meta.pop("playwright_page", None))
            raise DownloadTimeoutError(f"render of {request.url} took over {self.timebox:.0f}s") from None
