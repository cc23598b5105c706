"""Challenge pages ("Just a moment...", 503 with a script that sets a cookie and loads the page
again): the browser gets through them, and a render's answer is the page it ended on."""

from __future__ import annotations

import pytest

from replica import Faults, Replica, SiteContent
from servers import run_crawl


@pytest.mark.slow
def test_articles_behind_a_challenge_are_stored_when_rendered(tmp_path):
    content = SiteContent(seed=3, sections=1, articles=6)
    with Replica(content, Faults(challenge=True), front=True) as replica:
        result = run_crawl(tmp_path, replica.base_url + "/", settings={"NEWS_RENDER_MODE": "always"})
        listed = {url for url, truth in replica.ground_truth().items() if truth["listed"]}
        challenged = [a for a in replica.front.answers() if a["status"] == 503]
    assert {item["url"] for item in result.articles} == listed
    assert challenged                                   # the browser did meet the challenge
    assert result.stat("retry/count") == 0              # and each render got through it the first time
    assert not [key for key in result.stats if key.startswith(("news/fetch_failed/", "news/misses/"))]
    assert "Traceback" not in result.log


@pytest.mark.slow
def test_a_plain_read_met_by_a_challenge_goes_straight_back_to_the_browser(tmp_path):
    """Learning renders pass the check (the browser keeps its cookie) and conclude the page is read
    as the server sends it; plain reads then meet the check, and each goes back to the browser at
    once: never asked again, never a failed fetch, the host never taken for rate limiting."""
    content = SiteContent(seed=43, sections=2, articles=24)
    with Replica(content, Faults(challenge=True), front=True) as replica:
        result = run_crawl(tmp_path, replica.base_url + "/")
        truth = replica.ground_truth()
    assert result.stats["finish_reason"] == "finished" and "Traceback" not in result.log
    assert {item["url"] for item in result.articles} == set(truth)
    assert result.stat("news/learn/learned") >= 1
    assert result.stat("news/read/challenged") > 0          # plain reads met the check
    assert result.stat("retry/count") == 0                  # and none was asked again
    assert not [key for key in result.stats if key.startswith(("news/fetch_failed/", "news/misses/", "news/throttled"))]
