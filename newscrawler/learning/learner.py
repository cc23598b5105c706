"""When to render, per kind of page (a site's edition): learning, reading, checking.

- **learning**: articles are rendered and their data calls recorded, no more than `learn_renders` of
  a kind at once (the others wait: a render in flight when its kind has learned is a render lost,
  about a second of CPU); once `learn_renders` renders in a row teach the same recipe (the related call included, once a render showed one), the kind
  reads without the browser. A kind that teaches nothing in `max_learning` renders is rendered from
  then on (its pages need the browser: server-rendered pages, an app whose calls we cannot match).
- **reading**: articles are read from the learned calls; the first `check_first` of them, and one in
  `check_every` after that, are rendered too and compared field by field.
- a disagreement, or an answer of a shape not seen before, sends the kind back to **learning** (its
  renders record again, so a changed API is learned anew), and the articles read since the last
  good check are rendered again.

State lives in one crawler process: each process of a distributed crawl learns on its own, and a
crawl resumed from a JOBDIR learns again (a few renders). A read carries the recipe it was begun
with, so whichever process takes its next call (or the resumed crawl) finishes it the same way,
unless that process has found the kind's recipe wrong.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace

from .. import meta as m
from ..rendering.config import render_config
from .recipe import Recipe

logger = logging.getLogger(__name__)

LEARNING, READING, RENDERING = "learning", "reading", "rendering"
# Reads with related rows of an unknown key checked before the others wait for their lesson: reads
# finish many at once, and a render answers in a second or more (checking each cost 20 to 60 renders
# per 2,000 articles).
UNDECIDED_CHECKS = 2


@dataclass
class KindState:
    mode: str = LEARNING
    recipe: Recipe | None = None
    agreeing: int = 0          # learning renders in a row that taught `recipe`
    attempts: int = 0          # learning renders since learning (re)started
    reads: int = 0             # articles read from the calls since the recipe was adopted
    unchecked: list[str] = field(default_factory=list)  # article URLs read since the last good check
    telling_checks: int = 0    # checks of reads whose candidate publication instants differ
    undecided: int = 0         # reads whose related rows held another site's page at a key not known
    # Those of them stored unchecked, each keeping such rows (rendered again if the rows are left out).
    undecided_unchecked: list[str] = field(default_factory=list)
    asked: int = 0             # article requests made while learning


class Learner:
    def __init__(self, crawler, mode: str = "learn", learn_renders: int = 3, check_first: int = 2,
                 check_every: int = 20, max_learning: int = 12, render_timebox_s: float = 60.0):
        self.crawler = crawler
        self.mode = mode
        self.learn_renders = max(1, learn_renders)
        self.check_first = check_first
        self.check_every = max(1, check_every)
        self.max_learning = max(max_learning, 2 * self.learn_renders)  # never short of the renders learning needs
        self.kinds: dict[str, KindState] = {}
        self.doubted: set[str] = set()  # kinds whose recipe a check or an answer found wrong here
        # Times in a row a kind went back to learning with no check agreeing between: a recipe
        # learned again and again and wrong each time is given up.
        self.relearned: dict[str, int] = {}
        self.max_relearned = 3
        # Renders out to teach each kind: article URL -> when it left. One never heard of again (a
        # redirect that ended elsewhere) stops counting after the longest a render may take.
        self.teaching: dict[str, dict[str, float]] = {}
        self.render_timebox_s = render_timebox_s

    @classmethod
    def from_crawler(cls, crawler) -> "Learner":
        settings = crawler.settings
        share = settings.getfloat("NEWS_CHECK_SHARE", 0.03)
        return cls(crawler, settings.get("NEWS_RENDER_MODE") or "learn", settings.getint("NEWS_LEARN_RENDERS", 3),
                   settings.getint("NEWS_CHECK_FIRST", 2), round(1 / share) if share > 0 else 10**9,
                   render_timebox_s=render_config(crawler).timebox_s)

    @property
    def stats(self):
        return self.crawler.stats  # set once the crawl starts

    def state(self, kind: str) -> KindState:
        return self.kinds.setdefault(kind, KindState())

    # -- what to do with the next article of a kind -----------------------------------------------
    def recipe_to_read(self, kind: str) -> Recipe | None:
        """The recipe to read the next article with, or None: render it."""
        if self.mode != "learn":
            return None
        state = self.state(kind)
        return state.recipe if state.mode == READING else None

    def recipe_to_go_on(self, kind: str, carried: dict | None) -> Recipe | None:
        """The recipe to finish a read with: this process's own, else the one the read was begun
        with (by another process of a distributed crawl, or before a JOBDIR stop), unless this
        process has found the kind's recipe wrong. None: render the article."""
        own = self.recipe_to_read(kind)
        if own is not None or self.mode != "learn" or kind in self.doubted or not carried:
            return own
        return Recipe.from_data(carried)

    def renders_beyond_learning(self, kind: str, meta: dict, taught: bool) -> bool:
        """Whether a render was one learning meant to spare: a reading in doubt rendered again, or a
        render that neither taught nor checked, unless it was asked for while its kind was learning
        and that kind has learned since (it was in flight when learning ended)."""
        if self.mode != "learn" or taught or m.CHECK_OF in meta:
            return False
        in_flight = bool(meta.get(m.RECORD_CALLS)) and self.state(kind).mode == READING
        return bool(meta.get(m.RENDER_AGAIN)) or not in_flight

    def is_learning(self, kind: str) -> bool:
        return self.mode == "learn" and self.state(kind).mode == LEARNING

    def teaches(self, kind: str) -> bool:
        """Whether an article request made now is one its kind may learn from: the first
        `learn_renders` made while it learns. The others are asked for after the listings (they
        would wait while it learns, taking places the listings of other kinds need)."""
        if not self.is_learning(kind):
            return True
        state = self.state(kind)
        state.asked += 1
        return state.asked <= self.learn_renders

    def holds_render(self, kind: str, url: str) -> bool:
        """Whether a render of an article of this kind waits: its kind is learning and as many renders
        are out as it still needs to agree. Otherwise the render is let go, counted as teaching."""
        if not self.is_learning(kind):
            return False
        out = self.teaching.setdefault(kind, {})
        now = time.monotonic()
        for gone in [u for u, left in out.items() if now - left > self.render_timebox_s]:
            del out[gone]
        if url not in out and len(out) >= self.learn_renders - self.state(kind).agreeing:
            return True
        out[url] = now
        return False

    def render_ended(self, kind: str, url: str) -> None:
        """A render came back (or failed): room for another to teach its kind."""
        self.teaching.get(kind, {}).pop(url, None)

    def came_too_late(self, kind: str, meta: dict, taught: bool) -> bool:
        """Whether a render meant to teach came back when its kind had learned from others."""
        return self.mode == "learn" and not taught and bool(meta.get(m.RECORD_CALLS)) and m.CHECK_OF not in meta \
            and not meta.get(m.RENDER_AGAIN) and self.state(kind).mode == READING

    def records(self, kind: str) -> bool:
        """Whether a render of this kind records the page's data calls (to learn from them)."""
        return self.mode == "learn" and self.state(kind).mode == LEARNING

    # -- what renders taught -------------------------------------------------------------------
    def taught(self, kind: str, recipe: Recipe | None) -> bool:
        """A learning render's lesson; False where the kind was no longer learning (it taught nothing)."""
        state = self.state(kind)
        if state.mode != LEARNING:
            return False
        state.attempts += 1
        if recipe is None:
            state.agreeing = 0
        elif state.recipe is not None and same_calls(state.recipe, recipe):
            state.agreeing += 1
            state.recipe = merged(state.recipe, recipe)
        else:
            state.recipe, state.agreeing = recipe, 1
        if state.recipe is not None and state.agreeing >= self.learn_renders:
            state.mode, state.reads, state.unchecked = READING, 0, []
            self.doubted.discard(kind)
            self.stats.inc_value("news/learn/learned")
            logger.info("Learned from %d renders how %s articles are read without the browser: %s",
                        state.agreeing, kind, state.recipe.describe())
        elif state.attempts >= self.max_learning:
            self.give_up(kind, "nothing_learned", f"{state.attempts} renders in a row did not teach the same "
                         "calls (the page needs the browser, or its calls are of a kind not learned)")
        return True

    def give_up(self, kind: str, reason: str, why: str) -> None:
        """Every further article of the kind is rendered: said loudly, with why and what it costs."""
        self.kinds[kind] = KindState(mode=RENDERING)
        self.stats.inc_value(f"news/learn/gave_up/{reason}")
        if reason == "nothing_learned":
            self.stats.inc_value("news/learn/nothing_learned")
        logger.warning("Reading %s articles without the browser given up: %s. Every further article is rendered: "
                       "a browser page each (about a second of CPU) instead of a few calls; counted in "
                       "news/renders/beyond_learning (NEWS_MAX_RENDER_SHARE)", kind, why)

    def challenged(self, kind: str, status: int | None) -> None:
        """A read of the kind met a bot check the browser passes: its articles are rendered from then on."""
        if self.state(kind).mode != RENDERING:
            self.give_up(kind, "challenged", f"the server answers reads without the browser with a bot check "
                         f"(HTTP {status}, a script that sets a cookie and loads the page again) that renders pass")

    # -- reading and checking -------------------------------------------------------------------
    def read(self, kind: str, url: str, tells: bool = False, undecided: bool = False) -> bool:
        """An article was read from the calls; whether it is to be rendered too, to check. `tells`:
        its answer tells apart instants that learning could not (an edited article's publication
        and edit): a check that compares what already agreed checks nothing, so such a read is
        checked until one agrees. `undecided`: its related rows held another site's page at a key
        the recipe does not know (`Recipe.related_outside`): the first UNDECIDED_CHECKS such reads
        (and one in `check_every` after) are checked, their renders teach the key; the others keep
        the rows and are rendered again if the lesson is that the page leaves them out."""
        state = self.state(kind)
        state.reads += 1
        state.unchecked.append(url)
        self.stats.inc_value("news/learn/read")
        if undecided:
            state.undecided += 1
            if state.undecided <= UNDECIDED_CHECKS or state.undecided % self.check_every == 0:
                self.stats.inc_value("news/learn/related_outside/checked")
                return True
        if tells and state.recipe is not None and state.recipe.published_doubles and state.telling_checks < 2:
            state.telling_checks += 1
            return True
        checked = state.reads <= self.check_first or state.reads % self.check_every == 0
        if undecided and not checked:
            state.undecided_unchecked.append(url)
        return checked

    def outside_known(self, kind: str) -> dict[str, bool]:
        """What the kind's recipe knows now of related rows holding another site's page, per key."""
        recipe = self.state(kind).recipe
        return dict(recipe.related_outside) if recipe is not None else {}

    def outside_taught(self, kind: str, keys: list[str], listed: bool) -> list[str]:
        """A check's render showed whether the page lists a related row holding another site's page
        at `keys` (its card drawn at the site's address) or leaves it out (linked to that page): the
        kind's recipe learns it. A row left out teaches only a key of its own (of two unknown keys,
        which one links out is not known); a listed one, each of them (none links out). Returns the
        reads stored unchecked with such rows kept, to render again where they are left out."""
        state = self.state(kind)
        if state.recipe is None or not keys or (not listed and len(keys) != 1):
            return []
        known = dict(state.recipe.related_outside)
        taught = {key: known.get(key, False) or listed for key in keys}
        if all(known.get(key) == value for key, value in taught.items()):
            return []
        state.recipe = replace(state.recipe, related_outside=tuple(sorted({**known, **taught}.items())))
        self.stats.inc_value(f"news/learn/related_outside/{'listed' if listed else 'left_out'}")
        logger.info("A check showed how %s pages list related rows holding another site's page at %s: %s "
                    "(%s)", kind, ", ".join(keys), "listed, at the site's address" if listed else
                    "left out, their cards linked to that page", state.recipe.describe())
        again, state.undecided_unchecked = state.undecided_unchecked, []
        return [] if listed else again

    def agreed(self, kind: str, url: str, told: bool = False) -> None:
        state = self.state(kind)
        self.stats.inc_value("news/learn/checked")
        self.relearned.pop(kind, None)
        if told and state.recipe is not None and state.recipe.published_doubles:
            state.recipe = replace(state.recipe, published_doubles=())  # the page means the learned one
        if url in state.unchecked:
            # Everything read before it was read with the same recipe, and one render agreed.
            state.unchecked = state.unchecked[state.unchecked.index(url) + 1:]

    def disagreed(self, kind: str, what: str, url: str, why: str | None = None) -> list[str]:
        """A check (or an answer) showed the recipe wrong: back to learning. Returns the articles
        read since the last good check, to render again. `why`: what went wrong, where it is not a
        field that differed from the render."""
        state = self.state(kind)
        self.stats.inc_value(f"news/learn/disagreed/{what}")
        again = [u for u in state.unchecked if u != url]
        if state.mode == READING:
            logger.warning("Reading %s articles without the browser stopped: %s at %s; "
                           "back to rendering, %d articles read since the last good check rendered again",
                           kind, why or f"{what} differed from the render", url, len(again))
        self.kinds[kind] = KindState()
        self.doubted.add(kind)
        self.relearned[kind] = self.relearned.get(kind, 0) + 1
        if self.relearned[kind] > self.max_relearned:
            self.give_up(kind, "relearned", f"learned {self.relearned[kind]} times in a row and wrong each time "
                         f"before any check agreed (last: {why or what + ' differed from the render'})")
        return again


def same_calls(one: Recipe, other: Recipe) -> bool:
    """Whether two renders taught the same calls: the same article call (URL, method and what it
    posts), each field both found at the same place (an article without a picture teaches no
    picture's path), the same related call once both saw one, the same token call (its value
    differs from render to render)."""
    paths, others = dict(one.fields), dict(other.fields)
    follows = [(follow.call, follow.answer_paths) for follow in one.follow]
    return one.article == other.article and all(paths[k] == others[k] for k in paths.keys() & others.keys()) \
        and follows == [(follow.call, follow.answer_paths) for follow in other.follow] \
        and (one.related is None or other.related is None or one.related.url == other.related.url) \
        and one.token == other.token


def merged(one: Recipe, other: Recipe) -> Recipe:
    """What two agreeing renders taught together: every field either found, the related call either
    saw, the instants neither told apart from the publication; the headers of the later render
    (`other`: a token the page made at run time is the freshest there)."""
    base = other
    if other.related is None and one.related is not None:
        base = replace(other, related=one.related, related_rows=one.related_rows, related_id=one.related_id,
                       related_url=one.related_url, related_total=one.related_total)
    if not base.related_cursor and one.related == base.related:
        base = replace(base, related_cursor=one.related_cursor)  # a render that saw only one page saw no cursor
    doubles = tuple(p for p in one.published_doubles if p in other.published_doubles)
    outside: dict = {}
    for key, listed in one.related_outside + base.related_outside:  # listed once: the key says nothing
        outside[key] = outside.get(key, False) or listed
    return replace(base, published_doubles=doubles, related_outside=tuple(sorted(outside.items())),
                   fields=tuple(sorted({**dict(one.fields), **dict(other.fields)}.items())))
