"""Article parser on saved replica pages and hand-made edge cases."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from newscrawler.cleaning.credits import strip_body_credits
from itemadapter import ItemAdapter
from newscrawler.pages import ArticleParseError
from newscrawler.sites import load_site

PAGES = Path(__file__).parent / "data" / "pages"
SITE = load_site("replica")


def parse_article(html: str, url: str) -> SimpleNamespace:
    """The item of an article page as the spider makes it (validated: ArticleParseError), with
    typed parts as plain values, plus the related block as the page shows it (an item keeps its
    cards only after a render reported the block complete)."""
    page = SITE.article_page(html, url, SITE.urls)
    fields = ItemAdapter(page.to_item(SITE.name)).asdict()
    block = page.related_block()
    return SimpleNamespace(**{**fields, "related": block.urls, "related_loading": block.loading})
SAVED = sorted(p.name[: -len(".html.gz")] for p in PAGES.glob("*.html.gz"))


def test_saved_pages_are_there():
    # An empty parameter set only skips: without this, losing the pages would go unnoticed.
    assert len(SAVED) >= 5


@pytest.mark.parametrize("name", SAVED)
def test_saved_page(name):
    case = json.loads((PAGES / f"{name}.json").read_text())
    html = gzip.decompress((PAGES / f"{name}.html.gz").read_bytes()).decode()
    parsed = parse_article(html, case["url"])
    expected = case["expected"]
    assert parsed.url == expected["url"]
    assert parsed.article_id == expected["article_id"]
    assert parsed.title == expected["title"]
    assert parsed.section == expected["section"]
    assert parsed.published_at_raw == expected["published_at_raw"]
    assert parsed.summary == expected["summary"]
    assert strip_body_credits(parsed.body)[0] == expected["body"]
    assert parsed.headings == expected["headings"]
    assert parsed.tags == expected["tags"]
    assert parsed.related == expected["related"]
    assert parsed.language == "en"


def page(article: str = "", head: str = "", related: str = '<div class="loading">Loading</div>') -> str:
    return (f"<html lang=\"en\"><head>{head}</head><body><main><article class=\"article\" data-article-id=\"42\">"
            f"{article}</article><section class=\"more-to-read\"><div class=\"related-list\">{related}</div>"
            f"</section></main></body></html>")


BASIC = ('<h1 class="article-title">  Bitcoin &amp; the\n   “Banks”  </h1>'
         '<div class="article-meta"><a class="article-section">Policy &amp; Regulation</a>·'
         '<span class="article-date"> April 14, 2023,\u00a02:14 AM </span></div>'
         '<div class="article-body"><p>First   paragraph &lt;one&gt;.</p><p>Second.</p></div>')


def test_markup_only_page_without_hero_headings_or_json_ld():
    parsed = parse_article(page(BASIC), "http://site.test/article/42/x?utm_source=a#top")
    assert parsed.title == "Bitcoin & the “Banks”"
    assert parsed.section == "Policy & Regulation"
    assert parsed.published_at_raw == "April 14, 2023, 2:14 AM"
    assert parsed.extraction["published_iso"] is None
    assert parsed.body == "First paragraph <one>.\n\nSecond."
    assert parsed.headings == []
    assert parsed.image is None
    assert parsed.url == "http://site.test/article/42/x"
    assert parsed.related == [] and parsed.related_loading


def test_lists_quotes_and_lesser_headings_are_read_in_order():
    body = ('<div class="article-body"><p>Opening.</p><ul><li>First item</li><li><p>Second item</p></li></ul>'
            '<h3>A smaller heading</h3><blockquote>“A quote written right inside,” she said.</blockquote>'
            '<blockquote><p>A quote of paragraphs.</p></blockquote><ol><li>Step one</li></ol><p>Closing.</p></div>')
    parsed = parse_article(page(BASIC.split('<div class="article-body">')[0] + body), "http://site.test/article/42")
    assert parsed.body.split("\n\n") == [
        "Opening.", "First item", "Second item", "A smaller heading", "“A quote written right inside,” she said.",
        "A quote of paragraphs.", "Step one", "Closing."]
    assert parsed.headings == ["A smaller heading"]


def test_json_ld_and_open_graph_win_over_markup():
    head = ('<meta property="og:title" content="OG title"><meta property="og:description" content=" Summary ">'
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "LD title", '
            '"datePublished": "2023-04-14T02:14:00+09:00", "articleSection": "Markets"}</script>'
            '<link rel="canonical" href="/article/42/canonical-slug">')
    parsed = parse_article(page(BASIC, head), "http://site.test/article/42")
    assert parsed.title == "LD title"
    assert parsed.section == "Markets"
    assert parsed.extraction["published_iso"] == "2023-04-14T02:14:00+09:00"
    assert parsed.summary == "Summary"
    assert parsed.url == "http://site.test/article/42/canonical-slug"


def test_broken_json_ld_is_ignored():
    head = '<script type="application/ld+json">{not json</script>'
    assert parse_article(page(BASIC, head), "http://site.test/article/42").title == "Bitcoin & the “Banks”"


def test_hero_headings_and_related_cards_in_order():
    article = BASIC.replace('<div class="article-body">',
                            '<figure class="article-hero"><img src="/img/1.jpg" alt="A chart">'
                            '<figcaption>©Pexels/RODNAE Productions</figcaption></figure><div class="article-body">'
                            '<h2>Skeptics</h2>')
    related = ('<a class="card" href="/article/7/b?ref=related">b</a><a class="card" href="/article/3/a#x">a</a>'
               '<a class="card" href="/article/7/b">dup</a><a class="card" href="javascript:alert(1)">x</a>')
    parsed = parse_article(page(article, related=related), "http://site.test/article/42/x")
    assert parsed.image == {"url": "http://site.test/img/1.jpg", "alt": "A chart",
                            "caption": "©Pexels/RODNAE Productions"}
    assert parsed.headings == ["Skeptics"]
    assert parsed.body.startswith("Skeptics\n\nFirst paragraph")
    assert parsed.related == ["http://site.test/article/7/b", "http://site.test/article/3/a"]
    assert not parsed.related_loading


@pytest.mark.parametrize("html, reason", [
    (page(BASIC.replace("Bitcoin &amp; the\n   “Banks”", "")), "missing_title"),
    (page(BASIC.replace("<p>First   paragraph &lt;one&gt;.</p><p>Second.</p>", "")), "missing_body"),
    (page(BASIC)[:200], "truncated_html"),
    ("", "truncated_html"),
    ("%PDF-1.4 binary", "truncated_html"),
])
def test_pages_that_are_not_articles(html, reason):
    with pytest.raises(ArticleParseError) as error:
        parse_article(html, "http://site.test/article/42/x")
    assert error.value.reason == reason


@pytest.mark.parametrize("canonical", ["/", "https://other.test/article/42/x", "/section/markets"])
def test_a_canonical_that_is_no_article_of_this_host_is_not_trusted(canonical):
    head = f'<link rel="canonical" href="{canonical}"><meta property="og:url" content="{canonical}">'
    parsed = parse_article(page(BASIC, head), "http://site.test/article/42/x?utm_source=a")
    assert parsed.url == "http://site.test/article/42/x"


def test_related_cards_that_are_no_articles_of_this_site_are_left_out():
    related = ('<a class="card" href="/article/7/b">b</a><a class="card" href="https://offsite.test/article/1/x">x</a>'
               '<a class="card" href="/loop/a">loop</a><a class="card" href="/section/markets">s</a>')
    parsed = parse_article(page(BASIC, related=related), "http://site.test/article/42/x")
    assert parsed.related == ["http://site.test/article/7/b"]


@pytest.mark.parametrize("json_ld", [
    '{"@context": "https://schema.org", "@graph": {"@type": "NewsArticle", "headline": "LD title"}}',
    '{"@graph": [{"@type": "WebPage"}, {"@graph": [{"@type": "ReportageNewsArticle", "headline": "LD title"}]}]}',
    '[{"@type": "Organization"}, {"@type": ["BlogPosting"], "headline": "LD title"}]',
])
def test_json_ld_in_every_form(json_ld):
    head = f'<script type="application/ld+json">{json_ld}</script>'
    assert parse_article(page(BASIC, head), "http://site.test/article/42").title == "LD title"


@pytest.mark.parametrize("json_ld", [
    '<![CDATA[ {"@type": "NewsArticle", "headline": "LD title",} ]]>',                 # wrapper, trailing comma
    '{"@type": "NewsArticle", "headline": "LD\ttitle"}'.replace("\\t", "\t"),         # a control character
    '{"@type": "NewsArticle", "headline": "LD title" "image": {}}',                     # a missing comma
    '[{"@type": "NewsArticle", "url": "http://site.test/article/7", "headline": "Another"},'
    ' {"@type": "NewsArticle", "url": "http://site.test/article/42", "headline": "LD title"}]',
])
def test_json_ld_as_pages_write_it(json_ld):
    head = f'<script type="application/ld+json">{json_ld}</script>'
    title = parse_article(page(BASIC, head), "http://site.test/article/42").title
    assert title.replace("\t", " ") == "LD title"


def test_json_ld_nested_too_deep_is_skipped_cleanly():
    deep = "[" * 100_000 + "]" * 100_000
    head = f'<script type="application/ld+json">{deep}</script>'
    assert parse_article(page(BASIC, head), "http://site.test/article/42").title == "Bitcoin & the “Banks”"


def body_of(body_html: str, site: str = "replica") -> str:
    return parse_article(page(BASIC.split('<div class="article-body">')[0] + f'<div class="article-body">{body_html}</div>'),
                         "http://site.test/article/42").body


@pytest.mark.parametrize("body_html", [
    "<div>Opening of the story.</div><div>Its second paragraph.</div>",
    "Opening of the story.<br>Its second paragraph.",
    "<div>Opening of the story.<br><br>Its second paragraph.</div>",
    "<section><div><span>Opening of the story.</span></div><div>Its <b>second</b> paragraph.</div></section>",
])
def test_a_body_of_divs_or_of_lines_is_read(body_html):
    assert body_of(body_html) == "Opening of the story.\n\nIts second paragraph."


def test_all_the_text_a_reader_reads_in_the_body_is_read_in_order():
    body_html = ("<p>Opening.</p><ul><li>Outer item<ul><li>Inner item</li></ul></li></ul>"
                 "<blockquote>Quote written inside<p>and a paragraph of it.</p></blockquote>"
                 "<table><tr><th>Coin</th><th>Price</th></tr><tr><td>BTC</td><td>$60,000</td></tr></table>"
                 "<dl><dt>Term</dt><dd>Its meaning.</dd></dl><p>Closing.</p>")
    assert body_of(body_html).split("\n\n") == [
        "Opening.", "Outer item", "Inner item", "Quote written inside", "and a paragraph of it.",
        "Coin | Price", "BTC | $60,000", "Term", "Its meaning.", "Closing."]


def test_a_coinness_body_of_divs_is_no_missing_body():
    from newscrawler.sites.coinness import CoinnessArticlePage, URLS

    html = ('<html><body><h1 class="ArticleDetailTitle-sc-1abc">A title</h1>'
            '<div class="ArticleContent-sc-9xyz"><div>First line of the news.</div><div>Second line.</div></div>'
            '</body></html>')
    page = CoinnessArticlePage(html, "https://coinness.com/en/article/1383", URLS)
    page.validate()
    assert page.body() == "First line of the news.\n\nSecond line."
