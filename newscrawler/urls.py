"""URLs: making them absolute, naming their host, and the rules that tell a site's articles and
listings apart and name the same page once. Imports nothing of the project: every floor uses it."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

FOLLOWED_SCHEMES = ("http", "https")


class TrackingParams:
    """Query parameters that only track where a click came from: they name the same page.

    courlan's list (kept from ClearURLs', AdGuard's and Firefox's query-stripping rules: `utm_*`,
    `_ga`, `igshid`, `mkt_tok`, `fbclid`, `gclid`, `mc_*`, `ref`, ...) strips what our own list of
    six did and some forty more; it lacks a few that news sites add (`smid`, `cmpid`, `ocid`).
    Its words that also name content on news sites (`cid`, `eid`, `uid`: a story's or an event's
    id) are left in: stripping an id merges articles, keeping a tracker only names one twice."""

    OURS = re.compile(r"^(smid|cmpid|ocid|ito|ns_mchannel|ns_source|ns_campaign|ns_linkname|ns_fee)$", re.I)
    NAMES_CONTENT = frozenset({"cid", "eid", "uid", "id"})

    def match(self, name: str) -> bool:
        from courlan.clean import TRACKERS_RE

        name = name.lower()
        return bool(self.OURS.match(name) or (TRACKERS_RE.search(name) and name not in self.NAMES_CONTENT))


TRACKING_PARAMS = TrackingParams()


def absolute(base: str, href: str | None) -> str | None:
    """`href` made absolute against `base`; None for links that are not http(s) URLs: another
    scheme, or a link no request can be made of (`http://[ccpa-preferences]`, a port that is no
    number, a host that has no DNS form). A page's one bad link must cost nothing but itself."""
    if not href:
        return None
    try:
        url = urljoin(base, href.strip())
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is no number
    except ValueError:
        return None
    if parts.scheme not in FOLLOWED_SCHEMES or not parts.hostname or ascii_host(parts.hostname) is None:
        return None
    return url


SCHEME = re.compile(r"\s*([a-z][a-z0-9+.-]*):", re.I)


def is_broken_link(base: str, href: str | None) -> bool:
    """A link meant as a web address (http(s), or relative) that `absolute` can make none of."""
    if not href or absolute(base, href) is not None:
        return False
    scheme = SCHEME.match(href)
    return scheme is None or scheme.group(1).lower() in FOLLOWED_SCHEMES


def ascii_host(host: str) -> str | None:
    """The host as DNS and requests name it (`bücher.test` is `xn--bcher-kva.test`), lower case;
    None for a name that has none (an empty label, one over 63 characters). Encoded as Scrapy's
    requests encode it (w3lib: NFKC, then the `idna` codec), so both name a host alike."""
    if ":" in host:  # an IPv6 address
        return host.lower()
    try:
        return unicodedata.normalize("NFKC", host).encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None


def host_of(url: str) -> str:
    """The URL's host as DNS names it (`www.bücher.test` and `www.xn--bcher-kva.test` are one host,
    as Scrapy requests it), lower case; "" for none, or for a URL that cannot be split."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host if host.isascii() else (ascii_host(host) or host)


def path_of(url: str) -> str:
    """The URL's path; "" for a URL that cannot be split (what a page declares may be anything)."""
    try:
        return urlsplit(url).path
    except ValueError:
        return ""


@dataclass(frozen=True)
class UrlRules:
    """Which URLs are articles and listings, and what names the same page.

    `article_path` matches an article's path; its group `id` is the site's id of the article, and
    an optional group `edition` (a language edition with its own id space) makes the id
    `<edition>:<id>`, with `default_edition` for paths that name none.
    """

    article_path: re.Pattern | None
    listing_paths: tuple[re.Pattern, ...] = ()
    tracking_params: TrackingParams | re.Pattern = TRACKING_PARAMS
    default_edition: str | None = None

    def canonicalize(self, url: str) -> str:
        """Drop tracking parameters and the fragment; keep every other parameter, sorted; the path
        and query percent-encoded one way (`café` and `caf%c3%a9` are `caf%C3%A9`) and the host as
        DNS names it (w3lib's `canonicalize_url`, as Scrapy's fingerprints do)."""
        parts = urlsplit(url)
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                 if not self.tracking_params.match(k)]
        kept = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", urlencode(sorted(query)), ""))
        return canonicalize_url(kept)

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



@functools.cache
def _public_suffixes():
    import tldextract

    # The public suffix list bundled with tldextract, never fetched: crawls run without the
    # internet, and a list read at run time would make what a site is change from one run to the
    # next. Private suffixes count (`blogspot.com`, `github.io`): two blogs there are two owners.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def registrable_domain(host: str) -> str:
    """The domain an organisation registered (`edition.cnn.com`, `cnn.com`: `cnn.com`;
    `news.bbc.co.uk`: `bbc.co.uk`). A name under no listed suffix (`.test`, `.internal`) has its
    last label as suffix, as the public suffix list's default rule says; an address is itself."""
    host = host.lower().strip("[]").rstrip(".")
    parts = _public_suffixes()(host)
    if parts.suffix and parts.domain:
        return f"{parts.domain}.{parts.suffix}"
    labels = host.split(".")
    if ":" in host or len(labels) < 2 or all(label.isdigit() for label in labels):
        return host
    return ".".join(labels[-2:])


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
