"""A replica that keeps publishing (`docs/live-site.md`, "A site that keeps publishing").

Everything is scheduled ahead, when the replica starts, from a seed: flashes and articles with a
`publishAt` in the future appear in the API at that moment, sometimes in bursts (more than the API's
largest page within seconds); some flashes are corrected or removed minutes later; vote counts grow;
in some windows the API answers 429 with `Retry-After`. Nothing runs in the background: the API
answers as of the moment it is asked, so the same plan always gives the same site.

The plan's durations are the site's; `speed` compresses them (60: a site-minute lasts a second),
and every `publishAt` is the real moment an item appears, so that a crawler's latency is measured
against real clocks at any speed.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from .content import SiteContent
from .flashes import FlashTimeline

CORRECTION_LINES = {"en": "Correction: the figure was revised after the exchange's statement.",
                    "ko": "정정: 거래소 발표에 따라 수치를 수정했다."}


@dataclass(frozen=True)
class PublishPlan:
    """What a publishing replica publishes, in the site's seconds (divided by `speed` on the clock)."""

    speed: float = 1.0
    hours: float = 24.0               # real hours scheduled ahead; after them, the site stops publishing
    flash_every_s: float = 240.0      # mean time between two flashes of an edition
    burst_every_s: float = 3600.0     # a burst in each edition this often (0: never)
    burst_size: int = 60              # flashes in a burst: more than the API's largest page (50)
    burst_s: float = 20.0             # the time a burst takes
    article_every_s: float = 5400.0   # mean time between two articles of an edition (0: none)
    correction_share: float = 0.1     # flashes corrected after publication...
    correction_after_s: tuple[float, float] = (120.0, 900.0)  # ...this long after
    removal_share: float = 0.03
    removal_after_s: tuple[float, float] = (180.0, 1200.0)
    throttle_every_s: float = 1800.0  # a window of 429 answers this often, and at half the bursts (0: never)
    throttle_s: float = 30.0
    votes_per_minute: float = 0.5
    seed: int = 1


@dataclass
class Burst:
    edition: str
    ids: list[int]
    first: datetime
    last: datetime


@dataclass
class Publishing:
    """A plan scheduled from `start` on: the bursts and 429 windows it holds, for tests to wait for."""

    plan: PublishPlan
    start: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    bursts: list[Burst] = field(default_factory=list)
    throttles: list[tuple[datetime, datetime]] = field(default_factory=list)

    def at(self, site_seconds: float) -> datetime:
        """The real moment `site_seconds` after the start."""
        return self.start + timedelta(seconds=site_seconds / self.plan.speed)

    @property
    def horizon_s(self) -> float:
        return self.plan.hours * 3600 * self.plan.speed

    def schedule(self, editions: dict[str, SiteContent], flashes: dict[str, FlashTimeline]) -> "Publishing":
        rng = random.Random(self.plan.seed)
        for index, (edition, timeline) in enumerate(sorted(flashes.items())):
            self.schedule_flashes(edition, timeline, index, rng)
        for edition, content in sorted(editions.items()):
            self.schedule_articles(content, rng)
        self.schedule_throttles(rng)
        return self

    def schedule_flashes(self, edition: str, timeline: FlashTimeline, index: int, rng: random.Random) -> None:
        plan = self.plan
        votes = plan.votes_per_minute * plan.speed
        moment = 0.0
        # Editions burst at different moments: the first burst of the first edition a quarter of the way.
        next_burst = plan.burst_every_s * (0.25 + 0.25 * index) if plan.burst_every_s else math.inf
        while True:
            moment += rng.expovariate(1 / plan.flash_every_s)
            if min(moment, next_burst) >= self.horizon_s:
                return
            if moment >= next_burst:
                self.burst(edition, timeline, next_burst, votes)
                moment, next_burst = next_burst + plan.burst_s, next_burst + plan.burst_every_s
                continue
            flash = timeline.create(self.at(moment), votes)
            self.maybe_edit(edition, timeline, flash.id, moment, rng)

    def burst(self, edition: str, timeline: FlashTimeline, moment: float, votes: float) -> None:
        plan = self.plan
        step = plan.burst_s / max(1, plan.burst_size - 1)
        created = [timeline.create(self.at(moment + i * step), votes) for i in range(plan.burst_size)]
        self.bursts.append(Burst(edition, [f.id for f in created], created[0].published, created[-1].published))

    def maybe_edit(self, edition: str, timeline: FlashTimeline, flash_id: int, moment: float,
                   rng: random.Random) -> None:
        plan = self.plan
        if rng.random() < plan.correction_share:
            at = self.at(moment + rng.uniform(*plan.correction_after_s))
            old = timeline.flashes[flash_id].texts[-1].title
            timeline.correct(flash_id, title=f"{old} (updated)" if edition == "en" else f"{old} (수정)",
                             paragraph=CORRECTION_LINES.get(edition, CORRECTION_LINES["en"]), at=at)
        elif rng.random() < plan.removal_share:
            timeline.remove(flash_id, at=self.at(moment + rng.uniform(*plan.removal_after_s)))

    def schedule_articles(self, content: SiteContent, rng: random.Random) -> None:
        if not self.plan.article_every_s:
            return
        moment = rng.expovariate(1 / self.plan.article_every_s)
        while moment < self.horizon_s:
            content.add_articles(1, published=self.at(moment).astimezone(content.newest.tzinfo))
            moment += rng.expovariate(1 / self.plan.article_every_s)

    def schedule_throttles(self, rng: random.Random) -> None:
        plan = self.plan
        if not plan.throttle_every_s:
            return
        moment = plan.throttle_every_s * 0.6
        while moment < self.horizon_s:
            self.throttles.append((self.at(moment), self.at(moment + plan.throttle_s)))
            moment += plan.throttle_every_s
        for burst in self.bursts:  # the API sheds load under some bursts
            if rng.random() < 0.5:
                self.throttles.append((burst.first, burst.first + timedelta(seconds=plan.throttle_s / plan.speed)))

    # -- as the API asks -------------------------------------------------------------------------
    def retry_after(self, now: datetime) -> int | None:
        """Seconds until the 429 window `now` is in ends (at least 1), or None outside any window."""
        for start, end in self.throttles:
            if start <= now < end:
                return max(1, math.ceil((end - now).total_seconds()))
        return None

