"""Incremental and resumable crawls: a scheduled run fetches only what is new."""

from __future__ import annotations

import signal
from collections import defaultdict
from urllib.parse import urlsplit

import pytest

from replica import Replica, SiteContent
from servers import Crawl, kill_outright, run_crawl, wait_until

pytestmark = pytest.mark.slow


def fetched(replica: Replica) -> tuple[dict[str, set[str]], set[str]]:
    """Pages requested since the last call: listing pages per listing, and article ids."""
    listings, articles = defaultdict(set), set()
    with replica.site.lock:
        requests, replica.site.requests[:] = list(replica.site.requests), []
    for path in requests:
        parts = urlsplit(path)
        if parts.path.startswith("/article/"):
            articles.add(parts.path.split("/")[2])
        elif parts.path == "/" or parts.path.startswith(("/section/", "/articles")):
            listings[parts.path].add(parts.query or "page=1")
    return listings, articles


def test_incremental_runs_fetch_only_what_is_new(tmp_path, mongo_uri, mongo_db):
    content = SiteContent(seed=17, sections=3, articles=40)
    with Replica(content) as replica:
        def crawl(name):
            return run_crawl(tmp_path, replica.base_url + "/", mongo_uri, mongo_db.name, name=name)

        full = crawl("full")
        assert full.stat("news/store/new") == 40
        fetched(replica)

        again = crawl("unchanged")
        listings, articles = fetched(replica)
        assert articles == set()                     # nothing published in the last 2 days
        assert again.stat("news/renders") == 0
        assert all(len(pages) <= 2 for pages in listings.values()), listings
        assert again.stat("news/store/new") == 0 and mongo_db.articles.count_documents({}) == 40

        added = content.add_articles(5, related_only=1)
        assert not added[-1].listed and added[-1].id in added[0].related_ids
        new = crawl("new")
        listings, articles = fetched(replica)
        assert articles == {str(a.id) for a in added}
        assert all(len(pages) <= 2 for pages in listings.values()), listings
        assert new.stat("news/store/new") == 5 and new.stat("news/renders") == 5
        assert mongo_db.articles.count_documents({}) == 45
        for result in (full, again, new):
            assert "Traceback" not in result.log and " ERROR: " not in result.log


def test_revisit_policy_fetches_recent_articles_again(tmp_path, mongo_uri, mongo_db):
    content = SiteContent(seed=19, sections=2, articles=12)
    with Replica(content) as replica:
        run_crawl(tmp_path, replica.base_url + "/", mongo_uri, mongo_db.name, name="first")
        fetched(replica)
        # A re-visit window wide enough to reach back to the replica's dates selects them all.
        again = run_crawl(tmp_path, replica.base_url + "/", mongo_uri, mongo_db.name, name="revisit",
                          settings={"NEWS_REVISIT_DAYS": 100000})
        _, articles = fetched(replica)
        assert articles == {str(i) for i in content.articles}
        # Each one stored unchanged, or answered 304 to the validators stored with it.
        assert again.stat("news/store/unchanged") + again.stat("news/not_modified/article") == 12


def test_full_recrawl_on_request(tmp_path, mongo_uri, mongo_db):
    content = SiteContent(seed=23, sections=2, articles=10)
    with Replica(content) as replica:
        run_crawl(tmp_path, replica.base_url + "/", mongo_uri, mongo_db.name, name="first")
        again = run_crawl(tmp_path, replica.base_url + "/", mongo_uri, mongo_db.name, name="full",
                          args={"incremental": "false"})
    # Every article fetched again (some twice: checks render a share of the reads once learned).
    assert again.stat("news/store/unchanged") == 10 and again.stat("news/store/new") == 0
    assert again.stat("news/pages/article") >= 10


def test_sigterm_then_resume_with_the_same_jobdir(tmp_path, mongo_uri, mongo_db):
    content = SiteContent(seed=29, sections=3, articles=40)
    jobdir = tmp_path / "job"
    settings = {"JOBDIR": jobdir, "NEWS_RENDER_CONCURRENCY": 2, "MONGO_BUFFER_SIZE": 1}
    with Replica(content) as replica:
        # Incremental mode off: the resumed run must not fetch anything twice on its own merits.
        first = Crawl(tmp_path, replica.base_url + "/", mongo_uri, mongo_db.name, settings, {"incremental": "false"},
                      name="stopped")
        wait_until(lambda: mongo_db.articles.count_documents({}) >= 12, 120, "12 articles stored")
        first.process.send_signal(signal.SIGTERM)
        stopped = first.finish()
        assert stopped.stats["finish_reason"] == "shutdown"
        assert mongo_db.articles.count_documents({}) < 40
        resumed = run_crawl(tmp_path, replica.base_url + "/", mongo_uri, mongo_db.name, settings,
                            {"incremental": "false"}, name="resumed")
    urls = [item["url"] for item in stopped.items + resumed.items]
    assert sorted(urls) == sorted(content.ground_truth(replica.base_url))   # each article yielded once
    assert mongo_db.articles.count_documents({}) == 40
    assert "Traceback" not in stopped.log + resumed.log


@pytest.mark.parametrize("same_jobdir", [True, False])
def test_a_crawl_killed_outright_and_started_again_stores_every_article(tmp_path, mongo_uri, mongo_db, same_jobdir):
    content = SiteContent(seed=31, sections=3, articles=40)
    jobdir = tmp_path / "job"
    settings = {"JOBDIR": jobdir, "NEWS_RENDER_CONCURRENCY": 2}   # the store's buffer of 100 items, 5 s
    with Replica(content) as replica:
        first = Crawl(tmp_path, replica.base_url + "/", mongo_uri, mongo_db.name, settings, name="killed")
        wait_until(lambda: first.items_file.exists() and len(first.items_file.read_text().splitlines()) >= 12,
                   120, "12 articles yielded")
        kill_outright(first)
        assert mongo_db.articles.count_documents({}) < 40
        again = run_crawl(tmp_path, replica.base_url + "/", mongo_uri, mongo_db.name,
                          settings if same_jobdir else {"NEWS_RENDER_CONCURRENCY": 2}, name="again")
        truth = content.ground_truth(replica.base_url)
    assert again.stats["finish_reason"] == "finished" and "Traceback" not in again.log
    assert sorted(d["url"] for d in mongo_db.articles.find()) == sorted(truth)
    if same_jobdir:
        assert again.stat("news/jobdir/reset_after_kill") == 1


def article_statuses(answers: list[dict]) -> dict[str, list[int]]:
    """The front's statuses for each article id, in order."""
    seen: dict[str, list[int]] = defaultdict(list)
    for answer in answers:
        path = urlsplit(answer["request"].split()[1]).path
        if path.startswith("/article/"):
            seen[path.split("/")[2]].append(answer["status"])
    return seen


def test_revisits_of_unchanged_pages_are_answered_not_modified(tmp_path, mongo_uri, mongo_db):
    """Articles due again go out with the validators stored with them: the unchanged ones are
    answered 304 (nothing lost, nothing written a consumer sees), an edited one is stored as its
    version 2 with its page's new validators."""
    content = SiteContent(seed=37, sections=2, articles=20)
    ids = {str(i) for i in content.articles}
    with Replica(content, front=True) as replica:
        def crawl(name):
            return run_crawl(tmp_path, replica.base_url + "/", mongo_uri, mongo_db.name, name=name,
                             settings={"NEWS_REVISIT_DAYS": 100000, "CONCURRENT_REQUESTS": 4})

        def answers_since(count):
            return article_statuses(replica.front.answers()[count:])

        first = crawl("first")
        assert first.stat("news/store/new") == len(ids)
        stored = {d["article_id"]: d for d in mongo_db.articles.find()}
        with_validators = {i for i, d in stored.items() if d.get("http_validators")}
        assert with_validators and all(stored[i]["http_validators"]["etag"] for i in with_validators)

        before = len(replica.front.answers())
        second = crawl("second")
        answers = answers_since(before)
        unchanged = {i for i, statuses in answers.items() if statuses == [304]}
        yielded = {item["article_id"] for item in second.articles}
        assert unchanged and len(unchanged) == second.stat("news/not_modified/article")
        assert unchanged <= with_validators and not unchanged & yielded and unchanged | yielded == ids
        assert (second.stat("news/store/new"), second.stat("news/store/updated")) == (0, 0)
        assert second.stat("news/misses/recorded") == 0 and mongo_db.crawl_misses.count_documents({}) == 0
        for doc in mongo_db.articles.find():
            old = stored[doc["article_id"]]
            assert (doc["updated_at"], doc["version"], doc["content_hash"], doc["related"]) == \
                (old["updated_at"], 1, old["content_hash"], old["related"])
            assert doc["last_seen_at"] > old["last_seen_at"]          # seen, 304 or not

        edited = content.articles[int(sorted(unchanged)[0])]
        content.edit_article(edited.id, paragraph="An update: the exchange confirmed the licence.")
        before = len(replica.front.answers())
        third = crawl("third")
        answers = answers_since(before)

    key = f"replica:{edited.id}"
    now = mongo_db.articles.find_one({"_id": key})
    assert now["version"] == 2 and now["body"].endswith("confirmed the licence.")
    assert 304 not in answers[str(edited.id)] and third.stat("news/store/updated") == 1
    read_as_page = [item for item in third.articles if item["article_id"] == str(edited.id) and item["http_validators"]]
    if read_as_page:  # not one of the renders learning makes
        assert now["http_validators"] == read_as_page[0]["http_validators"]
        assert now["http_validators"]["etag"] != stored[str(edited.id)]["http_validators"]["etag"]
    others = {i for i, statuses in answers.items() if statuses == [304]}
    assert others and str(edited.id) not in others and len(others) == third.stat("news/not_modified/article")
    assert mongo_db.article_versions.count_documents({}) == 1
    for result in (first, second, third):
        assert "Traceback" not in result.log and " ERROR: " not in result.log
