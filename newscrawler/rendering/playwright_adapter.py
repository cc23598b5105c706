"""The one place that touches scrapy-playwright's private members.

`RenderingDownloadHandler` needs five things scrapy-playwright keeps private: the hook where the
browser is launched, the download of one request, the route handler it installs on every page, the
navigation's response, and its table of open contexts. This adapter names them once; `PRIVATE_MEMBERS` lists them, and a test
fails loudly when an upgrade of scrapy-playwright renames or removes one.
"""

from __future__ import annotations

from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

PRIVATE_MEMBERS = ("_launch", "_download_request", "_make_request_handler", "_get_response_and_download")
INSTANCE_MEMBERS = ("context_wrappers",)


class PlaywrightHandlerAdapter(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler, with its private hooks under names of our own."""

    # -- hooks for subclasses ------------------------------------------------------------------
    async def before_send(self, request) -> None:
        """Runs for every request this handler downloads, rendered or plain, right before it leaves."""

    async def download_request(self, request, *args, **kwargs):
        await self.before_send(request)
        return await self.sent(request, super().download_request(request, *args, **kwargs))

    async def sent(self, request, download):
        """The download of a request once it has left (`download`, to await); the default awaits it."""
        return await download

    async def on_launch(self) -> None:
        """Runs in the event loop Playwright uses, before the browser starts."""

    async def render(self, request, spider=None):
        """Download one request through the browser (scrapy-playwright's own download)."""
        return await super()._download_request(request, spider)

    async def download(self, request, spider=None):
        return await self.render(request, spider)

    def wrap_route_handler(self, handler):
        """The route handler installed on every page, wrapped; the default wraps nothing."""
        return handler

    async def before_navigation(self, request, page) -> None:
        """Called with the page a request is rendered in, before it navigates."""

    async def on_navigation_response(self, request, response) -> None:
        """Called with the Playwright response of a request's navigation (None when there was none),
        before any page method runs."""

    def context_of(self, name: str):
        """The open browser context called `name`, or None (scrapy-playwright forgets closed ones)."""
        wrapper = self.context_wrappers.get(name)
        return wrapper.context if wrapper is not None else None

    # -- scrapy-playwright's private members, mapped onto the hooks above -------------------------
    async def _launch(self):
        await self.on_launch()
        await super()._launch()

    async def _download_request(self, request, spider=None):
        return await self.download(request, spider)

    def _make_request_handler(self, *args, **kwargs):
        return self.wrap_route_handler(super()._make_request_handler(*args, **kwargs))

    async def _get_response_and_download(self, request, page, spider):
        await self.before_navigation(request, page)
        response, download = await super()._get_response_and_download(request, page, spider)
        await self.on_navigation_response(request, response)
        return response, download
