"""End to end on a real Scrapyd: deploy the egg with scrapyd-deploy, schedule, judge the job by its
log and stats (Scrapyd lists crashed jobs as finished too)."""

from __future__ import annotations

import configparser
import json
import os
import subprocess
import time
from pathlib import Path

import psutil
import pymongo
import pytest
import requests

from replica import Replica, SiteContent
from servers import BIN, ROOT, free_port, stop_process, wait_for_port

pytestmark = pytest.mark.slow
USER, PASSWORD = "crawler", "test-password"


def chromium_pids() -> set[int]:
    found = set()
    for process in psutil.process_iter(["name", "cmdline"]):
        if "chrom" in (process.info["name"] or "") or any("chromium" in part for part in process.info["cmdline"] or []):
            found.add(process.pid)
    return found


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory, mongo_uri):
    home = tmp_path_factory.mktemp("scrapyd")
    port = free_port()
    # Installed as docs/operations.md says: the shipped file as it is (but for a free port), and the
    # credentials in a file of their own that Scrapyd reads after it (here ~/.scrapyd.conf, read last
    # as /etc/scrapyd/conf.d/* is read first: a password in scrapyd.conf would win over the latter).
    config = (Path(ROOT) / "deploy" / "scrapyd.conf").read_text()
    shipped = configparser.ConfigParser()
    shipped.read_string(config)
    assert not shipped.has_option("scrapyd", "password")   # it would win over the operator's secret file
    (home / "scrapyd.conf").write_text(config.replace("http_port    = 6800", f"http_port    = {port}"))
    (home / ".scrapyd.conf").write_text(f"[scrapyd]\nusername = {USER}\npassword = {PASSWORD}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONGO_", "NEWS_", "PYTHONPATH"))}
    env.update(MONGO_URI=mongo_uri, MONGO_DATABASE="scrapyd_e2e", PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
               HOME=str(home))
    with open(home / "scrapyd.out", "w") as output:
        process = subprocess.Popen([str(BIN / "scrapyd")], cwd=home, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}", home
    finally:
        stop_process(process)
        client = pymongo.MongoClient(mongo_uri)
        client.drop_database("scrapyd_e2e")
        client.close()


def deploy(url: str) -> dict:
    env = {**os.environ, "SCRAPYD_URL": url, "SCRAPYD_USERNAME": USER, "SCRAPYD_PASSWORD": PASSWORD}
    done = subprocess.run([str(BIN / "scrapyd-deploy"), "env", "-p", "newscrawler", "-v", "e2e"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    # scrapyd-deploy exits 0 even when Scrapyd rejects the egg: read its answer.
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_job(url: str, start_url: str, stats_file: Path, settings: dict | None = None) -> tuple[dict, str]:
    extra = [f"{name}={value}" for name, value in (settings or {}).items()]
    answer = requests.post(f"{url}/schedule.json", auth=(USER, PASSWORD), timeout=30, data={
        "project": "newscrawler", "spider": "news", "start_url": start_url, "unknown_arg": "ignored",
        "setting": [f"NEWS_STATS_FILE={stats_file}", "NEWS_DEADLETTER_PATH=deadletter/%(time)s.jsonl", *extra]}).json()
    assert answer["status"] == "ok", answer
    return wait_for_job(url, answer["jobid"]), stats_file


def wait_for_job(url: str, job: str) -> str:
    """The job's log once Scrapyd lists it as finished."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        jobs = requests.get(f"{url}/listjobs.json", params={"project": "newscrawler"}, auth=(USER, PASSWORD),
                            timeout=30).json()
        if any(j["id"] == job for j in jobs["finished"]):
            break
        time.sleep(1)
    else:
        pytest.fail(f"job {job} did not finish")
    return requests.get(f"{url}/logs/newscrawler/news/{job}.log", auth=(USER, PASSWORD), timeout=30).text


def job_results(log: str, stats_file: Path) -> tuple[dict, str]:
    return json.loads(stats_file.read_text()), log


def test_deploy_schedule_and_run_twice(scrapyd, mongo_uri, tmp_path):
    url, home = scrapyd
    assert deploy(url)["status"] == "ok"
    before = chromium_pids()
    content = SiteContent(seed=13, sections=3, articles=24)
    with Replica(content) as replica:
        stats, log = job_results(*run_job(url, replica.base_url + "/", tmp_path / "first.json"))
        assert stats["finish_reason"] == "finished"
        assert " ERROR: " not in log and "Traceback" not in log
        client = pymongo.MongoClient(mongo_uri)
        docs = list(client.scrapyd_e2e.articles.find())
        assert sorted(d["url"] for d in docs) == sorted(content.ground_truth(replica.base_url))
        assert all(d["related_status"] == "complete" for d in docs)
        # Each article rendered or read without the browser (the checked ones both).
        assert stats["news/renders"] + stats.get("news/learn/read", 0) - stats.get("news/learn/checked", 0) == len(docs)

        # Right when Scrapyd lists the job as finished: the crawl waits for its browser's processes.
        assert not (chromium_pids() - before), "Chromium processes left after the job"

        stats, log = job_results(*run_job(url, replica.base_url + "/", tmp_path / "second.json"))
        assert stats["finish_reason"] == "finished" and stats.get("news/store/new", 0) == 0
        assert client.scrapyd_e2e.articles.count_documents({}) == len(docs)
        client.close()


def test_wrong_password_is_refused(scrapyd):
    url, _ = scrapyd
    answer = requests.post(f"{url}/schedule.json", auth=(USER, "wrong"), timeout=30,
                           data={"project": "newscrawler", "spider": "news"})
    assert answer.status_code == 401
    assert requests.get(f"{url}/listjobs.json", timeout=30).status_code == 401


def test_a_job_of_the_coinness_site(scrapyd, mongo_uri, tmp_path):
    """The real site's shape (the app-mode replica, both editions) as a Scrapyd job."""
    from replica.app import AppReplica, app_editions

    url, _ = scrapyd
    assert deploy(url)["status"] == "ok"
    with AppReplica(app_editions(seed=14, sections=2, articles=10)) as app:
        stats, log = job_results(*run_job(url, app.start_urls(), tmp_path / "coinness.json",
                                          {"NEWS_SITE_PROFILE": "coinness", "NEWS_API_URL": app.api_url}))
        truth = app.ground_truth()
    assert stats["finish_reason"] == "finished" and " ERROR: " not in log and "Traceback" not in log
    client = pymongo.MongoClient(mongo_uri)
    try:
        docs = list(client.scrapyd_e2e.articles.find({"site": "coinness"}))
    finally:
        client.close()
    assert sorted(d["url"] for d in docs) == sorted(truth)
    assert stats.get("news/pages/listing_rendered", 0) == 0
    # Each article rendered or read from the app's calls once it has learned (checks render again).
    assert stats["news/renders"] + stats.get("news/learn/read", 0) - stats.get("news/learn/checked", 0) == len(truth)


def schedule(url: str, tmp_path: Path, start_url: str, **settings) -> subprocess.CompletedProcess:
    """deploy/schedule-news.sh as cron or systemd runs it: no inherited environment, the settings file
    made from the shipped example (`settings` replace its values)."""
    example = (Path(ROOT) / "deploy" / "schedule.env.example").read_text()
    values = {"SCRAPYD_URL": url, "SCRAPYD_USERNAME": USER, "SCRAPYD_PASSWORD": PASSWORD, "NEWS_START_URL": start_url,
              "NEWS_SITE_PROFILE": "replica", **settings}
    lines = [f"{line.split('=', 1)[0]}={values.get(line.split('=', 1)[0], line.split('=', 1)[1])}"
             if "=" in line and not line.startswith("#") else line for line in example.splitlines()]
    env_file = tmp_path / "schedule.env"
    env_file.write_text("\n".join(lines) + "\n")
    env_file.chmod(0o640)
    return subprocess.run(["env", "-i", "PATH=/usr/bin:/bin", f"NEWS_SCHEDULE_ENV={env_file}", "/bin/bash",
                           str(Path(ROOT) / "deploy" / "schedule-news.sh")], capture_output=True, text=True, timeout=120)


def test_the_schedule_script_schedules_and_reports_a_job_that_ended_badly(scrapyd, tmp_path):
    url, _ = scrapyd
    assert deploy(url)["status"] == "ok"

    def scheduled_job(done: subprocess.CompletedProcess) -> str:
        return json.loads(done.stdout.strip().splitlines()[-1])["jobid"]

    with Replica(SiteContent(seed=15, sections=2, articles=6)) as replica:
        good = schedule(url, tmp_path, replica.base_url + "/")
        assert good.returncode in (0, 3), good.stderr        # (0 unless an earlier test's job ended badly)
        overlapping = schedule(url, tmp_path, replica.base_url + "/")    # the next tick, the crawl still on
        assert overlapping.returncode == 0 and "still pending or running" in overlapping.stderr
        assert "jobid" not in overlapping.stdout
        assert "Crawl summary (finished)" in wait_for_job(url, scheduled_job(good))
    bad = schedule(url, tmp_path, "ftp://not-a-site.test/")   # a job that stops at start
    assert bad.returncode == 0, bad.stderr                    # the job before it ended well
    wait_for_job(url, scheduled_job(bad))
    reported = schedule(url, tmp_path, "ftp://not-a-site.test/")
    assert reported.returncode == 3 and "did not end well" in reported.stderr
    wait_for_job(url, scheduled_job(reported))


def test_the_schedule_script_says_loudly_when_a_job_has_run_too_long(scrapyd, tmp_path):
    """A job that never ends (a crawl stuck on a dead Redis) must not pass for "still running" tick
    after tick: past NEWS_JOB_MAX_MINUTES the script says so on stderr and exits non-zero."""
    url, _ = scrapyd
    assert deploy(url)["status"] == "ok"
    with Replica(SiteContent(seed=16, sections=2, articles=12)) as replica:
        answer = requests.post(f"{url}/schedule.json", auth=(USER, PASSWORD), timeout=30, data={
            "project": "newscrawler", "spider": "news", "start_url": replica.base_url + "/",
            "setting": ["DOWNLOAD_DELAY=3", "NEWS_DEADLETTER_PATH=deadletter/%(time)s.jsonl"]}).json()
        assert answer["status"] == "ok", answer
        job = answer["jobid"]
        try:
            def running_since_seconds() -> float:
                jobs = requests.get(f"{url}/listjobs.json", params={"project": "newscrawler"},
                                    auth=(USER, PASSWORD), timeout=30).json()
                [running] = [j for j in jobs["running"] if j["id"] == job] or [None]
                return time.time() - time.mktime(time.strptime(running["start_time"][:19], "%Y-%m-%d %H:%M:%S")) \
                    if running else -1

            deadline = time.monotonic() + 120
            while running_since_seconds() < 8 and time.monotonic() < deadline:
                time.sleep(1)
            patient = schedule(url, tmp_path, replica.base_url + "/")
            assert patient.returncode == 0 and "still pending or running" in patient.stderr
            worried = schedule(url, tmp_path, replica.base_url + "/", NEWS_JOB_MAX_MINUTES="0.1")
            assert worried.returncode == 4, worried.stderr
            assert f"has run too long: job {job}" in worried.stderr and "jobid" not in worried.stdout
        finally:
            requests.post(f"{url}/cancel.json", auth=(USER, PASSWORD), timeout=30,
                          data={"project": "newscrawler", "job": job})
            wait_for_job(url, job)
