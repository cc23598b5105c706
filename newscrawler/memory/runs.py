"""One crawl's memory of earlier runs (newscrawler.memory says what it keeps and why)."""

from __future__ import annotations

import asyncio
import logging

from pymongo.errors import PyMongoError

from ..clock import crawl_clock
from ..storage import crawl_store
from ..storage.mongo import StoreUnavailable
from ..urls import host_family, host_of
from .known import KnownArticles, known_articles
from .leftovers import Leftovers

logger = logging.getLogger(__name__)


class RunMemory:
    """What is stored and what earlier runs left, for a crawl to ask (`urls_to_fetch_first`,
    `should_fetch`, `walks_past`, `stop_ids`, `is_stored`, `validators_of`) and to tell (`missed`,
    `removed`, `unchanged`, `leave`). Reads the store once, at the crawl's start (`recall`); incremental mode off (or no
    store), it knows nothing and every article is fetched."""

    def __init__(self, site: str, hosts: set[str], store, clock, enabled: bool, revisit_days: float,
                 deep_walk_hours: float, max_miss_attempts: int, removal_checks: int = 0,
                 conditional_revisits: bool = True):
        self.site, self.store, self.clock, self.enabled = site, store, clock, enabled and bool(store)
        self.hosts = hosts  # the crawl's own set: a start the site redirects to another host adds it
        self.revisit_days, self.deep_walk_hours, self.max_miss_attempts = revisit_days, deep_walk_hours, max_miss_attempts
        self.known = KnownArticles()
        self.leftovers = Leftovers(site, deep_walk=False)
        self.removal_checks = removal_checks
        self.conditional_revisits = conditional_revisits
        self.met: set[str] = set()  # articles this crawl met listed (or fetched)

    @classmethod
    def from_crawler(cls, crawler, site: str, hosts: set[str], incremental_arg=None) -> "RunMemory":
        """`hosts`: the site's hosts (families) this crawl walks; `incremental_arg`: the spider's
        `incremental` argument, which wins over `NEWS_INCREMENTAL`."""
        settings = crawler.settings
        enabled = settings.getbool("NEWS_INCREMENTAL", True) if incremental_arg in (None, "") \
            else str(incremental_arg).lower() in ("1", "true", "yes", "on")
        return cls(site, hosts, crawl_store(crawler), crawl_clock(crawler), enabled, settings.getfloat("NEWS_REVISIT_DAYS", 2),
                   settings.getfloat("NEWS_DEEP_WALK_HOURS", 24), settings.getint("NEWS_MISS_MAX_ATTEMPTS", 5),
                   settings.getint("NEWS_REMOVAL_CHECKS", 200), settings.getbool("NEWS_CONDITIONAL_REVISITS", True))

    async def recall(self, stats, id_of_url) -> None:
        """Read what is stored and what earlier runs left (off the reactor); a store that cannot be
        read turns incremental mode off for this crawl, with a WARNING. `id_of_url`: an article URL's
        id as the crawl stores it."""
        if self.store:
            await self.follow_the_database_clock()
        if not self.enabled:
            return
        try:
            now = self.clock.now()
            # Copies stored as aliases of their original are known too: not fetched again.
            index = await asyncio.to_thread(self.store.crawl_start_index)
            self.leftovers = await asyncio.to_thread(Leftovers.recall, self.store, self.site, set(self.hosts), now,
                                                     self.deep_walk_hours, self.max_miss_attempts)
            self.known = known_articles(index.docs, self.site, self.revisit_days, now, id_of_url, self.hosts,
                                        self.leftovers.first_walked)
            self.known.revisit |= set(self.leftovers.missed) & self.known.ids  # a stored article's failed re-visit
        except StoreUnavailable as error:
            logger.warning("Incremental mode off for this crawl: cannot read stored articles (%s)", error)
        stats.set_value("news/incremental/deep_walk", int(self.leftovers.deep_walk))
        stats.set_value("news/misses/known", len(self.leftovers.missed))
        stats.set_value("news/incremental/known", len(self.known.ids))
        stats.set_value("news/incremental/revisit", len(self.known.revisit))
        logger.info("Incremental crawl: %d articles stored, %d of them re-visited (published in the last %g days)",
                    len(self.known.ids), len(self.known.revisit), self.revisit_days)

    async def follow_the_database_clock(self) -> None:
        """Everything the crawl stamps is told on MongoDB's clock (newscrawler.clock says why)."""
        try:
            self.clock.follow(await asyncio.to_thread(self.store.server_time))
        except StoreUnavailable:
            pass  # the store pipeline says so, once

    # -- what the crawl asks ---------------------------------------------------------------------
    def urls_to_fetch_first(self) -> tuple[list[str], list[str]]:
        """(what earlier runs missed, what is due for a re-visit): fetched directly, wherever (or
        whether) they are listed."""
        return list(self.leftovers.missed.values()), list(self.known.revisit_urls)

    def should_fetch(self, article_id: str) -> bool:
        self.met.add(article_id)
        return self.known.should_fetch(article_id)

    def validators_of(self, article_id: str) -> dict | None:
        """The validators stored with an article, for its re-visit to send (None: ask for the page
        whole). A 304 to them is `unchanged`."""
        return self.known.validators.get(article_id) if self.conditional_revisits else None

    def urls_to_check_for_removal(self) -> list[str]:
        """After a deep walk, the stored articles it did not meet listed, outside the re-visit days:
        each may have been removed, which nothing else would notice. Those seen longest ago first,
        up to NEWS_REMOVAL_CHECKS (a check that finds one live sees it anew, so the next deep walks
        check others)."""
        if not self.leftovers.deep_walk:
            return []
        unmet = sorted(seen_and_url for article_id, seen_and_url in self.known.live.items()
                       if article_id not in self.met)
        return [url for _, url in unmet[:self.removal_checks]]

    def walks_past(self, article_ids: list[str]) -> bool:
        """Whether a listing page whose cards are these articles is worth walking past: not when
        every one is stored and none is due, but for a deep walk."""
        return self.leftovers.deep_walk or not self.known.all_known(article_ids)

    def stop_ids(self) -> set[str]:
        """The articles at which a listing walk may stop (a rendered listing's script stops there too)."""
        return set() if self.leftovers.deep_walk else self.known.ids - self.known.revisit

    def is_stored(self, article_id: str) -> bool:
        return article_id in self.known.ids

    async def recall_home_host(self) -> str | None:
        """The host of this crawl whose articles are stored under the site's own ids (the one first
        crawled), if any: articles keep their keys whatever other hosts a later crawl starts on.
        Read from the stored index `recall` reads (once)."""
        if not self.enabled:
            return None
        try:
            index = await asyncio.to_thread(self.store.crawl_start_index)
        except StoreUnavailable:
            return None  # `recall` says so
        return next(iter(sorted(hosts_of_own_ids(index.docs, self.site) & self.hosts)), None)

    # -- what the crawl tells --------------------------------------------------------------------
    def missed(self, key: str, url: str, reason: str) -> None:
        self.leftovers.miss(key, url, reason)

    def removed(self, key: str) -> None:
        self.leftovers.remove(key)

    def unchanged(self, key: str) -> None:
        """A stored article the site answered 304 to: seen live and unchanged, its stored version
        stands; it is seen as of this crawl (`last_seen_at`: the next removal checks move on to
        others) and a miss no longer."""
        self.leftovers.seen_unchanged(key)

    def leave(self, walked_everything: bool) -> None:
        """Leave later runs what this one learned: misses, removals, and the deep walk's end when
        this crawl walked everything it covers (finished, not narrowed)."""
        if not self.store:
            return
        self.leftovers.hosts |= self.hosts
        try:
            self.leftovers.leave(self.store, self.clock.now(), walked_everything)
        except (StoreUnavailable, PyMongoError) as error:
            logger.warning("Could not record this crawl's misses and removals (%s): the next deep walk "
                           "finds them again", type(error).__name__)
            return
        # Left once: a crawl that stays (follow mode) leaves what it has so far when its first
        # crawl is done, and the rest when it ends; a miss counts one attempt, a deep walk one end.
        self.leftovers.new_misses.clear()
        self.leftovers.removed.clear()
        if walked_everything:
            self.leftovers.deep_walk = False


def hosts_of_own_ids(docs: list[dict], site: str) -> set[str]:
    """The hosts of `site`'s stored articles whose ids do not carry their host."""
    hosts = set()
    for doc in docs:
        host = host_family(host_of(doc.get("url") or ""))
        if doc.get("site") == site and host and not str(doc.get("article_id", "")).startswith(f"{host}:"):
            hosts.add(host)
    return hosts
