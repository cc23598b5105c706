"""In-page scripts (`*.js` beside this module, read with pkgutil so a Scrapyd egg carries them) and
the page methods that run them. Plain data in, plain data out: JOBDIR can pickle the requests."""

from __future__ import annotations

import pkgutil
from functools import lru_cache

from scrapy_playwright.page import PageMethod


@lru_cache(maxsize=None)
def script(name: str) -> str:
    """The script `name`.js without its leading comment lines (evaluate() wants an expression)."""
    text = pkgutil.get_data(__package__, f"{name}.js").decode("utf-8")
    return "\n".join(line for line in text.splitlines() if not line.startswith("//")).strip()


def related_block_method(config, selectors) -> PageMethod:
    """Scroll the "More to Read" block until it is complete; `selectors` a RelatedSelectors."""
    return PageMethod("evaluate", script("related_block"), {
        **selectors.script_args(), "timeoutMs": config.related_timeout_ms, "settleMs": config.settle_ms,
    })


def article_page_methods(config, page_class) -> list[PageMethod]:
    """What a render of an article page does: wait until the page's own script has drawn the
    article (on sites that build pages in the browser: `page_class.rendered_css`), then drive the
    related block."""
    methods = []
    ready = page_class.rendered_css
    if ready:
        methods.append(PageMethod("wait_for_selector", ready, state="attached", timeout=config.navigation_timeout_ms))
    methods.append(related_block_method(config, page_class.related))
    return methods


def gate_page_methods(config) -> list[PageMethod]:
    """What a render of a page that is only a gate does (pages/gates.py): let its script send the
    browser on, and wait for the page it ends on to be quiet."""
    return [PageMethod("wait_for_load_state", "networkidle", timeout=config.navigation_timeout_ms)]


def listing_page_methods(config, source, state: dict) -> list[PageMethod]:
    """What a render of a listing does: what its source asks (`Source.load_more`), if anything."""
    steps = source.load_more(state)
    if steps is None:
        return []
    return [
        PageMethod("wait_for_selector", steps.ready_css, state="attached", timeout=config.navigation_timeout_ms),
        PageMethod("evaluate", script("load_more"), {
            "cardSelector": steps.card_css, "moreSelector": steps.more_css, "maxClicks": steps.max_clicks,
            "knownPaths": list(steps.known_paths), "sinceMs": steps.since_ms,
            "timeoutMs": config.related_timeout_ms * 4,
        }),
    ]


# What the page methods above may pass besides their script or selector. A request read back from
# the shared frontier may carry these steps and no other: any other page method (`screenshot`,
# `pdf` with `path=`) would let whoever writes to that Redis have every crawler write files.
OWN_SCRIPTS = ("related_block", "load_more")
WAIT_OPTIONS = {"state", "timeout"}


def is_own_page_method(method: PageMethod) -> bool:
    """Whether `method` is one of the steps this module builds: one of its scripts evaluated with
    its data, or a wait for a selector."""
    args, kwargs = tuple(method.args), dict(method.kwargs)
    if method.method == "evaluate":
        return not kwargs and len(args) == 2 and isinstance(args[1], dict) and \
            args[0] in {script(name) for name in OWN_SCRIPTS}
    if method.method == "wait_for_selector":
        return len(args) == 1 and isinstance(args[0], str) and set(kwargs) <= WAIT_OPTIONS
    return False
