"""One pace per host, whatever makes the request: Scrapy's plain fetches, the browser's renders
(which go through a download slot of their own) and the calls an app makes from inside a render.

Each request to a host reserves the next free moment for it, `delay` after the one reserved
before it, and waits until then; requests in flight together get successive moments. A host
without a delay (no `DOWNLOAD_DELAY`, robots.txt `Crawl-delay` or AutoThrottle delay) is never
waited for. A host that asked us to wait (`Retry-After`, newscrawler.throttling) is held: nothing
leaves for it before the moment it named. One budget per crawler process: what several processes
send is bounded by each one's. Imports nothing of the project."""

from __future__ import annotations

import asyncio
import time


class HostPace:
    def __init__(self):
        self.delays: dict[str, float] = {}      # host -> seconds between two of its requests
        self.next_free: dict[str, float] = {}   # host -> monotonic time the next request may leave

    def set_delay(self, host: str, delay: float) -> None:
        self.delays[host] = max(delay, 0.0)

    def hold(self, host: str, seconds: float, now: float | None = None) -> None:
        """Nothing leaves for `host` in the next `seconds` (it asked us to wait that long)."""
        now = time.monotonic() if now is None else now
        self.next_free[host] = max(self.next_free.get(host, now), now + seconds)

    def held_for(self, host: str, now: float | None = None) -> float:
        """Seconds until the host's next free moment (0 when it is free now)."""
        now = time.monotonic() if now is None else now
        return max(0.0, self.next_free.get(host, now) - now)

    def reserve(self, host: str, now: float | None = None) -> float:
        """Seconds the request must wait before it leaves (0 for a host without a delay or hold)."""
        now = time.monotonic() if now is None else now
        delay = self.delays.get(host, 0.0)
        if delay <= 0 and self.held_for(host, now) <= 0:
            return 0.0
        moment = max(now, self.next_free.get(host, now))
        self.next_free[host] = moment + delay
        return moment - now

    async def wait_turn(self, host: str) -> float:
        wait = self.reserve(host)
        if wait > 0:
            await asyncio.sleep(wait)
        return wait


# The process's budget, shared by the downloader middleware and the browser's request filter (a
# function scrapy-playwright calls with the browser's request alone).
PACE = HostPace()
