"""Every rendering knob, read once from the crawler's settings into one `RenderConfig`."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass


RENDER_SLOT = "chromium"  # the download slot of every rendered request: the browser's capacity
BLOCKED_RESOURCE_TYPES = frozenset({"image", "font", "media", "stylesheet", "imageset", "texttrack"})
# Debian's builds of Chromium, lightest first. The headless shell (package chromium-headless-shell,
# the build Playwright itself runs for headless pages) crawled 2.3 times as many articles per
# second as the full browser here with the same settings (README "Rendering, measured").
DEBIAN_CHROMIUMS = ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
HANDLER = "newscrawler.rendering.handler.RenderingDownloadHandler"
# Crawls that render nothing: Scrapy's own HTTP/1.1 download, with the idle timeout.
PLAIN_HANDLER = "newscrawler.rendering.idle.PlainDownloadHandler"


class HandlerConfigError(ValueError):
    """Download handlers the crawl cannot work with (named by the setting that chose them)."""


def check_download_handlers(settings) -> None:
    """Scrapy's HTTP/2 handler in `DOWNLOAD_HANDLERS` would take http(s) from the handler that
    renders: renders would silently become plain fetches (no related block), with no way back to
    HTTP/1.1. Refused at start rather than half supported. Raises HandlerConfigError."""
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    for scheme in ("http", "https"):
        handler = handlers.get(scheme)
        name = handler if isinstance(handler, str) else getattr(handler, "__name__", "")
        if name and "H2DownloadHandler" in name:
            raise HandlerConfigError(
                f"DOWNLOAD_HANDLERS names Scrapy's HTTP/2 handler for {scheme}: newscrawler fetches and "
                f"renders over HTTP/1.1 through its own handler; remove it")


@dataclass(frozen=True)
class RenderConfig:
    """Every rendering knob, read once from the crawler's settings."""

    enabled: bool
    chromium_path: str | None
    related_timeout_ms: int
    settle_ms: int
    max_pages: int
    navigation_timeout_ms: int
    user_agent: str
    renders_per_context: int = 10
    timezone_id: str = "UTC"
    verify_certificates: bool = True

    @classmethod
    def from_settings(cls, settings, site_zone: str | None = None) -> "RenderConfig":
        """`site_zone`: the site's zone, the browser's unless `NEWS_BROWSER_TIMEZONE` names another
        (a date the page's own script writes then reads as the site's readers see it)."""
        return cls(
            enabled=settings.getbool("NEWS_RENDER_RELATED", True),
            chromium_path=chromium_path(settings.get("NEWS_CHROMIUM_PATH")),
            related_timeout_ms=int(settings.getfloat("NEWS_RELATED_TIMEOUT", 15.0) * 1000),
            settle_ms=settings.getint("NEWS_RELATED_SETTLE_MS", 200),
            max_pages=settings.getint("NEWS_RENDER_CONCURRENCY", 6),
            navigation_timeout_ms=int(settings.getfloat("DOWNLOAD_TIMEOUT", 30) * 1000),
            user_agent=settings.get("USER_AGENT"),
            renders_per_context=settings.getint("NEWS_RENDERS_PER_CONTEXT", 10),
            timezone_id=settings.get("NEWS_BROWSER_TIMEZONE") or site_zone or "UTC",
            verify_certificates=settings.getbool("DOWNLOAD_VERIFY_CERTIFICATES"),
        )

    @property
    def timebox_s(self) -> float:
        """The longest a render may take: navigation, the related block, and a margin."""
        return (self.navigation_timeout_ms + self.related_timeout_ms) / 1000 + 15

    def playwright_settings(self) -> dict:
        launch = {"headless": True, "args": CHROMIUM_ARGS}
        if self.chromium_path:
            launch["executable_path"] = self.chromium_path
        return {
            "PLAYWRIGHT_LAUNCH_OPTIONS": launch,
            # Renders are bounded by their download slot (RENDER_SLOT), not by scrapy-playwright's
            # context semaphore: a browser killed mid-render never gives its slots back to that
            # semaphore, and the crawl then waits forever (seen here).
            "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 1,
            "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": self.navigation_timeout_ms,
            "PLAYWRIGHT_ABORT_REQUEST": "newscrawler.rendering.config.should_abort_request",
            "PLAYWRIGHT_PROCESS_REQUEST_HEADERS": None,  # navigation and fetches share Scrapy's headers
        }

    def download_slots(self, existing: dict) -> dict:
        return {**existing, RENDER_SLOT: {"concurrency": self.max_pages, "delay": 0}}

    def context_kwargs(self) -> dict:
        return {"timezone_id": self.timezone_id, "user_agent": self.user_agent, "accept_downloads": False,
                "java_script_enabled": True, "service_workers": "block",
                # The crawl's one TLS policy (newscrawler.downloader.tls), the browser's as Scrapy's.
                "ignore_https_errors": not self.verify_certificates}


def render_config(crawler) -> RenderConfig:
    """The crawl's rendering config, made once by the rendering add-on (newscrawler.addons) for the
    download handler and the spider alike."""
    config = getattr(crawler, "news_render", None)
    if config is None:  # ADDONS without ours: the settings as they are, the browser in UTC
        return RenderConfig.from_settings(crawler.settings)
    return config


def chromium_path(configured: str | None) -> str | None:
    """The browser to launch: the setting, else Debian's Chromium, else Playwright's own (None)."""
    if configured:
        return configured
    installed = [path for path in DEBIAN_CHROMIUMS if os.path.exists(path)]
    return installed[0] if installed else shutil.which("chromium")


def is_blocked(request) -> bool:
    """Only the page, its scripts and its data calls load; no image, font, media or style."""
    return request.resource_type in BLOCKED_RESOURCE_TYPES or not request.url.startswith(("http:", "https:"))


async def should_abort_request(request) -> bool:
    return is_blocked(request)
