"""URLs: making them absolute, naming their host, and the rules that tell a site's articles and
listings apart and name the same page once. Imports nothing of the project: every floor uses it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

FOLLOWED_SCHEMES = ("http", "https")
# Query parameters that only track where a click came from: they name the same page.
TRACKING_PARAMS = re.compile(r"^(utm_.*|ref|fbclid|gclid|mc_[a-z]+|ocid)$", re.I)


def absolute(base: str, href: str | None) -> str | None:
    """`href` made absolute against `base`; None for links that are not http(s)."""
    if not href:
        return None
    url = urljoin(base, href.strip())
    return url if urlsplit(url).scheme in FOLLOWED_SCHEMES else None


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


@dataclass(frozen=True)
class UrlRules:
    """Which URLs are articles and listings, and what names the same page.

    `article_path` matches an article's path; its group `id` is the site's id of the article, and
    an optional group `edition` (a language edition with its own id space) makes the id
    `<edition>:<id>`, with `default_edition` for paths that name none.
    """

    article_path: re.Pattern | None
    listing_paths: tuple[re.Pattern, ...] = ()
    tracking_params: re.Pattern = TRACKING_PARAMS
    default_edition: str | None = None

    def canonicalize(self, url: str) -> str:
        """Drop tracking parameters and the fragment; keep every other parameter, sorted."""
        parts = urlsplit(url)
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                 if not self.tracking_params.match(k)]
        return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", urlencode(sorted(query)), ""))

    def article_match(self, url: str) -> re.Match | None:
        return self.article_path.match(urlsplit(url).path)

    def article_id(self, url: str) -> str | None:
        match = self.article_match(url)
        if not match:
            return None
        edition = match.groupdict().get("edition") or self.default_edition
        return f"{edition}:{match.group('id')}" if edition else match.group("id")

    def edition(self, url: str) -> str | None:
        match = self.article_match(url) or self.listing_match(url)
        return (match.groupdict().get("edition") if match else None) or self.default_edition

    def listing_match(self, url: str) -> re.Match | None:
        path = urlsplit(url).path or "/"
        return next((m for m in (p.match(path) for p in self.listing_paths) if m), None)

    def is_listing(self, url: str) -> bool:
        return self.listing_match(url) is not None


def host_family(host: str) -> str:
    """`www.example.com`, `amp.example.com` and `example.com` are one site."""
    return re.sub(r"^(www\d?|m|amp|mobile)\.", "", host.lower())



def unique_urls(urls) -> list[str]:
    """The URLs given, in order, each once, without empty ones."""
    return list(dict.fromkeys(u for u in urls if u))


# Where a URI's user info ends: the `@` before its hosts (a password may hold `#`, `/`, `?`, `@`).
_HOSTS_AFTER = re.compile(r"@(?=[\w.\-:,\[\]%]+(?:[/?]|$))")
# Query options that carry secrets (`tlsCertificateKeyFilePassword`, `authMechanismProperties=
# AWS_SESSION_TOKEN:...`, a webhook's `token=`).
_SECRET_OPTION = re.compile(r"(?i)([?&;](?:[^=&;]*(?:password|secret|token|key|signature|authmechanismproperties)[^=&;]*)=)[^&;]*")


def mask_uri(uri: str) -> str:
    """A URI safe for logs, stats, errors and dead letters: `mongodb://user:****@host/db?...`, its
    secret options `****` too. Read as pymongo reads it, not as a web URL (`#` is no fragment)."""
    scheme, sep, rest = (uri or "").partition("://")
    if not sep:
        return "****" if "@" in uri or ":" in uri else uri
    at = _HOSTS_AFTER.search(rest)
    if at:
        userinfo = rest[: at.start()]
        user = userinfo.split(":", 1)[0] if ":" in userinfo else userinfo
        rest = f"{user}:****{rest[at.start():]}" if ":" in userinfo else rest
    return f"{scheme}://" + _SECRET_OPTION.sub(r"\1****", rest)


def mask_url(url: str) -> str:
    """A URL whose path and query may be a secret (a webhook's token): its scheme and host only."""
    parts = urlsplit(url or "")
    if not (parts.scheme and parts.hostname):
        return "(not a URL)"
    return f"{parts.scheme}://{parts.hostname}/****"
