"""Servers the tests start: SecantusDB (MongoDB wire protocol) and scrapy crawls in subprocesses.

Every server binds 127.0.0.1 and is stopped by whoever started it, even when a test fails.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pymongo

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def wait_until(happened, timeout: float, what: str, every: float = 0.1) -> None:
    """Wait for an event (`happened()` true), failing the test if it has not come within `timeout`
    seconds: a test never goes on as if an event it waits for had come."""
    deadline = time.monotonic() + timeout
    while not happened():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:g} s")
        time.sleep(every)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def stop_process(process: subprocess.Popen, timeout: float = 10.0) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class LocalServer:
    """A server process on a loopback port; `command()` says how to start it."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self):
        self.process = subprocess.Popen(self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.process:
            stop_process(self.process)
            self.process = None


class LoopbackSite:
    """A small HTTP/1.1 server on a free loopback port, for pages a test writes by hand: a subclass
    answers each GET in `respond(handler)`, most often with `answer`. A context manager starts and
    stops it."""

    def __init__(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                site.respond(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"

    def respond(self, handler: BaseHTTPRequestHandler) -> None:
        raise NotImplementedError

    @staticmethod
    def answer(handler: BaseHTTPRequestHandler, status: int, body: bytes = b"", headers: dict | None = None,
               content_type: str = "text/html; charset=utf-8", length: int | None = None) -> None:
        """One whole answer; `length` claims a Content-Length other than the body's."""
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body) if length is None else length))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


class MongoServer(LocalServer):
    """A SecantusDB process: `storage` is a directory (kept across restarts) or ':memory:'."""

    def __init__(self, storage: str = ":memory:", port: int | None = None):
        super().__init__(port)
        self.storage = storage

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [str(BIN / "secantusd-py"), "--host", "127.0.0.1", "--port", str(self.port), "--storage-path",
                self.storage]

    def start(self) -> "MongoServer":
        super().start()
        client = pymongo.MongoClient(self.uri, serverSelectionTimeoutMS=10000)
        client.admin.command("ping")
        client.close()
        return self


@dataclass
class CrawlResult:
    returncode: int
    items: list[dict]
    stats: dict
    log: str

    def stat(self, key: str, default=0):
        return self.stats.get(key, default)

    @property
    def articles(self) -> list[dict]:
        """The article items (a site's flashes are items too)."""
        return [item for item in self.items if "article_id" in item]

    @property
    def flashes(self) -> list[dict]:
        return [item for item in self.items if "flash_id" in item]


def scrapy_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONGO_", "NEWS_", "SCRAPY_"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(ROOT)
    env.update({k: str(v) for k, v in extra.items()})
    return env


class Crawl:
    """`scrapy crawl news` as a user runs it, in a subprocess; `finish()` returns its results.
    `unfinished` holds those started and not finished yet (conftest ends them with their test)."""

    unfinished: set["Crawl"] = set()

    def __init__(self, tmp_path: Path, start_url: str, mongo_uri: str | None = None, database: str = "newscrawler",
                 settings: dict | None = None, args: dict | None = None, name: str = "crawl"):
        self.items_file = tmp_path / f"{name}-items.jsonl"
        self.stats_file = tmp_path / f"{name}-stats.json"
        self.log_file = tmp_path / f"{name}.log"
        self.deadletter_dir = tmp_path / "deadletter"
        command = [str(BIN / "scrapy"), "crawl", "news", "-a", f"start_url={start_url}",
                   "-O", f"{self.items_file}:jsonlines", "--logfile", str(self.log_file),
                   "-s", f"NEWS_STATS_FILE={self.stats_file}",
                   "-s", f"NEWS_DEADLETTER_PATH={self.deadletter_dir}/{name}-%(time)s.jsonl"]
        for key, value in (args or {}).items():
            command += ["-a", f"{key}={value}"]
        for key, value in (settings or {}).items():
            command += ["-s", f"{key}={value}"]
        env = scrapy_env(**({"MONGO_URI": mongo_uri, "MONGO_DATABASE": database} if mongo_uri else {}))
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True)
        Crawl.unfinished.add(self)

    def finish(self, timeout: float = 600) -> CrawlResult:
        Crawl.unfinished.discard(self)
        try:
            _, stderr = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, stderr = self.process.communicate()
        items = [json.loads(line) for line in self.items_file.read_text().splitlines()] if self.items_file.exists() else []
        stats = json.loads(self.stats_file.read_text()) if self.stats_file.exists() else {}
        log = (self.log_file.read_text() if self.log_file.exists() else "") + (stderr or "")
        return CrawlResult(self.process.returncode, items, stats, log)


def kill_outright(crawl: Crawl) -> CrawlResult:
    """SIGKILL a crawl and everything it started (its browser too): no clean close at all."""
    import psutil

    try:
        process = psutil.Process(crawl.process.pid)
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        members = []  # ended and reaped already
    for member in members:
        try:
            member.send_signal(signal.SIGKILL)
        except psutil.Error:
            pass  # gone already
    return crawl.finish()


def run_crawl(tmp_path: Path, start_url: str, mongo_uri: str | None = None, database: str = "newscrawler",
              settings: dict | None = None, args: dict | None = None, timeout: float = 600,
              name: str = "crawl") -> CrawlResult:
    """A whole crawl; returns its items, final stats and log."""
    return Crawl(tmp_path, start_url, mongo_uri, database, settings, args, name).finish(timeout)


@contextmanager
def loopback_names(*names: str):
    """`names` resolve to 127.0.0.1 while the block runs (an /etc/hosts line of its own, removed
    afterwards); skips the test where /etc/hosts cannot be written (not root, a read-only mount)."""
    import pytest

    hosts = Path("/etc/hosts")
    if not os.access(hosts, os.W_OK):
        pytest.skip("needs to write /etc/hosts (root)")
    line = f"127.0.0.1 {' '.join(names)}  # newscrawler test\n"
    before = hosts.read_text()
    try:
        hosts.write_text(before + ("" if before.endswith("\n") else "\n") + line)
    except OSError as error:
        pytest.skip(f"cannot write /etc/hosts: {error}")
    try:
        yield names
    finally:
        hosts.write_text(hosts.read_text().replace(line, ""))


class RedisServer(LocalServer):
    """Debian's redis-server on a free loopback port, without persistence."""

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def command(self) -> list[str]:
        return ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]


def crawl_in_process(settings: dict, **args) -> tuple[list, dict]:
    """The spider, its sources and the pipelines in this process (`get_crawler` + `crawl_async`),
    without a Twisted reactor and without the browser: the items scraped and the final stats."""
    import asyncio

    from scrapy import signals
    from scrapy.utils.test import get_crawler

    import newscrawler.settings as project_settings
    from newscrawler.spiders.news import NewsSpider

    project = {name: getattr(project_settings, name) for name in dir(project_settings) if name.isupper()}
    values = {**project, "TWISTED_REACTOR": None, "TWISTED_REACTOR_ENABLED": False, "NEWS_RENDER_RELATED": False,
              "MONGO_URI": "", "NEWS_START_URLS": "", "LOG_LEVEL": "WARNING",
              "SPIDERMON_ENABLED": False,  # monitors are checked on whole crawls (test_faults, test_notify)
              **settings}
    crawler = get_crawler(NewsSpider, values)
    items = []
    crawler.signals.connect(lambda item: items.append(item), signal=signals.item_scraped, weak=False)
    asyncio.run(crawler.crawl_async(**args))
    return items, crawler.stats.get_stats()


def self_signed_certificate(directory: Path, host: str = "127.0.0.1") -> tuple[Path, Path]:
    """A certificate for `host` signed by itself (no authority vouches for it), and its key, as PEM
    files in `directory`."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.timezone.utc)
    try:
        alt = x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        alt = x509.DNSName(host)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=30))
                   .add_extension(x509.SubjectAlternativeName([alt]), critical=False)
                   .sign(key, hashes.SHA256()))
    cert_file, key_file = directory / "site.crt", directory / "site.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file
