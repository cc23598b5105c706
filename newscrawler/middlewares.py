"""Downloader middlewares."""

from __future__ import annotations

import logging

from .rendering import RenderContexts

logger = logging.getLogger(__name__)


class RenderedPageCleanup:
    """Closes the browser context of every rendered page as soon as its response (or failure)
    leaves the download handler.

    It sits next to the handler, below RetryMiddleware, so a response that is retried, redirected
    or dropped never reaches a callback yet still frees its context; callbacks never need the page
    (the rendered HTML is the response body). Without this, every retried render would keep one
    of the `NEWS_RENDER_CONCURRENCY` context slots forever and the crawl would stall.
    """

    async def process_response(self, request, response):
        await RenderContexts.release(request.meta.pop("playwright_page", None))
        return response

    async def process_exception(self, request, exception):
        await RenderContexts.release(request.meta.pop("playwright_page", None))
        return None
