"""Settings of newscrawler. Every project setting is listed in the README's configuration table.

This module never raises: Scrapyd imports it on deploy (`scrapy list`), and one import error there
breaks the deploy. Environment variables are read with defaults, never with `os.environ[...]`.
"""

import os

BOT_NAME = "newscrawler"
SPIDER_MODULES = ["newscrawler.spiders"]
NEWSPIDER_MODULE = "newscrawler.spiders"

# -- the site -----------------------------------------------------------------------------------
NEWS_SITE_PROFILE = os.environ.get("NEWS_SITE_PROFILE", "replica")
NEWS_SITE_TIMEZONE = os.environ.get("NEWS_SITE_TIMEZONE", "")  # empty: the site's (replica: Asia/Seoul)
NEWS_START_URLS = os.environ.get("NEWS_START_URLS", "")
# One limit for a page, inflated, in a crawl and in `scrapy extract` (pages/article.py reads no more):
# inline app data makes ordinary articles megabytes large. Sitemaps may be 50 MB (their protocol's).
NEWS_MAX_PAGE_BYTES = 10 * 1024 * 1024
NEWS_MAX_SITEMAP_BYTES = 50 * 1024 * 1024
NEWS_INCREMENTAL = True              # fetch only articles not stored yet (plus the re-visit policy's)
# Render only to learn (newscrawler.learning): `learn` renders a few articles of each edition to
# learn the app's data calls, then reads articles from them, rendering a share again to check;
# `always` renders every article; `never` renders none (sites whose pages need no browser).
NEWS_RENDER_MODE = os.environ.get("NEWS_RENDER_MODE", "learn")
NEWS_LEARN_RENDERS = 3        # renders in a row that must teach the same calls
NEWS_CHECK_FIRST = 2          # the first articles read from the calls, all rendered again to check
NEWS_CHECK_SHARE = 0.03       # then this share of them
NEWS_REVISIT_DAYS = 2.0              # stored articles published this recently are fetched again
# Flashes (sites that publish them: coinness). A crawl walks each edition's flash feed back to the newest
# flash stored, and back to this many hours ago to see corrections, removals and new vote counts.
NEWS_FLASH_RECHECK_HOURS = 2.0
NEWS_FLASH_FIRST_RUN_MAX = 1000      # flashes an edition's walk reads when none is stored (or incremental=false)
NEWS_FLASH_CHECK_RENDERS = 1         # flash pages per edition and crawl rendered to check their rows (0: none)
# Follow mode (newscrawler/follow; `-a follow=1` wins over NEWS_FOLLOW): after the crawl, poll each
# edition's flash and article feeds. 10 s keeps a flash's way to MongoDB under 15 s (bench/follow.py)
# at 24 requests a minute for two editions; a site's pages are never rendered by a poll.
NEWS_FOLLOW = False
NEWS_FOLLOW_INTERVAL = 10.0          # seconds between two polls of a feed
NEWS_FOLLOW_RECHECK = 30.0           # minutes: flashes this recent are compared with the feed (corrections, removals)
NEWS_FOLLOW_RECHECK_EVERY = 60.0     # seconds between polls that walk back through that whole window
NEWS_FOLLOW_STALE_MINUTES = 10.0     # no poll succeeded for this long: WARNING and the operator told
NEWS_FOLLOW_QUIET_FACTOR = 10.0      # a feed without news this many times its usual gap (and the above): the same
NEWS_FOLLOW_SUMMARY_MINUTES = 5.0    # one summary line this often, not a line per poll
# The crawl's clock (newscrawler/clock.py) follows MongoDB's: a machine whose clock is off by more than
# this many seconds says so with a WARNING, and stamps MongoDB's time (fetches stamped by a clock that
# ran fast made the next fetch look older than it, and its edit was dropped).
NEWS_CLOCK_TOLERANCE = 30.0
# Seconds the crawl's clock (and its store's) is moved by: a rehearsal of days of scheduled runs in
# minutes. 0 in production.
NEWS_CLOCK_OFFSET = os.environ.get("NEWS_CLOCK_OFFSET", "0")  # read as a number by the clock

# -- being a good citizen -----------------------------------------------------------------------
USER_AGENT = "newscrawler/1.0 (+https://github.com/newscrawler/newscrawler)"
ROBOTSTXT_OBEY = True
# Requests at once to one host: the politeness bound (AutoThrottle narrows it to what the host's
# latency allows).
CONCURRENT_REQUESTS_PER_DOMAIN = 8
# Requests in the downloader at once, whatever the host: room for two hosts at their bound (a site
# and its app's API), a render at each of NEWS_RENDER_CONCURRENCY, and a queue behind them (each
# download still waits for a place of its slot: newscrawler.rendering.handler). A render holds its
# place for a second or more; at 8 (the per-host bound), the renders of checks took the places of
# the API's calls, and a host's next call left only once the engine came round to it, not as the
# one before it ended.
CONCURRENT_REQUESTS = 2 * CONCURRENT_REQUESTS_PER_DOMAIN + 8
DOWNLOAD_DELAY = 0
DOWNLOAD_TIMEOUT = 30
# One TLS policy for Scrapy's fetches, the browser's renders (Playwright's `ignore_https_errors`) and
# `scrapy extract`: certificates are verified, as a reader's browser does (Scrapy's own default
# accepts any). A site whose certificate no authority signs is crawled with this set to False.
DOWNLOAD_VERIFY_CERTIFICATES = True
# Any answer, inflated (a decompression bomb stops here); pages and sitemaps have lower limits above.
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
# A response yields one item at most: Scrapy starts this many item workers (asyncio tasks) for every
# callback's output whatever it holds, and its default of 100 cost 7% of a crawl reading articles
# without the browser (1000 articles: 39.3 -> 42.0 articles/s here).
CONCURRENT_ITEMS = 8
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 10
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# A host answering "slow down" (429, a 503 naming a wait or in a run) is waited for and retried on
# a budget of its own: being asked to wait is no failure of the page. Doubling the host's delay from
# 1 s reaches AUTOTHROTTLE_MAX_DELAY in four answers; eight leave room for a limit that lasts a while.
NEWS_THROTTLE_RETRIES = 8
# The longest `Retry-After` waited for before the next request to the host: a site naming an hour
# still gets a request every two minutes rather than a crawl that sleeps for an hour.
NEWS_RETRY_AFTER_MAX = 120
# Seconds without a "slow down" after which a host gets half its slowed delay back (a follow runs for
# weeks: one 429 window must not slow every later poll); 0 keeps it for the whole crawl.
NEWS_THROTTLE_RECOVERY = 600
RETRY_EXCEPTIONS = [
    # Scrapy's own list...
    "scrapy.exceptions.CannotResolveHostError",
    "scrapy.exceptions.DownloadConnectionRefusedError",
    "scrapy.exceptions.DownloadFailedError",
    "scrapy.exceptions.DownloadTimeoutError",
    "scrapy.exceptions.ResponseDataLossError",
    "twisted.internet.error.ConnectionDone",
    "twisted.internet.error.ConnectError",
    "twisted.internet.error.ConnectionLost",
    "builtins.OSError",
    "scrapy.core.downloader.handlers.http11.TunnelError",
    # ...plus a navigation the browser could not finish (dropped connection, killed browser).
    "playwright._impl._errors.Error",
]
# A page that still fails after its retries is the site's doing: a warning, not an error.
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"
REDIRECT_MAX_TIMES = 5
# A refresh after longer is a page reloading itself later (front pages do, every minute or few), not
# a redirect: the page shown is this one. Scrapy's 100 s followed a 60 s self-refresh to the end.
METAREFRESH_MAXDELAY = 10
# An answer shorter than its Content-Length reaches newscrawler.downloader.cut_short flagged, not as an error:
# a page that ends is what a browser shows; anything else is retried there.
DOWNLOAD_FAIL_ON_DATALOSS = False
HTTPCACHE_ENABLED = False
# Consent and cookie walls set a cookie and send the reader back: cookies are kept (one jar per
# crawl), and the way back is followed (newscrawler.downloader.consent).
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en",
}
REQUEST_FINGERPRINTER_CLASS = "newscrawler.fingerprint.ArticleAwareFingerprinter"
DOWNLOADER_MIDDLEWARES = {
    # First: a render of an article whose app calls have been learned meanwhile is read from them.
    "newscrawler.learning.middleware.LearnedReadsMiddleware": 50,
    # Then a read's calls get the token their recipe asks for at run time; seeing answers after
    # every other middleware (bot checks marked, retries done), a call refused with an expired token
    # is asked again with a new one.
    "newscrawler.learning.tokens.RunTimeTokensMiddleware": 60,
    # After robots.txt (100): paces renders like the site's own fetches, and applies Crawl-delay.
    "newscrawler.downloader.politeness.PolitenessMiddleware": 150,
    # Between redirects (600) and retries (550), and after Scrapy's HttpCompressionMiddleware (590)
    # has inflated the body (responses pass the middlewares from the highest number down): judges
    # what the page is, not the compressed bytes a server sent.
    "newscrawler.downloader.refusals.RefusalMiddleware": 580,
    # Before retries (550) see the answer: a host's "slow down" (429, 503) slows the host down and is
    # retried after the wait it named, not at once.
    "newscrawler.downloader.throttling.ThrottleMiddleware": 560,
    # Above throttling and retries: a read without the browser met by a bot check goes back to the
    # browser, neither asked again nor taken for a "slow down".
    "newscrawler.learning.middleware.ChallengedReadsMiddleware": 565,
    # Between refusals and retries: an answer shorter than its Content-Length is kept when it is a
    # whole page, else retried.
    "newscrawler.downloader.cut_short.CutShortMiddleware": 570,
    # After HttpCompressionMiddleware (590) has inflated an answer, which it keeps beside its
    # validators, and before refusals (580), which judge the page a 304 confirms.
    "newscrawler.downloader.conditional.ConditionalRequestsMiddleware": 585,
    # Before retries (550) see the failure: a certificate refused under DOWNLOAD_VERIFY_CERTIFICATES
    # is said once per host and not retried.
    "newscrawler.downloader.tls.CertificatePolicyMiddleware": 595,
    # Scrapy's redirects, with a consent wall's way back and its off-site consent page let through.
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "newscrawler.downloader.consent.WallPassingRedirectMiddleware": 600,
}
# A listing, feed or sitemap asked again in this process is asked "if changed" with the validators
# its server gave (ETag, Last-Modified); a 304 is read as the page it confirms (newscrawler.downloader.conditional).
# A polling mode's idle cost is these 304s. Scrapy's HTTP cache is no substitute: its heuristic policy
# answers listings from the cache without asking the server.
NEWS_CONDITIONAL_REQUESTS = True
NEWS_VALIDATOR_STORE = "newscrawler.downloader.conditional.MemoryValidatorStore"
NEWS_VALIDATOR_CACHE_SIZE = 500      # URLs whose validators (and listing answers) a process keeps
# A stored article fetched again (due for a re-visit, a removal check) sends the validators stored with
# it (`http_validators`): a 304 leaves the stored version standing (newscrawler.memory).
NEWS_CONDITIONAL_REVISITS = True
# Features that reconfigure Scrapy, each from its own settings (newscrawler/addons.py).
ADDONS = {
    "newscrawler.addons.RenderingAddon": 100,   # NEWS_RENDER_RELATED, NEWS_CHROMIUM_PATH, ...
    "newscrawler.addons.DistributedAddon": 200,  # REDIS_URL, NEWS_CRAWL_ID, ...
}
# Breadth-first-ish: listings and articles interleave instead of one branch exhausting memory.
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

# -- rendering the "More to Read" block (scrapy-playwright) --------------------------------------
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
NEWS_RENDER_RELATED = True
# The browser binary; empty: Debian's chromium-headless-shell, else its chromium, else Playwright's own.
NEWS_CHROMIUM_PATH = os.environ.get("NEWS_CHROMIUM_PATH", "")
# Defaults chosen by bench/run.py on 2 cores (README "Rendering, measured"). A complete block took
# under a second, so 15 s only trips on blocks that never load. 150 articles: 4.71 articles/s with
# 4 renders at once, 5.80 with 6, 6.50 with 8, where the CPU is full before any MongoDB write: 6.
# Renders per context: 1 gave 3.3-3.5 articles/s, 3 to 20 gave 3.9-4.8 (noise, no trend) while the
# browser's memory grew with the number: 10. Quiet time: 200 ms and six frames kept every block
# complete, at 5.23 articles/s where 400 ms with time-based checks gave 3.98.
NEWS_RELATED_TIMEOUT = 15.0          # seconds a related block may take before it counts as partial
NEWS_RELATED_SETTLE_MS = 200         # quiet time after the last card that means "no more cards"
NEWS_RENDER_CONCURRENCY = 6          # pages rendered at once, each in a browser context of its own
NEWS_RENDERS_PER_CONTEXT = 10        # renders one page serves before its context is replaced

# -- distributed mode (scrapy-redis): off unless REDIS_URL is set --------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
NEWS_CRAWL_ID = os.environ.get("NEWS_CRAWL_ID", "")  # processes of one crawl share it; empty: "default"
NEWS_REDIS_IDLE_BEFORE_CLOSE = 15    # seconds an idle process waits once its peers hold no work
NEWS_REDIS_HEARTBEAT_TTL = 10        # a process silent this long is dead; its taken requests go back
NEWS_REDIS_PREFETCH = 4              # requests a process holds before it begins them (the rest stay shared)
NEWS_REDIS_KEY_TTL = 2 * 86400       # seconds the frontier of a crawl is kept in Redis

# -- pipelines and storage -----------------------------------------------------------------------
ITEM_PIPELINES = {
    "newscrawler.pipelines.dates.DatesPipeline": 100,
    "newscrawler.pipelines.credits.ImageCreditsPipeline": 200,
    "newscrawler.pipelines.dedupe.DedupePipeline": 300,
    "newscrawler.pipelines.store.MongoStorePipeline": 900,
    "newscrawler.pipelines.flashes.FlashStorePipeline": 910,
}
MONGO_URI = os.environ.get("MONGO_URI", "")
MONGO_DATABASE = os.environ.get("MONGO_DATABASE", "newscrawler")
MONGO_COLLECTION = os.environ.get("MONGO_COLLECTION", "articles")
MONGO_VERSIONS_COLLECTION = "article_versions"
MONGO_FLASH_COLLECTION = os.environ.get("MONGO_FLASH_COLLECTION", "flashes")
MONGO_FLASH_VERSIONS_COLLECTION = "flash_versions"
MONGO_BUFFER_SIZE = 100              # items per bulk write
MONGO_FLUSH_INTERVAL = 5.0           # seconds between flushes of a partly filled buffer
MONGO_CONNECT_TIMEOUT = 5.0
MONGO_WRITE_RETRIES = 4              # attempts per batch, with exponential backoff, before dead-lettering
MONGO_RETRY_BACKOFF = 0.5
NEWS_DEADLETTER_PATH = os.environ.get("NEWS_DEADLETTER_PATH", "data/deadletter/%(spider)s-%(time)s.jsonl")

# -- reporting ------------------------------------------------------------------------------------
EXTENSIONS = {
    "newscrawler.jobdir.JobdirGuard": 0,  # off without JOBDIR; must read the JOBDIR before the scheduler
    "spidermon.contrib.scrapy.extensions.Spidermon": 500,
    # Loaded after Spidermon, so its report and stats file include the monitors' results.
    "newscrawler.extensions.CrawlReport": 900,
    "newscrawler.extensions.StallGuard": 950,
    "newscrawler.follow.FollowMode": 960,  # off unless the crawl follows (-a follow=1)
}
# Data-quality monitors after each crawl (newscrawler/monitors.py); thresholds below.
SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ("newscrawler.monitors.CrawlQualitySuite",)
SPIDERMON_ADD_FIELD_COVERAGE = True
SPIDERMON_FIELD_COVERAGE_SKIP_NONE = True
SPIDERMON_FIELD_COVERAGE_SKIP_IF_NO_ITEM = True   # an incremental run with nothing new is fine
SPIDERMON_MIN_ITEMS = 0                           # articles seen (new or known) must exceed this
SPIDERMON_MAX_ERRORS = 0
SPIDERMON_FIELD_COVERAGE_RULES = {
    "ArticleItem/title": 0.99,
    "ArticleItem/published_at_local": 0.99,   # the date as stated (a day alone has no UTC instant)
    "ArticleItem/body": 0.99,
}
NEWS_MAX_RENDER_TIMEOUT_RATIO = 0.05              # share of related blocks allowed to time out
NEWS_MAX_RENDER_SHARE = 0.2                       # renders beyond learning allowed, as a share of articles
# A crawl with no progress (no page downloaded or failed, no article scraped) this long ends itself
# as `stalled`, notifies and exits 1: a Redis gone away or a browser that never answers would
# otherwise hold the job, and every later scheduled run, forever. A normal run here takes minutes,
# and a page's slowest path (timeouts and retries of a render) well under one. 0 switches it off.
NEWS_STALL_MINUTES = 30
NEWS_STATS_FILE = os.environ.get("NEWS_STATS_FILE", "")  # write the final stats here as JSON
# Tell someone when monitors fail, the crawl does not finish, or anything is dead-lettered
# (newscrawler/notify.py). Off unless one of these is set.
NEWS_NOTIFY_WEBHOOK_URL = os.environ.get("NEWS_NOTIFY_WEBHOOK_URL", "")
NEWS_NOTIFY_EMAIL_TO = os.environ.get("NEWS_NOTIFY_EMAIL_TO", "")
NEWS_NOTIFY_EMAIL_FROM = os.environ.get("NEWS_NOTIFY_EMAIL_FROM", "newscrawler@localhost")
NEWS_NOTIFY_SMTP_HOST = os.environ.get("NEWS_NOTIFY_SMTP_HOST", "localhost")
NEWS_NOTIFY_SMTP_PORT = os.environ.get("NEWS_NOTIFY_SMTP_PORT", "25")
COMMANDS_MODULE = "newscrawler.commands"
LOG_LEVEL = os.environ.get("NEWS_LOG_LEVEL", "INFO")
FEED_EXPORT_ENCODING = "utf-8"

# -- sites with an API (coinness) ------------------------------------------------------------------
NEWS_API_URL = os.environ.get("NEWS_API_URL", "")  # empty: the site's own default
NEWS_BROWSER_TIMEZONE = os.environ.get("NEWS_BROWSER_TIMEZONE", "")  # empty: the site's zone
