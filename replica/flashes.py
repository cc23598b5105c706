"""Breaking-news flashes of the replica's app mode (`docs/live-site.md`, "Breaking-news flashes").

Each edition has its own timeline of flashes, with ids of its own that grow with time and have gaps.
A flash is known from its publication on: corrections (title or text changed, `updatedAt` moved) and
its removal are dated, so that the API can answer as of any moment: a replica that publishes in real
time (`replica.publishing`) schedules them ahead, tests between two crawls make them happen now.
Vote counts are no edit: they change all the time, and `updatedAt` does not move with them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from html import escape

from .content import NEWEST_DEFAULT

FIRST_FLASH_ID = 5001
SOURCES = [("https://www.reuters.com/markets/crypto", "Reuters"), ("https://www.coindesk.com/markets", "CoinDesk"),
           ("https://x.com/whale_alert", "Whale Alert"), ("https://www.sec.gov/news", "SEC")]
KOREAN_SOURCES = [("https://www.yna.co.kr/economy", "연합뉴스"), ("https://www.blockmedia.co.kr", "블록미디어"),
                  ("https://x.com/whale_alert", "웨일알러트")]
COINS = ["BTC", "ETH", "SOL", "XRP", "DOGE", "ADA"]
ENGLISH_EVENTS = [
    "{coin} rises above ${price:,} on Binance", "{coin} falls below ${price:,} on Coinbase",
    "Whale moves {amount:,} {coin} to an exchange", "{exchange} suspends {coin} deposits for maintenance",
    "{exchange} to list {coin} perpetual futures", "Regulators open a review of {exchange}",
]
ENGLISH_LINES = [
    "The move came within minutes of the announcement.", "Trading volume doubled over the past hour.",
    "The exchange said withdrawals are not affected.", "Analysts expect volatility to stay high today.",
    "The transfer was flagged by on-chain trackers.", "Funding rates turned negative on several venues.",
]
KOREAN_TAGS = ["[속보]", "[특징주]", "[시황]", ""]
KOREAN_EVENTS = [
    "{coin}, {price:,}달러 돌파", "{coin}, {price:,}달러 하회", "고래, {coin} {amount:,}개 거래소로 이체",
    "{exchange}, {coin} 입금 일시 중단", "{exchange}, {coin} 무기한 선물 상장 예정",
]
KOREAN_LINES = [
    "발표 직후 수 분 만에 시세가 움직였다.", "최근 1시간 거래량이 두 배로 늘었다.", "거래소는 출금에는 영향이 없다고 밝혔다.",
    "시장에서는 변동성이 이어질 것으로 보고 있다.", "온체인 추적 서비스가 이체를 포착했다.",
]
EXCHANGES = ["Binance", "Upbit", "Bithumb", "Coinbase", "OKX"]


@dataclass
class FlashText:
    """A flash's title and paragraphs from a moment on: the first is the flash as published, each
    later one a correction (`at` its `updatedAt`). A paragraph may hold lines (a `<br>` apart)."""

    at: datetime
    title: str
    paragraphs: list[str]


@dataclass
class Flash:
    id: int
    published: datetime
    texts: list[FlashText]
    important: bool
    link: str | None
    link_title: str | None
    bull: int
    bear: int
    markup: int  # how its `content` is written: 0 `<p>`s, 1 `<br><br>` between paragraphs, 2 `<p>`s with `<br>` lines
    removed_at: datetime | None = None
    votes_per_minute: float = 0.0  # a publishing replica's readers keep voting

    def text_at(self, now: datetime) -> FlashText:
        return [text for text in self.texts if text.at <= now][-1] if self.texts[0].at <= now else self.texts[0]

    def visible_at(self, now: datetime) -> bool:
        return self.published <= now and (self.removed_at is None or now < self.removed_at)

    def votes_at(self, now: datetime) -> tuple[int, int]:
        minutes = max(0.0, (now - self.published).total_seconds() / 60)
        grown = int(minutes * self.votes_per_minute)
        return self.bull + grown, self.bear + grown // 3

    def content_html(self, now: datetime) -> str:
        paragraphs = [escape(p).replace("\n", "<br>") for p in self.text_at(now).paragraphs]
        if self.markup == 1:
            return "<br><br>".join(paragraphs)
        return "".join(f"<p>{p}</p>" for p in paragraphs)

    def row(self, now: datetime) -> dict:
        text = self.text_at(now)
        bull, bear = self.votes_at(now)
        return {"id": self.id, "title": text.title, "content": self.content_html(now), "publishAt": iso_z(self.published),
                "updatedAt": iso_z(text.at), "bullCount": bull, "bearCount": bear, "isImportant": self.important,
                "link": self.link, "linkTitle": self.link_title}

    def body_text(self, now: datetime) -> str:
        """The text as the crawler stores it: paragraphs a blank line apart, lines of one a newline apart."""
        return "\n\n".join(self.text_at(now).paragraphs)


class FlashTimeline:
    """One edition's flashes: deterministic from (seed, count, newest, language)."""

    def __init__(self, seed: int = 1, count: int = 20, newest: datetime = NEWEST_DEFAULT, language: str = "en"):
        self.rng = random.Random(seed)
        self.language = language
        self.flashes: dict[int, Flash] = {}
        self.next_id = FIRST_FLASH_ID
        moments, moment = [], newest
        for _ in range(count):
            moments.append(moment)
            moment -= timedelta(seconds=self.rng.randint(40, 1500))
        for moment in reversed(moments):  # ids grow with time
            self.create(moment)

    # -- generation ------------------------------------------------------------------------------
    def create(self, published: datetime, votes_per_minute: float = 0.0) -> Flash:
        flash_id = self.next_id
        self.next_id += self.rng.choice([1, 1, 1, 2, 5])  # gaps: ids of other products, flashes never shown
        korean = self.language == "ko"
        source = self.rng.choice(KOREAN_SOURCES if korean else SOURCES) if self.rng.random() < 0.6 else (None, None)
        paragraphs = self.rng.sample(KOREAN_LINES if korean else ENGLISH_LINES, self.rng.randint(1, 3))
        markup = flash_id % 3
        if markup == 2 and len(paragraphs) > 1:
            paragraphs[0] = paragraphs[0] + "\n" + paragraphs.pop(1)  # two lines of one paragraph
        flash = Flash(flash_id, published.replace(microsecond=0), [FlashText(published.replace(microsecond=0),
                      self.title(flash_id), paragraphs)], important=self.rng.random() < 0.2, link=source[0],
                      link_title=source[1], bull=self.rng.randint(0, 40), bear=self.rng.randint(0, 15), markup=markup,
                      votes_per_minute=votes_per_minute)
        self.flashes[flash_id] = flash
        return flash

    def title(self, flash_id: int) -> str:
        values = {"coin": self.rng.choice(COINS), "price": self.rng.randrange(1, 120) * 1000,
                  "amount": self.rng.randrange(1, 90) * 1000, "exchange": self.rng.choice(EXCHANGES)}
        if self.language == "ko":
            tag = self.rng.choice(KOREAN_TAGS)
            return f"{tag + ' ' if tag else ''}{self.rng.choice(KOREAN_EVENTS).format(**values)}"
        title = self.rng.choice(ENGLISH_EVENTS).format(**values)
        # Tickers written the way traders write them: a title may start with `$`.
        return f"${title}" if flash_id % 7 == 0 else title

    # -- queries ---------------------------------------------------------------------------------
    def newest_first(self, now: datetime) -> list[Flash]:
        visible = [f for f in self.flashes.values() if f.visible_at(now)]
        return sorted(visible, key=lambda f: (f.published, f.id), reverse=True)

    def page(self, now: datetime, limit: int, last_id: int | None = None) -> list[Flash]:
        """A page of the feed: newest first, after the flash `last_id` (ids grow with time)."""
        flashes = self.newest_first(now)
        if last_id is not None:
            flashes = [f for f in flashes if f.id < last_id]
        return flashes[:limit]

    def visible(self, flash_id: int, now: datetime) -> Flash | None:
        flash = self.flashes.get(flash_id)
        return flash if flash is not None and flash.visible_at(now) else None

    # -- changes, now (between two crawls) -------------------------------------------------------
    def add(self, count: int, newest: datetime | None = None, apart: timedelta = timedelta(seconds=20)) -> list[Flash]:
        """`count` new flashes, the last published at `newest` (default: now), `apart` from each other."""
        newest = newest or datetime.now(timezone.utc)
        return [self.create(newest - apart * (count - 1 - index)) for index in range(count)]

    def correct(self, flash_id: int, title: str | None = None, paragraph: str | None = None,
                at: datetime | None = None) -> Flash:
        flash = self.flashes[flash_id]
        last = flash.texts[-1]
        paragraphs = last.paragraphs + [paragraph] if paragraph else list(last.paragraphs)
        flash.texts.append(FlashText((at or datetime.now(timezone.utc)).replace(microsecond=0), title or last.title,
                                     paragraphs))
        return flash

    def remove(self, flash_id: int, at: datetime | None = None) -> Flash:
        flash = self.flashes[flash_id]
        flash.removed_at = at or datetime.now(timezone.utc)
        return flash

    def set_votes(self, flash_id: int, bull: int, bear: int) -> Flash:
        flash = self.flashes[flash_id]
        flash.bull, flash.bear = bull, bear
        return flash


def iso_z(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def flash_editions(seed: int = 1, count: int = 20, newest: datetime = NEWEST_DEFAULT,
                   editions: tuple[str, ...] = ("en", "ko")) -> dict[str, FlashTimeline]:
    """Flash timelines of the editions, each with its own ids (both count from the same number)."""
    return {edition: FlashTimeline(seed + index * 1000, count, newest, language=edition)
            for index, edition in enumerate(editions)}
