"""Rendering configuration and the pool of pages kept open between renders (no browser here:
the crawl tests render through real Chromium)."""

from __future__ import annotations

import asyncio
import logging

from playwright._impl._errors import TargetClosedError
from playwright._impl.isomorphic.manual_promise import LongStandingScope
from scrapy.settings import Settings

from newscrawler import settings as project_settings
from newscrawler.rendering import (RenderConfig, RenderPagePool, chromium_path, quiet_closed_target_leftovers,
                                  unless_page_closed)


class OpenPage:
    """What the pool asks of a Playwright page: whether it is closed."""

    def __init__(self):
        self.closed = False

    def is_closed(self) -> bool:
        return self.closed


def render(pool: RenderPagePool, page: OpenPage, succeeded: bool = True) -> tuple[str, bool]:
    """One render as the download handler runs it: lease, scrapy-playwright puts the page in meta, give back."""
    meta: dict = {}
    slot = pool.lease(meta)
    assert meta["playwright_include_page"] is True
    meta.setdefault("playwright_page", page)
    return meta["playwright_context"], pool.give_back(slot, meta, succeeded)


def test_a_page_serves_renders_per_context_renders_then_is_replaced():
    pool = RenderPagePool(renders_per_context=3, context_kwargs={"timezone_id": "UTC"})
    page = OpenPage()
    results = [render(pool, page) for _ in range(4)]
    names = [name for name, _ in results]
    assert names[0] == names[1] == names[2] != names[3]
    assert [kept for _, kept in results] == [True, True, False, True]
    assert pool.opened == 2


def test_the_leased_page_is_handed_to_scrapy_playwright():
    pool = RenderPagePool(renders_per_context=5, context_kwargs={"timezone_id": "UTC"})
    page = OpenPage()
    render(pool, page)
    meta: dict = {}
    pool.lease(meta)
    assert meta["playwright_page"] is page
    assert meta["playwright_context_kwargs"] == {"timezone_id": "UTC"}


def test_a_failed_render_never_gives_its_page_to_another():
    pool = RenderPagePool(renders_per_context=10, context_kwargs={})
    first, kept = render(pool, OpenPage(), succeeded=False)
    assert kept is False
    second, _ = render(pool, OpenPage())
    assert second != first


def test_a_closed_page_is_dropped_from_the_pool():
    """A killed browser closes every page: the next render opens a new context."""
    pool = RenderPagePool(renders_per_context=10, context_kwargs={})
    page = OpenPage()
    first, _ = render(pool, page)
    page.closed = True
    second, _ = render(pool, OpenPage())
    assert second != first
    assert pool.opened == 2


def test_concurrent_renders_get_pages_of_their_own():
    pool = RenderPagePool(renders_per_context=10, context_kwargs={})
    metas = [{} for _ in range(3)]
    slots = [pool.lease(meta) for meta in metas]
    assert len({meta["playwright_context"] for meta in metas}) == 3
    for slot, meta in zip(slots, metas):
        meta["playwright_page"] = OpenPage()
        pool.give_back(slot, meta, succeeded=True)
    assert len(pool.idle) == 3


def test_render_settings_come_from_the_crawler_settings():
    settings = Settings()
    settings.setmodule(project_settings)
    settings.setdict({"NEWS_RENDERS_PER_CONTEXT": 7, "NEWS_RELATED_SETTLE_MS": 150, "NEWS_CHROMIUM_PATH": "/opt/c"})
    config = RenderConfig.from_settings(settings)
    assert (config.renders_per_context, config.settle_ms, config.chromium_path) == (7, 150, "/opt/c")
    launch = config.playwright_settings()["PLAYWRIGHT_LAUNCH_OPTIONS"]
    assert launch["executable_path"] == "/opt/c"
    assert "--no-sandbox" in launch["args"]


def launch_options(**user) -> dict:
    """What scrapy-playwright launches the browser with: the project's settings, what the user set
    (`-s`, at command-line priority), then the project's add-ons, as Scrapy applies them."""
    from scrapy.addons import AddonManager
    from scrapy.utils.test import get_crawler

    settings = Settings()
    settings.setmodule(project_settings)
    settings.setdict(user, priority="cmdline")
    AddonManager(get_crawler()).load_settings(settings)
    return settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")


def test_the_browser_a_user_names_is_the_one_launched():
    assert launch_options(NEWS_CHROMIUM_PATH="/opt/chrome/chrome")["executable_path"] == "/opt/chrome/chrome"
    # Unset: Debian's headless build where it is installed (as `make install` does), else
    # Playwright's own browser (no executable_path at all).
    default = launch_options().get("executable_path")
    assert default == chromium_path(None)
    assert "--no-sandbox" in launch_options()["args"]


class ClosedRequest:
    """A browser request whose page went away while it waited in the route handler."""

    url = "http://127.0.0.1:1/article/1/a"

    async def all_headers(self):
        raise TargetClosedError()


class RouteOfClosedPage:
    """What the route handler asks of a Playwright route once the page is gone: to hand it back."""

    def __init__(self):
        self.handed_back = False

    async def fallback(self):
        self.handed_back = True


async def route_like_scrapy_playwright(route, playwright_request) -> None:
    await playwright_request.all_headers()  # the call that meets a killed browser


def test_a_request_of_a_closed_page_is_handed_back_quietly(caplog):
    """The route handler meets a killed browser: nothing raised, so nothing for Playwright to log,
    and the route goes back to Playwright, so none of its tasks waits for it forever."""
    route_request = unless_page_closed(route_like_scrapy_playwright)
    route = RouteOfClosedPage()
    with caplog.at_level(logging.DEBUG):
        asyncio.run(route_request(route, ClosedRequest()))
    assert route.handed_back
    assert "its page is gone" in caplog.text
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


def report_abandoned_future(loop: asyncio.AbstractEventLoop, error: BaseException) -> None:
    """What asyncio reports when a failed future nobody awaited is collected."""
    future = loop.create_future()
    future.set_exception(error)
    future.exception()  # retrieved here, so that only the report below speaks of it
    loop.call_exception_handler({"message": "Future exception was never retrieved", "exception": error,
                                 "future": future})


def report_abandoned_task(loop: asyncio.AbstractEventLoop, coroutine) -> None:
    """What asyncio reports when a task still waiting is collected."""
    task = loop.create_task(coroutine)
    loop.run_until_complete(asyncio.sleep(0))  # the task starts and waits
    loop.call_exception_handler({"message": "Task was destroyed but it is pending!", "task": task})
    task.cancel()
    loop.run_until_complete(asyncio.gather(task, return_exceptions=True))


async def wait_forever_in_our_code(never: asyncio.Future) -> None:
    await never


def test_what_a_dead_browser_leaves_behind_is_not_an_error_and_anything_else_still_is(caplog):
    loop = asyncio.new_event_loop()
    try:
        quiet_closed_target_leftovers(loop)
        quiet_closed_target_leftovers(loop)  # a second crawler in the process: nothing changes
        with caplog.at_level(logging.DEBUG):
            report_abandoned_future(loop, TargetClosedError())
            report_abandoned_task(loop, LongStandingScope().safe_race(loop.create_future()))  # Playwright's own
            report_abandoned_future(loop, ValueError("a real bug"))
            report_abandoned_task(loop, wait_forever_in_our_code(loop.create_future()))
    finally:
        loop.close()
    errors = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 2
    assert "never retrieved" in errors[0] and "a real bug" in errors[0]
    assert "destroyed but it is pending" in errors[1] and "wait_forever_in_our_code" in errors[1]
    quieted = [record.getMessage() for record in caplog.records if record.name == "newscrawler.rendering.quirks"]
    assert len(quieted) == 2


def test_a_listener_of_a_dead_browser_logged_by_playwright_is_no_error_and_any_other_still_is(caplog):
    """Playwright logs an event listener's failure itself (scrapy-playwright's response listener
    asking a killed browser for headers): that one is said at DEBUG, without a traceback."""
    loop = asyncio.new_event_loop()
    try:
        quiet_closed_target_leftovers(loop)
    finally:
        loop.close()
    playwright_log = logging.getLogger("playwright")
    with caplog.at_level(logging.DEBUG):
        for error in (TargetClosedError("Response.header_value: Target page, context or browser has been closed"),
                      ValueError("a real bug")):
            playwright_log.error("Error occurred in event listener", exc_info=error)
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert [str(record.exc_info[1]) for record in errors] == ["a real bug"]
    assert any("in an event listener" in record.getMessage() and not record.exc_info for record in caplog.records
               if record.name == "newscrawler.rendering.quirks")


def test_scrapy_playwright_still_has_the_private_members_the_adapter_relies_on():
    """Fails loudly when an upgrade of scrapy-playwright renames or removes one of them."""
    import inspect

    from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

    from newscrawler.rendering.playwright_adapter import INSTANCE_MEMBERS, PRIVATE_MEMBERS

    for name in PRIVATE_MEMBERS:
        assert callable(getattr(ScrapyPlaywrightDownloadHandler, name, None)), f"scrapy-playwright lost {name}"
    init = inspect.getsource(ScrapyPlaywrightDownloadHandler.__init__)
    for name in INSTANCE_MEMBERS:
        assert f"self.{name}" in init, f"scrapy-playwright no longer sets {name}"
    assert list(inspect.signature(ScrapyPlaywrightDownloadHandler._download_request).parameters)[:2] == \
        ["self", "request"]


def test_the_related_block_script_ships_inside_the_package():
    from newscrawler.rendering import script

    text = script("related_block")
    assert text.startswith("async (") and "data-newscrawler-related" in text


def test_one_render_config_per_crawl_made_by_the_add_on_with_the_site_zone():
    from scrapy.utils.test import get_crawler

    from newscrawler.rendering.config import render_config
    from newscrawler.spiders.news import NewsSpider

    values = {name: getattr(project_settings, name) for name in dir(project_settings) if name.isupper()}
    crawler = get_crawler(NewsSpider, {**values, "NEWS_SITE_PROFILE": "replica", "MONGO_URI": ""})
    spider = NewsSpider.from_crawler(crawler)   # as Scrapy does: the spider first, then the add-ons
    crawler._apply_settings()
    assert spider.render is render_config(crawler) is crawler.news_render
    assert crawler.news_render.timezone_id == "Asia/Seoul"   # the browser writes dates in the site's zone
