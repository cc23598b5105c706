"""Page objects: HTML in, fields out. No Scrapy import here, so they run on saved pages alone.

A site declares its page classes (`newscrawler.sites`); a redesign is a subclass that overrides only
what changed.
"""

from .article import ArticlePage, ArticleParseError
from .listing import Card, Listing, ListingPage
from .related import RelatedBlock, RelatedSelectors

__all__ = ["ArticlePage", "ArticleParseError", "Card", "Listing", "ListingPage", "RelatedBlock",
           "RelatedSelectors"]
