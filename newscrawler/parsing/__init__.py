"""Parsers: HTML in, fields out. No Scrapy import here, so they run on saved pages alone."""

from .article import ArticleParseError, parse_article
from .listing import parse_listing

__all__ = ["ArticleParseError", "parse_article", "parse_listing"]
