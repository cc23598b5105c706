"""URL rules: canonical forms, article ids, and which links may be followed."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from .profiles import SiteProfile

FOLLOWED_SCHEMES = ("http", "https")


def canonicalize(url: str, profile: SiteProfile) -> str:
    """Drop tracking parameters and the fragment; keep every other parameter, sorted."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not profile.tracking_params.match(k)]
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, urlencode(sorted(query)), ""))


def absolute(base: str, href: str | None) -> str | None:
    """`href` made absolute against `base`; None for links that are not http(s)."""
    if not href:
        return None
    url = urljoin(base, href.strip())
    return url if urlsplit(url).scheme in FOLLOWED_SCHEMES else None


def article_id(url: str, profile: SiteProfile) -> str | None:
    match = profile.article_path.match(urlsplit(url).path)
    return match.group("id") if match else None


def is_listing(url: str, profile: SiteProfile) -> bool:
    path = urlsplit(url).path or "/"
    return any(pattern.match(path) for pattern in profile.listing_paths)


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
