"""Dates, image-credit and dedupe pipelines, each built from a crawler as Scrapy builds them."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest
from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newscrawler.items import ArticleItem, Extraction, Image
from newscrawler.pipelines.credits import ImageCreditsPipeline
from newscrawler.pipelines.dates import DatesPipeline
from newscrawler.pipelines.dedupe import DedupePipeline

FETCHED = datetime(2025, 11, 20, 12, 0, tzinfo=timezone.utc)


def item(**fields) -> ArticleItem:
    base = {"url": "http://site.test/article/1/a", "site": "replica", "article_id": "1", "title": "Title",
            "body": "Body.", "fetched_at": FETCHED}
    return ArticleItem(**{**base, **fields})


def build(cls, **settings):
    crawler = get_crawler(settings_dict=settings)
    return build_from_crawler(cls, crawler), crawler


def test_dates_prefer_json_ld_and_keep_the_raw_text():
    pipeline, _ = build(DatesPipeline)
    declared = Extraction(published_iso="2023-04-14T02:14:00+09:00", modified_iso="2023-04-15T10:00:00+09:00",
                          date_source="shown")
    result = pipeline.process_item(item(published_at_raw="April 14, 2023, 2:14 AM", extraction=declared))
    assert result.published_at == datetime(2023, 4, 13, 17, 14, tzinfo=timezone.utc)
    assert result.published_at_raw == "April 14, 2023, 2:14 AM"
    assert result.modified_at == datetime(2023, 4, 15, 1, 0, tzinfo=timezone.utc)
    assert result.extraction.date_source == "declared"  # which one was chosen, for whoever asks why


def test_dates_use_the_configured_zone():
    pipeline, _ = build(DatesPipeline, NEWS_SITE_TIMEZONE="Europe/London")
    result = pipeline.process_item(item(published_at_raw="July 1, 2023, 9:00 AM"))
    assert result.published_at == datetime(2023, 7, 1, 8, 0, tzinfo=timezone.utc)


def test_unparseable_date_is_null_counted_and_the_item_kept(caplog):
    pipeline, crawler = build(DatesPipeline)
    result = pipeline.process_item(item(published_at_raw="sometime last spring"))
    assert result.published_at is None and result.published_at_raw == "sometime last spring"
    assert crawler.stats.get_value("news/dates/unparseable") == 1
    assert "http://site.test/article/1/a" in caplog.text


@pytest.mark.parametrize("text", ["0000-00-00T00:00:00+00:00", "2023-02-30", "0001-01-01T00:00:00+01:00",
                                  "999999999 days ago"])
def test_a_date_that_cannot_exist_is_null_and_the_article_kept(text):
    pipeline, crawler = build(DatesPipeline)
    result = pipeline.process_item(item(published_at_raw=text, extraction=Extraction(published_iso=text, modified_iso=text)))
    assert result.published_at is None and result.modified_at is None and result.published_at_raw == text
    assert crawler.stats.get_value("news/dates/unparseable") == 1


def test_bad_zone_is_a_configuration_error_not_a_pipeline_switched_off():
    # NotConfigured would read as "switch me off": a crawl without dates. The crawl stops instead.
    from newscrawler.sites import SiteConfigError

    with pytest.raises(SiteConfigError, match="NEWS_SITE_TIMEZONE"):
        build(DatesPipeline, NEWS_SITE_TIMEZONE="Mars/Olympus")


def test_credits_leave_caption_body_and_summary():
    pipeline, _ = build(ImageCreditsPipeline)
    result = pipeline.process_item(item(
        image=Image("http://site.test/i.jpg", "chart", "©Pexels/RODNAE Productions"),
        summary="Markets fell.Image: ShutterstockTraders left.",
        body="Para one.\n\nPhoto by Jiho Choi on Unsplash\n\nA photo by the agency showed a queue."))
    adapter = ItemAdapter(result)
    assert adapter["image"].caption is None
    assert adapter["summary"] == "Markets fell. Traders left."
    assert adapter["body"] == "Para one.\n\nA photo by the agency showed a queue."
    assert [c.text for c in adapter["image_credits"]] == [
        "©Pexels/RODNAE Productions", "Image: Shutterstock", "Photo by Jiho Choi on Unsplash"]


def test_credits_pipeline_accepts_missing_fields():
    pipeline, _ = build(ImageCreditsPipeline)
    result = pipeline.process_item(item(body="", summary=None, image=None))
    assert result.image_credits == [] and result.body == ""


@pytest.mark.parametrize("body, kept, credit", [
    ("He declined to comment. Reuters", "He declined to comment.", "Reuters"),
    ("Prices rose, data showed. © CoinNess", "Prices rose, data showed.", "© CoinNess"),
    ("The rules are clear, said Gary Gensler | SEC Chair", "The rules are clear, said Gary Gensler | SEC Chair", None),
])
def test_a_credit_is_removed_never_the_sentence_it_follows(body, kept, credit):
    pipeline, _ = build(ImageCreditsPipeline)
    result = ItemAdapter(pipeline.process_item(item(body=body)))
    assert result["body"] == kept
    assert [c.text for c in result["image_credits"]] == ([credit] if credit else [])
    if credit and credit.startswith("©"):
        assert (result["image_credits"][0].photographer, result["image_credits"][0].provider) == (None, "CoinNess")


def test_a_body_of_nothing_but_credits_is_refused_and_counted():
    pipeline, crawler = build(ImageCreditsPipeline)
    crawler.stats.open_spider()
    with pytest.raises(DropItem, match="body_only_credits"):
        pipeline.process_item(item(body="Photo by Jiho Choi on Unsplash\n\n사진=연합뉴스"))
    assert crawler.stats.get_value("news/parse_failed/body_only_credits") == 1


class AliasRecorder:
    """Stands where the store pipeline takes a dropped duplicate's URLs."""

    def __init__(self):
        self.calls = []

    def add_aliases(self, key, urls):
        self.calls.append((key, urls))


@pytest.fixture
def dedupe():
    pipeline, crawler = build(DedupePipeline)
    pipeline.alias_sink = AliasRecorder()
    return pipeline, crawler, pipeline.alias_sink.calls


def test_same_article_twice_is_dropped_and_aliased(dedupe):
    pipeline, crawler, aliases = dedupe
    pipeline.process_item(item())
    with pytest.raises(DropItem) as dropped:
        pipeline.process_item(item(url="http://site.test/article/1/a", aliases=["http://site.test/article/1"]))
    assert dropped.value.log_level == "DEBUG"
    assert aliases == [("replica:1", ["http://site.test/article/1/a", "http://site.test/article/1"])]
    assert crawler.stats.get_value("news/duplicates/same_id") == 1


def test_syndicated_copy_is_dropped_and_aliased(dedupe):
    pipeline, crawler, aliases = dedupe
    first = pipeline.process_item(item())
    with pytest.raises(DropItem):
        pipeline.process_item(item(url="http://site.test/article/2/a", article_id="2", title=" title ",
                                   body="Body.  "))
    assert aliases == [("replica:1", ["http://site.test/article/2/a"])]
    assert first.content_hash and len(first.content_hash) == 64
    assert crawler.stats.get_value("news/duplicates/same_content") == 1


def test_the_original_met_after_its_copy_is_kept(dedupe):
    pipeline, crawler, aliases = dedupe
    pipeline.process_item(item(url="http://site.test/article/2/a", article_id="2",
                               published_at=datetime(2025, 11, 20, 10, 0, tzinfo=timezone.utc)))
    original = pipeline.process_item(item(published_at=datetime(2025, 11, 20, 9, 0, tzinfo=timezone.utc)))
    assert original.article_id == "1" and aliases == []            # the store retires the copy
    assert crawler.stats.get_value("news/duplicates/earlier_original") == 1
    with pytest.raises(DropItem):                                  # a later copy still goes
        pipeline.process_item(item(url="http://site.test/article/3/a", article_id="3",
                                   published_at=datetime(2025, 11, 21, tzinfo=timezone.utc)))
    assert aliases == [("replica:1", ["http://site.test/article/3/a"])]


def test_different_articles_pass(dedupe):
    pipeline, _, aliases = dedupe
    pipeline.process_item(item())
    pipeline.process_item(item(url="http://site.test/article/2/b", article_id="2", body="Another body."))
    assert aliases == []


def dedupe_over(mongo_uri, mongo_db, stored: list) -> tuple:
    """The dedupe pipeline of a crawl that starts with `stored` in MongoDB."""
    from newscrawler.storage import crawl_store
    from newscrawler.storage.mongo import ArticleDoc, MongoArticleStore

    store = MongoArticleStore(mongo_uri, mongo_db.name)
    store.write([ArticleDoc(f"replica:{i.article_id}", {**ItemAdapter(i).asdict(), "content_hash": hashed(i)})
                 for i in stored], FETCHED)
    store.close()
    pipeline, crawler = build(DedupePipeline, MONGO_URI=mongo_uri, MONGO_DATABASE=mongo_db.name)
    pipeline.alias_sink = AliasRecorder()
    asyncio.run(pipeline.open_spider())
    crawl_store(crawler).close()  # read once at the start: not needed any more
    return pipeline, pipeline.alias_sink.calls


def hashed(article) -> str:
    from newscrawler.cleaning.hashing import content_hash

    return content_hash(article.title, article.body)


def test_a_stored_article_edited_into_another_s_content_is_kept(mongo_uri, mongo_db):
    """An article's identity is its key: a stored B given stored A's text is B, edited, never a
    duplicate of A (and its URL never becomes an alias of A)."""
    a = item(published_at=datetime(2025, 11, 19, tzinfo=timezone.utc))
    b = item(url="http://site.test/article/2/b", article_id="2", body="Another body.",
             published_at=datetime(2025, 11, 20, tzinfo=timezone.utc))
    pipeline, aliases = dedupe_over(mongo_uri, mongo_db, [a, b])
    edited = pipeline.process_item(item(url=b.url, article_id="2", published_at=b.published_at))
    assert edited.article_id == "2" and aliases == []


def test_a_live_copy_of_a_removed_original_is_kept(mongo_uri, mongo_db):
    original = item(published_at=datetime(2025, 11, 19, tzinfo=timezone.utc))
    dedupe_over(mongo_uri, mongo_db, [original])
    mongo_db.articles.update_one({"_id": "replica:1"}, {"$set": {"removed_at": FETCHED}})
    pipeline, aliases = dedupe_over(mongo_uri, mongo_db, [])
    copy = pipeline.process_item(item(url="http://site.test/article/2/a", article_id="2",
                                      published_at=datetime(2025, 11, 20, tzinfo=timezone.utc)))
    assert copy.article_id == "2" and aliases == []
