"""Extraction time against page size: `python bench/extract_scaling.py [MB ...]` (default 1 2 4 8).

Builds one article page of each size (paragraphs of distinct text inside `<article>`), reads it with
`extract_article` (the generic site, as `scrapy extract` and a crawl do), and prints the seconds per
MB at each size and the ratio of the largest size's per-MB time to the smallest's: about 1 when the
time grows no faster than the page. Pages over `MAX_PAGE_CHARS` are refused, not read.
"""

from __future__ import annotations

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from newscrawler.extract import extract_article  # noqa: E402
from newscrawler.pages.article import MAX_PAGE_CHARS  # noqa: E402

SENTENCE = "The quick brown fox {n} jumps over the lazy dog near the river bank today. "


def page(megabytes: float) -> str:
    paragraph = "<p>" + SENTENCE * 8 + "</p>\n"
    count = int(megabytes * 1024 * 1024 / len(paragraph))
    body = "".join(paragraph.format(n=i) for i in range(count))
    return ('<html><head><meta property="og:type" content="article"><title>A long article</title></head>'
            f"<body><article><h1>A long article</h1>{body}</article></body></html>")


def main() -> None:
    sizes = [float(arg) for arg in sys.argv[1:]] or [1, 2, 4, 8]
    per_mb = []
    print(f"cap: pages over {MAX_PAGE_CHARS / 1024 / 1024:.0f} MB are refused (page_too_large)")
    for size in sizes:
        html = page(size)
        started = time.perf_counter()
        body = extract_article(html, "https://news.example/2024/05/long-article")["body"]
        seconds = time.perf_counter() - started
        per_mb.append(seconds / size)
        print(f"{size:>4g} MB: {seconds:6.2f} s, {seconds / size:.2f} s/MB, body {len(body) / 1024 / 1024:.1f} MB")
    print(f"growth: {per_mb[-1] / per_mb[0]:.2f}x the per-MB time of {sizes[0]:g} MB at {sizes[-1]:g} MB "
          "(1.00: linear in the page's size)")


if __name__ == "__main__":
    main()
