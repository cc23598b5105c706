"""A setting that names nothing ends the command at start with one line naming the setting and the
choices: `scrapy crawl` (and so a Scrapyd job) and `scrapy extract` alike."""

from __future__ import annotations

import subprocess

import pytest
from scrapy.utils.test import get_crawler

from newscrawler.sites import SiteConfigError, crawl_site
from servers import BIN, ROOT, scrapy_env


@pytest.mark.parametrize("setting, value, line", [
    ("NEWS_SITE_PROFILE", "nosuch", "newscrawler: NEWS_SITE_PROFILE names no site: 'nosuch' "
                                    "(the sites: coinness, generic, replica)"),
    ("NEWS_SITE_TIMEZONE", "Mars/Base", "newscrawler: NEWS_SITE_TIMEZONE is not an IANA time zone: 'Mars/Base'"),
])
def test_a_bad_site_or_zone_ends_a_crawl_at_start_with_one_line(setting, value, line):
    done = subprocess.run([str(BIN / "scrapy"), "crawl", "news", "-s", f"{setting}={value}"], cwd=ROOT,
                          env=scrapy_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    errors = [text for text in done.stderr.splitlines() if text.startswith("newscrawler:")]
    assert len(errors) == 1 and errors[0].startswith(line)
    assert "Traceback" not in done.stderr and "Spider opened" not in done.stderr


def test_a_bad_site_ends_scrapy_extract_with_the_same_line(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html></html>")
    done = subprocess.run([str(BIN / "scrapy"), "extract", "--site", "nosuch", str(page)], cwd=ROOT,
                          env=scrapy_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "newscrawler: --site names no site: 'nosuch' (the sites: coinness, generic, replica)" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_site_is_resolved_once_per_crawl():
    crawler = get_crawler(settings_dict={"NEWS_SITE_PROFILE": "coinness"})
    assert crawl_site(crawler) is crawl_site(crawler) and crawl_site(crawler).name == "coinness"
    with pytest.raises(SiteConfigError, match="NEWS_SITE_TIMEZONE"):
        crawl_site(get_crawler(settings_dict={"NEWS_SITE_TIMEZONE": "Mars/Base"}))


def test_scrapys_http2_handler_ends_a_crawl_at_start_with_one_line():
    """Scrapy's HTTP/2 handler would replace the one that renders: refused, not silently swapped."""
    handlers = '{"https": "scrapy.core.downloader.handlers.http2.H2DownloadHandler"}'
    done = subprocess.run([str(BIN / "scrapy"), "crawl", "news", "-s", f"DOWNLOAD_HANDLERS={handlers}"], cwd=ROOT,
                          env=scrapy_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    errors = [text for text in done.stderr.splitlines() if text.startswith("newscrawler:")]
    assert len(errors) == 1 and errors[0].startswith("newscrawler: DOWNLOAD_HANDLERS names Scrapy's HTTP/2 handler")
    assert "Traceback" not in done.stderr and "Spider opened" not in done.stderr


def test_renders_leave_the_api_and_the_site_their_requests_at_once():
    """A render holds its place in CONCURRENT_REQUESTS for a second or more: with fewer places than
    two hosts at their bound and the renders, checks' renders took the places of the API's calls."""
    from newscrawler import settings

    hosts_at_their_bound = 2 * settings.CONCURRENT_REQUESTS_PER_DOMAIN
    assert settings.CONCURRENT_REQUESTS >= hosts_at_their_bound + settings.NEWS_RENDER_CONCURRENCY
