"""The memory of earlier runs: what is stored, what earlier crawls missed, what they found removed,
and when the listings were last walked to their end. One crawl (the `news` spider, and a follow
mode polling feeds alike) asks it which URLs to fetch first and which to skip, and tells it what
failed; it alone reads and writes what runs leave each other in the store (`crawl_misses`,
`crawl_state`, `removed_at`), so that a crawl imports nothing of storage.

The interface (`RunMemory`, built with `RunMemory.from_crawler(crawler, site, incremental_arg)`):

- `await recall(stats, id_of_url)`: read the store once, at the crawl's start;
- `urls_to_fetch_first()`: (what earlier runs missed, what is due for a re-visit), fetched directly;
- `should_fetch(article_id)`, `is_stored(article_id)`: an article met in a listing or a related block;
- `walks_past(article_ids)`, `stop_ids()`: whether a listing walk goes on past a page;
- `validators_of(article_id)`: what a re-visit sends to be answered 304 if the page is unchanged;
- `missed(key, url, reason)`, `removed(key)`, `unchanged(key)`: an article failed for good, the site
  took it down, or a re-visit found it unchanged (a 304: seen, the stored version stands);
- `leave(walked_everything)`: write what later runs need, when the crawl closes (a crawl that
  stays, follow mode, calls it when its first crawl is done too: nothing is written twice).

Why: listing walks stop at the first page of stored articles (nothing newer lies below), except: a
page holding an article due for a re-visit is walked past (edits below page 1 are seen), and once
every `NEWS_DEEP_WALK_HOURS` (24) a crawl walks every listing to its end, fetching only what is not
stored. That deep walk is what reaches a backdated article (published with an old time, it sits deep
in a newest-first listing) and whatever an interrupted first crawl never reached; it costs listing
pages only, once a day, and needs no per-source cursor. It counts as done only when its crawl
finishes, so an interrupted deep walk is walked again by the next crawl.
"""

from .runs import RunMemory

__all__ = ["RunMemory"]
