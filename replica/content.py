"""Deterministic content of the replica site, and its ground truth.

Everything is derived from (seed, sections, articles) so that tests know, before a crawl, every
article's id, canonical URL, section, dates, paragraphs, headings, credits and related links.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

SITE_TZ = ZoneInfo("Asia/Seoul")
SITE_NAME = "Crypto Replica News"

SECTIONS = [
    ("policy-regulation", "Policy & Regulation"),
    ("web3-enterprise", "Web3 & Enterprise"),
    ("markets", "Markets"),
    ("defi", "DeFi"),
    ("nfts-gaming", "NFTs & Gaming"),
    ("mining", "Mining"),
    ("security", "Security"),
    ("people-opinion", "People & Opinion"),
]

# (text as shown, photographer, provider): every credit form the site uses.
CREDIT_FORMS = [
    ("©Pexels/{name}", "{name}", "Pexels"),
    ("© Reuters", None, "Reuters"),
    ("Photo by {name} on Unsplash", "{name}", "Unsplash"),
    ("Photo by {name} on Pexels", "{name}", "Pexels"),
    ("Image: Shutterstock", None, "Shutterstock"),
    ("Credit: {name}/Getty Images", "{name}", "Getty Images"),
]
# The `ko` edition's credits, in the forms Korean news pages write them (`docs/live-site.md`).
KOREAN_CREDIT_FORMS = [
    ("사진=연합뉴스", None, "연합뉴스"),
    ("(사진=게티이미지뱅크)", None, "게티이미지뱅크"),
    ("사진={name} 기자", "{name}", None),
    ("사진=코인니스 제공", None, "코인니스"),
    ("ⓒ코인니스", None, "코인니스"),
    ("출처: 셔터스톡", None, "셔터스톡"),
    ("이미지: 픽사베이", None, "픽사베이"),
]
KOREAN_PHOTOGRAPHERS = ["홍길동", "김민수", "이지은", "박서준"]
PHOTOGRAPHERS = [
    "RODNAE Productions", "Thought Catalog", "Engin Akyurt", "Jiho Choi", "Kanchanara",
    "André François McKenzie", "Executium", "Traxer", "Pierre Borthiry",
]

SUBJECTS = [
    "Hong Kong", "Bitmain", "The central bank", "Regulators", "A Seoul exchange", "Kazakhstan",
    "Validators", "The treasury", "Miners", "Stablecoin issuers", "Lawmakers", "A DeFi protocol",
]
VERBS = [
    "is courting", "has paused", "plans to license", "warned about", "quietly expanded",
    "is reviewing", "proposed rules for", "doubled its stake in", "settled with", "launched",
]
OBJECTS = [
    "crypto firms from the mainland", "employee salaries", "a pilot zone for payments",
    "custody services", "token listings", "cross-border transfers", "mining equipment",
    "a Web3 festival", "on-chain identity", "tokenised bonds",
]
FILLER = [
    "Analysts said the move reflects a wider shift in the market.",
    "The decision follows months of consultation with the industry.",
    "Critics called the timeline ambitious but achievable.",
    "Trading volumes rose sharply after the announcement.",
    "Officials declined to give further details on Tuesday.",
    "The company said it would publish a full report next quarter.",
    "Several exchanges have already applied for licences.",
    "Investors remain cautious about the regulatory outlook.",
    "The plan still needs approval from the legislature.",
    "Industry groups welcomed the “clear and stable” framework.",
    "A spokesperson said the firm is “very serious” about compliance.",
    "Fees on the network fell to their lowest level this year.",
]
# Ordinary sentences that mention photos or images: body text, never credits.
PHOTO_MENTIONS = [
    "A photo by the agency showed crowds queuing outside the exchange.",
    "The image of a falling chart circulated widely on social media.",
    "Photos shared online showed the new mining facility in Almaty.",
]
# Lists and quotes, as a CMS writes them into an article's content (app mode's `rich_blocks`).
LIST_ITEMS = [
    "Licences for custody and trading", "A cap on leverage for retail traders", "Quarterly audits of reserves",
    "A register of token issuers", "Reporting of transfers above a threshold", "A sandbox for pilot projects",
]
QUOTES = [
    "“We want clear rules, not a ban,” the association said in a statement.",
    "“The market has matured faster than anyone expected,” one analyst said.",
    "“Compliance is the price of admission,” a regulator told lawmakers.",
]
HEADINGS = [
    "Embracing crypto", "Skeptics", "Crypto licensing interest", "Cash flow challenges",
    "Internal conflicts", "What comes next", "Market reaction", "A regional hub",
]
TAG_POOL = ["news", "analysis", "bitcoin", "ethereum", "regulation", "asia"]

NEWEST_DEFAULT = datetime(2025, 11, 20, 9, 30, tzinfo=SITE_TZ)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def format_page_date(moment: datetime) -> str:
    """`April 14, 2023, 2:14 AM`: the article page's form, in site-local time."""
    local = moment.astimezone(SITE_TZ)
    hour = local.hour % 12 or 12
    return f"{local:%B} {local.day}, {local.year}, {hour}:{local:%M} {'AM' if local.hour < 12 else 'PM'}"


def format_korean_page_date(moment: datetime, zone=SITE_TZ) -> str:
    """`2023년 10월 17일 오후 9:03`: the `ko` edition's form of an article's date."""
    local = moment.astimezone(zone)
    hour = local.hour % 12 or 12
    return f"{local.year}년 {local.month}월 {local.day}일 {'오전' if local.hour < 12 else '오후'} {hour}:{local:%M}"


def format_card_date(moment: datetime, now: datetime) -> str:
    """`Oct 11, 2023`, or a relative form for the newest cards."""
    age = now - moment
    if timedelta(0) <= age < timedelta(hours=1):
        return f"{max(1, int(age.total_seconds() // 60))} minutes ago"
    if timedelta(0) <= age < timedelta(hours=24):
        return f"{int(age.total_seconds() // 3600)} hours ago"
    if timedelta(0) <= age < timedelta(hours=48):
        return "Yesterday"
    local = moment.astimezone(SITE_TZ)
    return f"{local:%b} {local.day}, {local.year}"


@dataclass
class Credit:
    text: str
    photographer: str | None
    provider: str | None

    def as_dict(self) -> dict:
        return {"text": self.text, "photographer": self.photographer, "provider": self.provider}


@dataclass
class Block:
    kind: str  # "p", "h2", "li" (an item of a list), "quote" or "credit" (a credit-only paragraph)
    text: str
    credit: Credit | None = None


@dataclass
class Article:
    id: int
    title: str
    section_slug: str
    section: str
    published: datetime
    summary: str
    blocks: list[Block]
    hero_alt: str | None
    hero_credit: Credit | None
    tags: list[str]
    listed: bool = True
    jsonld: bool = True
    modified: datetime | None = None
    related_ids: list[int] = field(default_factory=list)
    # Truth for a date the page shows in a form no parser can read (fault mode).
    date_text_override: str | None = None

    @property
    def slug(self) -> str:
        return slugify(self.title)

    @property
    def path(self) -> str:
        return f"/article/{self.id}/{self.slug}"

    @property
    def date_raw(self) -> str:
        return self.date_text_override or format_page_date(self.published)

    @property
    def published_utc(self) -> datetime | None:
        if self.date_text_override and not self.jsonld:
            return None
        return self.published.astimezone(timezone.utc)

    @property
    def paragraphs(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == "p"]

    @property
    def headings(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == "h2"]

    @property
    def credits(self) -> list[Credit]:
        found = [self.hero_credit] if self.hero_credit else []
        return found + [b.credit for b in self.blocks if b.kind == "credit"]

    @property
    def body_text(self) -> str:
        """The body as the crawler stores it: credits removed, blocks separated by a blank line."""
        return "\n\n".join(b.text for b in self.blocks if b.kind != "credit")

    @property
    def hero_url(self) -> str | None:
        return f"/img/{self.id}.jpg" if self.hero_alt is not None else None

    def preview(self) -> str:
        """Title, text, credits and headings glued together with no space, as the site's cards do."""
        return (self.title + "".join(b.text for b in self.blocks))[:600]


class SiteContent:
    """The replica's articles: deterministic from (seed, sections, articles)."""

    def __init__(self, seed: int = 1, sections: int = 6, articles: int = 120,
                 related_only_share: float = 0.15, newest: datetime = NEWEST_DEFAULT,
                 language: str = "en", rich_blocks: bool = False):
        if not 1 <= sections <= len(SECTIONS):
            raise ValueError(f"sections must be between 1 and {len(SECTIONS)}")
        self.seed = seed
        self.language = language  # "ko": credits written as Korean pages write them
        self.rich_blocks = rich_blocks  # lists and quotes in some articles' text
        self.sections = SECTIONS[:sections]
        self.rng = random.Random(seed)
        self.articles: dict[int, Article] = {}
        self.newest = newest
        self._next_id = 101
        moment = newest
        for _ in range(articles):
            self._create(moment)
            moment -= timedelta(minutes=self.rng.randint(50, 600))
        self._mark_related_only(related_only_share)
        self._link_related(list(self.articles.values()))

    # -- generation -------------------------------------------------------------------------
    def _credit(self) -> Credit:
        korean = self.language == "ko"
        form, photographer, provider = self.rng.choice(KOREAN_CREDIT_FORMS if korean else CREDIT_FORMS)
        name = self.rng.choice(KOREAN_PHOTOGRAPHERS if korean else PHOTOGRAPHERS)
        return Credit(form.format(name=name), photographer and photographer.format(name=name), provider)

    def _sentence(self) -> str:
        return f"{self.rng.choice(SUBJECTS)} {self.rng.choice(VERBS)} {self.rng.choice(OBJECTS)}."

    def _paragraph(self) -> str:
        sentences = [self._sentence()] + self.rng.sample(FILLER, self.rng.randint(1, 3))
        if self.rng.random() < 0.15:
            sentences.append(self.rng.choice(PHOTO_MENTIONS))
        return " ".join(sentences)

    def _blocks(self) -> list[Block]:
        blocks = [Block("p", self._paragraph())]
        headings = self.rng.sample(HEADINGS, self.rng.choice([0, 1, 2, 3]))
        for heading in headings:
            blocks.append(Block("h2", heading))
            blocks.extend(Block("p", self._paragraph()) for _ in range(self.rng.randint(1, 2)))
            if self.rng.random() < 0.3:
                credit = self._credit()
                blocks.append(Block("credit", credit.text, credit))
        if not headings:
            blocks.append(Block("p", self._paragraph()))
        if self.rich_blocks:
            self._add_lists_and_quotes(blocks)
        return blocks

    def _add_lists_and_quotes(self, blocks: list[Block]) -> None:
        """A list after the first paragraph in some articles, a quote before the last in others."""
        if self.rng.random() < 0.35:
            items = self.rng.sample(LIST_ITEMS, self.rng.randint(2, 4))
            blocks[1:1] = [Block("li", item) for item in items]
        if self.rng.random() < 0.3:
            blocks.insert(len(blocks) - 1, Block("quote", self.rng.choice(QUOTES)))

    def _create(self, published: datetime, listed: bool = True) -> Article:
        article_id = self._next_id
        self._next_id += 1
        slug, label = self.sections[article_id % len(self.sections)]
        title = f"{self.rng.choice(SUBJECTS)} {self.rng.choice(VERBS)} {self.rng.choice(OBJECTS)}"
        if self.rng.random() < 0.2:
            title += " & “what it means”"
        title = f"{title[0].upper()}{title[1:]} ({article_id})"
        has_hero = self.rng.random() < 0.85
        article = Article(
            id=article_id, title=title, section_slug=slug, section=label, published=published,
            summary=self._sentence() + " " + self.rng.choice(FILLER),
            blocks=self._blocks(),
            hero_alt=f"illustration for article {article_id}" if has_hero else None,
            hero_credit=self._credit() if has_hero else None,
            tags=["news"] + self.rng.sample(TAG_POOL[1:], self.rng.randint(0, 2)),
            listed=listed, jsonld=self.rng.random() < 0.5,
        )
        self.articles[article_id] = article
        return article

    def _mark_related_only(self, share: float) -> None:
        ordered = self.newest_first(listed_only=False)
        # Keep the newest page of listings intact; related-only articles are older ones.
        candidates = ordered[10:]
        for article in self.rng.sample(candidates, min(len(candidates), round(share * len(ordered)))):
            article.listed = False

    def _link_related(self, articles: list[Article]) -> None:
        pool = list(self.articles)
        for article in articles:
            count = self.rng.choice([0, 2, 3, 5, 7, 9, 9])
            others = [i for i in pool if i != article.id]
            article.related_ids = self.rng.sample(others, min(count, len(others)))
        # Every related-only article is linked from at least one listed article.
        listed = [a for a in self.articles.values() if a.listed]
        referenced = {i for a in self.articles.values() if a.listed for i in a.related_ids}
        for article in articles:
            if not article.listed and article.id not in referenced:
                host = self.rng.choice(listed)
                if len(host.related_ids) >= 9:
                    host.related_ids[self.rng.randrange(9)] = article.id
                else:
                    host.related_ids.append(article.id)
                referenced.add(article.id)

    # -- queries ----------------------------------------------------------------------------
    def newest_first(self, listed_only: bool = True, section: str | None = None) -> list[Article]:
        found = [a for a in self.articles.values()
                 if (a.listed or not listed_only) and (section is None or a.section_slug == section)]
        return sorted(found, key=lambda a: (a.published, a.id), reverse=True)

    def section_label(self, slug: str) -> str | None:
        return dict(self.sections).get(slug)

    # -- changes between two crawls ---------------------------------------------------------
    def add_articles(self, count: int, related_only: int = 0, published: datetime | None = None) -> list[Article]:
        """Add `count` new articles, newest of all; the last `related_only` of them appear in no
        listing and are linked only from the related block of the first new one."""
        moment = published or self.newest + timedelta(hours=1)
        added = []
        for index in range(count):
            added.append(self._create(moment - timedelta(minutes=index), listed=index < count - related_only))
        self.newest = max(self.newest, moment)
        hidden = [a.id for a in added if not a.listed]
        for article in added:
            others = [i for i in self.articles if i != article.id and i not in hidden]
            article.related_ids = self.rng.sample(others, 3)
        if hidden:
            added[0].related_ids = hidden + added[0].related_ids[: 9 - len(hidden)]
        return added

    def edit_article(self, article_id: int, title: str | None = None, paragraph: str | None = None,
                     modified: datetime | None = None) -> Article:
        article = self.articles[article_id]
        if title:
            article.title = title
        if paragraph:
            article.blocks.append(Block("p", paragraph))
        article.modified = modified or article.published + timedelta(days=1)
        return article

    def remove_article(self, article_id: int) -> Article:
        """The site takes an article down: its page answers 404, no listing or related block links it."""
        removed = self.articles.pop(article_id)
        for article in self.articles.values():
            article.related_ids = [i for i in article.related_ids if i != article_id]
        return removed

    def add_backdated_article(self, published: datetime) -> Article:
        """An article published now with an older time: newest-first listings show it deep down."""
        return self._create(published)

    def add_syndicated_copy(self, article_id: int) -> Article:
        """Another id with the same title and body, published a minute later: the site republished an
        article (listings, newest first, show the copy before the original)."""
        original = self.articles[article_id]
        copy = self._create(original.published + timedelta(minutes=1))
        copy.title, copy.blocks, copy.summary = original.title, list(original.blocks), original.summary
        copy.section_slug, copy.section = original.section_slug, original.section
        return copy

    def ground_truth(self, base_url: str) -> dict[str, dict]:
        """Every article as the crawler must store it, keyed by canonical URL."""
        base = base_url.rstrip("/")
        return {base + a.path: self.truth_of(a, base) for a in self.articles.values()}

    def truth_of(self, article: Article, base: str) -> dict:
        return {
            "article_id": str(article.id),
            "url": base + article.path,
            "title": article.title,
            "section": article.section,
            "published_at": article.published_utc,
            "published_at_raw": article.date_raw,
            "summary": article.summary,
            "body": article.body_text,
            "headings": article.headings,
            "image_credits": [c.as_dict() for c in article.credits],
            "related": [base + self.articles[i].path for i in article.related_ids],
            "tags": article.tags,
            "listed": article.listed,
        }
