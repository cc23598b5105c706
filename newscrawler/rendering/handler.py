"""The download handler of rendered requests: a page from the pool, a time limit on each render."""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit

from scrapy.exceptions import DownloadTimeoutError

from playwright._impl._errors import Error as PlaywrightError

from .. import meta as m
from ..pacing import PACE
from ..pages.html import html_is_complete
from ..pages.gates import COOKIE_GATE, page_gate
from .config import is_blocked, render_config
from .idle import IdleDeadlines
from .playwright_adapter import PlaywrightHandlerAdapter
from .pool import RenderPagePool
from .quirks import (NotAPage, browser_processes, close_context, is_refused_download, quiet_closed_target_leftovers,
                     unless_page_closed, wait_for_exit)
from .recording import CallRecording
from .redirects import HopPacedRoute


# Bot checks answer 403 or 503 and pass a browser within a few seconds.
CHALLENGE_STATUSES = (403, 503)
CHALLENGE_WAIT_MS = 10_000


class RenderingDownloadHandler(PlaywrightHandlerAdapter):
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
        config = render_config(crawler)
        self.scrapy_crawler = crawler
        self.timebox = config.timebox_s
        self.pool = RenderPagePool(config.renders_per_context, config.context_kwargs())
        self.recordings: dict[int, CallRecording] = {}
        self.documents: dict[int, tuple] = {}   # id(page) -> (its listener, the statuses of its documents)
        self.deadlines = IdleDeadlines(crawler)
        self.places: dict[str, asyncio.Semaphore] = {}  # download slot -> its downloads at once

    async def on_launch(self) -> None:
        quiet_closed_target_leftovers(asyncio.get_running_loop())  # the loop Playwright runs in

    async def download_request(self, request, *args, **kwargs):
        """Every download holds a place of its download slot's concurrency while it runs. Scrapy's
        downloader hands a slot's queued requests over all at once (each counts as transferring
        only once its download has started), so a queue behind the render slot became renders at
        once beyond NEWS_RENDER_CONCURRENCY (23 browser contexts at CONCURRENT_REQUESTS 24), and a
        host's queue calls beyond CONCURRENT_REQUESTS_PER_DOMAIN."""
        async with self.place_in(request.meta.get("download_slot")):
            return await super().download_request(request, *args, **kwargs)

    def place_in(self, key: str | None) -> asyncio.Semaphore | contextlib.nullcontext:
        slot = self.scrapy_crawler.engine.downloader.slots.get(key) if key is not None else None
        if slot is None:
            return contextlib.nullcontext()
        if key not in self.places:
            self.places[key] = asyncio.Semaphore(max(1, slot.concurrency))
        return self.places[key]

    async def before_send(self, request) -> None:
        """A plain request of the crawl takes its turn in its host's pace here, as it leaves (after
        its download slot's own delay): newscrawler.pacing. A render takes its turn in the route
        handler, as the browser sends it: launching the browser or opening a context can take
        longer than the host's delay, and a turn taken before that would be spent before the page
        is asked for."""
        if m.PAGE_KIND in request.meta and not request.meta.get("playwright"):
            await self.take_turn(request.url)

    async def take_turn(self, url: str) -> None:
        if await PACE.wait_turn(urlsplit(url).hostname or ""):
            self.stats.inc_value("news/politeness/waited")

    async def sent(self, request, download):
        """A plain fetch is cut when it receives nothing for DOWNLOAD_TIMEOUT, not when it takes
        longer (newscrawler.rendering.idle); a render keeps its own time limit (`download`)."""
        if request.meta.get("playwright"):
            return await download
        return await self.deadlines.keep_receiving(request, download)

    async def before_navigation(self, request, page) -> None:
        """A render that is to teach (newscrawler.learning) records the page's data calls from the
        start: the app fetches its article before the page has loaded."""
        if request.meta.get(m.RECORD_CALLS):
            self.recordings[id(page)] = CallRecording.start(page)
        self.follow_documents(page)

    def follow_documents(self, page) -> None:
        """Note the status of every document the page loads: a challenge page ("Just a moment...",
        403 or 503) sets its cookie and loads the page again, and the render's answer is the page it
        ended on, not the first navigation's."""
        statuses: list[int] = []

        def on_response(response) -> None:
            if response.request.is_navigation_request() and response.frame == page.main_frame:
                statuses.append(response.status)

        page.on("response", on_response)
        self.documents[id(page)] = (on_response, statuses)

    def ended_on(self, meta: dict, response):
        """The response with the status of the last document the page loaded (see follow_documents)."""
        page = meta.get("playwright_page")
        listener, statuses = self.documents.pop(id(page), (None, []))
        if listener is not None:
            page.remove_listener("response", listener)
        hops = sum(300 <= status < 400 and status != 304 for status in statuses)
        if hops > 1:  # a chain's later hops leave as the browser follows them (newscrawler.rendering.redirects)
            self.stats.inc_value("news/render/unpaced_hops", hops - 1)
        if response is None or not statuses or statuses[-1] == response.status or 300 <= statuses[-1] < 400:
            return response
        self.stats.inc_value("news/render/ended_elsewhere")
        return response.replace(status=statuses[-1])

    async def on_navigation_response(self, request, response) -> None:
        """Judge truncation on the bytes the server sent: the rendered DOM always ends."""
        if response is None:
            return
        if response.status in CHALLENGE_STATUSES:
            await self.pass_challenge(response)
        if request.meta.get(m.PAGE_KIND) != m.ARTICLE:
            return
        try:
            body = await response.body()
        except PlaywrightError:
            return  # no body to judge (a redirect, a closed page): the parser judges the DOM
        html = body.decode("utf-8", "replace")
        request.meta[m.SERVER_BYTES] = len(body)
        request.meta[m.SERVER_HTML_COMPLETE] = html_is_complete(html)
        if request.meta.get(m.RECORD_CALLS):  # a render that teaches: is the page whole without its script?
            request.meta[m.SERVER_HTML] = html

    async def pass_challenge(self, response) -> None:
        """A 403 or 503 that is only a gate (a bot check setting its cookie and loading the page
        again) is waited out, as a reader waits, before the page is read: the page methods then see
        the page behind it."""
        try:
            gate = page_gate((await response.body()).decode("utf-8", "replace"))
        except PlaywrightError:
            return
        if gate != COOKIE_GATE:
            return
        try:
            await response.frame.page.wait_for_event("load", timeout=CHALLENGE_WAIT_MS)
        except PlaywrightError:
            pass  # still the gate: read as it is, and judged as such

    def wrap_route_handler(self, handler):
        """Every request a page sends (its navigation, its scripts, the app's data calls) takes its
        turn in its host's pace before it leaves; what the page may not load leaves at once, to be
        refused."""

        async def paced(route, playwright_request) -> None:
            if not is_blocked(playwright_request):
                await self.take_turn(playwright_request.url)
                if playwright_request.is_navigation_request():
                    route = HopPacedRoute(route, self.take_turn)   # its redirect's hop is paced too
            await handler(route, playwright_request)

        return unless_page_closed(paced)

    async def download(self, request, spider=None):
        meta = request.meta
        meta.pop(m.SERVER_HTML_COMPLETE, None)  # a retried request's verdict is about another render
        meta.pop(m.SERVER_BYTES, None)
        meta.pop(m.SERVER_HTML, None)
        pooled = "playwright_page" not in meta and "playwright_context" not in meta
        slot = self.pool.lease(meta) if pooled else None
        try:
            response = await asyncio.wait_for(self.render(request, spider), self.timebox)
        except asyncio.TimeoutError:
            self.recordings.pop(id(meta.get("playwright_page")), None)  # its page is closed with its context
            self.documents.pop(id(meta.get("playwright_page")), None)
            await self._finish(slot, meta, succeeded=False)
            raise DownloadTimeoutError(f"render of {request.url} took over {self.timebox:.0f}s") from None
        except BaseException as error:
            self.recordings.pop(id(meta.get("playwright_page")), None)  # its page is closed with its context
            self.ended_on(meta, None)
            await self._finish(slot, meta, succeeded=False)
            if is_refused_download(error):
                raise NotAPage(f"the browser took {request.url} for a file to download") from None
            raise
        response = self.ended_on(meta, response)
        await self.hand_over_calls(meta)
        await self._finish(slot, meta, succeeded=True)
        return response

    async def hand_over_calls(self, meta: dict) -> None:
        """The data calls recorded during the render, into the response's meta (m.DATA_CALLS)."""
        page = meta.get("playwright_page")
        recording = self.recordings.pop(id(page), None) if page is not None else None
        if recording is not None:
            meta[m.DATA_CALLS] = await recording.stop()

    async def close(self) -> None:
        """Close the browser, then wait until its processes have exited. Chromium's helper
        processes outlive a closed browser by up to a second (seen here: two were orphaned when the
        crawl process exited, which Scrapyd users saw as processes left after a job); they are
        waited for, and killed after BROWSER_EXIT_TIMEOUT_S."""
        processes = browser_processes()
        await super().close()
        await asyncio.to_thread(wait_for_exit, processes)

    async def _finish(self, slot, meta: dict, succeeded: bool) -> None:
        if slot is None:
            return
        if not self.pool.give_back(slot, meta, succeeded):
            # By name: a render that failed before its page existed still has a context to free.
            context = self.context_of(slot.name)
            if context is not None:
                await close_context(context)
        for key in ("playwright_context", "playwright_context_kwargs", "playwright_include_page"):
            meta.pop(key, None)  # a retried copy of the request leases a slot of its own
        self.stats.set_value("news/render/contexts_opened", self.pool.opened)
