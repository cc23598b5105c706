"""An idle timeout for Scrapy's own downloads: `DOWNLOAD_TIMEOUT` counts from the last bytes received,
not from the start. Scrapy's handlers cut a download that takes longer than `DOWNLOAD_TIMEOUT` in
all, so a slow server that never stops sending (a 36 KB page at 800 B/s) is cut again and again while
its bytes still arrive. Here each request has a deadline that its bytes push back (Scrapy's
`headers_received` and `bytes_received` signals): a download that receives nothing for
`DOWNLOAD_TIMEOUT` is cut as before, one that keeps receiving goes on up to
`NEWS_DOWNLOAD_MAX_SECONDS` in all (the handler's own timeout, set to that cap while it runs)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable

from scrapy import signals
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import DownloadTimeoutError

DEFAULT_MAX_SECONDS = 300.0


class IdleDeadlines:
    """Per request being downloaded, when it last received bytes."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.idle_default = settings.getfloat("DOWNLOAD_TIMEOUT", 180)
        self.max_seconds = settings.getfloat("NEWS_DOWNLOAD_MAX_SECONDS", DEFAULT_MAX_SECONDS)
        self.last_heard: dict[int, float] = {}   # id(request) -> monotonic time of its last bytes
        crawler.signals.connect(self.heard, signal=signals.headers_received)
        crawler.signals.connect(self.heard, signal=signals.bytes_received)

    def heard(self, request, **kwargs) -> None:
        if id(request) in self.last_heard:
            self.last_heard[id(request)] = time.monotonic()

    async def keep_receiving(self, request, download: Awaitable):
        """`download` (the handler's download of `request`), cut when it receives nothing for the
        request's `download_timeout`; the handler's own limit is the total cap meanwhile."""
        idle = request.meta.get("download_timeout") or self.idle_default
        request.meta["download_timeout"] = max(idle, self.max_seconds)
        self.last_heard[id(request)] = time.monotonic()
        task = asyncio.ensure_future(download)
        try:
            while True:
                quiet_for = time.monotonic() - self.last_heard[id(request)]
                if quiet_for >= idle:
                    await cancelled(task)
                    raise DownloadTimeoutError(f"Getting {request.url} received nothing for {idle:g} seconds.")
                done, _ = await asyncio.wait({task}, timeout=idle - quiet_for)
                if done:
                    return task.result()
        except asyncio.CancelledError:
            await cancelled(task)  # the crawl gave the request up: so does the download
            raise
        finally:
            self.last_heard.pop(id(request), None)
            request.meta["download_timeout"] = idle  # a retry is judged as the request was


async def cancelled(task: asyncio.Future) -> None:
    """`task` cancelled and finished (its connection closed), whatever it raises on the way."""
    task.cancel()
    try:
        await task
    except BaseException:  # noqa: BLE001 - its cancellation, or the error it ended with meanwhile
        pass



class PlainDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler with the idle timeout, for crawls that render nothing
    (`NEWS_RENDER_RELATED` off); the handler that renders does the same for its plain fetches."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.deadlines = IdleDeadlines(crawler)

    async def download_request(self, request):
        return await self.deadlines.keep_receiving(request, super().download_request(request))
