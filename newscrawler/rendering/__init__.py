"""Rendering with scrapy-playwright, and only what needs it.

A request opts in with `meta["playwright"]` and page methods (`scripts.py`); the add-on
(`newscrawler.addons.RenderingAddon`) installs the download handler (`handler.py`) from one
`RenderConfig` (`config.py`); the handler gives each render a page from its pool (`pool.py`) and
applies the workarounds of `quirks.py`. scrapy-playwright's private members are touched only in
`playwright_adapter.py`.
"""

from .config import BLOCKED_RESOURCE_TYPES, CHROMIUM_ARGS, RENDER_SLOT, RenderConfig, chromium_path
from .pool import RenderPagePool
from .quirks import NotAPage, quiet_closed_target_leftovers, unless_page_closed
from .scripts import related_block_method, script

__all__ = ["BLOCKED_RESOURCE_TYPES", "CHROMIUM_ARGS", "RENDER_SLOT", "NotAPage", "RenderConfig", "RenderPagePool",
           "chromium_path", "quiet_closed_target_leftovers", "related_block_method", "script", "unless_page_closed"]
