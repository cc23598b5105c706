"""A JOBDIR that survives `kill -9`.

Scrapy writes a JOBDIR's queue only when a crawl closes cleanly, while `requests.seen` grows as the
crawl goes: after a crawl killed outright, a resumed one finds every request "seen" and nothing
queued, and ends at once with the articles it never stored lost. This extension marks a JOBDIR as
in use while a crawl runs; a crawl that finds the mark left by one that died starts the JOBDIR's
frontier afresh (its seen requests, its queue), and the stored articles are skipped as in any
incremental crawl. A crawl stopped cleanly (Ctrl-C, SIGTERM, a Scrapyd cancel) resumes as Scrapy
resumes it.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)

MARK = "newscrawler.running"
# What Scrapy keeps of a crawl's frontier in a JOBDIR.
FRONTIER = ("requests.seen", "requests.queue", "spider.state")


class JobdirGuard:
    def __init__(self, jobdir: Path, stats):
        self.jobdir = jobdir
        self.stats = stats
        self.mark = jobdir / MARK

    @classmethod
    def from_crawler(cls, crawler):
        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir:
            raise NotConfigured  # no JOBDIR: nothing to guard (and nothing to say)
        guard = cls(Path(jobdir), crawler.stats)
        # Extensions are built before the scheduler reads the JOBDIR: the reset comes first.
        guard.claim()
        crawler.signals.connect(guard.release, signal=signals.spider_closed)
        return guard

    def claim(self) -> None:
        self.jobdir.mkdir(parents=True, exist_ok=True)
        if self.mark.exists():
            logger.warning("The last crawl with JOBDIR %s did not close cleanly (killed?): its frontier is started "
                           "afresh; stored articles are skipped as usual", self.jobdir)
            self.stats.set_value("news/jobdir/reset_after_kill", 1)
            for name in FRONTIER:
                path = self.jobdir / name
                if path.is_dir():
                    shutil.rmtree(path)
                elif path.exists():
                    path.unlink()
        self.mark.write_text(str(os.getpid()))

    def release(self, spider, reason):
        """A clean close: Scrapy has written the queue, so a resume can trust the JOBDIR."""
        self.mark.unlink(missing_ok=True)
