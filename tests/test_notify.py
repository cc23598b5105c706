"""The operator hears about a crawl that went wrong, by webhook and e-mail, on local receivers."""

from __future__ import annotations

import json
import socketserver
import threading
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from replica import Replica, SiteContent
from servers import Crawl, RedisServer, run_crawl, wait_until

pytestmark = pytest.mark.slow


class Webhook(BaseHTTPRequestHandler):
    def do_POST(self):
        self.server.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


class Smtp(socketserver.StreamRequestHandler):
    """Just enough SMTP to take one message."""

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        self.reply("220 localhost test")
        while line := self.rfile.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 localhost")
            elif command == "DATA":
                self.reply("354 go on")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                self.server.received.append(message_from_bytes(data))
                self.reply("250 queued")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def receivers():
    http = ThreadingHTTPServer(("127.0.0.1", 0), Webhook)
    smtp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Smtp)
    for server in (http, smtp):
        server.received = []
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield http, smtp
    finally:
        for server in (http, smtp):
            server.shutdown()
            server.server_close()


def test_failed_monitors_reach_the_operator(tmp_path, receivers):
    http, smtp = receivers
    content = SiteContent(seed=47, sections=2, articles=6, related_only_share=0)
    with Replica(content) as replica:
        result = run_crawl(tmp_path, replica.base_url + "/", settings={
            "SPIDERMON_MIN_ITEMS": 100, "NEWS_NOTIFY_WEBHOOK_URL": f"http://127.0.0.1:{http.server_address[1]}/hook",
            "NEWS_NOTIFY_EMAIL_TO": "ops@example.test", "NEWS_NOTIFY_SMTP_HOST": "127.0.0.1",
            "NEWS_NOTIFY_SMTP_PORT": smtp.server_address[1]})
    [posted] = http.received
    assert posted["finish_reason"] == "finished" and posted["summary"]["pages"] >= 6   # checks parse twice
    assert any("Item count" in name for name in posted["failed_monitors"])
    [mail] = smtp.received
    assert mail["To"] == "ops@example.test" and "Item count" in mail.get_payload()
    assert result.stat("news/notify/sent/webhook") == result.stat("news/notify/sent/e-mail") == 1
    assert "Traceback" not in result.log


def test_a_good_crawl_notifies_nobody(tmp_path, receivers):
    http, _ = receivers
    with Replica(SiteContent(seed=48, sections=1, articles=3, related_only_share=0)) as replica:
        result = run_crawl(tmp_path, replica.base_url + "/",
                           settings={"NEWS_NOTIFY_WEBHOOK_URL": f"http://127.0.0.1:{http.server_address[1]}/hook"})
    assert result.stats["finish_reason"] == "finished" and http.received == []


def test_a_crawl_that_stops_making_progress_ends_itself_and_notifies(tmp_path, receivers):
    """Its shared Redis gone mid-crawl, a distributed crawl can neither queue nor take a request:
    past NEWS_STALL_MINUTES without progress it ends itself, failed, and the operator hears of it."""
    http, _ = receivers
    redis = RedisServer().start()
    content = SiteContent(seed=51, sections=2, articles=14, related_only_share=0)
    try:
        with Replica(content) as replica:
            crawl = Crawl(tmp_path, replica.base_url + "/", settings={
                "REDIS_URL": redis.url, "NEWS_CRAWL_ID": "stalls", "NEWS_STALL_MINUTES": 0.25, "DOWNLOAD_DELAY": 0.5,
                "NEWS_NOTIFY_WEBHOOK_URL": f"http://127.0.0.1:{http.server_address[1]}/hook"})
            wait_until(lambda: crawl.items_file.exists() and len(crawl.items_file.read_text().splitlines()) >= 2,
                       120, "2 articles scraped")
            redis.stop()
            result = crawl.finish(timeout=120)
    finally:
        redis.stop()
    assert result.stats["finish_reason"] == "stalled" and result.returncode == 1
    stalled = [line for line in result.log.splitlines() if " ERROR: " in line and "No progress for 0.25 minutes" in line]
    assert len(stalled) == 1
    [posted] = http.received
    assert posted["finish_reason"] == "stalled"
    assert "Traceback" not in result.log
