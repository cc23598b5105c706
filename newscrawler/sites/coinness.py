"""CoinNess (`coinness.com`), as public sources show it (`docs/live-site.md`): a client-rendered app.

- Listings are an app fed by a JSON feed on another host (`NEWS_API_URL`): the feed is read
  directly, without a browser; when it fails, the listing is rendered and its load-more button
  clicked instead.
- Article pages are an empty shell until the app has drawn them: every article is rendered. Class
  names are styled-components names whose hashes change with every build, so selectors name only the
  component prefix (`ArticleDetailTitle-sc-...`), never a hash.
- Language editions have their own id spaces: `/en/article/1383` and `/article/1383` (Korean, no
  prefix) are two articles, `en:1383` and `ko:1383`.
- Dates on article pages are written by the app in the browser's own zone; the render records
  that zone, so they are read right whatever it is.
- Breaking-news flashes come from their own feed on the API (`/feed/v1/breaking-news`), each
  edition with ids of its own; a flash's page is `/<lang>/news/<id>` (`ko`: `/news/<id>`). A row
  holds the whole flash: its page is rendered only to check a row now and then.
"""

import re
from functools import cached_property

from ..pages import ArticlePage, ArticleParseError, RelatedSelectors
from ..flashes.feed import FlashFeed
from ..flashes.rows import FlashPage
from ..pages.body_text import text_blocks
from ..sources.feed import CursorFeed
from ..sources.rendered import RenderedListing
from ..text import element_text
from . import Site, UrlRules

EDITION = r"(?:/(?P<edition>[a-z]{2,3}))?"
DEFAULT_EDITION = "ko"


def component(name: str) -> str:
    """Elements of a styled component, whatever the build: its class list starts with the name."""
    return f'[class^="{name}-sc-"], [class*=" {name}-sc-"]'


def article_path(article_id: str) -> str | None:
    """The site path of an article id (`en:1383` -> `/en/article/1383`)."""
    edition, _, number = article_id.partition(":")
    if not number:
        return None
    return f"{'' if edition == DEFAULT_EDITION else '/' + edition}/article/{number}"


class CoinnessArticlePage(ArticlePage):
    """An article as the app draws it (builds of 2023-2026 as seen elsewhere; the replica's `app` mode)."""

    title_css = component("ArticleDetailTitle")
    section_css = component("CategoryName")
    date_css = component("PublishDate")
    hero_css = component("HeroFigure")
    body_css = component("ArticleContent")
    related = RelatedSelectors(list=component("RelatedList"), cards=component("RelatedCard"),
                               loading=component("Loading"), sentinel=component("RelatedSentinel"))
    rendered_css = ", ".join(component(name) for name in ("ArticleContent", "NotFound", "ErrorView"))
    dates_in_browser_zone = True

    # Cards (listing and related) may wrap their parts in the same component as the article's text,
    # as the real listing does: they are links, or inside the related block.
    CARD_COMPONENTS = ("RelatedCard", "ArticleWrapper", "MoreToRead", "RelatedList")

    @cached_property
    def blocks(self) -> list[tuple[str, str]]:
        """The article's own content block: the first `ArticleContent` that is no card's part."""
        own = [element for element in self.sel.css(self.body_css) if not self.is_in_card(element)]
        return text_blocks(own[:1])

    def is_in_card(self, element) -> bool:
        ancestors = element.xpath("ancestor::*")
        return any(node.root.tag == "a" or any(name + "-sc-" in (node.attrib.get("class") or "")
                                               for name in self.CARD_COMPONENTS) for node in ancestors)

    def article_id(self) -> str | None:
        return self.urls.article_id(self.url)  # the page names no id of its own

    def tags(self) -> list[str]:
        return [t for t in (element_text(li) for li in self.sel.css(component("TagList")).css("li")) if t]

    def language(self) -> str | None:
        return self.urls.edition(self.url)

    def validate(self) -> None:
        if self.sel.css(component("NotFound")):
            raise ArticleParseError("not_found", self.url)
        if self.sel.css(component("ErrorView")):
            # The app could not read its API this time: the page itself may be fine.
            raise ArticleParseError("app_error", self.url, retry=True)
        try:
            super().validate()
        except ArticleParseError as error:
            if error.reason not in ("missing_title", "missing_body"):
                raise
            # An app that drew its article without a headline or text read an answer it did not
            # expect (seen while its API and its script are deployed apart): the next render may not.
            raise ArticleParseError(error.reason, self.url, retry=True) from None


class CoinnessFlashPage(FlashPage):
    """A flash as the app draws it on its page (the replica's `app` mode; the real one's is not known)."""

    title_css = component("FlashDetailTitle")
    date_css = component("FlashDate")
    body_css = component("FlashContent")
    not_found_css = component("NotFound")
    error_css = component("ErrorView")
    ready_css = ", ".join(component(name) for name in ("FlashDetail", "NotFound", "ErrorView"))


URLS = UrlRules(
    article_path=re.compile(rf"^{EDITION}/article/(?P<id>\d+)/?$"),
    listing_paths=(re.compile(rf"^{EDITION}/article/?$"),),
    default_edition=DEFAULT_EDITION,
)

SITE = Site(
    name="coinness",
    timezone="Asia/Seoul",
    start_urls=("https://coinness.com/en/article",),
    urls=URLS,
    sources=(
        CursorFeed("NEWS_API_URL", article_path="{prefix}/article/{id}"),
        RenderedListing(card_css=component("ArticleWrapper"), date_css=component("TimeWrap"),
                        more_css=component("ButtonWrapper"), ready_css=component("ArticleWrapper"),
                        path_of_id=article_path),
    ),
    article_page=CoinnessArticlePage,
    language="en",
    edition_listing="{prefix}/article",
    settings={"NEWS_API_URL": "https://api.coinness.com"},
    host_settings=("NEWS_API_URL",),
    flashes=FlashFeed("NEWS_API_URL", flash_path="{prefix}/news/{id}", page=CoinnessFlashPage),
)
