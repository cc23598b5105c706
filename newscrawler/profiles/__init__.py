"""Site profiles: everything that is specific to one site (selectors, URL patterns, time zone).

The spider, the parsers and the pipelines take a profile and never hard-code a site. The replica
contract (`replica`) is the default; `live` is a sketch for the real site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import import_module


@dataclass(frozen=True)
class SiteProfile:
    name: str
    timezone: str
    # Listings
    section_links: str = "nav.sections a::attr(href)"
    view_all_link: str = "a.view-all::attr(href)"
    card: str = "a.card"
    card_date: str = ".card-date::text"
    # Only the next page: walking page by page lets `since` stop a listing where it gets too old
    # (numbered links would schedule every page at once).
    next_page_links: tuple[str, ...] = (
        "nav.pagination a.next::attr(href)",
        "a.load-more::attr(href)",
    )
    # Article pages
    article: str = "article.article"
    article_id_attr: str = "data-article-id"
    title: str = "h1.article-title"
    section: str = ".article-meta .article-section"
    date: str = ".article-meta .article-date"
    hero: str = "figure.article-hero"
    body: str = ".article-body"
    body_blocks: str = "p, h2"
    tags: str = "ul.article-tags li"
    related_list: str = ".related-list"
    related_cards: str = ".related-list a.card"
    related_loading: str = ".related-list .loading"
    related_sentinel: str = ".related-sentinel"
    # URLs
    article_path: re.Pattern = re.compile(r"^/article/(?P<id>\d+)(?:/(?P<slug>[^/]+))?/?$")
    listing_paths: tuple[re.Pattern, ...] = (
        re.compile(r"^/$"),
        re.compile(r"^/section/[^/]+/?$"),
        re.compile(r"^/articles/?$"),
    )
    # Query parameters that only track where a click came from: they name the same page.
    tracking_params: re.Pattern = re.compile(r"^(utm_.*|ref|fbclid|gclid|mc_[a-z]+|ocid)$", re.I)
    language: str = "en"
    extra: dict = field(default_factory=dict)


def load_profile(name: str) -> SiteProfile:
    """The profile named `name`: a module of this package with a `PROFILE` attribute."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name or ""):
        raise ValueError(f"invalid site profile name: {name!r}")
    try:
        module = import_module(f"{__name__}.{name}")
    except ModuleNotFoundError:
        raise ValueError(f"unknown site profile: {name!r}") from None
    return module.PROFILE
