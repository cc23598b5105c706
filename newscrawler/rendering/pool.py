"""Browser pages kept open between renders (measured: README "Rendering, measured")."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass
class RenderSlot:
    """One browser context with one page, kept open across renders."""

    name: str  # the context's name for scrapy-playwright
    page: object = None  # a playwright Page once the first render has opened it
    renders: int = 0


class RenderPagePool:
    """Browser pages kept open between renders: one context each, recycled after a number of renders.

    Measured here (bench/run.py, README "Rendering, measured"): a context and a page opened for
    every render made the crawl 20 to 30% slower than pages that navigate from article to article
    and stay in their renderer process. Each page keeps a context of its own because pages sharing
    one are tabs of one window, and Chromium runs the rendering steps of background tabs late (lazy
    blocks looked finished before they were). A context is closed after `renders_per_context`
    renders, so cookies, storage and memory a site piles up in it never live long, and after any
    failure, so a broken page is never used again.
    """

    def __init__(self, renders_per_context: int, context_kwargs: dict):
        self.renders_per_context = max(1, renders_per_context)
        self.context_kwargs = context_kwargs
        self.idle: list[RenderSlot] = []
        # Names stay unique across a JOBDIR resume and a relaunched browser.
        self.run = uuid.uuid4().hex[:8]
        self.opened = 0  # contexts opened so far; also numbers their names

    def lease(self, meta: dict) -> RenderSlot:
        """A slot for one render; its page (if any) and context name go into the request's meta."""
        slot = self._idle_slot() or self._new_slot()
        meta.update({"playwright_context": slot.name, "playwright_context_kwargs": self.context_kwargs,
                     "playwright_include_page": True})
        if slot.page is not None:
            meta["playwright_page"] = slot.page
        return slot

    def give_back(self, slot: RenderSlot, meta: dict, succeeded: bool) -> bool:
        """Keep the slot for the next render; False when it is spent or failed and must be closed."""
        slot.page = meta.pop("playwright_page", None) or slot.page
        slot.renders += 1
        if succeeded and self._usable(slot.page) and slot.renders < self.renders_per_context:
            self.idle.append(slot)
            return True
        return False

    def _idle_slot(self) -> RenderSlot | None:
        while self.idle:
            slot = self.idle.pop()
            if self._usable(slot.page):
                return slot
        return None

    def _new_slot(self) -> RenderSlot:
        self.opened += 1
        return RenderSlot(f"render-{self.run}-{self.opened}")

    @staticmethod
    def _usable(page) -> bool:
        return page is not None and not page.is_closed()
