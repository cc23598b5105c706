"""The redirect a page's navigation answers takes its turn in the host's pace like any request.

Chromium follows a redirect inside its network stack: Playwright hands a route handler only the
first request of a chain (seen here: an article's old address answering 301 to its canonical one
was asked at once, 14 of 45 gaps under a site's `Crawl-delay`). So a navigation is fetched here
without following redirects; when it answers 3xx, the hop's turn is taken before the answer goes
back to the browser, which then asks for the hop as it always does. A chain's later hops are
still the browser's: they are counted (`news/render/unpaced_hops`), not paced. A bot check judges
the client that asks, and this fetch is not the browser: a page answered as a check answers (403,
503) is asked again by the browser itself.

A document handed to the browser this way has no address the browser saw, and Chromium's Local
Network Access takes it for a public page: its calls to loopback or private addresses are refused
(seen here: an app on 127.0.0.1 could no longer call its API on another port). A document of a host
that is itself local is given back what it had: its origin may call local addresses
(`LocalOrigins`). A public page's calls stay as the browser judges them.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
import weakref
from typing import Awaitable, Callable
from urllib.parse import urljoin, urlsplit

from playwright._impl._errors import Error as PlaywrightError, TargetClosedError  # as scrapy-playwright does

logger = logging.getLogger(__name__)

# A bot check answers 403 or 503 and judges the client that asked (its TLS, its HTTP version): a
# page so answered is asked again by the browser itself, unless the server named when to come back
# (a refusal the crawl's throttling honours, not a check).
CHECKED_BY_THE_SERVER = (403, 503)

# Playwright's own fetch inflates gzip, deflate and br only; an answer in any other coding would
# reach the page still compressed.
FETCH_ENCODINGS = "gzip, deflate, br"


def redirect_target(url: str, status: int, headers: dict[str, str]) -> str | None:
    """The absolute address a 3xx answer sends the browser to, or None for any other answer."""
    location = headers.get("location")
    if not 300 <= status < 400 or not location:
        return None
    target = urljoin(url, location)
    return target if target.startswith(("http:", "https:")) else None


def is_local_address(address: str) -> bool:
    """Loopback, private, link-local: an address Chromium keeps pages of the web away from."""
    try:
        return not ipaddress.ip_address(address.split("%")[0]).is_global
    except ValueError:
        return False


class LocalOrigins:
    """Which hosts are local (resolved once each), and the origins each browser context lets call
    local addresses (granted once each)."""

    def __init__(self):
        self.hosts: dict[str, bool] = {}
        self.granted: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    async def is_local(self, host: str) -> bool:
        if host not in self.hosts:
            try:
                found = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
            except OSError:
                found = []
            self.hosts[host] = bool(found) and all(is_local_address(entry[4][0]) for entry in found)
        return self.hosts[host]

    async def keep_local_calls(self, context, url: str) -> None:
        """Let the page at `url` call local addresses, as the browser would had it fetched the page
        itself, where its host is local."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        granted = self.granted.setdefault(context, set())
        if origin in granted or not await self.is_local(parts.hostname or ""):
            return
        await context.grant_permissions(["local-network-access"], origin=origin)
        granted.add(origin)


LOCAL_ORIGINS = LocalOrigins()


class HopPacedRoute:
    """A navigation's route whose `continue_` fetches the page without following a redirect, and
    takes the hop's turn before the browser sees the 3xx. Everything else is the route's own."""

    def __init__(self, route, take_turn: Callable[[str], Awaitable[None]]):
        self._route = route
        self._take_turn = take_turn

    def __getattr__(self, name):
        return getattr(self._route, name)

    async def continue_(self, *, url=None, method=None, headers=None, post_data=None) -> None:
        request = self._route.request
        sent = {name: value for name, value in (headers if headers is not None else request.headers).items()
                if name.lower() != "accept-encoding"}
        try:
            answer = await self._route.fetch(url=url, method=method, post_data=post_data, max_redirects=0,
                                             headers={**sent, "accept-encoding": FETCH_ENCODINGS})
        except TargetClosedError:
            raise
        except PlaywrightError as error:
            # Refused, reset, a bad certificate: the browser's own request meets it again and the
            # render fails with the browser's words, as it did before this fetch.
            logger.debug("Fetch of %s failed (%s): the browser asks itself", request.url, error)
            await self._route.continue_(url=url, method=method, headers=headers, post_data=post_data)
            return
        try:
            hop = redirect_target(url or request.url, answer.status, answer.headers)
            if answer.status in CHECKED_BY_THE_SERVER and "retry-after" not in answer.headers:
                await self._take_turn(url or request.url)  # the browser's own request is one more
                await self._route.continue_(url=url, method=method, headers=headers, post_data=post_data)
                return
            if hop is not None:
                await self._take_turn(hop)
            else:
                await LOCAL_ORIGINS.keep_local_calls(request.frame.page.context, url or request.url)
            await self._route.fulfill(response=answer)
        finally:
            with contextlib.suppress(PlaywrightError):  # gone with its context already
                await answer.dispose()  # the driver keeps a fetched body until then (the context's life)
