"""The redirect a page's navigation answers takes its turn in the host's pace like any request.

Chromium follows a redirect inside its network stack: Playwright hands a route handler only the
first request of a chain (seen here: an article's old address answering 301 to its canonical one
was asked at once, 14 of 45 gaps under a site's `Crawl-delay`). So a navigation is fetched here
without following redirects; when it answers 3xx, the hop's turn is taken before the answer goes
back to the browser, which then asks for the hop as it always does. A chain's later hops are
still the browser's: they are counted (`news/render/unpaced_hops`), not paced.
"""

from __future__ import annotations

import logging
from typing import Awaitable, Callable
from urllib.parse import urljoin

from playwright._impl._errors import Error as PlaywrightError, TargetClosedError  # as scrapy-playwright does

logger = logging.getLogger(__name__)

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
        headers = dict(headers if headers is not None else request.headers)
        for name in [name for name in headers if name.lower() == "accept-encoding"]:
            del headers[name]
        headers["accept-encoding"] = FETCH_ENCODINGS
        try:
            answer = await self._route.fetch(url=url, method=method, headers=headers, post_data=post_data,
                                             max_redirects=0)
        except TargetClosedError:
            raise
        except PlaywrightError as error:
            # Refused, reset, a bad certificate: the browser's own request meets it again and the
            # render fails with the browser's words, as it did before this fetch.
            logger.debug("Fetch of %s failed (%s): the browser asks itself", request.url, error)
            await self._route.continue_(url=url, method=method, post_data=post_data)
            return
        hop = redirect_target(url or request.url, answer.status, answer.headers)
        if hop is not None:
            await self._take_turn(hop)
        await self._route.fulfill(response=answer)
