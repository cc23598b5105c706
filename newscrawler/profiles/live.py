"""UNTESTED sketch of a profile for the live site, from a text snapshot of one article page.

The snapshot shows the same anatomy as the replica (section label, middle dot, local date, hero
credit, "More to Read" with "View All" and a `Loading` indicator), but not the markup. The selectors
below are the replica's; check each against the live HTML before use, e.g.
`scrapy shell URL` then `response.css(PROFILE.title)`. Its local time zone is assumed to be KST.
"""

from dataclasses import replace

from .replica import PROFILE as REPLICA

PROFILE = replace(REPLICA, name="live", timezone="Asia/Seoul")
