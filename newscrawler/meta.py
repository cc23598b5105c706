"""Every `Request.meta` key of this project, and what it means.

The spider sets them; the components named below read them. Keys of Scrapy and scrapy-playwright
(`playwright`, `playwright_page_methods`, `download_slot`, ...) keep their own documented meanings.
"""

PAGE_KIND = "news_page"
"""`listing` or `article`: what the request fetches. The distributed scheduler keeps an article
request taken until its item is stored."""

SOURCE = "news_source"
"""Index of the site source (`Site.sources`) that reads this listing response."""

STEP = "news_step"
"""A source's own name for the kind of listing response (e.g. `categories`, `feed`)."""

START_URL = "news_start"
"""The start URL a listing request descends from: a source that fails there hands it to the next."""

LINKED_AS = "news_linked_as"
"""The URL an article was linked under, before canonicalisation: it becomes an alias."""

SERVER_HTML_COMPLETE = "news_server_html_complete"
"""Whether the HTML the server sent for a rendered article ended (set by the rendering handler from
the navigation's own bytes; the rendered DOM always ends). The article page judges truncation on it."""

FORMAT = "news_format"
"""What the response must be (`html`, the default, or `json`): anything else is refused
(newscrawler.refusals)."""

DISCOVERY_DEPTH = "news_discovery_depth"
"""Links away from a start URL, for sources that follow a site's own links (sources/discovery.py)."""

LISTING = "listing"
ARTICLE = "article"
