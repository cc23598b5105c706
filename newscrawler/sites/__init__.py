"""Sites: everything that is specific to one site, one module each.

A site module defines `SITE`, a `Site` that declares its name, time zone, default start URLs, URL
rules (which paths are articles, which are listings, how an article id is read), its sources (how
articles are discovered) and its page classes (how a page becomes fields). No selector or URL
pattern lives outside these modules. `NEWS_SITE_PROFILE` names the module; `configured_site()` is
the one place where settings become a site and its zone, for every component that needs them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
import pkgutil
from importlib import import_module
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..urls import UrlRules, host_of  # noqa: F401  (UrlRules: site modules declare their rules with it)


class SiteConfigError(ValueError):
    """A site name or zone that settings cannot be resolved to."""


@dataclass(frozen=True)
class Site:
    """One site: what it is, where its articles are found, and how its pages are read."""

    name: str
    timezone: str | None  # None: the site states no zone (a local time without offset stays local)
    start_urls: tuple[str, ...]
    urls: UrlRules
    sources: tuple  # newscrawler.sources.Source objects, tried in order for each start URL
    article_page: type  # a newscrawler.pages.article.ArticlePage subclass
    language: str = "en"
    render_articles: bool = True
    """Whether article pages go through the browser (for their related block, or because an app
    draws them); a site whose pages need no script reads them as the server sent them."""
    edition_listing: str | None = None
    """Path of an edition's listing, `{prefix}` standing for `/<edition>` (empty for the default
    edition): lets `-a editions=en,ko` name start URLs."""
    settings: dict = field(default_factory=dict)
    """Settings this site reads, with their defaults (e.g. the base URL of its API)."""
    host_settings: tuple[str, ...] = ()
    """Of those, the ones naming another host the site's sources call: followed like the site's own."""
    flashes: object | None = None
    """Where the site lists its breaking-news flashes (a newscrawler.flashes.feed.FlashFeed), if it has any."""


@dataclass(frozen=True)
class ConfiguredSite:
    """The site a crawl is for, with the zone its local times are read in and its settings."""

    site: Site
    zone: ZoneInfo | None
    settings: dict = field(default_factory=dict, compare=False)

    @property
    def name(self) -> str:
        return self.site.name

    @property
    def urls(self) -> UrlRules:
        return self.site.urls

    def setting(self, name: str, default=None):
        return self.settings.get(name, default)

    @property
    def sources(self) -> tuple:
        return self.site.sources

    @property
    def article_page(self) -> type:
        return self.site.article_page

    def extra_hosts(self) -> set[str]:
        return {host_of(self.settings.get(name) or "") for name in self.site.host_settings} - {""}


def site_names() -> list[str]:
    """The sites this crawler knows: the modules of this package."""
    return sorted(module.name for module in pkgutil.iter_modules(__path__) if not module.name.startswith("_"))


def load_site(name: str) -> Site:
    """The site named `name`: a module of this package with a `SITE` attribute."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name or "") or name not in site_names():
        raise SiteConfigError(f"NEWS_SITE_PROFILE names no site: {name!r} (the sites: {', '.join(site_names())})")
    return import_module(f"{__name__}.{name}").SITE


@lru_cache(maxsize=32)
def _configured(name: str, zone_name: str, frozen_settings: tuple) -> ConfiguredSite:
    site = load_site(name)
    zone_name = zone_name or site.timezone
    if not zone_name:
        return ConfiguredSite(site, None, dict(frozen_settings))
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SiteConfigError(f"NEWS_SITE_TIMEZONE is not an IANA time zone: {zone_name!r} "
                              "(a name such as Asia/Seoul, Europe/Berlin or UTC)") from None
    return ConfiguredSite(site, zone, dict(frozen_settings))


def crawl_site(crawler) -> ConfiguredSite:
    """The site of a crawl, resolved once and kept on its crawler for every component that asks
    (the spider, the fingerprinter, the pipelines). Raises SiteConfigError, which `scrapy crawl`
    reports in one line before any crawler starts."""
    site = getattr(crawler, "news_site", None)
    if site is None:
        site = crawler.news_site = configured_site(crawler.settings)
    return site


def configured_site(settings) -> ConfiguredSite:
    """The site and zone that `settings` name (`NEWS_SITE_PROFILE`, `NEWS_SITE_TIMEZONE`), with
    the values of the settings the site declares it reads. Raises SiteConfigError."""
    name = settings.get("NEWS_SITE_PROFILE") or "replica"
    site = load_site(name)
    values = tuple((key, settings.get(key) or default) for key, default in sorted(site.settings.items()))
    return _configured(name, settings.get("NEWS_SITE_TIMEZONE") or "", values)
