"""`python bench/http_loop.py API_URL EDITIONS RESULT_FILE [CONCURRENCY] [RELATED_NAME]`: the floor
of reading the app-mode replica through its API, for bench/app.py.

The same JSON calls a crawl that has learned the app makes, and nothing else: each edition's feed
paged by its cursor (the last row's `lastId` and `lastAt`), every article's call, every page of its
related call, the related articles followed; asyncio and aiohttp over kept-alive connections,
CONCURRENCY calls at once (as many as the crawl may have at the API's host:
CONCURRENT_REQUESTS_PER_DOMAIN), no Scrapy, no browser, no parsing
beyond `json.loads`. What a crawl spends beyond this loop is its own overhead. Writes
`{"articles", "calls", "crawl_s"}` to RESULT_FILE."""

from __future__ import annotations

import asyncio
import json
import sys
import time

import aiohttp

FEED_LIMIT = 50
RELATED_BATCH = 3  # rows per related page: the loop pages until `total`, as the app does


class Loop:
    def __init__(self, api: str, session: aiohttp.ClientSession, concurrency: int, related_name: str):
        self.api, self.session, self.related_name = api, session, related_name
        self.gate = asyncio.Semaphore(concurrency)
        self.calls = 0
        self.seen: set[tuple[str, int]] = set()
        self.tasks: set[asyncio.Task] = set()

    async def get(self, path: str):
        async with self.gate:
            self.calls += 1
            async with self.session.get(self.api + path) as response:
                return json.loads(await response.read()) if response.status == 200 else None

    async def feed(self, edition: str) -> None:
        cursor = ""
        while True:
            rows = await self.get(f"/feed/v1/articles?languageCode={edition}&limit={FEED_LIMIT}{cursor}")
            if not rows:
                return
            for row in rows:
                self.article(edition, row["id"])
            last = rows[-1]
            cursor = f"&lastId={last['id']}&lastAt={last['publishAt']}"

    def article(self, edition: str, article_id: int) -> None:
        if (edition, article_id) in self.seen:
            return
        self.seen.add((edition, article_id))
        task = asyncio.create_task(self.read(edition, article_id))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def read(self, edition: str, article_id: int) -> None:
        await self.get(f"/feed/v1/articles/{article_id}?languageCode={edition}")
        offset, total = 0, 1
        while offset < total:
            page = await self.get(f"/feed/v1/articles/{article_id}/{self.related_name}"
                                  f"?languageCode={edition}&offset={offset}")
            if not page:
                return
            total = page["total"]
            for row in page["rows"]:
                self.article(edition, row["id"])
            offset += RELATED_BATCH


async def run(api: str, editions: list[str], concurrency: int, related_name: str) -> dict:
    connector = aiohttp.TCPConnector(limit=concurrency, keepalive_timeout=60)
    started = time.monotonic()
    async with aiohttp.ClientSession(connector=connector) as session:  # asks gzip, deflate (and br)
        loop = Loop(api, session, concurrency, related_name)
        await asyncio.gather(*(loop.feed(edition) for edition in editions))
        while loop.tasks:
            await asyncio.gather(*list(loop.tasks))
    return {"articles": len(loop.seen), "calls": loop.calls, "crawl_s": round(time.monotonic() - started, 3)}


def main() -> None:
    api, editions, result_file = sys.argv[1], sys.argv[2].split(","), sys.argv[3]
    concurrency = int(sys.argv[4]) if len(sys.argv) > 4 else 8
    related_name = sys.argv[5] if len(sys.argv) > 5 else "related"
    result = asyncio.run(run(api, editions, concurrency, related_name))
    with open(result_file, "w") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main()
