"""Breaking-news flashes: short items a site publishes many times an hour, beside its articles.

A flash is read from its row in the site's flash feed, without a browser (`rows.py`); the feed is
walked back from its newest row until it meets what is stored (`feed.py`); flashes are stored in a
collection of their own, with versions (`store.py`, by the pipeline `newscrawler.pipelines.flashes`); `crawl.py` is what one crawl
does with them, for the spider to route to. `docs/flash-schema.md` describes the stored shape.
"""
