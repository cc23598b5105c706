"""Data-quality monitors run by Spidermon when the spider closes.

Thresholds are settings: `SPIDERMON_MIN_ITEMS` (articles seen must exceed it), `SPIDERMON_MAX_ERRORS`,
`SPIDERMON_FIELD_COVERAGE_RULES`, `NEWS_MAX_RENDER_TIMEOUT_RATIO`, `NEWS_MAX_LOSS_RATIO` and
`NEWS_MAX_RENDER_SHARE`. A failed monitor shows in the
log (Spidermon's report and one WARNING line naming it) and in the stats
(`news/monitors/failed`, `news/monitors/failed/<name>`).
"""

from __future__ import annotations

import logging
import warnings

from scrapy.exceptions import ScrapyDeprecationWarning
from spidermon import Monitor, MonitorSuite, monitors
from spidermon.contrib.monitors.mixins import StatsMonitorMixin
from spidermon.contrib.scrapy.monitors import ErrorCountMonitor, FieldCoverageMonitor
from spidermon.core.actions import Action

from .notify import NotifyOperator

logger = logging.getLogger(__name__)
# Spidermon 1.27 reports through the deprecated Spider.log(): silence that one warning only.
warnings.filterwarnings("ignore", message=r"Spider\.log\(\) is deprecated", category=ScrapyDeprecationWarning,
                        module=r"spidermon\.")


class OnlyAfterACrawl:
    """Skips the monitor when the spider closed before crawling (its one error line says why)."""

    def setUp(self):
        super().setUp()
        if self.data.crawler.stats.get_value("news/store/unavailable_at_start"):
            self.skipTest("the spider closed before crawling")


@monitors.name("Item count")
class ItemCount(OnlyAfterACrawl, Monitor, StatsMonitorMixin):
    """Articles seen, stored or already known: an incremental run may rightly store nothing new,
    but a run that sees no article at all has lost the site (moved, or its markup changed)."""

    @monitors.name("Articles seen above SPIDERMON_MIN_ITEMS")
    def test_articles_seen(self):
        seen = self.stats.get("item_scraped_count", 0) + self.stats.get("news/articles/skipped_known", 0)
        minimum = self.data.crawler.settings.getint("SPIDERMON_MIN_ITEMS", 0)
        self.assertGreater(seen, minimum, msg=f"{seen} articles seen, expected more than {minimum}")


class ErrorCount(OnlyAfterACrawl, ErrorCountMonitor):
    pass


class FieldCoverage(OnlyAfterACrawl, FieldCoverageMonitor):
    pass


@monitors.name("Related blocks")
class RenderTimeoutMonitor(OnlyAfterACrawl, Monitor, StatsMonitorMixin):
    @monitors.name("Render timeouts under the threshold")
    def test_render_timeouts_under_threshold(self):
        stats = self.stats
        renders = stats.get("news/renders", 0)
        timeouts = stats.get("news/related/unavailable", 0) + stats.get("news/related/partial", 0)
        ratio = self.data.crawler.settings.getfloat("NEWS_MAX_RENDER_TIMEOUT_RATIO", 0.05)
        self.assertLessEqual(timeouts, ratio * renders,
                             msg=f"{timeouts} of {renders} related blocks timed out (allowed: {ratio:.0%})")


@monitors.name("Articles lost")
class LossMonitor(OnlyAfterACrawl, Monitor, StatsMonitorMixin):
    """Articles this run tried and could not store (HTTP errors after retries, renders that timed
    out, pages that could not be parsed: the misses later crawls retry), relative to what it tried,
    new articles apart from re-visits of stored ones: forty good re-visits must not dilute two new
    articles that both failed. A redesign that breaks parsing while known articles are skipped
    fails here too."""

    @monitors.name("New articles lost under NEWS_MAX_LOSS_RATIO")
    def test_new_articles_lost_under_threshold(self):
        stats = self.stats
        lost = stats.get("news/misses/new", 0)
        seen = stats.get("item_scraped_count", 0) + stats.get("item_dropped_count", 0)
        self.assert_loss_under_threshold(lost, lost + seen - stats.get("news/articles/revisited", 0), "new articles")

    @monitors.name("Re-visits lost under NEWS_MAX_LOSS_RATIO")
    def test_revisits_lost_under_threshold(self):
        stats = self.stats
        lost = stats.get("news/misses/revisit", 0)
        # A re-visit answered 304 is one that went well: the stored version stands.
        tried = lost + stats.get("news/articles/revisited", 0) + stats.get("news/removed", 0) \
            + stats.get("news/not_modified/article", 0)
        self.assert_loss_under_threshold(lost, tried, "re-visits")

    def assert_loss_under_threshold(self, lost: int, tried: int, what: str) -> None:
        ratio = self.data.crawler.settings.getfloat("NEWS_MAX_LOSS_RATIO", 0.05)
        self.assertLessEqual(lost, ratio * tried,
                             msg=f"{lost} of {tried} {what} tried were not stored (allowed: {ratio:.0%})")


@monitors.name("Discovery")
class DiscoveryMonitor(OnlyAfterACrawl, Monitor, StatsMonitorMixin):
    """What finds new articles and keeps the store right, judged on its own: a redesigned listing,
    a source that failed (its fallback may find less) and writes the store refused as older than
    what it holds lose articles or edits while re-visits keep the counts up."""

    @monitors.name("Every listing lists articles")
    def test_listings_list_articles(self):
        empty = self.stats.get("news/listings/without_cards", 0)
        self.assertEqual(empty, 0, msg=f"{empty} listing pages showed no article card")

    @monitors.name("No source failed")
    def test_no_source_failed(self):
        failed = {k.removeprefix("news/sources/failed/"): v for k, v in self.stats.items()
                  if k.startswith("news/sources/failed/") and v}
        self.assertFalse(failed, msg="failed sources: " + ", ".join(f"{k} ({v})" for k, v in failed.items()))

    @monitors.name("No stale writes")
    def test_no_stale_writes(self):
        stale = self.stats.get("news/store/stale", 0)
        self.assertEqual(stale, 0, msg=f"{stale} article writes refused as older than the stored document")


@monitors.name("Renders beyond learning")
class RenderShareMonitor(OnlyAfterACrawl, Monitor, StatsMonitorMixin):
    """Articles rendered where reading them from the learned calls was meant to spare the browser
    (a kind given up, readings rendered again): the cost of learning that did not hold."""

    @monitors.name("Renders beyond learning under NEWS_MAX_RENDER_SHARE")
    def test_render_share_under_threshold(self):
        beyond = self.stats.get("news/renders/beyond_learning", 0)
        articles = self.stats.get("item_scraped_count", 0)
        share = self.data.crawler.settings.getfloat("NEWS_MAX_RENDER_SHARE", 0.2)
        self.assertLessEqual(beyond, share * articles,
                             msg=f"{beyond} renders beyond learning for {articles} articles (allowed: {share:.0%})")


@monitors.name("Crawl outcome")
class CrawlOutcome(Monitor, StatsMonitorMixin):
    """How the crawl ended, whatever happened before: also when it closed before crawling."""

    @monitors.name("Closed as finished")
    def test_finished(self):
        stats = self.data.crawler.stats
        reason = stats.get_value("finish_reason")
        # A follow (newscrawler.follow) never finishes: a stop asked for (SIGTERM, SIGINT) is its end.
        ends = ("finished", "shutdown") if stats.get_value("news/follow/on") else ("finished",)
        self.assertIn(reason, ends, msg=f"the crawl closed with reason {reason!r}")

    @monitors.name("Nothing dead-lettered")
    def test_nothing_dead_lettered(self):
        count = self.data.crawler.stats.get_value("news/store/dead_lettered", 0)
        self.assertEqual(count, 0, msg=f"{count} records went to the dead-letter file")

    @monitors.name("Nothing lost")
    def test_nothing_lost(self):
        stats = self.data.crawler.stats.get_stats()
        lost = {k.removeprefix("news/lost/"): v for k, v in stats.items() if k.startswith("news/lost/") and v}
        self.assertFalse(lost, msg="lost: " + ", ".join(f"{v} {k}" for k, v in lost.items()))


class RecordFailedMonitors(Action):
    """Puts failed monitors into the stats and the log, where schedulers and people look."""

    def run_action(self):
        results = self.result.monitors_failed_results
        stats = self.data.crawler.stats
        stats.set_value("news/monitors/failed", len(results))
        for result in results:
            stats.set_value(f"news/monitors/failed/{result.monitor.name}", 1)
        # One line, each monitor with its figure: what a scheduler's log filter or a person reads.
        logger.warning("Data-quality monitors failed: %s", "; ".join(
            f"{result.monitor.name} ({figure_of(result)})" for result in results))


def figure_of(result) -> str:
    """A failed check's own message (`0 articles seen, expected more than 0`), without the
    assertion's restatement of it (`0 not greater than 0 : `) or a traceback."""
    lines = str(getattr(result, "reason", "") or getattr(result, "error", "") or "").strip().splitlines()
    if not lines:
        return "failed"
    # A check that raised instead of failing: its exception's own line, the last of the traceback.
    text = lines[-1] if lines[0].startswith("Traceback") else lines[0]
    return text.split(" : ", 1)[1] if " : " in text else text


class CrawlQualitySuite(MonitorSuite):
    monitors = [CrawlOutcome, ItemCount, ErrorCount, FieldCoverage, RenderTimeoutMonitor, LossMonitor,
                RenderShareMonitor, DiscoveryMonitor]
    monitors_failed_actions = [RecordFailedMonitors, NotifyOperator]
