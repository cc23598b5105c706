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
