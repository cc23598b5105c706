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

OUTSIDE_STORY = "news_outside_story"
"""On an article request from a card that links to another outlet: the card's fields, stored as a
`link` where the site has no article of its own (newscrawler.spiders.outside)."""

LINKED_AS = "news_linked_as"
"""The URL an article was linked under, before canonicalisation: it becomes an alias."""

SERVER_HTML_COMPLETE = "news_server_html_complete"
"""Whether the HTML the server sent for a rendered article ended (set by the rendering handler from
the navigation's own bytes; the rendered DOM always ends). The article page judges truncation on it."""

SERVER_BYTES = "news_server_bytes"
"""The size of the page the server sent for a rendered article, inflated (set by the rendering handler
from the navigation's own bytes): a render's DOM is no measure of it. Sizes are judged on it
(newscrawler.downloader.refusals)."""

FORMAT = "news_format"
"""What the response must be (`html`, the default, or `json`): anything else is refused
(newscrawler.downloader.refusals)."""

DISCOVERY_DEPTH = "news_discovery_depth"
"""Links away from a start URL, for sources that follow a site's own links (sources/discovery.py)."""

LISTING = "listing"
ARTICLE = "article"
FLASH = "flash"  # a flash feed's page, one flash's call, or the render that checks a flash (newscrawler.flashes)

RECORD_CALLS = "news_record_calls"
"""A render that records the data calls its page makes (newscrawler.learning teaches from them)."""

DATA_CALLS = "news_data_calls"
"""The data calls a recording render saw, as plain dicts (set by the rendering handler)."""

SERVER_HTML = "news_server_html"
"""The HTML the server sent for a recording render's page (set by the rendering handler): what a
plain fetch of the page gives, compared with what the render showed."""

READ_AS = "news_read_as"
"""On requests of an article read without the browser: the article's URL, its kind, and the item
built so far (plain data: JOBDIR and the shared frontier keep it)."""

CHECK_OF = "news_check_of"
"""On a render that checks an article read without the browser: that article's item (plain data)."""

CHECK_TELLS = "news_check_tells"
"""On such a render: the read's answer told apart instants learning could not (newscrawler.learning)."""

CHECK_OUTSIDE = "news_check_outside"
"""On such a render: the read's related rows holding another site's page at a key its recipe does not
know, as [[the site's URL of the row, [keys]], ...]: the render tells whether the page lists them."""

TAKEN = "news_taken"
"""Distributed mode: the token under which this process holds the request in its taken hash
(newscrawler.distributed). A request that carries on another's work (the next call of an article read
without the browser) carries its token: once it is queued, the work it carries on is no longer taken."""

CHALLENGED = "news_challenged"
"""On an article read without the browser that the server answered with a bot check the browser
passes (403 or 503, a script that sets a cookie and loads the page again): not retried, not taken for
a slow-down, the article rendered instead (newscrawler.learning.middleware.ChallengedReadsMiddleware)."""

TOKEN_CALL = "news_token_call"
"""On a call of an article read without the browser whose recipe asks for a token first (a value the
app's page asked for at run time and sent in a header): that token call (plain data), the read's
article id and edition, and the headers the call sends it in, `{token}` where it goes
(newscrawler.learning.tokens)."""

TOKEN_SENT = "news_token_sent"
"""Set by newscrawler.learning.tokens on such a call: the token it was sent with (None: none was had)."""

TOKEN_STALE = "news_token_stale"
"""On such a call asked again after a refusal: the token that was refused, to ask anew unless another
call has already done so."""

TOKEN_RENEWED = "news_token_renewed"
"""On such a call asked again after a refusal: how many times it has been (a fresh token refused as
well is no expired one: the refusal stands)."""

RENDER_AGAIN = "news_render_again"
"""On a render of an article whose earlier reading is in doubt: its item replaces the earlier one."""

THROTTLED_TIMES = "news_throttled_times"
"""How many times the host answered this request "slow down" (429, or a 503 that is its throttle):
newscrawler.downloader.throttling retries it after the wait, up to `NEWS_THROTTLE_RETRIES`."""

SENT_UNDER_DELAY = "news_sent_under_delay"
"""The delay newscrawler.downloader.throttling kept for the request's host when it left: a "slow down" answer to
a request sent before the last slow-down slows the host no further."""

VALIDATORS = "news_validators"
"""Validators to send with this request (`{"etag": ..., "last_modified": ...}`): a re-visit of a stored
article carries those stored with it, and goes out conditional (newscrawler.downloader.conditional)."""

SERVED_VALIDATORS = "news_served_validators"
"""The `ETag` and `Last-Modified` the answer carried, in the same form (set by newscrawler.downloader.conditional):
what to store with an article for its next re-visit. Never sent: a retry asks for the page whole."""

SENT_CONDITIONAL = "news_sent_conditional"
"""Set by newscrawler.downloader.conditional on a request it sent with validators: only its 304 means "unchanged"."""

FOLLOW = "news_follow"
"""On a follow mode's poll requests (newscrawler.follow): the name of the feed polled (`flashes:en`,
`articles:en`). Polls are never filtered as duplicates (`dont_filter`): they ask the same URLs again
and again, and would otherwise fill the dupefilter of a crawl that runs for weeks."""
