"""The "More to Read" block: where it is on a page, and what a render of it achieved.

The render script (`newscrawler/rendering/related_block.js`) writes its outcome into the page it
rendered, as the `data-newscrawler-related` attribute of `<html>`, so the outcome travels inside the
response's HTML: a page object reads it like any other field, from a live response or a saved page.
"""

from __future__ import annotations

from dataclasses import dataclass

from parsel import Selector

OUTCOME_ATTRIBUTE = "data-newscrawler-related"
STATUSES = ("complete", "partial", "unavailable")
OUTCOMES = (*STATUSES, "absent")  # absent: the page has no related block at all


@dataclass(frozen=True)
class RelatedSelectors:
    """CSS selectors of the block; `cards` and `loading` are relative to `list`."""

    list: str
    cards: str
    loading: str
    sentinel: str

    def script_args(self) -> dict:
        return {"listSelector": self.list, "cardSelector": self.cards, "loadingSelector": self.loading,
                "sentinelSelector": self.sentinel}


@dataclass(frozen=True)
class RelatedBlock:
    """The block as the response shows it: card URLs in page order, and the render's outcome."""

    urls: list[str]
    outcome: str | None   # what the render script reported; None when no script ran
    present: bool         # the page has a related block at all
    loading: bool         # it still shows its Loading placeholder

    @classmethod
    def read(cls, sel: Selector, selectors: RelatedSelectors, urls: list[str]) -> "RelatedBlock":
        block = sel.css(selectors.list)[:1]
        outcome = sel.css(f"html::attr({OUTCOME_ATTRIBUTE})").get()
        return cls(urls=urls, outcome=outcome if outcome in OUTCOMES else None, present=bool(block),
                   loading=bool(block.css(selectors.loading)) if block else False)

    @property
    def absent(self) -> bool:
        """The render found no related block on the page: nothing was missed."""
        return self.outcome == "absent"

    @property
    def status(self) -> str:
        """`complete` or `partial` as the render saw it; `absent` for a page without a related block
        (nothing to miss); `unavailable` when nothing (or no render) showed a card in time."""
        if self.absent:
            return "absent"
        return self.outcome if self.outcome in ("complete", "partial") else "unavailable"

    @property
    def stored_urls(self) -> list[str]:
        """What the document keeps: nothing of a block that never loaded."""
        return self.urls if self.status != "unavailable" else []
