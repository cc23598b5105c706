"""How close an extracted text is to a reference: token F1, and how much of a reference opening
the text begins with, whether a date is a reference instant's. Shared by the tests and
`bench/extract.py`."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta, timezone


def tokens(text: str | None) -> list[str]:
    return re.findall(r"\w+", (text or "").lower())


def token_f1(got: str | None, expected: str) -> float:
    a, b = Counter(tokens(got)), Counter(tokens(expected))
    common = sum((a & b).values())
    return 0.0 if not common else 2 * common / (sum(a.values()) + sum(b.values()))


def opening_recall(got: str | None, opening: str) -> float:
    """How much of the reference opening the text begins with (its first words, twice as many)."""
    expected = Counter(tokens(opening))
    start = Counter(tokens(got)[: 2 * sum(expected.values())])
    return sum((expected & start).values()) / max(sum(expected.values()), 1)


def at_instant(answer: str | None, instant: str, unit: str) -> bool:
    """An answer against a reference instant (UTC). Its day, as it tells it, is right when some offset
    in use (UTC-12 to UTC+14) makes the instant that day; its minute, when it is the instant's (an
    answer with an offset) or when some whole quarter-hour offset in that range makes it so (a local
    time without one)."""
    if not answer:
        return False
    reference = datetime.fromisoformat(instant.replace("Z", "+00:00"))
    try:
        given = datetime.fromisoformat(answer)
    except ValueError:
        return False
    naive = reference.replace(tzinfo=None)
    if unit == "day":
        # The day as the answer tells it (in its own offset, if any): the publisher's day.
        return any((naive + timedelta(hours=h)).date() == given.date() for h in (-12, 0, 14))
    if given.tzinfo is not None:
        return given.astimezone(timezone.utc).replace(second=0, microsecond=0) == reference.replace(second=0, microsecond=0)
    if len(answer) <= 10:
        return False
    shift = (given.replace(second=0, microsecond=0) - naive.replace(second=0, microsecond=0)).total_seconds()
    return -12 * 3600 <= shift <= 14 * 3600 and shift % 900 == 0
