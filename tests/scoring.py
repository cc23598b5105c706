"""How close an extracted text is to a reference: token F1, and how much of a reference opening
the text begins with. Shared by the tests and `bench/extract.py`."""

from __future__ import annotations

import re
from collections import Counter


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
