"""Follow mode (`scrapy crawl news -a follow=1`): the usual crawl, then the crawl stays and polls.

Every `NEWS_FOLLOW_INTERVAL` seconds each edition's flash feed and article feed are asked for what
is new, walked back page after page until they meet what is known (a burst deeper than a page is
read whole), and the flashes of the last `NEWS_FOLLOW_RECHECK` minutes are compared with the feed
for corrections, new vote counts and removals. New articles become the spider's usual article
requests (learned reads or renders).

- `watch.py`: what a follow knows of an edition's recent flashes (bounded by the re-check window)
  and which rows of a poll are new or changed; no Scrapy.
- `pace.py`: each feed's polls over time: when the next is due, failure streaks, its usual pace of
  new items and whether it has gone quiet for far longer; no Scrapy.
- `polls.py`: a poll's requests and what its answers become (items, the next page, a flash asked
  for by id).
- `extension.py`: `FollowMode`, the Scrapy extension: on `spider_idle` it keeps the spider open
  (`DontCloseSpider`) and arms the next polls; it flushes the stores promptly, writes the heartbeat
  (`crawl_state` `follow:<site>`), logs a summary every few minutes and alerts when polls fail or a
  feed stays quiet. A graceful stop (SIGTERM, SIGINT) stops the polls; the pipelines flush as at
  the end of any crawl.

The spider routes the answers here (its `parse_follow_*` methods); requests carry plain data only.
"""

from .extension import FollowMode

__all__ = ["FollowMode"]
