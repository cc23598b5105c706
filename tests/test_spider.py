"""The spider's callbacks on responses made here (no server, no browser): the arguments and
settings that decide what is requested."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from newscrawler import meta
from newscrawler.spiders.news import NewsSpider
from replica import SiteContent
from replica.server import ReplicaSite

BASE = "http://replica.test"
REACTOR_SETTINGS = ("TWISTED_REACTOR", "TWISTED_REACTOR_ENABLED")


@pytest.fixture(scope="module")
def site():
    replica = ReplicaSite(SiteContent(seed=3, sections=3, articles=45))
    replica.base_url = BASE
    return replica


def spider_for(settings: dict | None = None, **args) -> NewsSpider:
    project = {k: v for k, v in get_project_settings().copy_to_dict().items() if k not in REACTOR_SETTINGS}
    crawler = get_crawler(NewsSpider, {**project, "MONGO_URI": "", "NEWS_START_URLS": "", **(settings or {})})
    spider = NewsSpider.from_crawler(crawler, **args)
    crawler.spider = spider
    return spider


def listing_response(spider: NewsSpider, url: str, html: str) -> HtmlResponse:
    request = spider.listing_request(spider.site.sources[0].first(url, spider.site)[0], 0, url)
    return HtmlResponse(url, body=html.encode(), encoding="utf-8", request=request)


def requests_of(results) -> tuple[list[str], list[str]]:
    """(listing URLs, article URLs) among a callback's results."""
    requests = [r for r in results if isinstance(r, Request)]
    listings = [r.url for r in requests if r.meta[meta.PAGE_KIND] == meta.LISTING]
    articles = [r.url for r in requests if r.meta[meta.PAGE_KIND] == meta.ARTICLE]
    return listings, articles


def section_page(site, slug: str, number: int = 1) -> str:
    return site.listing(site.content.newest_first(section=slug), number, site.content.section_label(slug), True)


def test_home_page_leads_to_sections_view_all_and_articles(site):
    spider = spider_for(start_url=BASE + "/")
    listings, articles = requests_of(spider.parse_listing(listing_response(spider, BASE + "/", site.home())))
    slugs = [slug for slug, _ in site.content.sections]
    assert set(listings) == {f"{BASE}/section/{s}" for s in slugs} | {f"{BASE}/articles"}
    assert len(articles) == 4 and all("/article/" in url for url in articles)
    assert all("utm_" not in url and "#" not in url for url in articles)


def test_sections_argument_walks_only_those_sections_and_skips_view_all(site):
    slug = site.content.sections[1][0]
    spider = spider_for(start_url=BASE + "/", sections=slug)
    listings, _ = requests_of(spider.parse_listing(listing_response(spider, BASE + "/", site.home())))
    assert listings == [f"{BASE}/section/{slug}"]


def test_since_stops_a_listing_after_a_page_older_than_it(site):
    slug = site.content.sections[0][0]
    url = f"{BASE}/section/{slug}"
    newest = site.content.newest_first(section=slug)[0].published
    stopped = spider_for(start_url=url, since=(newest.astimezone(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%S+00:00"))
    listings, _ = requests_of(stopped.parse_listing(listing_response(stopped, url, section_page(site, slug))))
    assert f"{url}?page=2" not in listings
    assert stopped.crawler.stats.get_value("news/pages/listing_stopped_by_since") == 1
    walking = spider_for(start_url=url, since="2001-01-01")
    listings, _ = requests_of(walking.parse_listing(listing_response(walking, url, section_page(site, slug))))
    assert f"{url}?page=2" in listings


def test_max_articles_caps_the_article_requests(site):
    spider = spider_for(start_url=BASE + "/articles", max_articles="3")
    html = site.listing(site.content.newest_first(), 1, "All Articles", section_page=False)
    _, articles = requests_of(spider.parse_listing(listing_response(spider, BASE + "/articles", html)))
    assert len(articles) == 3
    assert spider.crawler.stats.get_value("news/articles/over_budget") == 7


def test_start_urls_come_from_the_argument_then_the_setting_then_the_site():
    assert spider_for(start_url="http://a.test/,http://b.test/x").start_urls == ["http://a.test/", "http://b.test/x"]
    from_setting = spider_for({"NEWS_START_URLS": "http://c.test/"})
    assert from_setting.start_urls == ["http://c.test/"] and from_setting.allowed_domains == ["c.test"]
    assert spider_for().start_urls == ["http://127.0.0.1:8765/"]


@pytest.mark.parametrize("args", [{"since": "sometime last spring"}, {"start_url": "ftp://site.test/"}])
def test_bad_arguments_are_a_clear_error_at_start(args):
    with pytest.raises(NotConfigured):
        spider_for(**args)


def test_an_article_becomes_an_item_and_its_related_links_requests(site):
    article = next(a for a in site.content.articles.values() if len(a.related_ids) >= 3 and a.hero_alt)
    spider = spider_for(start_url=BASE + "/")
    cards = "".join(f'<a class="card" href="{site.content.articles[i].path}?ref=related">x</a>' for i in article.related_ids)
    html = site.article(article).replace('<div class="loading">Loading</div>', cards) \
        .replace('<html lang="en">', '<html lang="en" data-newscrawler-related="complete">')
    request = spider.article_request(BASE + article.path + "?utm_source=x")
    response = HtmlResponse(request.url, body=html.encode(), encoding="utf-8", request=request)
    results = list(spider.parse_article(response))
    item = results[0]
    assert item.url == BASE + article.path and item.related_status == "complete"
    assert item.related == [BASE + site.content.articles[i].path for i in article.related_ids]
    assert item.fetched_at <= datetime.now(timezone.utc)
    _, articles = requests_of(results[1:])
    assert articles == item.related


def test_the_distributed_filter_uses_the_configured_sites_url_rules():
    """Editions of the `coinness` site have their own ids: /en/article/5 and /article/5 are two
    articles, while tracking parameters name the same one (the replica's rules know neither path)."""
    from newscrawler.distributed import ArticleDupeFilter

    spider = spider_for({"NEWS_SITE_PROFILE": "coinness", "NEWS_API_URL": "http://api.test",
                         "REDIS_URL": "redis://127.0.0.1:9/0"}, start_url="http://site.test/en/article")
    dupefilter = ArticleDupeFilter.from_spider(spider)
    key = lambda url: dupefilter.request_fingerprint(Request(url))  # noqa: E731
    assert key("http://site.test/en/article/5") == key("http://site.test/en/article/5?utm_source=x#top")
    assert key("http://site.test/en/article/5") != key("http://site.test/article/5")
    assert spider.allowed_domains == ["api.test", "site.test"]


def test_editions_argument_names_each_editions_listing():
    spider = spider_for({"NEWS_SITE_PROFILE": "coinness"}, start_url="http://site.test/en/article", editions="en,ko")
    assert spider.start_urls == ["http://site.test/en/article", "http://site.test/article"]
    assert spider_for({"NEWS_SITE_PROFILE": "coinness"}, editions="en").start_urls == ["https://coinness.com/en/article"]


def test_a_page_without_a_related_block_is_no_render_timeout(site, caplog):
    article = next(iter(site.content.articles.values()))
    spider = spider_for(start_url=BASE + "/")
    html = site.article(article)
    html = html[:html.index('<section class="more-to-read">')] + "</main></body></html>"
    html = html.replace('<html lang="en">', '<html lang="en" data-newscrawler-related="absent">')
    request = spider.article_request(BASE + article.path)
    item = next(iter(spider.parse_article(HtmlResponse(request.url, body=html.encode(), encoding="utf-8",
                                                       request=request))))
    assert (item.related, item.related_status) == ([], "absent")             # nothing missed, and said so
    stats = spider.crawler.stats
    assert stats.get_value("news/related/absent") == 1 and stats.get_value("news/related/unavailable") is None
    assert "Related block" not in caplog.text


@pytest.mark.parametrize("rendered", [True, False])
def test_a_page_the_server_cut_off_mid_body_is_not_stored(site, rendered):
    """The browser completes any DOM: truncation is judged on the bytes the server sent."""
    article = next(a for a in site.content.articles.values() if len(a.blocks) >= 3)
    spider = spider_for({"NEWS_RENDER_RELATED": rendered}, start_url=BASE + "/")
    sent = site.article(article)
    sent = sent[: sent.index("</p>") + 4]                    # title and a first paragraph arrived
    request = spider.article_request(BASE + article.path)
    body = sent + "</div></article></main></body></html>" if rendered else sent  # the browser completes the DOM
    if rendered:
        request.meta[meta.SERVER_HTML_COMPLETE] = False      # what the rendering handler records
    attempts = 0
    while request is not None:   # the same cut page every time: retried, then given up, never stored
        attempts += 1
        results = list(spider.parse_article(HtmlResponse(request.url, body=body.encode(), encoding="utf-8",
                                                         request=request)))
        assert all(isinstance(r, Request) for r in results)
        request = results[0] if results else None
    assert attempts == 1 + spider.crawler.settings.getint("RETRY_TIMES")
    assert spider.crawler.stats.get_value("news/parse_failed/truncated_html") == 1


def test_two_start_hosts_keep_their_own_article_ids(site):
    """The same id on two hosts names two articles: the stored id of every host but the first
    carries its host."""
    article = next(iter(site.content.articles.values()))
    spider = spider_for(start_url=f"{BASE}/,http://mirror.test/")
    items = []
    for base in (BASE, "http://mirror.test"):
        request = spider.article_request(base + article.path)
        html = site.article(article).replace(BASE, base)
        items += [r for r in spider.parse_article(HtmlResponse(request.url, body=html.encode(), encoding="utf-8",
                                                               request=request)) if not isinstance(r, Request)]
    assert [i.article_id for i in items] == [str(article.id), f"mirror.test:{article.id}"]
    assert spider_for(start_url=BASE + "/").article_id_of(BASE + article.path) == str(article.id)


@pytest.mark.parametrize("ending", ["", "</body></html>" + "<script>var tracker = 1;</script>" * 300,
                                    "</body></html><!-- served in 12 ms -->\n"])
def test_a_whole_page_without_its_optional_end_tags_is_stored(site, ending):
    """HTML5 makes `</body></html>` optional (minifiers drop them) and scripts land after `</html>`:
    the page is whole when no element that must be closed is left open (read as sent: no browser)."""
    article = next(a for a in site.content.articles.values() if len(a.blocks) >= 3)
    spider = spider_for({"NEWS_SITE_PROFILE": "generic"}, start_url=BASE + "/")
    sent = site.article(article)
    sent = sent[: sent.rindex("</body>")] + ending
    request = spider.article_request(BASE + article.path)
    results = list(spider.parse_article(HtmlResponse(request.url, body=sent.encode(), encoding="utf-8",
                                                     request=request)))
    assert [r.title for r in results if not isinstance(r, Request)] == [article.title]
    assert spider.crawler.stats.get_value("retry/count") is None


def start_page_redirected_to(spider: NewsSpider, target: str, html: str) -> HtmlResponse:
    """The start page's response as Scrapy hands it over after a redirect to `target`."""
    request = spider.start_source(spider.start_urls[0], 0)[1]
    request.meta["redirect_urls"] = [request.url]
    return HtmlResponse(target, body=html.encode(), encoding="utf-8", request=request)


@pytest.mark.parametrize("start", ["http://sub.test/", "http://news.sub.test/"])
def test_a_start_redirected_to_another_host_of_its_domain_carries_the_crawl_there(start):
    """`cnn.com` answers with `edition.cnn.com`: the crawl goes on there, and on no unrelated host."""
    spider = spider_for({"NEWS_SITE_PROFILE": "generic"}, start_url=start)
    html = ('<html><body><a href="/2024/05/one-story">One</a><a href="http://elsewhere.test/2024/05/two">Two</a>'
            '<a href="http://shop.sub.test/2024/05/three-for-sale">Three</a></body></html>')
    results = list(spider.parse_listing(start_page_redirected_to(spider, "http://edition.sub.test/", html)))
    assert requests_of(results)[1] == ["http://edition.sub.test/2024/05/one-story"]
    from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
    offsite = OffsiteMiddleware(spider.crawler.stats)
    assert offsite.should_follow(Request("http://edition.sub.test/2024/05/one-story"), spider)
    assert not offsite.should_follow(Request("http://elsewhere.test/2024/05/two"), spider)


def test_a_start_redirected_to_an_unrelated_host_takes_the_crawl_nowhere():
    spider = spider_for({"NEWS_SITE_PROFILE": "generic"}, start_url="http://sub.test/")
    html = '<html><body><a href="/2024/05/one-story">One</a></body></html>'
    results = list(spider.parse_listing(start_page_redirected_to(spider, "http://parked.example/", html)))
    assert requests_of(results) == ([], [])


@pytest.mark.parametrize("start", ["http://www.bücher.test/", "http://www.xn--bcher-kva.test/"])
def test_an_international_domain_name_is_one_host_however_written(start):
    from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware

    spider = spider_for({"NEWS_SITE_PROFILE": "generic"}, start_url=start)
    offsite = OffsiteMiddleware(spider.crawler.stats)
    requests = spider.start_source(spider.start_urls[0], 0)
    assert all(offsite.should_follow(r, spider) for r in requests)
    html = ('<html><body><a href="http://www.bücher.test/2024/05/one-story">One</a>'
            '<a href="http://www.xn--bcher-kva.test/2024/05/two-story">Two</a></body></html>')
    response = HtmlResponse(requests[1].url, body=html.encode(), encoding="utf-8", request=requests[1])
    articles = requests_of(spider.parse_listing(response))[1]
    assert articles == ["http://www.xn--bcher-kva.test/2024/05/one-story", "http://www.xn--bcher-kva.test/2024/05/two-story"]
    assert all(offsite.should_follow(Request(url), spider) for url in articles)


def test_the_spider_imports_nothing_of_storage():
    """What earlier runs left is the memory's (newscrawler.memory): the spider asks it, and never
    reads or writes the store itself."""
    import ast
    from pathlib import Path

    import newscrawler.spiders

    imported = set()
    for path in Path(newscrawler.spiders.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                imported.add(node.module or "")
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    assert not [name for name in imported if "storage" in name or name.startswith(("pymongo", "bson"))]


REMEMBERING: list[NewsSpider] = []


@pytest.fixture(autouse=True)
def stores_closed():
    """The crawl's store is closed when its spider closes: here, when the test ends."""
    yield
    while REMEMBERING:
        REMEMBERING.pop().memory.store.close()


def spider_remembering(mongo_uri, mongo_db, settings: dict | None = None, **args) -> NewsSpider:
    """A spider whose memory of earlier runs is in `mongo_db`, read as a crawl's start reads it."""
    spider = spider_for({"MONGO_URI": mongo_uri, "MONGO_DATABASE": mongo_db.name, **(settings or {})}, **args)
    REMEMBERING.append(spider)
    asyncio.run(spider.recall_memory())
    return spider


def stored_article(mongo_uri, mongo_db, key: str, url: str, **fields) -> None:
    from newscrawler.storage.mongo import ArticleDoc, MongoArticleStore

    store = MongoArticleStore(mongo_uri, mongo_db.name)
    site, article_id = key.split(":", 1)
    store.write([ArticleDoc(key, {"site": site, "article_id": article_id, "url": url, "title": "T", "body": "B",
                                  "content_hash": key, **fields})], datetime.now(timezone.utc))
    store.close()


def test_adding_a_start_host_never_changes_the_keys_of_stored_articles(site, mongo_uri, mongo_db):
    """Crawled on one host, then on it and another: the first host's articles keep their keys,
    whichever order the hosts are named in; the new host's ids carry its host."""
    article = next(iter(site.content.articles.values()))
    stored_article(mongo_uri, mongo_db, f"replica:{article.id}", BASE + article.path)
    spider = spider_remembering(mongo_uri, mongo_db, start_url=f"http://mirror.test/,{BASE}/")
    assert spider.article_id_of(BASE + article.path) == str(article.id)
    assert spider.article_id_of("http://mirror.test" + article.path) == f"mirror.test:{article.id}"
    assert spider.memory.is_stored(str(article.id))


def test_a_narrower_crawl_leaves_the_deep_walk_to_a_whole_one(mongo_uri, mongo_db):
    """A crawl of some sections, or of a few articles, walked less than the deep walk covers."""
    for args in ({"sections": "markets"}, {"max_articles": "3"}):
        narrow = spider_remembering(mongo_uri, mongo_db, start_url=BASE + "/", **args)
        assert narrow.crawler.stats.get_value("news/incremental/deep_walk") == 1
        narrow.closed("finished")
    whole = spider_remembering(mongo_uri, mongo_db, start_url=BASE + "/")
    assert whole.crawler.stats.get_value("news/incremental/deep_walk") == 1
    whole.closed("finished")
    after = spider_remembering(mongo_uri, mongo_db, start_url=BASE + "/")
    assert after.crawler.stats.get_value("news/incremental/deep_walk") == 0


def test_two_generic_sites_in_one_database_keep_their_own_memory(mongo_uri, mongo_db):
    generic = {"NEWS_SITE_PROFILE": "generic"}
    first = spider_remembering(mongo_uri, mongo_db, generic, start_url="http://one.test/")
    first.memory.missed("generic:one.test/2024/05/story", "http://one.test/2024/05/story", "http_503")
    first.closed("finished")
    other = spider_remembering(mongo_uri, mongo_db, generic, start_url="http://two.test/")
    assert other.crawler.stats.get_value("news/incremental/deep_walk") == 1     # its own deep walk is due
    assert other.crawler.stats.get_value("news/misses/known") == 0
    again = spider_remembering(mongo_uri, mongo_db, generic, start_url="http://one.test/")
    assert again.crawler.stats.get_value("news/incremental/deep_walk") == 0
    assert again.memory.urls_to_fetch_first()[0] == ["http://one.test/2024/05/story"]
