"""One TLS policy (`DOWNLOAD_VERIFY_CERTIFICATES`) for Scrapy's fetches, the browser's renders and
`scrapy extract`: a loopback HTTPS server whose certificate no authority signed."""

from __future__ import annotations

import json
import ssl
import subprocess

import pytest

from servers import BIN, ROOT, crawl_in_process, scrapy_env, self_signed_certificate
from test_serving import Site, article_html

PATH = "/news/2024/05/story-1"


@pytest.fixture
def https_site(tmp_path):
    """An article on a loopback HTTPS server with a self-signed certificate."""
    cert, key = self_signed_certificate(tmp_path)
    site = Site()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    site.server.socket = context.wrap_socket(site.server.socket, server_side=True)
    site.base_url = site.base_url.replace("http://", "https://")
    site.pages[PATH] = ("text/html; charset=utf-8", article_html(1).encode(), {})
    with site:
        yield site


def test_a_self_signed_certificate_is_refused_by_default_in_one_line(https_site, caplog):
    items, stats = crawl_in_process({"NEWS_SITE_PROFILE": "generic"}, start_url=https_site.base_url + PATH)
    assert items == []
    assert stats.get("news/fetch_failed/certificate", 0) >= 1
    assert https_site.requested.count(PATH) == 0          # refused before a request was sent...
    lines = [r for r in caplog.records if "certificate" in r.getMessage()]
    assert len(lines) == 1 and "DOWNLOAD_VERIFY_CERTIFICATES" in lines[0].getMessage()   # ...and not retried
    assert "Traceback" not in caplog.text


def test_a_self_signed_certificate_is_accepted_where_the_user_says_so(https_site):
    items, stats = crawl_in_process({"NEWS_SITE_PROFILE": "generic", "DOWNLOAD_VERIFY_CERTIFICATES": False},
                                    start_url=https_site.base_url + PATH)
    assert [item.url for item in items] == [https_site.base_url + PATH]


def test_scrapy_extract_follows_the_same_policy(https_site):
    def extract(*settings: str) -> subprocess.CompletedProcess:
        command = [str(BIN / "scrapy"), "extract", https_site.base_url + PATH, *settings]
        return subprocess.run(command, cwd=ROOT, env=scrapy_env(), capture_output=True, text=True, timeout=120)

    refused, accepted = extract(), extract("-s", "DOWNLOAD_VERIFY_CERTIFICATES=False")
    assert refused.returncode == 1 and "certificate" in refused.stderr and "Traceback" not in refused.stderr
    assert accepted.returncode == 0, accepted.stderr
    assert json.loads(accepted.stdout)["title"] == "Story number 1 of the day"


@pytest.mark.slow
def test_renders_follow_the_same_policy(tmp_path):
    """The replica over HTTPS with a self-signed certificate, its articles rendered by Chromium: with
    verification off, the browser accepts the certificate as Scrapy does, and every article is stored."""
    from replica import Replica, SiteContent
    from servers import run_crawl

    with Replica(SiteContent(seed=2, sections=1, articles=6), tls=self_signed_certificate(tmp_path)) as replica:
        result = run_crawl(tmp_path, replica.base_url + "/", settings={"DOWNLOAD_VERIFY_CERTIFICATES": False})
        listed = {url for url, truth in replica.ground_truth().items() if truth["listed"]}
    assert {item["url"] for item in result.articles} == listed
    assert result.stat("news/renders") >= 1
    assert "Traceback" not in result.log and "certificate" not in result.log
