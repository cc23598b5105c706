"""One pace per host, whatever makes the request: Scrapy's plain fetches, the browser's renders
(which go through a download slot of their own), the page's own scripts and the calls an app
makes from inside a render, in every process of a crawl.

A request takes its turn as it leaves: the host is free when its last request left `delay` ago or
more, and the request that finds it free makes it busy for `delay` from now; the others wait and
try again. Claiming the turn at the moment of leaving, not a moment reserved in advance, keeps a
request that was slow to leave (a render whose browser was still starting) from arriving right
before the next one. A host without a delay (no `DOWNLOAD_DELAY`, robots.txt `Crawl-delay` or
AutoThrottle delay) is never waited for. A host that asked us to wait (`Retry-After`,
newscrawler.downloader.throttling) is held: nothing leaves for it before the moment it named.

Alone, a process keeps the turns in memory. The processes of one distributed crawl share them in
Redis (`share`): a key per host lives as long as the host is busy (`SET ... PX`, checked and set in
one script), so every process sees the same turn, on Redis's clock alone. Imports nothing of the
project."""

from __future__ import annotations

import asyncio
import logging
import time

from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# KEYS: the host's key; ARGV: the delay in ms. The milliseconds to wait, or 0 with the turn taken.
TAKE_TURN = """
    local busy = redis.call('PTTL', KEYS[1])
    if busy > 0 then return busy end
    if tonumber(ARGV[1]) > 0 then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
    return 0"""
# KEYS: the host's key; ARGV: ms to hold it. A longer hold already there stays.
HOLD = """
    if tonumber(ARGV[1]) > redis.call('PTTL', KEYS[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
    return 0"""


class SharedTurns:
    """The hosts' turns of every process of a crawl, in its Redis."""

    def __init__(self, server, prefix: str):
        self.server = server
        self.prefix = prefix
        self.take_script = server.register_script(TAKE_TURN)
        self.hold_script = server.register_script(HOLD)

    def key(self, host: str) -> str:
        return f"{self.prefix}:{host}"

    def take(self, host: str, delay: float) -> float:
        return int(self.take_script(keys=[self.key(host)], args=[round(delay * 1000)])) / 1000

    def hold(self, host: str, seconds: float) -> None:
        self.hold_script(keys=[self.key(host)], args=[round(seconds * 1000)])

    def held_for(self, host: str) -> float:
        return max(0, int(self.server.pttl(self.key(host)))) / 1000


class HostPace:
    def __init__(self):
        self.delays: dict[str, float] = {}      # host -> seconds between two of its requests
        self.busy_until: dict[str, float] = {}  # host -> monotonic time the next request may leave
        self.shared: SharedTurns | None = None
        self.shared_failed = False

    def share(self, server, prefix: str) -> None:
        """Take turns with the other processes of the crawl, in `server` (a Redis client), under
        keys `prefix:<host>`."""
        self.shared = SharedTurns(server, prefix)

    def stop_sharing(self) -> None:
        self.shared = None

    def set_delay(self, host: str, delay: float) -> None:
        self.delays[host] = max(delay, 0.0)

    def hold(self, host: str, seconds: float, now: float | None = None) -> None:
        """Nothing leaves for `host` in the next `seconds` (it asked us to wait that long)."""
        now = time.monotonic() if now is None else now
        self.busy_until[host] = max(self.busy_until.get(host, now), now + seconds)
        self.in_shared(lambda turns: turns.hold(host, seconds), None)

    def held_for(self, host: str, now: float | None = None) -> float:
        """Seconds until the host is free (0 when it is free now)."""
        now = time.monotonic() if now is None else now
        here = max(0.0, self.busy_until.get(host, now) - now)
        if host not in self.delays:
            return here
        return max(here, self.in_shared(lambda turns: turns.held_for(host), 0.0))

    def take_turn(self, host: str, now: float | None = None) -> float:
        """0 with the turn taken (the host busy for its delay from now), else the seconds to wait
        before trying again."""
        now = time.monotonic() if now is None else now
        wait = max(0.0, self.busy_until.get(host, now) - now)
        if wait > 0 or host not in self.delays:
            return wait
        delay = self.delays[host]
        shared_wait = self.in_shared(lambda turns: turns.take(host, delay), None)
        if shared_wait:
            return shared_wait
        if delay > 0:
            self.busy_until[host] = now + delay
        return 0.0

    async def wait_turn(self, host: str) -> float:
        """Wait until the host is free and take the turn: the seconds waited."""
        waited = 0.0
        while (wait := self.take_turn(host)) > 0:
            await asyncio.sleep(wait)
            waited += wait
        return waited

    def in_shared(self, call, otherwise):
        """`call(turns)` on the shared turns; `otherwise` alone or when Redis does not answer (the
        process then keeps its own pace, said once)."""
        if self.shared is None:
            return otherwise
        try:
            answer = call(self.shared)
        except RedisError as error:
            if not self.shared_failed:
                logger.warning("Redis does not answer (%s): this process keeps the hosts' pace on its own "
                               "until it does", type(error).__name__)
            self.shared_failed = True
            return otherwise
        self.shared_failed = False
        return answer


# The process's pace, shared by the downloader middleware, the render handler and its route
# handler (which Playwright calls with the browser's request alone).
PACE = HostPace()
