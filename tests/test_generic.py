"""The `generic` site: pages of any publisher read without selectors, and discovery without rules."""

from __future__ import annotations

import functools
import gzip
import os
import json
import subprocess
from pathlib import Path

from datetime import datetime, timezone

import pytest
from dateutil import parser as dateutil_parser
from scrapy.http import Request, TextResponse

from newscrawler import meta
from newscrawler.extract import ArticleParseError, extract_article
from newscrawler.items import stored_fields
from newscrawler.pages.generic import GenericArticlePage, page_key, strip_site_name
from newscrawler.sites import configured_site
from scoring import at_instant, opening_recall, token_f1
from servers import BIN, ROOT, scrapy_env

DATA = Path(__file__).parent / "data"
FIXTURES = sorted(p.stem for p in (DATA / "generic").glob("*.html"))
REPLICA_PAGES = sorted(p.name[: -len(".html.gz")] for p in (DATA / "pages").glob("*.html.gz"))
SITE = configured_site({"NEWS_SITE_PROFILE": "generic"})


def test_fixtures_are_there():
    assert len(FIXTURES) >= 3


@pytest.mark.parametrize("name", FIXTURES)
def test_publisher_page(name):
    case = json.loads((DATA / "generic" / f"{name}.json").read_text())
    result = extract_article((DATA / "generic" / f"{name}.html").read_text(), case["url"])
    for field, expected in case["expected"].items():
        got = (result["image"] or {}).get("caption") if field == "image_caption" else result[field]
        assert got == expected, field


PUBLISHERS = sorted(p.name[: -len(".html.gz")] for p in (DATA / "publishers").glob("*.html.gz"))


def publisher_case(name: str) -> dict:
    return json.loads((DATA / "publishers" / f"{name}.json").read_text())


def publisher_checks() -> list:
    """One check per page and field it has an expectation for; a field the page misleads us on
    (`known_misses`, with the reason) is a strict expected failure: fixing it is news too."""
    checks = []
    for name in PUBLISHERS:
        case = publisher_case(name)
        fields = [f for f in ("title", "published_at_local", "image_credits") if f in case["expected"]]
        fields.append("body" if "reference_body" in case else "body_opening")
        for field in fields:
            reason = case.get("known_misses", {}).get(field)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            checks.append(pytest.param(name, field, marks=marks, id=f"{name}-{field}"))
    return checks


@functools.lru_cache(maxsize=None)
def publisher_result(name: str) -> dict:
    html = gzip.decompress((DATA / "publishers" / f"{name}.html.gz").read_bytes()).decode()
    return extract_article(html, publisher_case(name)["url"])


@pytest.mark.parametrize("name, field", publisher_checks())
def test_real_publisher_page(name, field):
    """Real pages of some 50 publishers (newspaper4k's and goose's test pages): the headline as
    shown, the publication as the page states it, the text close to the reference (or beginning
    as it does), every credit kept out of it."""
    case, result = publisher_case(name), publisher_result(name)
    expected = case["expected"]
    if field == "body":
        assert token_f1(result["body"], case["reference_body"]) >= 0.8
    elif field == "body_opening":
        assert opening_recall(result["body"], case["reference_opening"]) >= 0.85
    elif field == "image_credits":
        found = [credit["text"] for credit in result["image_credits"]]
        assert [credit for credit in expected["image_credits"] if credit not in found] == []
        assert not any(credit in result["body"] for credit in found)
    else:
        assert result[field] == expected[field]


@pytest.mark.parametrize("name", REPLICA_PAGES)
def test_the_replica_read_without_its_selectors(name):
    """The classic replica's saved pages, read by the generic site: same title, body and credits."""
    case = json.loads((DATA / "pages" / f"{name}.json").read_text())
    html = gzip.decompress((DATA / "pages" / f"{name}.html.gz").read_bytes()).decode()
    result = extract_article(html, case["url"])
    expected = case["expected"]
    assert (result["title"], result["body"]) == (expected["title"], expected["body"])
    # The time the page shows (with the offset its JSON-LD gives, where it has one; no zone is assumed).
    shown = datetime.fromisoformat(result["published_at_local"]).replace(tzinfo=None)
    assert shown == dateutil_parser.parse(expected["published_at_raw"])


def test_keys_come_from_the_canonical_url_of_the_same_site():
    assert page_key("https://www.site.test/2024/05/story/") == "site.test/2024/05/story"
    assert page_key("https://site.test/") is None and page_key("https://site.test/logo.png") is None
    home = '<html><head><link rel="canonical" href="https://site.test/"><meta property="og:type" content="article"></head>' \
           '<body><h1>T</h1><p>Body text of the article.</p></body></html>'
    page = GenericArticlePage(home, "https://www.site.test/a/story?utm_source=x", SITE.urls)
    assert page.canonical_url() == "https://www.site.test/a/story" and page.article_id() == "site.test/a/story"
    other = home.replace("https://site.test/", "https://elsewhere.test/a/story")
    assert GenericArticlePage(other, "https://site.test/a/story", SITE.urls).canonical_url() == "https://site.test/a/story"


def test_titles_lose_the_site_name():
    assert strip_site_name("Headline here | The Daily Block", "The Daily Block") == "Headline here"
    assert strip_site_name("The Daily Block - Headline here", "The Daily Block") == "Headline here"
    assert strip_site_name("A - B and C", None) == "A - B and C"


def test_an_article_that_declares_nothing_is_read_as_one_by_what_it_shows():
    text = "".join(f"<p>Paragraph {n} of the story, which tells what happened at the council and why.</p>" for n in range(8))
    page = f"<html><head><title>Council votes - Town News</title></head><body><h1>Council votes on the budget</h1>{text}</body></html>"
    for address in ("https://town.test/news/council-votes-on-the-budget", "https://town.test/2024/05/17/budget",
                    "https://town.test/story/20240517123"):
        assert GenericArticlePage(page, address, SITE.urls).is_article()
    # The same page at a section's address is a listing to explore.
    assert not GenericArticlePage(page, "https://town.test/news/", SITE.urls).is_article()
    # Handed over with a headline and no text (drawn by a script), it is an article without text.
    empty = "<html><head><title>Council votes</title></head><body><h1>Council votes on the budget</h1></body></html>"
    result = extract_article(empty, "https://town.test/news/council-votes-on-the-budget")
    assert (result["title"], result["body"]) == ("Council votes on the budget", "")
    with pytest.raises(ArticleParseError):
        extract_article(empty, "https://town.test/news/")
    # With text and no headline in any form, it is an article without a headline.
    untitled = f"<html><body><div>{text}</div></body></html>"
    result = extract_article(untitled, "https://town.test/news/council-votes-on-the-budget")
    assert result["title"] is None and result["body"].startswith("Paragraph 0 of the story")
    with pytest.raises(ArticleParseError):
        extract_article(untitled, "https://town.test/news/")


def test_a_generic_crawl_stores_an_article_that_declares_nothing_and_follows_its_links():
    from scrapy.http import HtmlResponse
    from test_spider import requests_of, spider_for

    spider = spider_for({"NEWS_SITE_PROFILE": "generic"}, start_url="https://town.test/")
    text = "".join(f"<p>Paragraph {n} of the story, which tells what happened at the council and why.</p>" for n in range(8))
    html = ("<html><head><title>Council votes - Town News</title></head><body><h1>Council votes on the budget</h1>"
            f'{text}<a href="/news/mayor-opens-the-new-bridge-today">The bridge</a></body></html>')
    url = "https://town.test/news/council-votes-on-the-budget"
    request = spider.article_request(url)
    results = list(spider.parse_article(HtmlResponse(url, body=html.encode(), encoding="utf-8", request=request)))
    items = [r for r in results if not isinstance(r, Request)]
    assert [item.title for item in items] == ["Council votes on the budget"]
    listings, articles = requests_of(results)
    assert "https://town.test/news/mayor-opens-the-new-bridge-today" in listings + articles
    assert spider.crawler.stats.get_value("news/pages/article_undeclared") == 1


def test_a_page_that_declares_no_article_is_a_listing():
    listing = '<html><head><title>Home</title></head><body><a href="/news/one">One</a></body></html>'
    assert not GenericArticlePage(listing, "https://site.test/news/", SITE.urls).is_article()


def xml_response(url: str, body: str, step: str) -> TextResponse:
    return TextResponse(url, body=body.encode(), encoding="utf-8", request=Request(url, meta={meta.STEP: step}))


def test_discovery_reads_robots_sitemaps_news_sitemaps_and_feeds():
    source = SITE.sources[0]
    robots = source.parse(xml_response("https://site.test/robots.txt",
                                       "User-agent: *\nSitemap: https://site.test/sm.xml\n", "robots"), SITE)
    assert [(f.url, f.step) for f in robots.follows] == [("https://site.test/sm.xml", "sitemap")]
    index = source.parse(xml_response("https://site.test/sm.xml", '<sitemapindex xmlns="http://www.sitemaps.org/schemas/'
                                      'sitemap/0.9"><sitemap><loc>https://site.test/news.xml</loc></sitemap></sitemapindex>',
                                      "sitemap"), SITE)
    assert [f.url for f in index.follows] == ["https://site.test/news.xml"]
    news = source.parse(xml_response("https://site.test/news.xml", (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        '<url><loc>https://site.test/a/one</loc><news:news><news:publication_date>2024-05-01T10:00:00+02:00'
        '</news:publication_date></news:news></url><url><loc>https://other.test/a/two</loc></url></urlset>'), "sitemap"), SITE)
    assert [(c.url, c.date_text) for c in news.cards] == [("https://site.test/a/one", "2024-05-01T10:00:00+02:00")]
    feed = source.parse(xml_response("https://site.test/rss", (
        '<rss><channel><item><link>https://site.test/a/three</link><pubDate>Mon, 06 Nov 2023 10:00:00 GMT</pubDate>'
        '</item></channel></rss>'), "feed"), SITE)
    assert [(c.url, c.date_text) for c in feed.cards] == [("https://site.test/a/three", "Mon, 06 Nov 2023 10:00:00 GMT")]


def test_scrapy_extract_prints_what_would_be_stored(tmp_path):
    page = DATA / "generic" / "wordpress-graph.html"
    done = subprocess.run([str(BIN / "scrapy"), "extract", str(page), "--url", "https://chainledger.example/x/y"],
                          cwd=ROOT, env=scrapy_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    item = json.loads(done.stdout)
    assert item["title"] == "Miners pivot to AI hosting as margins shrink"
    assert item["published_at"] == "2024-04-30T14:38:37+00:00"
    listing = tmp_path / "home.html"
    listing.write_text("<html><body><p>No article here.</p></body></html>")
    refused = subprocess.run([str(BIN / "scrapy"), "extract", str(listing)], cwd=ROOT, env=scrapy_env(),
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1 and "not an article" in refused.stderr and "Traceback" not in refused.stderr


@pytest.mark.slow
def test_a_generic_crawl_of_the_classic_replica_from_its_home_page(tmp_path):
    """No line of code knows the replica: its sitemap, feed and links find every article, and pages
    are read by what they declare and by their text."""
    from urllib.request import urlopen

    from replica import Replica, SiteContent
    from replica.content import SITE_TZ
    from servers import run_crawl

    content = SiteContent(seed=4, sections=3, articles=30)
    with Replica(content, front=True) as replica:   # through nginx: compressed, chunked
        result = run_crawl(tmp_path, replica.base_url + "/", settings={"NEWS_SITE_PROFILE": "generic"})
        compressed = sum(n for coding, n in replica.front.encodings().items() if coding != "identity")
        truth = replica.ground_truth()
        # `extract_article` (and `scrapy extract`) on the same pages: the crawl's very components.
        extracted = {url: extract_article(urlopen(url, timeout=30).read().decode(), url) for url in sorted(truth)[:8]}
    assert result.stats["finish_reason"] == "finished"
    assert "Traceback" not in result.log and " ERROR: " not in result.log
    by_url = {item["url"]: item for item in result.items}
    assert set(by_url) == set(truth)                       # listed and related-only (the sitemap has them)
    for url, expected in truth.items():
        item = by_url[url]
        assert (item["title"], item["body"], item["image_credits"]) == \
            (expected["title"], expected["body"], expected["image_credits"]), url
        shown = datetime.fromisoformat(item["published_at_local"])
        assert shown.replace(tzinfo=None) == expected["published_at"].astimezone(SITE_TZ).replace(tzinfo=None)
        if shown.tzinfo is not None:                       # the page gave its offset (JSON-LD): an instant
            assert datetime.fromisoformat(item["published_at"]) == expected["published_at"]
    assert result.stat("news/renders") == 0                # nothing needs the browser here
    assert compressed >= len(truth)
    compared = ("url", "article_id", "title", "section", "published_at_raw", "published_at", "published_at_local",
                "published_at_precision", "summary", "body", "headings", "image", "image_credits", "tags", "language")
    as_read = {"published_at": lambda v: v and datetime.fromisoformat(v)}   # the feed writes a space for a T
    assert [(url, name) for url, item in extracted.items() for name in compared
            if as_read.get(name, str)(item[name]) != as_read.get(name, str)(by_url[url][name])] == []


def test_a_generic_crawl_may_start_at_an_article():
    from test_spider import spider_for

    spider = spider_for({"NEWS_SITE_PROFILE": "generic"}, start_url="https://news.test/2024/05/story")
    requests = spider.start_source(spider.start_urls[0], 0)
    kinds = [(r.url, r.meta[meta.PAGE_KIND]) for r in requests]
    assert kinds == [("https://news.test/robots.txt", meta.LISTING), ("https://news.test/2024/05/story", meta.ARTICLE)]
    home = spider_for({"NEWS_SITE_PROFILE": "generic"}, start_url="https://news.test/")
    assert [r.meta[meta.PAGE_KIND] for r in home.start_source(home.start_urls[0], 0)] == [meta.LISTING, meta.LISTING]


def test_a_short_article_is_not_refused():
    """trafilatura leaves out texts under its minimum size; the page's own paragraphs stand in."""
    html = ('<html><head><meta property="og:type" content="article"><title>Short news | Site</title></head><body>'
            '<nav><p>Menu</p></nav><article><h1>Short news</h1><p>One short sentence only.</p></article></body></html>')
    result = extract_article(html, "https://site.test/news/short")
    assert (result["title"], result["body"]) == ("Short news", "One short sentence only.")


def kicker_page(declared_headline: str, after_headline: str = "") -> str:
    """A page whose `<h1>` shows a kicker and a headline in spans of their own."""
    return ('<html lang="de"><head><script type="application/ld+json">{"@type": "NewsArticle", "headline": '
            f'"{declared_headline}"}}</script></head><body><article><h1><span>Krieg in der Ukraine</span>'
            f'<span>Selenskyj warnt vor dem Winter</span></h1>{after_headline}<p>'
            + "Der Text des Artikels. " * 30 + "</p></article></body></html>")


def test_a_kicker_in_the_headline_element_is_no_part_of_the_headline():
    html = kicker_page("Selenskyj warnt vor dem Winter", "<time>3. Februar 2021, 10.15 Uhr</time>")
    result = extract_article(html, "https://www.zeitung.test/politik/selenskyj-winter")
    assert result["title"] == "Selenskyj warnt vor dem Winter"
    assert result["published_at_local"] == "2021-02-03T10:15:00"


def test_a_page_read_from_a_file_is_known_by_its_canonical_url():
    html = ('<html><head><link rel="canonical" href="https://news.test/2024/05/story"></head><body><h1>A story</h1><p>'
            + "The text of the story. " * 30 + "</p></body></html>")
    assert extract_article(html, "story.html")["article_id"] == "news.test/2024/05/story"
    assert extract_article(html.replace("https://news.test/2024/05/story", "/"), "")["article_id"].startswith("page/")


@pytest.mark.parametrize("line, furniture", [
    ("ADVERTISEMENT", True), ("Read more: A controversial technology splits scientists", True),
    ("Lesen Sie auch: Warum die Preise steigen", True), ("Sign up for our daily newsletter", True),
    ("Related coverage of the war continued on Monday.", False),
    ("Advertisement for the new phone dominated the market.", False),
    ("Read more about this in our guide, which explains everything.", False),
    ("Sign up for the Morning Briefing newsletter", True), ("Enter your email address", True),
    ("By signing up, you agree to our Terms of Use and Privacy Policy.", True),
    ("Get the latest news delivered to your inbox", True),
    ("Readers who sign up for the newsletter get a discount, the company said on Monday.", False),
])
def test_the_page_furniture_is_no_text(line, furniture):
    from newscrawler.pages.generic import is_furniture

    assert is_furniture(line) is furniture


def test_text_broken_into_lines_is_paragraphs():
    html = ('<html><head><meta property="og:type" content="article"></head><body><h1>Market closes higher</h1>'
            '<div class="txt">Stocks rose on Friday.<br><br>Investors cheered the data.<br><br>Oil fell 2%.</div>'
            '</body></html>')
    body = extract_article(html, "https://news.test/markets/close")["body"]
    assert body == "Stocks rose on Friday.\n\nInvestors cheered the data.\n\nOil fell 2%."


def test_credits_of_every_picture_however_marked():
    html = ('<html><head><script type="application/ld+json">{"@type": "NewsArticle", "headline": "Storm hits", '
            '"image": {"@type": "ImageObject", "url": "https://x.test/a.jpg", "caption": "Waves. Photo: Jane Doe/Reuters"}}'
            '</script></head><body><article><h1>Storm hits</h1>'
            '<figure><img src="a.jpg"><figcaption>Waves crash. <cite>John Roe/AFP</cite></figcaption></figure>'
            '<figure><img src="b.jpg"><figcaption>A flooded street. (AP Photo/Evan Vucci)</figcaption></figure>'
            '<p>' + "The storm hit the coast. " * 20 + '</p></article></body></html>')
    result = extract_article(html, "https://x.test/2024/storm")
    assert [(c["photographer"], c["provider"]) for c in result["image_credits"]] == \
        [("John Roe", "AFP"), ("Evan Vucci", "AP"), ("Jane Doe", "Reuters")]
    assert result["image"]["caption"] == "Waves crash."
    assert not any(c["text"] in result["body"] for c in result["image_credits"])


def test_a_headline_reads_as_shown_without_invisible_characters_or_entities():
    html = ('<html><head><meta property="og:title" content="Bundeskanzler warnt vor dem Winter &amp;#8211; Spiegel">'
            '<meta property="og:site_name" content="Spiegel"></head><body><h1>Bundes&shy;kanzler warnt vor dem Winter</h1>'
            '<p>' + "Der Text. " * 30 + '</p></body></html>')
    assert extract_article(html, "https://www.zeitung.test/a/b")["title"] == "Bundeskanzler warnt vor dem Winter"
    no_h1 = html.replace("<h1>Bundes&shy;kanzler warnt vor dem Winter</h1>", "")
    assert extract_article(no_h1, "https://www.zeitung.test/a/b")["title"] == "Bundeskanzler warnt vor dem Winter"


@pytest.mark.parametrize("title, names, headline", [
    ("Selenskyj warnt vor Winter - DER SPIEGEL", ["spiegel"], "Selenskyj warnt vor Winter"),
    ("Obama admits US gun laws are his biggest frustration - BBC News", ["bbc"],
     "Obama admits US gun laws are his biggest frustration"),
    ("SPIEGEL | Selenskyj warnt vor Winter", ["spiegel"], "Selenskyj warnt vor Winter"),
    ("Spiegel: the magazine - review", ["spiegel"], "Spiegel: the magazine - review"),
    ("マインドマップ風のツリーを描画できる「Treeviz」:phpspot開発日誌", ["phpspot開発日誌"],
     "マインドマップ風のツリーを描画できる「Treeviz」"),
    ("A headline written plainly_Tech_Daily Curiosity", ["Daily Curiosity"], "A headline written plainly"),
    ("Council approves the budget after debate | Politics | Town News", ["Town News"],
     "Council approves the budget after debate"),
    ("Why the vote matters | Opinion | Town News", ["Town News"], "Why the vote matters"),
    ("Trump attacks Boeing deal - The Daily Beast", ["thedailybeast"], "Trump attacks Boeing deal"),
    ("Storm hits the coast | NBC News", ["nbcnews"], "Storm hits the coast"),
    ("snake_case explained_Daily Curiosity", ["Daily Curiosity"], "snake_case explained"),
])
def test_the_site_name_as_the_site_or_its_host_names_it(title, names, headline):
    assert strip_site_name(title, names) == headline


def test_short_lines_that_trail_the_article_are_the_pages_but_verse_is_text():
    from newscrawler.pages.text_rules import without_trailing_headings

    article = [("p", "The council approved the budget on Monday after a long debate."),
               ("p", "It takes effect in January."), ("h2", "More from the city"), ("p", "Choose a plan"),
               ("p", "Members sign in here")]
    assert without_trailing_headings(article) == article[:2]
    verse = [("p", "I'm pretty sure I don't need anything else"), ("p", "This is the best feeling"),
             ("p", "Only one"), ("p", "Only you")]
    assert without_trailing_headings(verse) == verse


def test_the_articles_own_headline_wins_over_one_written_for_sharing():
    html = ('<html><head><meta property="og:title" content="You will not believe what the council did"></head>'
            '<body><header><h1>City News</h1></header><article><h1>Council approves the budget after a long debate</h1>'
            '<p>' + "The council met on Monday. " * 20 + '</p></article></body></html>')
    assert extract_article(html, "https://city.test/2024/budget")["title"] == \
        "Council approves the budget after a long debate"


def test_a_credit_trailing_the_text_is_kept_as_a_credit():
    html = ('<html><head><meta property="og:type" content="article"></head><body><article><h1>Prices rise again</h1>'
            '<p>' + "Prices rose in March. " * 20 + '</p><p>Image: Shutterstock</p></article></body></html>')
    result = extract_article(html, "https://news.test/2024/prices")
    assert [c["text"] for c in result["image_credits"]] == ["Image: Shutterstock"]
    assert "Shutterstock" not in result["body"]


def test_a_logo_in_an_h1_is_no_headline():
    html = ('<html><head><meta property="og:title" content="Storm hits the coast hard - CNN"></head><body>'
            '<h1>CNN</h1><article><h1>Storm hits the coast hard</h1><p>' + "The storm came. " * 30 +
            '</p></article></body></html>')
    assert extract_article(html, "https://cnn.test/2024/storm")["title"] == "Storm hits the coast hard"


def test_a_masthead_h1_is_no_headline_where_the_document_title_names_the_page():
    text = "<p>" + "The app matches people by what they like and dislike. " * 20 + "</p>"
    masthead = ('<html><head><title>This dating app matches you by your likes_Tech_Daily Curiosity</title></head>'
                f'<body><h1 class="hidden">Daily Curiosity</h1><article>{text}</article></body></html>')
    assert extract_article(masthead, "https://daily.test/articles/123.html")["title"] == \
        "This dating app matches you by your likes"
    for label in ("Original text", "Allergies Health Center"):
        page = ('<html><head><title>New thin keyboards that type lighter go on sale in March</title></head>'
                f'<body><h1>{label}</h1><article>{text}</article></body></html>')
        assert extract_article(page, "https://maker.test/news/0305.html")["title"] == \
            "New thin keyboards that type lighter go on sale in March"


def test_a_one_word_headline_the_document_title_gives_before_the_sites_name_is_the_headline():
    html = ('<html><head><title>Mozilla - Encyclopedia</title></head><body><h1>Mozilla</h1><div><p>'
            + "Mozilla is a free software community founded in 1998. " * 20 + '</p></div></body></html>')
    assert extract_article(html, "https://encyclopedia.test/wiki/Mozilla")["title"] == "Mozilla"


def test_the_pages_one_h1_is_the_headline_where_the_shared_one_differs():
    html = ('<html><head><meta property="og:title" content="Star\'s desert home is for sale and it\'s paradise">'
            '</head><body><div class="hero"><h1>Take a tour inside the star\'s former desert retreat</h1></div>'
            '<div class="story"><p>' + "The house went on the market on Monday. " * 20 + '</p></div></body></html>')
    assert extract_article(html, "https://tv.test/style/home-for-sale")["title"] == \
        "Take a tour inside the star's former desert retreat"


def test_a_json_ld_headline_cut_short_for_search_engines_is_made_whole_by_og_title():
    whole = "The central bank raises rates for the fourth time this year as inflation stays well above its target"
    cut = whole[:97] + "..."
    html = ('<html><head><script type="application/ld+json">{"@type": "NewsArticle", "headline": "%s"}</script>'
            '<meta property="og:title" content="%s"></head><body><div><p>%s</p></div></body></html>'
            % (cut, whole, "The bank met on Tuesday. " * 20))
    assert extract_article(html, "https://news.test/2024/05/rates")["title"] == whole


@pytest.mark.parametrize("info", ["<span>December 14, 2016</span><span>2:24 pm</span>",
                                  "<span>2:24 pm</span><span>December 14, 2016</span>"])
def test_a_dateline_told_in_two_elements_is_one_date(info):
    html = ('<html><head><meta property="og:type" content="article"></head><body><article>'
            f'<h1>The concussion settlement stands</h1><div class="info"><span>By Kathy Wise</span>{info}</div><p>'
            + "The court declined the case. " * 20 + '</p></article></body></html>')
    assert extract_article(html, "https://magazine.test/frontburner/settlement")["published_at_local"] == \
        "2016-12-14T14:24:00"


@pytest.mark.parametrize("dateline", ["Updated: Nov 30, 2016; Posted: Nov 29, 2016",
                                      "Last updated Nov 30, 2016 | Published Nov 29, 2016",
                                      "Published Nov 29, 2016 Updated Nov 30, 2016"])
def test_a_dateline_that_tells_an_update_and_the_publication_gives_the_publication(dateline):
    html = ('<html><head><meta property="og:type" content="article"></head><body><article>'
            f'<h1>Council approves the budget after debate</h1><div class="byline">{dateline}</div>'
            '<p>' + "The council met on Monday and voted. " * 20 + '</p></article></body></html>')
    assert extract_article(html, "https://town.test/news/council-approves-budget")["published_at_local"] == "2016-11-29"


@pytest.mark.parametrize("shown, declared, day", [
    ("November 28, 2016", "2016-11-29T01:45:00Z", "2016-11-28"),   # an evening in the Americas
    ("2019年4月4日", "2019-04-03T15:00:00Z", "2019-04-04"),          # a midnight in Japan
    ("November 29, 2016", "2016-11-29T01:45:00Z", "2016-11-29"),
])
def test_a_declared_utc_instant_is_on_the_day_the_page_shows(shown, declared, day):
    html = ('<html><head><script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "%s"}</script>'
            '</head><body><article><h1>Council approves the budget after debate</h1><div class="byline">%s</div>'
            '<p>%s</p></article></body></html>' % (declared, shown, "The council met on Monday and voted. " * 20))
    result = extract_article(html, "https://town.test/news/council-approves-budget")
    assert result["published_at_local"][:10] == day
    assert result["published_at"] == declared.replace("Z", "+00:00")


def test_a_time_element_s_own_data_attribute_gives_its_instant():
    html = ('<html><head><meta property="og:type" content="article"></head><body><article>'
            '<h1>Houston names its head coach</h1><time data-published="2016-12-09 09:13:00Z">Dec 9, 2016</time>'
            '<p>' + "The school promoted its coordinator on Friday. " * 20 + '</p></article></body></html>')
    assert extract_article(html, "https://sports.test/college/houston/coach")["published_at"] == "2016-12-09T09:13:00+00:00"


@pytest.mark.parametrize("h1", ['<h1><span class="sr-only">Opinion:</span> Council approves the budget after debate</h1>',
                                '<h1>Council approves the budget after debate<span class="dek">The vote ends a month of '
                                'talks on the city\'s spending, and the mayor says it will hold</span></h1>',
                                '<h1><span class="badge">Live</span>Council approves the budget after debate</h1>',
                                '<h1>Council approves the budget<br>after debate</h1>'])
def test_a_label_beside_the_declared_headline_is_no_part_of_it_and_a_break_inside_it_is_no_byline(h1):
    html = ('<html><head><meta property="og:title" content="Council approves the budget after debate"></head><body>'
            f'<article>{h1}<p>' + "The council met on Monday and voted. " * 20 + '</p></article></body></html>')
    assert extract_article(html, "https://town.test/2024/05/budget")["title"] == "Council approves the budget after debate"


def test_a_kicker_the_page_declares_with_its_headline_keeps_the_pages_punctuation():
    html = kicker_page("Krieg in der Ukraine: Selenskyj warnt vor dem Winter")
    result = extract_article(html, "https://www.zeitung.test/politik/selenskyj")
    assert result["title"] == "Krieg in der Ukraine: Selenskyj warnt vor dem Winter"


def test_a_hidden_dialog_is_no_text_but_an_articles_hidden_rest_is():
    html = ('<html><head><meta property="og:type" content="article"></head><body><article><h1>Long read here</h1>'
            '<p>' + "First part of the story. " * 15 + '</p><div class="rest" style="display: none"><p>'
            + "The rest of the story continues. " * 30 + '</p></div><div hidden><p>Save this article</p></div>'
            '</article></body></html>')
    body = extract_article(html, "https://x.test/2024/long")["body"]
    assert "The rest of the story continues." in body and "Save this article" not in body


@pytest.fixture
def names_on_loopback():
    """`news-www.test` and `www.news-www.test` resolve to 127.0.0.1 for this test."""
    from servers import loopback_names

    with loopback_names("news-www.test", "www.news-www.test"):
        yield "news-www.test"


@pytest.mark.slow
def test_a_site_on_www_started_on_its_bare_name_stores_every_article(tmp_path, names_on_loopback):
    """The bare name redirects to `www.`; robots.txt, sitemaps and canonicals name `www.`."""
    from replica import Replica, SiteContent
    from servers import run_crawl

    bare = names_on_loopback
    with Replica(SiteContent(seed=4, sections=2, articles=12), host=f"www.{bare}", redirect_hosts=(bare,)) as replica:
        result = run_crawl(tmp_path, f"http://{bare}:{replica.port}/", settings={"NEWS_SITE_PROFILE": "generic"})
        truth = replica.ground_truth()
    assert result.stats["finish_reason"] == "finished"
    assert "Traceback" not in result.log
    assert {item["url"] for item in result.items} == set(truth)


@pytest.mark.slow
def test_a_start_redirected_to_another_host_of_its_domain_stores_every_article(tmp_path):
    """`sub-news.test` answers with `edition.sub-news.test` (as cnn.com with edition.cnn.com), robots.txt too."""
    from replica import Replica, SiteContent
    from servers import loopback_names, run_crawl

    with loopback_names("sub-news.test", "edition.sub-news.test"):
        with Replica(SiteContent(seed=4, sections=2, articles=12), host="edition.sub-news.test",
                     redirect_hosts=("sub-news.test",)) as replica:
            result = run_crawl(tmp_path, f"http://sub-news.test:{replica.port}/",
                               settings={"NEWS_SITE_PROFILE": "generic"})
            truth = replica.ground_truth()
    assert result.stats["finish_reason"] == "finished" and "Traceback" not in result.log
    assert {item["url"] for item in result.items} == set(truth)
    assert result.stat("news/start/redirected_host") >= 1


@pytest.mark.parametrize("canonical", ["https://news.example/markets/", "https://news.example/news"])
def test_a_canonical_naming_a_section_does_not_merge_two_articles(canonical):
    def article(title: str) -> str:
        return ('<html><head><meta property="og:type" content="article">'
                f'<link rel="canonical" href="{canonical}"><title>{title}</title></head><body><article>'
                f'<h1>{title}</h1><p>{"The text of the article. " * 20}</p></article></body></html>')

    first = extract_article(article("Bitcoin rises"), "https://news.example/markets/bitcoin-rises")
    second = extract_article(article("Ether falls"), "https://news.example/2024/05/ether-falls")
    assert (first["url"], second["url"]) == ("https://news.example/markets/bitcoin-rises",
                                            "https://news.example/2024/05/ether-falls")
    assert first["article_id"] != second["article_id"]
    kept = extract_article(article("Bitcoin rises").replace(canonical, "https://www.news.example/markets/btc-up"),
                           "https://news.example/markets/bitcoin-rises?utm_source=x")
    assert kept["url"] == "https://www.news.example/markets/btc-up"        # an article's canonical is trusted


def test_a_body_behind_markup_that_never_closes_is_read():
    """trafilatura finds only the headline behind 400 unclosed elements: the page's own paragraphs."""
    paragraphs = "".join(f"<p>Paragraph {i} of the story, long enough to be read as its text.</p>" for i in range(6))
    html = ('<html><head><meta property="og:type" content="article"><title>A story</title></head><body>'
            '<article><h1>A story</h1>' + "<span>" * 400 + paragraphs + "</article></body></html>")
    result = extract_article(html, "https://site.test/news/a-story")
    assert result["body"].split("\n\n")[0] == "Paragraph 0 of the story, long enough to be read as its text."
    assert len(result["body"].split("\n\n")) == 6


@pytest.mark.parametrize("charset, title", [("euc-kr", "비트코인 급등"), ("windows-1251", "Биткоин растёт")])
def test_a_saved_page_is_decoded_by_its_meta_charset(charset, title):
    from newscrawler.commands.extract import decoded

    html = (f'<html><head><meta charset="{charset}"><meta property="og:type" content="article">'
            f'<title>{title}</title></head><body><article><h1>{title}</h1><p>{title}. ' + "Text. " * 40
            + "</p></article></body></html>")
    text = decoded(None, html.encode(charset))
    assert extract_article(text, "https://news.example/a/1")["title"] == title


def serve(answer):
    """A loopback HTTP server answering every GET with `answer(handler)`."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            answer(self)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def scrapy_extract(*args: str, settings: dict | None = None) -> subprocess.CompletedProcess:
    command = [str(BIN / "scrapy"), "extract", *args]
    for name, value in (settings or {}).items():
        command += ["-s", f"{name}={value}"]
    return subprocess.run(command, cwd=ROOT, env=scrapy_env(), capture_output=True, text=True, timeout=120)


def test_extract_follows_redirects_to_http_only_and_reads_a_bounded_size():
    def redirect(handler):
        handler.send_response(302)
        handler.send_header("Location", "ftp://files.example/secret" if handler.path == "/ftp" else "/big")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def big(handler):
        if handler.path != "/big":
            return redirect(handler)
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        handler.wfile.write(b"<p>" + b"x" * 5000)

    server = serve(big)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        done = scrapy_extract(base + "/ftp", base + "/elsewhere", settings={"NEWS_MAX_PAGE_BYTES": 1000})
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 1 and done.stdout == ""
    ftp, big_page = done.stderr.splitlines()
    assert ftp.startswith(f"{base}/ftp: ") and "not http" in ftp
    assert big_page.startswith(f"{base}/elsewhere: ") and "too_large" in big_page
    assert "Traceback" not in done.stderr


JAPANESE_ARTICLE = ('<!DOCTYPE html><html lang="ja"><head><meta property="og:type" content="article">'
                    '<title>日銀が金利を据え置き</title></head><body><article><h1>日銀が金利を据え置き</h1>'
                    + '<p>日本銀行は会合で短期金利の誘導目標を据え置くことを決めた。物価の動向を見極める。</p>' * 30
                    + '</article></body></html>')


def test_extract_fetches_a_url_as_a_crawl_does_compressed_and_detected():
    """Served through nginx (compressed), in Shift_JIS that neither the header nor the page names:
    `scrapy extract URL` asks for compression and detects the encoding as a crawl does, and refuses a
    page over NEWS_MAX_PAGE_BYTES as a crawl would."""
    from replica.front import NginxFront, free_port

    def japanese(handler):
        body = JAPANESE_ARTICLE.encode("shift_jis")
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    server = serve(japanese)
    front = NginxFront({free_port(): server.server_address[1]}).start()
    url = f"http://127.0.0.1:{next(iter(front.routes))}/news/2024/05/boj"
    try:
        done = scrapy_extract(url)
        refused = scrapy_extract(url, settings={"NEWS_MAX_PAGE_BYTES": 2000})
        codings = front.encodings()
    finally:
        front.stop()
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stderr
    item = json.loads(done.stdout)
    assert item["title"] == "日銀が金利を据え置き" and item["body"].startswith("日本銀行は会合で")
    assert set(codings) <= {"br", "gzip"}, codings
    assert refused.returncode == 1 and "too_large" in refused.stderr and "Traceback" not in refused.stderr


def test_a_page_with_a_lone_surrogate_is_read_and_a_huge_one_refused():
    from newscrawler.pages.article import MAX_PAGE_CHARS

    page = ('<html><head><meta property="og:type" content="article"><title>T</title></head><body><article>'
            '<h1>Title</h1><p>Text \ud800 of the article, long enough to be its body.</p></article></body></html>')
    assert "Text" in extract_article(page, "https://news.example/a/1")["body"]
    huge = page.replace("<p>", "<p>" + "word " * (MAX_PAGE_CHARS // 5))
    with pytest.raises(ArticleParseError, match="page_too_large"):
        extract_article(huge, "https://news.example/a/1")


def test_a_generic_page_without_a_related_block_says_so():
    page = ('<html><head><meta property="og:type" content="article"><title>T</title></head><body><article>'
            '<h1>Title</h1><p>' + "Text of the article. " * 20 + "</p></article></body></html>")
    assert extract_article(page, "https://news.example/a/1")["related_status"] == "absent"


def test_an_article_is_kept_without_a_title_or_text_it_lacks():
    """A page that declares an article yields an item whatever it lacks; only pages that are no
    articles are refused."""
    declared = '<html><head><meta property="og:type" content="article"></head><body><article>{}</article></body></html>'
    no_title = extract_article(declared.format("<p>" + "The text of the article. " * 20 + "</p>"),
                               "https://news.example/2024/05/no-title")
    assert no_title["title"] is None and no_title["body"].startswith("The text of the article.")
    no_text = extract_article(declared.format("<h1>A headline alone</h1>"), "https://news.example/2024/05/no-text")
    assert (no_text["title"], no_text["body"]) == ("A headline alone", "")


READABILITY = DATA / "readability"
# Pages of the tuned part whose text we read short of their reference, with why.
READABILITY_MISSES = {
    "hukumusume": "a children's story laid out in table cells, its lines split by images: we read part of it",
    "yahoo-2": "a video page whose text is mostly its playlist",
    "yahoo-3": "a video page whose text is mostly its playlist",
}


def readability_cases() -> list:
    import hashlib

    cases = []
    for path in sorted(READABILITY.glob("*.json")):
        name = path.stem
        if hashlib.sha256(name.encode()).hexdigest()[0] in "01234":
            continue  # the part bench/extract.py only measures: never a test's business
        reason = READABILITY_MISSES.get(name)
        cases.append(pytest.param(name, marks=[pytest.mark.xfail(strict=True, reason=reason)] if reason else []))
    return cases


@pytest.mark.parametrize("name", readability_cases())
def test_readability_page_text(name):
    """mozilla/readability's real-site test pages: our text against the text its authors expect."""
    case = json.loads((READABILITY / f"{name}.json").read_text())
    html = gzip.decompress((READABILITY / f"{name}.html.gz").read_bytes()).decode("utf-8", "replace")
    assert token_f1(extract_article(html, case["url"])["body"], case["reference_body"]) >= 0.8


POSTLIGHT = DATA / "postlight"
# Fields of the tuned part's pages we read otherwise than their reference, with why.
POSTLIGHT_MISSES = {
    ("genius.com", "title"): "a song's page: the reference is the song's name, we read the artist with it",
    ("www.itmedia.co.jp", "title"): "the page declares the headline without its subtitle, the reference has both",
    ("www.popsugar.com", "title"): "the `<h1>` is a short label; the reference is the headline written for sharing",
    ("www.slate.com", "title"): "the reference is the kicker above the headline",
    ("www.spektrum.de", "title"): "the reference is a headline the page shows nowhere as one",
    ("www.politico.com", "published"): "the reference (2022) is not the story's day (2016, in its URL and on the page)",
    ("www.refinery29.com", "published"): "the saved page states only the month (in its URL)",
    ("www.jnsa.org", "title"): "a seminar's page, read as no article",
}


def postlight_cases() -> list:
    import hashlib

    cases = []
    for path in sorted(POSTLIGHT.glob("*.json")):
        name = path.stem
        if hashlib.sha256(f"postlight/{name}".encode()).hexdigest()[0] in "01234":
            continue  # the part bench/extract.py only measures: never a test's business
        for field in ("title", "published"):
            if field == "published" and not json.loads(path.read_text()).get("published"):
                continue
            reason = POSTLIGHT_MISSES.get((name, field))
            cases.append(pytest.param(name, field, id=f"{name}-{field}",
                                      marks=[pytest.mark.xfail(strict=True, reason=reason)] if reason else []))
    return cases


@pytest.mark.parametrize(("name", "field"), postlight_cases())
def test_postlight_page(name, field):
    """postlight/parser's publisher pages: the headline and the publication day its site extractors'
    tests expect."""
    case = json.loads((POSTLIGHT / f"{name}.json").read_text())
    html = gzip.decompress((POSTLIGHT / f"{name}.html.gz").read_bytes()).decode("utf-8", "replace")
    try:
        result = extract_article(html, case["url"])
    except ArticleParseError:
        result = {}
    if field == "title":
        assert result.get("title") == case["title"]
    else:
        assert at_instant(result.get("published_at_local"), case["published"], "day")


def test_a_table_is_text_when_it_holds_the_text_and_a_box_when_it_sits_beside_it():
    story = " ".join(f"Line {n} of the story the page lays out in the cells of a table, as old pages do." for n in range(6))
    prose = " ".join(f"Sentence {n} of an article written in paragraphs, long enough to be its text." for n in range(8))
    facts = "<table><tr><td>Platform</td><td>Win, Mac</td></tr><tr><td>Price</td><td>$14.99</td></tr></table>"
    head = '<html><head><meta property="og:type" content="article"></head><body><article><h1>A headline here</h1>'
    laid_out = extract_article(f"{head}<table><tr><td>{story}</td></tr><tr><td>{story}</td></tr></table>"
                               "</article></body></html>", "https://news.test/2023/11/17/story")
    assert "Line 5 of the story" in laid_out["body"]
    boxed = extract_article(f"{head}{facts}<p>{prose}</p><p>{prose}</p></article></body></html>",
                            "https://news.test/2023/11/17/review")
    assert "Sentence 7 of an article" in boxed["body"] and "Platform" not in boxed["body"]


def test_a_share_bar_met_twice_and_a_topics_line_are_the_page_s_not_the_text_s():
    prose = [f"Paragraph {n} of the article, a sentence long enough to be read as its text by anyone." for n in range(6)]
    body = "".join(f"<p>{p}</p>" + ("<p>All Share Services</p>" if n in (0, 4) else "") for n, p in enumerate(prose))
    html = ('<html><head><meta property="og:type" content="article"></head><body><article><h1>A headline here</h1>'
            f"{body}<p>Topics: uber, sharing economy, Technology News</p></article></body></html>")
    result = extract_article(html, "https://news.test/2023/11/17/share")
    assert "All Share Services" not in result["body"] and "Topics:" not in result["body"]
    assert result["body"].count("Paragraph") == 6


def test_figures_met_twice_are_data_not_furniture():
    from newscrawler.pages.text_rules import without_repeated_lines

    prose = [("p", f"Paragraph {n} of the article, a sentence long enough to be its text.") for n in range(6)]
    rows = [("p", "1993"), ("p", "Netscape Navigator"), ("p", "1993"), ("p", "Mosaic")]
    assert without_repeated_lines(prose + rows + [("p", "Share"), ("p", "Share")]) == prose + rows


@pytest.mark.parametrize("title", ["Other Opinion Columns", "More from Politics", "You may also like", "Most read"])
def test_a_list_of_other_articles_under_the_text_is_the_page_s(title):
    from newscrawler.pages.text_rules import without_trailing_list_of_articles

    article = [("p", f"Paragraph {n} of the article, which says what happened and why it matters.") for n in range(6)]
    teasers = [("p", title), ("p", "Wave of stupidity"), ("p", "How is it that ideas that are absurd capture us?")]
    assert without_trailing_list_of_articles(article + teasers) == article
    # Under a subheading of the article's own, what follows is most of the text: it stays.
    assert without_trailing_list_of_articles(article[:1] + teasers + article) == article[:1] + teasers + article


def test_a_subheading_a_table_of_contents_links_to_is_text_but_the_table_is_not():
    prose = "".join(f"<p>Paragraph {n} of the section, a sentence long enough to be read as its text.</p>" for n in range(4))
    html = ('<html><head><meta property="og:type" content="article"></head><body><article><h1>How we built it</h1>'
            '<ul class="toc"><li><a href="#glossary">Glossary</a></li><li><a href="#design">The design</a></li></ul>'
            f'<h2 id="glossary">Glossary</h2>{prose}<h2 id="design">The design</h2>{prose}'
            '<p><a href="https://blog.test/other-post">Another post of ours</a></p>'
            f'{prose}</article></body></html>')
    body = extract_article(html, "https://blog.test/how-we-built-it")["body"]
    assert body.count("Glossary") == 1 and body.count("The design") == 1
    assert body.index("Glossary") < body.index("Paragraph 0") and "Another post of ours" not in body


def test_a_gallery_s_captions_and_a_video_player_s_labels_are_no_text():
    from newscrawler.pages.text_rules import is_furniture, without_gallery

    article = [("p", f"Paragraph {n} of the article, which says what happened and why it matters.") for n in range(4)]
    gallery = [line for n in range(1, 5) for line in (("p", f"{n}/50 Headline of picture {n}"),
                                                        ("p", f"The caption of picture {n}, a sentence."))]
    assert without_gallery(article[:2] + gallery + article[2:]) == article
    # Numbers that are no counters in a run stay: `24/7 service` once is text, so is a thread's posts.
    assert without_gallery(article + [("p", "24/7 service is what they promised.")]) == \
        article + [("p", "24/7 service is what they promised.")]
    thread = [("p", f"{n}/3 The minister said the budget would pass before the end of the month.") for n in (1, 2, 3)]
    assert without_gallery(article + thread) == article + thread
    for label in ("This is a modal window.", "descriptions off, selected", "Chapters", "Now watching",
                  "Next video starts in : 7Play", "Unfortunately, this video is not available in your region."):
        assert is_furniture(label), label
    assert not is_furniture("Chapters of the report were leaked to the press on Monday.")


def test_a_block_of_code_is_text_with_its_lines():
    prose = "".join(f"<p>Paragraph {n} of the post, a sentence long enough to be read as its text.</p>" for n in range(5))
    html = ('<html><head><meta property="og:type" content="article"></head><body><article><h1>Fetch in practice</h1>'
            f'{prose}<pre><code>fetch("/data.json")\n  .then(show);</code></pre>{prose}</article></body></html>')
    body = extract_article(html, "https://blog.test/2024/fetch")["body"]
    assert 'fetch("/data.json")\n' in body and ".then(show);" in body


def test_the_date_s_source_is_kept_beside_the_item_to_say_why():
    prose = "".join(f"<p>Paragraph {n} of the article, a sentence long enough to be read as its text.</p>" for n in range(5))
    head = '<html><head><meta property="og:type" content="article">{}</head><body><article><h1>A headline here</h1>{}'
    declared = extract_article(head.format('<script type="application/ld+json">{"@type": "NewsArticle", '
                                           '"datePublished": "2023-11-17T15:13:00+01:00"}</script>', prose)
                               + "</article></body></html>", "https://news.test/a/story")
    shown = extract_article(head.format("", '<p class="byline-date">November 17, 2023</p>' + prose)
                            + "</article></body></html>", "https://news.test/a/story")
    in_url = extract_article(head.format("", prose) + "</article></body></html>", "https://news.test/2023/11/17/story")
    assert (declared["published_at_local"], declared["extraction"]["date_source"]) == ("2023-11-17T15:13:00+01:00", "declared")
    assert (shown["published_at_local"], shown["extraction"]["date_source"]) == ("2023-11-17", "shown")
    assert (in_url["published_at_local"], in_url["extraction"]["date_source"]) == ("2023-11-17", "url")
    assert "extraction" not in stored_fields()                        # exported with items, never stored


BAD_HREFS = ('<a href="http://[ccpa-preferences]">Do not sell</a><a href="https://news.example:port/x">x</a>'
             '<a href="http://' + "a" * 64 + '.example/">y</a>')


def test_a_link_that_is_not_a_url_costs_nothing_but_itself():
    """A broadcaster's every page carries `http://[ccpa-preferences]`: the article is read all the same."""
    html = ('<html><head><meta property="og:type" content="article"><title>Story</title>'
            '<script type="application/ld+json">[{"@type": "NewsArticle", "url": "http://[bad]"}, '
            '{"@type": "NewsArticle", "headline": "Story"}]</script></head><body><article>'
            f'<h1>Story</h1><p>{"The text of the article. " * 20}</p>{BAD_HREFS}</article></body></html>')
    assert extract_article(html, "https://news.example/2024/05/story")["title"] == "Story"


def test_a_listing_s_links_that_are_not_urls_are_skipped_and_counted():
    from scrapy.http import HtmlResponse
    from test_spider import requests_of, spider_for

    spider = spider_for({"NEWS_SITE_PROFILE": "generic"}, start_url="https://news.example/")
    html = f'<html><body>{BAD_HREFS}<a href="/2024/05/one-story">One</a></body></html>'
    request = spider.start_source(spider.start_urls[0], 0)[1]
    response = HtmlResponse(request.url, body=html.encode(), encoding="utf-8", request=request)
    results = list(spider.not_an_article(response))
    assert requests_of(results)[1] == ["https://news.example/2024/05/one-story"]
    assert spider.crawler.stats.get_value("news/links/not_a_url") == 3


def test_links_resolve_against_the_page_s_base_href():
    from scrapy.http import HtmlResponse
    from test_spider import requests_of, spider_for

    spider = spider_for({"NEWS_SITE_PROFILE": "generic"}, start_url="https://news.example/")
    html = ('<html><head><base href="/articles/"></head><body><a href="one-story-of-the-day">One</a>'
            '<a href="/2024/05/two">Two</a></body></html>')
    request = spider.start_source(spider.start_urls[0], 0)[1]
    results = list(spider.parse_listing(HtmlResponse(request.url, body=html.encode(), encoding="utf-8", request=request)))
    assert requests_of(results)[1] == ["https://news.example/articles/one-story-of-the-day", "https://news.example/2024/05/two"]
    article = ('<html><head><base href="https://news.example/a/"><meta property="og:type" content="article">'
               '<link rel="canonical" href="story-one"></head><body><article><h1>Story one</h1>'
               f'<figure><img src="pic.jpg"></figure><p>{"The text of the article. " * 20}</p></article></body></html>')
    result = extract_article(article, "https://news.example/x/story-one-page")
    assert (result["url"], result["image"]["url"]) == ("https://news.example/a/story-one", "https://news.example/a/pic.jpg")
    from newscrawler.pages.listing import ListingPage
    listing = ListingPage('<html><head><base href="/x/"></head><body><a class="card" href="y">Y</a></body></html>',
                          "https://news.example/")
    assert [card.url for card in listing.cards()] == ["https://news.example/x/y"]


def test_feeds_give_each_entry_s_page_atom_by_its_alternate_link_and_rss_1_0_too():
    source = SITE.sources[0]
    atom = source.parse(xml_response("https://blog.example/feeds/posts/default", (
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><published>2024-05-01T10:00:00Z</published>'
        '<link rel="replies" type="application/atom+xml" href="https://blog.example/feeds/1/comments/default"/>'
        '<link rel="edit" href="https://blog.example/feeds/posts/default/1"/>'
        '<link rel="alternate" type="text/html" href="https://blog.example/2024/05/first-post.html"/></entry>'
        '<entry><link href="https://blog.example/2024/05/second-post.html"/></entry></feed>'), "feed"), SITE)
    assert [c.url for c in atom.cards] == ["https://blog.example/2024/05/first-post.html",
                                           "https://blog.example/2024/05/second-post.html"]
    rss1 = source.parse(xml_response("https://news.example.jp/index.rdf", (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="https://news.example.jp/">'
        '<link>https://news.example.jp/</link></channel>'
        '<item rdf:about="https://news.example.jp/article/20240501-1"><link>https://news.example.jp/article/20240501-1</link>'
        '<dc:date>2024-05-01T10:00:00+09:00</dc:date></item></rdf:RDF>'), "feed"), SITE)
    assert [(c.url, c.date_text) for c in rss1.cards] == [("https://news.example.jp/article/20240501-1",
                                                           "2024-05-01T10:00:00+09:00")]


def test_a_relative_sitemap_line_in_robots_txt_is_read_and_one_that_is_no_url_is_said(caplog):
    source = SITE.sources[0]
    robots = source.parse(xml_response("https://site.test/robots.txt", "User-agent: *\nSitemap: /news-sitemap.xml\n"
                                       "Sitemap: http://[sitemap]/x.xml\n", "robots"), SITE)
    assert [(f.url, f.step) for f in robots.follows] == [("https://site.test/news-sitemap.xml", "sitemap")]
    assert robots.broken_links == 1 and "http://[sitemap]/x.xml" in caplog.text


XHTML = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
         '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml">{}</html>')


@pytest.mark.parametrize("content_type", ["text/html", "application/xhtml+xml"])
def test_xhtml_with_an_xml_prolog_is_read_as_html(content_type):
    from scrapy.http import HtmlResponse
    from test_spider import requests_of, spider_for

    spider = spider_for({"NEWS_SITE_PROFILE": "generic"}, start_url="https://old.example/")
    home = XHTML.format('<head><title>Home</title></head><body><a href="/2024/05/one-story">One</a></body>')
    request = spider.start_source(spider.start_urls[0], 0)[1]
    response = HtmlResponse(request.url, body=home.encode(), request=request, headers={"Content-Type": content_type})
    assert requests_of(spider.parse_listing(response))[1] == ["https://old.example/2024/05/one-story"]
    article = XHTML.format('<head><meta property="og:type" content="article" /><title>One story</title></head><body>'
                           f'<h1>One story</h1><p>{"The text of the article. " * 20}</p></body>')
    request = spider.article_request("https://old.example/2024/05/another-story")
    response = HtmlResponse(request.url, body=article.encode(), request=request, headers={"Content-Type": content_type})
    [item] = [r for r in spider.parse_article(response) if not isinstance(r, Request)]
    assert item.title == "One story" and item.body.startswith("The text of the article.")


def story(canonical_links: str = "", title: str = "The story") -> str:
    return (f'<html><head><meta property="og:type" content="article">{canonical_links}<title>{title}</title></head>'
            f'<body><article><h1>{title}</h1><p>{"The text of the article. " * 20}</p></article></body></html>')


def test_tracking_parameters_of_every_kind_name_the_same_article():
    url = "https://news.example/2024/05/story?smid=tw-share&_ga=2.1&igshid=abc&mkt_tok=xyz&cmpid=rss&page=2&utm_source=x"
    assert extract_article(story(), url)["url"] == "https://news.example/2024/05/story?page=2"


@pytest.mark.parametrize("links", ['<link rel="Canonical" href="https://news.example/2024/05/the-story">',
                                   '<link rel="canonical" href=""><link rel="canonical" href="/2024/05/the-story">',
                                   '<link rel="alternate canonical" href="/2024/05/the-story">'])
def test_a_canonical_is_read_however_the_page_writes_its_link(links):
    assert extract_article(story(links), "https://news.example/x?p=1")["url"] == "https://news.example/2024/05/the-story"


def test_a_canonical_in_unicode_and_percent_encoded_is_one_key():
    unicode = extract_article(story('<link rel="canonical" href="https://news.example/2024/05/café-crème">'),
                              "https://news.example/a?p=1")
    encoded = extract_article(story('<link rel="canonical" href="https://news.example/2024/05/caf%c3%a9-cr%C3%A8me">'),
                              "https://news.example/b?p=2")
    assert unicode["article_id"] == encoded["article_id"] and unicode["url"] == encoded["url"]


@pytest.mark.parametrize("canonical", ["/category/markets", "/index.html", "https://news.example/"])
def test_a_canonical_naming_no_article_does_not_merge_two(canonical):
    link = f'<link rel="canonical" href="{canonical}">'
    first = extract_article(story(link, "Bitcoin rises"), "https://news.example/2024/05/17/bitcoin-rises")
    second = extract_article(story(link, "Ether falls"), "https://news.example/markets/ether-falls-again-today")
    assert first["article_id"] != second["article_id"]


def test_an_undeclared_article_at_a_query_string_id_in_cjk_text_is_read_as_one():
    """A Korean CMS's `articleView.html?idxno=1001`; a Japanese text of 9 paragraphs counted as read."""
    japanese = "".join(f"<p>{'市議会は来年度の予算案を賛成多数で可決した。'}{n}回目の審議では住民の意見も聞いた。</p>" for n in range(9))
    page = f"<html><head><title>予算案を可決 - 町のニュース</title></head><body><h1>市議会、来年度予算案を可決</h1>{japanese}</body></html>"
    assert 350 < len("".join(GenericArticlePage(page, "https://town.example.jp/x", SITE.urls).body())) < 450
    assert GenericArticlePage(page, "https://town.example.jp/2024/05/17/budget", SITE.urls).is_article()
    english = "".join(f"<p>Paragraph {n} of the story, which tells what happened at the council and why.</p>" for n in range(8))
    korean_cms = f"<html><head><title>Council votes</title></head><body><h1>Council votes on the budget</h1>{english}</body></html>"
    assert GenericArticlePage(korean_cms, "https://news.example.kr/news/articleView.html?idxno=1001", SITE.urls).is_article()
    assert not GenericArticlePage(korean_cms, "https://news.example.kr/news/articleList.html?page=2", SITE.urls).is_article()


def dated_page(dateline: str, head: str = "", lang: str = "", url: str = "https://town.test/news/council-approves-budget",
               after: str = "") -> dict:
    """A plain article page whose byline shows `dateline`, read when it was fetched on 2025-11-20."""
    from newscrawler.extract import extract_item
    from newscrawler.items import plain

    lang = f' lang="{lang}"' if lang else ""
    html = (f'<html{lang}><head><meta property="og:type" content="article">{head}</head><body><article>'
            f'<h1>Council approves the budget after debate</h1><div class="byline">{dateline}</div><p>'
            + "The council met on Monday and voted on the budget for the year. " * 20 + f'</p>{after}</article></body></html>')
    item = extract_item(html, url, fetched_at=datetime(2025, 11, 20, 12, 0, tzinfo=timezone.utc))
    return {"published_at": item.published_at, "local": item.published_at_local, "precision": item.published_at_precision}


@pytest.mark.parametrize("dateline, lang, url, head, local", [
    ("05.03.2024", "", "https://town.test/news/council-approves-budget", "", "2024-03-05"),
    ("05.03.2024", "en", "https://town.test/news/council-approves-budget", "", "2024-03-05"),
    ("02/10/2020", "en", "https://news.test/en-gb/council-approves-budget", "", "2020-10-02"),
    ("02/10/2020", "en", "https://news.test/en-us/council-approves-budget", "", "2020-02-10"),
    ("02/10/2020", "", "https://www.town.co.uk/news/council-approves-budget", "", "2020-10-02"),
    ("02/10/2020", "en", "https://town.test/news/council-approves-budget", '<meta property="og:locale" content="en_GB">',
     "2020-10-02"),
    ("02/10/2020", "en", "https://town.test/news/council-approves-budget", "", None),   # nothing tells: refused
])
def test_a_numeric_date_is_read_in_the_order_the_page_and_its_site_write(dateline, lang, url, head, local):
    assert dated_page(dateline, head, lang, url)["local"] == local


def test_a_numeric_date_is_read_in_the_order_the_pages_other_dates_tell():
    comments = '<section class="comments"><p>Reply posted 10/17/2020 by a reader who read it twice.</p></section>'
    assert dated_page("02/10/2020", lang="en", after=comments)["local"] == "2020-02-10"


@pytest.mark.parametrize("dateline, local, precision", [
    ("3 hours ago", "2025-11-20T09:00:00+00:00", "hour"),
    ("By Ann Lee | 3h ago", "2025-11-20T09:00:00+00:00", "hour"),
    ("Published 45 minutes ago", "2025-11-20T11:15:00+00:00", "minute"),
    ("3시간 전", "2025-11-20T09:00:00+00:00", "hour"),
    ("Yesterday at 3:15 PM", "2025-11-19T15:15:00", "minute"),
    ("2 days ago", "2025-11-18", "day"),
])
def test_a_time_counted_back_in_an_articles_byline_is_read_against_the_fetch(dateline, local, precision):
    read = dated_page(dateline)
    assert (read["local"], read["precision"]) == (local, precision)


@pytest.mark.parametrize("dateline, url", [
    ("May 9, 2024 · 5 min read", "https://town.test/news/council-approves-budget"),
    ("May 9, 2024 | 4 min read", "https://town.test/2024/05/09/council-approves-budget"),
    ("May 9, 2024 | 2 comments", "https://town.test/2024/05/09/council-approves-budget"),
])
def test_a_dateline_that_also_tells_a_reading_time_or_comments_gives_its_day(dateline, url):
    assert dated_page(dateline, url=url)["local"] == "2024-05-09"


def test_an_update_counted_back_is_not_the_publication():
    read = dated_page("Published May 9, 2024 3:00 PM EDT | Updated 2 hours ago")
    assert read["local"] == "2024-05-09T15:00:00-04:00"


def graph_page(graph: list, title: str = "Council approves the budget after debate") -> str:
    return ('<html><head><script type="application/ld+json">%s</script><meta property="og:title" content="%s"></head>'
            '<body><article><h1>%s</h1><p>%s</p></article></body></html>'
            % (json.dumps({"@context": "https://schema.org", "@graph": graph}), title, title,
               "The council met on Monday and voted on the budget. " * 20))


def test_the_pages_own_article_in_a_graph_is_the_one_with_its_headline():
    related = {"@type": "NewsArticle", "headline": "Mayor opens the new library", "datePublished": "2024-04-01T08:00:00Z",
               "url": "https://town.test/news/mayor-opens-library"}
    own = {"@type": "NewsArticle", "headline": "Council approves the budget after debate",
           "datePublished": "2024-05-09T15:00:00Z"}
    result = extract_article(graph_page([related, own]), "https://town.test/news/council-approves-budget")
    assert result["published_at"] == "2024-05-09T15:00:00+00:00"
    unnamed = dict(related, url=None)
    result = extract_article(graph_page([unnamed, own]), "https://town.test/news/council-approves-budget")
    assert result["published_at"] == "2024-05-09T15:00:00+00:00"


@pytest.mark.parametrize("declared", [1715266800, 1715266800000, "1715266800"])
def test_a_json_ld_date_given_as_a_number_is_read(declared):
    page = graph_page([{"@type": "NewsArticle", "headline": "Council approves the budget after debate",
                        "datePublished": declared}])
    assert extract_article(page, "https://town.test/news/council-approves-budget")["published_at"] == "2024-05-09T15:00:00+00:00"


ARTICLE_HEAD = '<html><head><meta property="og:type" content="article"></head><body>'
PROSE = "".join(f"<p>Paragraph {n} of the article, a sentence long enough to be read as its text.</p>" for n in range(5))


@pytest.mark.parametrize("source", ["Source: Eurostat", "자료=한국은행", "出典：総務省"])
def test_a_data_source_under_the_text_stays_in_it(source):
    html = f"{ARTICLE_HEAD}<article><h1>Prices rose again in May</h1>{PROSE}<p>{source}</p></article></body></html>"
    result = extract_article(html, "https://news.test/2024/06/prices")
    assert result["body"].endswith(source) and result["image_credits"] == []


@pytest.mark.parametrize("pitch", [
    "Subscribe to continue reading… $1 a week",
    "Subscribe to continue reading. Get unlimited digital access for $1 a week. Cancel anytime.",
    "This article is for subscribers only. Already a subscriber? Log in",
    "To keep reading, start your free trial today: just €2.99 per month for the first year.",
    "Continue reading with a subscription. Only £1 a week for 3 months.",
    "Register now for free access to this article.",
])
def test_a_paywall_pitch_the_page_shows_is_no_text(pitch):
    """Where the rest of the text is, whatever the page, the pitch that stands in for it is no text."""
    html = (f'{ARTICLE_HEAD}<article><h1>Prices rose again in May</h1>{PROSE}<div class="offer"><p>{pitch}</p>'
            f'<a href="/subscribe">Subscribe now</a></div>{PROSE}</article></body></html>')
    body = extract_article(html, "https://news.test/2024/06/prices")["body"]
    assert body.count("Paragraph") == 10 and pitch[:20] not in body


@pytest.mark.parametrize("sentence", [
    "The paper asks readers to subscribe to continue reading after three free articles a month.",
    "A subscription costs $1 a week for the first year, the company said on Tuesday.",
])
def test_a_sentence_about_paywalls_is_text(sentence):
    from newscrawler.pages.text_rules import is_furniture

    assert not is_furniture(sentence)


def test_a_body_under_thousands_of_unclosed_elements_is_read():
    html = (f'{ARTICLE_HEAD}<article><h1>Deeply nested story</h1>' + "<div><span>" * 1500
            + PROSE + "</article></body></html>")
    result = extract_article(html, "https://news.test/2024/06/nested-story")
    assert result["body"].count("Paragraph") == 5


def test_a_table_row_is_one_line_and_code_keeps_its_indentation():
    rows = "".join(f"<tr><td>Country {n}</td><td>{n}.5%</td><td>rising</td></tr>" for n in range(8))
    html = (f'{ARTICLE_HEAD}<article><h1>Growth in tables</h1>{PROSE}<table>{rows}</table>'
            '<pre><code>def main():\n    if ready:\n        run()</code></pre>' + PROSE + "</article></body></html>")
    body = extract_article(html, "https://news.test/2024/06/growth-in-tables")["body"]
    assert "Country 3 | 3.5% | rising" in body.split("\n\n")
    assert "def main():\n    if ready:\n        run()" in body


@pytest.mark.parametrize("furniture", [
    '<header><a href="/">Example News</a></header>',
    '<header><a href="/" class="logo">Example News</a><nav><a href="/world">World</a><a href="/business">Business</a>'
    '</nav></header>',
    '<nav><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li></ul></nav>',
])
@pytest.mark.parametrize("text", ["<p>A story of a few words.</p>", "<h1>A story</h1><div>A story of a few words.</div>",
                                  "<h1>A story</h1>A story of a few words."])
def test_the_site_s_header_and_navigation_are_no_text(furniture, text):
    """A page too short for trafilatura, with no `<article>` or `<main>`: the text is the page's
    own, not the site's frame glued to it."""
    html = f'{ARTICLE_HEAD}{furniture}{text}<footer><a href="/about">About us</a></footer></body></html>'
    body = extract_article(html, "https://example.test/2024/06/a-story")["body"]
    assert body == "A story of a few words."


@pytest.mark.parametrize("dateline, lang, local, precision", [
    ("vor 3 Stunden", "de", "2025-11-20T09:00:00+00:00", "hour"),
    ("Par Anne Leroy | il y a 2 jours", "fr", "2025-11-18", "day"),
    ("3 saat önce", "tr", "2025-11-20T09:00:00+00:00", "hour"),
])
def test_a_time_counted_back_in_another_language_is_read_against_the_fetch(dateline, lang, local, precision):
    read = dated_page(dateline, lang=lang)
    assert (read["local"], read["precision"]) == (local, precision)
