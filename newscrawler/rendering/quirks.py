"""Workarounds for what Playwright and scrapy-playwright do when a browser dies or a page is a file.

Each is named after what it works around, with what was seen; the download handler applies them.
"""

from __future__ import annotations

import asyncio
import logging
import os

import playwright
from playwright._impl._errors import Error as PlaywrightError, TargetClosedError  # as scrapy-playwright does
from scrapy.exceptions import IgnoreRequest

logger = logging.getLogger(__name__)

CLOSE_TIMEOUT_S = 10
PLAYWRIGHT_SOURCES = os.path.dirname(playwright.__file__) + os.sep  # whose tasks a dead browser strands


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
        except PlaywrightError as error:
            # A request that waited for its turn in the host's pace may find its route finished
            # meanwhile (its page navigated on or closed): nothing waits on it any more.
            if "already handled" not in str(error):
                raise
            logger.debug("Route of %s finished while it waited its turn", playwright_request.url)

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
    quiet_listener_errors_of_closed_targets()
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


class ClosedTargetListenerErrors(logging.Filter):
    """Playwright logs an event listener's error at ERROR with its traceback ("Error occurred in event
    listener"): scrapy-playwright's response listener asks a response of a browser just killed for
    its headers and meets TargetClosedError (seen in a killed-browser crawl of the test suite). The
    render has failed on its own and is retried: the record is said at DEBUG, without a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, TargetClosedError):
            logger.debug("Left over after the browser closed, in an event listener: %s", error)
            return False
        return True


def quiet_listener_errors_of_closed_targets() -> None:
    playwright_logger = logging.getLogger("playwright")
    if not any(isinstance(f, ClosedTargetListenerErrors) for f in playwright_logger.filters):
        playwright_logger.addFilter(ClosedTargetListenerErrors())


def is_closed_target_leftover(context: dict) -> bool:
    """A TargetClosedError nobody retrieved, or a pending task of Playwright's own code collected."""
    if isinstance(context.get("exception"), TargetClosedError):
        return True
    task = context.get("task")
    if task is None or task.done() or "exception" in context:
        return False
    code = getattr(task.get_coro(), "cr_code", None)
    return code is not None and code.co_filename.startswith(PLAYWRIGHT_SOURCES)


BROWSER_EXIT_TIMEOUT_S = 5


def browser_processes() -> list:
    """The browser processes this crawl started (descendants of this process named like Chromium)."""
    import psutil

    try:
        descendants = psutil.Process().children(recursive=True)
    except psutil.Error:
        return []
    found = []
    for process in descendants:
        try:
            if "chrom" in process.name().lower():
                found.append(process)
        except psutil.Error:
            pass
    return found


def wait_for_exit(processes: list) -> None:
    """Wait for `processes` to exit; kill the ones still there after BROWSER_EXIT_TIMEOUT_S."""
    import psutil

    _, alive = psutil.wait_procs(processes, timeout=BROWSER_EXIT_TIMEOUT_S)
    for process in alive:
        try:
            process.kill()
        except psutil.Error:
            pass
    if alive:
        psutil.wait_procs(alive, timeout=BROWSER_EXIT_TIMEOUT_S)
        logger.debug("Killed %d browser processes that outlived the closed browser", len(alive))
