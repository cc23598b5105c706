"""newscrawler: keeps a MongoDB collection of a crypto-news site's articles up to date."""

__version__ = "1.0.0"
