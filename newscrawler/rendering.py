"""Rendering the lazy "More to Read" block with scrapy-playwright, and only that.

All `PLAYWRIGHT_*` settings are derived here, once, from the project's own settings; a request
opts in with `meta["playwright"]` and `related_block_method()`, and the download handler below
gives it a page from its pool. The block is driven by one script evaluated in the page, so a render
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

import playwright
from playwright._impl._errors import Error as PlaywrightError, TargetClosedError  # as scrapy-playwright does
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
from scrapy_playwright.page import PageMethod

logger = logging.getLogger(__name__)

CLOSE_TIMEOUT_S = 10
RENDER_SLOT = "chromium"  # the download slot of every rendered request: the browser's capacity
BLOCKED_RESOURCE_TYPES = frozenset({"image", "font", "media", "stylesheet", "imageset", "texttrack"})
PLAYWRIGHT_SOURCES = os.path.dirname(playwright.__file__) + os.sep  # whose tasks a dead browser strands
# Debian's builds of Chromium, lightest first. The headless shell (package chromium-headless-shell,
# the build Playwright itself runs for headless pages) crawled 2.3 times as many articles per
# second as the full browser here with the same settings (README "Rendering, measured").
DEBIAN_CHROMIUMS = ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]

# Scrolls the sentinel into view until the placeholder is gone and no card arrives during a quiet
# period; returns what it saw. It scrolls again the moment the list changes (a MutationObserver),
# as a reader would: new cards push the sentinel out of view, and the next batch is only asked
# for once it is back. The quiet period counts rendering frames as well as time: under load,
# IntersectionObserver reports (which arrive with frames) come late, and a time-only wait took a
# slow batch for the end of the block. Plain data in, plain data out: JOBDIR can pickle it.
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
  const untilQuiet = async () => {
    let seen = -1, quietSince = Date.now(), quietChecks = 0;
    while (Date.now() < deadline) {
      scroll();
      await frame();
      await frame();
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
  };
  const changes = new MutationObserver(scroll);
  changes.observe(list, {childList: true, subtree: true});
  try {
    return await untilQuiet();
  } finally {
    changes.disconnect();
  }
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
    renders_per_context: int = 10

    @classmethod
    def from_settings(cls, settings) -> "RenderConfig":
        return cls(
            enabled=settings.getbool("NEWS_RENDER_RELATED", True),
            chromium_path=chromium_path(settings.get("NEWS_CHROMIUM_PATH")),
            related_timeout_ms=int(settings.getfloat("NEWS_RELATED_TIMEOUT", 15.0) * 1000),
            settle_ms=settings.getint("NEWS_RELATED_SETTLE_MS", 200),
            max_pages=settings.getint("NEWS_RENDER_CONCURRENCY", 6),
            navigation_timeout_ms=int(settings.getfloat("DOWNLOAD_TIMEOUT", 30) * 1000),
            user_agent=settings.get("USER_AGENT"),
            renders_per_context=settings.getint("NEWS_RENDERS_PER_CONTEXT", 10),
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
    installed = [path for path in DEBIAN_CHROMIUMS if os.path.exists(path)]
    return installed[0] if installed else shutil.which("chromium")


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


@dataclass
class RenderSlot:
    """One browser context with one page, kept open across renders."""

    name: str  # the context's name for scrapy-playwright
    page: object = None  # a playwright Page once the first render has opened it
    renders: int = 0


class RenderPagePool:
    """Browser pages kept open between renders: one context each, recycled after a number of renders.

    Measured here (bench/run.py, README "Rendering, measured"): a context and a page opened for
    every render made the crawl 20 to 30% slower than pages that navigate from article to article
    and stay in their renderer process. Each page keeps a context of its own because pages sharing
    one are tabs of one window, and Chromium runs the rendering steps of background tabs late (lazy
    blocks looked finished before they were). A context is closed after `renders_per_context`
    renders, so cookies, storage and memory a site piles up in it never live long, and after any
    failure, so a broken page is never used again.
    """

    def __init__(self, renders_per_context: int, context_kwargs: dict):
        self.renders_per_context = max(1, renders_per_context)
        self.context_kwargs = context_kwargs
        self.idle: list[RenderSlot] = []
        # Names stay unique across a JOBDIR resume and a relaunched browser.
        self.run = uuid.uuid4().hex[:8]
        self.opened = 0  # contexts opened so far; also numbers their names

    def lease(self, meta: dict) -> RenderSlot:
        """A slot for one render; its page (if any) and context name go into the request's meta."""
        slot = self._idle_slot() or self._new_slot()
        meta.update({"playwright_context": slot.name, "playwright_context_kwargs": self.context_kwargs,
                     "playwright_include_page": True})
        if slot.page is not None:
            meta["playwright_page"] = slot.page
        return slot

    def give_back(self, slot: RenderSlot, meta: dict, succeeded: bool) -> bool:
        """Keep the slot for the next render; False when it is spent or failed and must be closed."""
        slot.page = meta.pop("playwright_page", None) or slot.page
        slot.renders += 1
        if succeeded and self._usable(slot.page) and slot.renders < self.renders_per_context:
            self.idle.append(slot)
            return True
        return False

    def _idle_slot(self) -> RenderSlot | None:
        while self.idle:
            slot = self.idle.pop()
            if self._usable(slot.page):
                return slot
        return None

    def _new_slot(self) -> RenderSlot:
        self.opened += 1
        return RenderSlot(f"render-{self.run}-{self.opened}")

    @staticmethod
    def _usable(page) -> bool:
        return page is not None and not page.is_closed()


async def close_context(context) -> None:
    """Close a browser context; a browser that is already gone has nothing to free."""
    try:
        # Bounded: closing a context of a browser that just died can wait forever.
        await asyncio.wait_for(context.close(), CLOSE_TIMEOUT_S)
    except Exception as error:  # noqa: BLE001 - any Playwright error means "already closed"
        logger.debug("Closing a render context failed: %s", error)


class NotAPage(IgnoreRequest):
    """The browser took the answer for a file to download (a PDF, an archive): there is no page.

    The full browser shows a PDF in its viewer, so its response reached the spider, which refuses
    it by its headers; the headless shell has no viewer and starts a download, which the context
    refuses (`accept_downloads` is off). Either way the spider reports the same refusal."""


def is_refused_download(error: BaseException) -> bool:
    # scrapy-playwright's words for a download that failed; the context refuses every download.
    return isinstance(error, RuntimeError) and str(error).startswith("Failed to download")


def unless_page_closed(route_request):
    """A route handler that hands a request whose page is gone back to Playwright instead of raising.

    When the browser dies while a request of the page waits in scrapy-playwright's route handler,
    its `all_headers()` raises TargetClosedError, which Playwright reports as an ERROR with a
    traceback (seen once in about fifteen killed-browser crawls). The route must still be finished:
    Playwright waits for every route it hands out, and a task waiting forever is reported as an
    ERROR when it is collected ("Task was destroyed but it is pending!"). `fallback()` only tells
    Playwright to go on without this handler, and Playwright's own continuation ignores a closed
    page. The render itself fails and is retried.
    """

    async def route_unless_closed(route, playwright_request) -> None:
        try:
            await route_request(route, playwright_request)
        except TargetClosedError:
            logger.debug("Route of %s handed back: its page is gone", playwright_request.url)
            try:
                await route.fallback()
            except PlaywrightError:  # the route was finished before the error: nothing waits on it
                pass

    return route_unless_closed


def quiet_closed_target_leftovers(loop: asyncio.AbstractEventLoop) -> None:
    """Make `loop` log what Playwright leaves behind a dead browser at DEBUG; everything else as before.

    When the browser dies, Playwright rejects every call still waiting on it with one
    TargetClosedError, and can strand a task that waited on an answer. A call that nobody awaits
    any more reaches the event loop as "Future exception was never retrieved", and a stranded task
    as "Task was destroyed but it is pending!": ERRORs without a traceback, from code that is not
    ours (one failed a killed-browser crawl of the test suite). The render that used the browser
    has already failed on its own and is retried, so neither has anything to report. Installing
    twice (two crawlers in one process share the loop) is harmless.
    """
    previous = loop.get_exception_handler()
    if getattr(previous, "quiets_closed_targets", False):
        return

    def handle(loop: asyncio.AbstractEventLoop, context: dict) -> None:
        if is_closed_target_leftover(context):
            logger.debug("Left over after the browser closed: %s", context.get("message"))
        elif previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    handle.quiets_closed_targets = True
    loop.set_exception_handler(handle)


def is_closed_target_leftover(context: dict) -> bool:
    """A TargetClosedError nobody retrieved, or a pending task of Playwright's own code collected."""
    if isinstance(context.get("exception"), TargetClosedError):
        return True
    task = context.get("task")
    if task is None or task.done() or "exception" in context:
        return False
    code = getattr(task.get_coro(), "cr_code", None)
    return code is not None and code.co_filename.startswith(PLAYWRIGHT_SOURCES)


class RenderingDownloadHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler with pages kept open between renders and a time limit on each.

    Requests that name their own page or context are left to scrapy-playwright as they are.
    Scrapy's DOWNLOAD_TIMEOUT does not reach inside a download handler, and a render can wait
    forever when the browser dies at the wrong moment (seen here: a crawl stalled after Chromium was
    killed). Past navigation timeout + related-block timeout + a margin, the render fails with
    DownloadTimeoutError, which RetryMiddleware retries like any timeout. The page never leaves
    this handler: responses, retries and callbacks only see the rendered HTML.
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        config = RenderConfig.from_settings(crawler.settings)
        self.timebox = (config.navigation_timeout_ms + config.related_timeout_ms) / 1000 + 15
        self.pool = RenderPagePool(config.renders_per_context, config.context_kwargs())

    async def _launch(self):
        quiet_closed_target_leftovers(asyncio.get_running_loop())  # the loop Playwright runs in
        await super()._launch()

    async def _download_request(self, request, spider=None):
        meta = request.meta
        pooled = "playwright_page" not in meta and "playwright_context" not in meta
        slot = self.pool.lease(meta) if pooled else None
        try:
            response = await asyncio.wait_for(super()._download_request(request, spider), self.timebox)
        except asyncio.TimeoutError:
            await self._finish(slot, meta, succeeded=False)
            raise DownloadTimeoutError(f"render of {request.url} took over {self.timebox:.0f}s") from None
        except BaseException as error:
            await self._finish(slot, meta, succeeded=False)
            if is_refused_download(error):
                raise NotAPage(f"the browser took {request.url} for a file to download") from None
            raise
        await self._finish(slot, meta, succeeded=True)
        return response

    def _make_request_handler(self, *args, **kwargs):
        return unless_page_closed(super()._make_request_handler(*args, **kwargs))

    async def _finish(self, slot, meta: dict, succeeded: bool) -> None:
        if slot is None:
            return
        if not self.pool.give_back(slot, meta, succeeded):
            # By name: a render that failed before its page existed still has a context to free.
            # scrapy-playwright forgets a context once it is closed, so a missing one is gone.
            wrapper = self.context_wrappers.get(slot.name)
            if wrapper is not None:
                await close_context(wrapper.context)
        for key in ("playwright_context", "playwright_context_kwargs", "playwright_include_page"):
            meta.pop(key, None)  # a retried copy of the request leases a slot of its own
        self.stats.set_value("news/render/contexts_opened", self.pool.opened)
