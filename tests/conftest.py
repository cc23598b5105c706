"""Shared fixtures: one MongoDB server and one replica per session; a fresh database per test."""

from __future__ import annotations

import os
import uuid

import pymongo
import pytest

from replica import Replica, SiteContent
from servers import Crawl, MongoServer, kill_outright

# Imported once, before any test's `filterwarnings = error`: trafilatura's import asks urllib3 for its
# optional SOCKS support, whose warning courlan's import silences. Which test first imports which
# (URL rules read courlan's tracker list) must not decide whether that warning is an error.
import trafilatura  # noqa: E402,F401

# The replica that whole-crawl tests share: big enough to prove coverage (>= 100 articles,
# >= 10% reachable only through related blocks), small enough to crawl in about half a minute.
SHARED_REPLICA = {"seed": 7, "sections": 6, "articles": 110}


@pytest.fixture(autouse=True)
def no_crawl_outlives_its_test():
    """A crawl a failed test never finished (it waited in vain for an event) is killed with its
    browser, rather than run on beside the next tests and be reported as a process left running."""
    yield
    for crawl in list(Crawl.unfinished):
        kill_outright(crawl)


@pytest.fixture(scope="session")
def mongo_uri():
    """MONGO_URI from the environment when set, else a throwaway SecantusDB server."""
    if os.environ.get("MONGO_URI"):
        yield os.environ["MONGO_URI"]
        return
    server = MongoServer().start()
    try:
        yield server.uri
    finally:
        server.stop()


@pytest.fixture
def mongo_db(mongo_uri):
    """A database of its own for one test, dropped afterwards."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    client = pymongo.MongoClient(mongo_uri, tz_aware=True)
    try:
        yield client[name]
    finally:
        client.drop_database(name)
        client.close()


@pytest.fixture(scope="session")
def shared_replica():
    """Served as real sites serve: through nginx, compressed (brotli or gzip) and chunked."""
    replica = Replica(SiteContent(**SHARED_REPLICA), front=True).start()
    try:
        yield replica
    finally:
        replica.stop()
