"""One TLS policy: `DOWNLOAD_VERIFY_CERTIFICATES` (Scrapy's own setting) decides for Scrapy's fetches,
for the browser's renders (Playwright's `ignore_https_errors`, newscrawler.rendering.config) and for
`scrapy extract` (which fetches through Scrapy).

A certificate refused under it is no passing fault: it is said once per host, in one line naming the
setting, and the request is not retried (it would be refused again). Each page refused so is counted
under `news/fetch_failed/certificate` and fails as a fetch does (an article is a miss, retried by
later crawls). Every download path says it its own way: Python's `ssl` (aiohttp, Twisted's OpenSSL
messages) and Chromium's `net::ERR_CERT_...`.
"""

from __future__ import annotations

import logging
import ssl

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

from .. import meta
from .refusals import PageRefused

logger = logging.getLogger(__name__)

STAT = "news/fetch_failed/certificate"
SIGNS = ("certificate verify failed", "CERTIFICATE_VERIFY_FAILED", "net::ERR_CERT_", "ERR_CERT_AUTHORITY_INVALID")


class CertificateRefused(PageRefused):
    """A page whose server's certificate was not trusted; counted and said already."""


def certificate_problem(exception: BaseException) -> str | None:
    """What was wrong with the certificate, when this failure (or one it came from) is a refused
    certificate; None otherwise."""
    seen = set()
    while exception is not None and id(exception) not in seen:
        seen.add(id(exception))
        if isinstance(exception, ssl.SSLCertVerificationError):
            return exception.verify_message or "not trusted"
        text = str(exception)
        for sign in SIGNS:
            if sign in text:
                return shortened(text, sign)
        exception = exception.__cause__ or exception.__context__
    return None


def shortened(text: str, sign: str) -> str:
    """The words after the sign (`self-signed certificate`, `ERR_CERT_AUTHORITY_INVALID`)."""
    if sign.startswith("net::"):
        return text[text.index(sign) + 5:].split()[0]
    rest = text[text.index(sign) + len(sign):].lstrip(": ")
    return rest.split("(")[0].split("'")[0].split(")")[0].strip() or "not trusted"


class CertificatePolicyMiddleware:
    """Downloader middleware: a refused certificate is said once per host and never retried."""

    def __init__(self, crawler):
        self.stats = crawler.stats
        self.hosts_said: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_exception(self, request, exception):
        problem = certificate_problem(exception)
        if problem is None:
            return None
        host = urlparse_cached(request).hostname or ""
        if host not in self.hosts_said:
            self.hosts_said.add(host)
            logger.warning("%s: certificate not trusted (%s): its pages are not fetched; "
                           "DOWNLOAD_VERIFY_CERTIFICATES=False accepts it", host, problem)
        if meta.PAGE_KIND not in request.meta:
            # Scrapy's robots.txt check logs any other refusal as an error, with its traceback.
            raise IgnoreRequest(f"certificate not trusted: {request.url}")
        self.stats.inc_value(STAT)
        raise CertificateRefused(f"certificate not trusted ({problem}): {request.url}")
