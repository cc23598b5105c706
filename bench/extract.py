"""`python bench/extract.py`: the generic site's extraction on the pages the tests ship, beside the
anchors installed with it (trafilatura, htmldate), column for column.

Pages: `tests/data/generic/*.html` (publisher-like pages with expected fields) and the replica's
saved pages `tests/data/pages/*.html.gz`. Columns: publication day right, minute right (pages that
state a time), title exact, body token F1 (mean, and the share of pages at 0.9 or more), image
credits found (of those expected), pages whose body still carries a credit."""

from __future__ import annotations

import argparse
import gzip
import json
import re
from collections import Counter
from datetime import datetime

from common import ROOT, machine, save

from newscrawler.extract import extract_article  # noqa: E402

DATA = ROOT / "tests" / "data"


def publisher_pages() -> list[dict]:
    """Real publishers' pages (tests/data/publishers): title and date checked by hand, the
    reference body is newspaper4k's own text of the page."""
    found = []
    for path in sorted((DATA / "publishers").glob("*.json")):
        case = json.loads(path.read_text())
        expected = case["expected"]
        found.append({"name": path.stem, "html": gzip.decompress(path.with_suffix(".html.gz").read_bytes()).decode(),
                      "url": case["url"], "title": expected["title"], "body": case["reference_body"],
                      "local": expected.get("published_at_local"), "credits": expected.get("image_credits")})
    return found


def pages() -> list[dict]:
    found = []
    for path in sorted((DATA / "generic").glob("*.html")):
        case = json.loads(path.with_suffix(".json").read_text())
        expected = case["expected"]
        found.append({"name": path.stem, "html": path.read_text(), "url": case["url"], "title": expected["title"],
                      "body": expected["body"], "local": expected.get("published_at_local"),
                      "credits": [c["text"] for c in expected.get("image_credits", [])]})
    for path in sorted((DATA / "pages").glob("*.html.gz")):
        case = json.loads(path.with_name(path.name.replace(".html.gz", ".json")).read_text())
        expected = case["expected"]
        shown = datetime.strptime(expected["published_at_raw"], "%B %d, %Y, %I:%M %p").isoformat()
        found.append({"name": path.name, "html": gzip.decompress(path.read_bytes()).decode(), "url": case["url"],
                      "title": expected["title"], "body": expected["body"], "local": shown,
                      "credits": [c["text"] for c in case.get("credits", [])] or None})
    return found


def tokens(text: str | None) -> Counter:
    return Counter(re.findall(r"\w+", (text or "").lower()))


def f1(got: str | None, expected: str) -> float:
    a, b = tokens(got), tokens(expected)
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def newscrawler(page: dict) -> dict:
    try:
        item = extract_article(page["html"], page["url"])
    except ValueError:
        return {}
    return {"title": item["title"], "body": item["body"], "local": item["published_at_local"],
            "credits": [c["text"] for c in item["image_credits"]]}


def trafilatura_anchor(page: dict) -> dict:
    import trafilatura

    result = trafilatura.bare_extraction(page["html"], url=page["url"], with_metadata=True)
    if result is None:
        return {}
    data = result.as_dict() if hasattr(result, "as_dict") else result
    return {"title": data.get("title"), "body": data.get("text"), "local": data.get("date")}


def htmldate_anchor(page: dict) -> dict:
    from htmldate import find_date

    return {"local": find_date(page["html"], url=page["url"], original_date=True)}


def newspaper4k_anchor(page: dict) -> dict | None:
    try:
        from newspaper import Article
    except ImportError:
        return None
    article = Article(page["url"])
    try:
        article.download(input_html=page["html"])
        article.parse()
    except Exception:  # noqa: BLE001 - an anchor's failure on a page is its empty answer
        return {}
    published = article.publish_date
    return {"title": article.title, "body": article.text, "local": published.isoformat() if published else None}


def score(pages_: list[dict], extractor) -> dict | None:
    day = day_total = minute = minute_total = title = credits_found = credits_total = leaks = 0
    f1s = []
    for page in pages_:
        got = extractor(page)
        if got is None:
            return None  # the anchor is not installed
        expected_local = page["local"] or ""
        local = got.get("local") or ""
        if expected_local:
            day_total += 1
            day += local[:10] == expected_local[:10]
        if len(expected_local) > 10:
            minute_total += 1
            minute += local[:16] == expected_local[:16]
        title += got.get("title") == page["title"]
        if "body" in got:
            f1s.append(f1(got.get("body"), page["body"]))
            leaks += any(c in (got.get("body") or "") for c in (page["credits"] or []))
        if page["credits"] is not None and "credits" in got:
            credits_total += len(page["credits"])
            credits_found += len(set(got["credits"]) & set(page["credits"]))
    n = len(pages_)
    return {"date_day": round(day / max(day_total, 1), 3), "date_minute": round(minute / max(minute_total, 1), 3),
            "title_exact": round(title / n, 3) if f1s or title else None,
            "body_f1_mean": round(sum(f1s) / len(f1s), 3) if f1s else None,
            "body_f1_ge_0.9": round(sum(x >= 0.9 for x in f1s) / len(f1s), 3) if f1s else None,
            "credits_found": f"{credits_found}/{credits_total}" if credits_total else None,
            "credit_leaks": round(leaks / len(f1s), 3) if f1s else None}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", default="extract")
    args = parser.parse_args()
    sets = {"real publishers' pages (tests/data/publishers)": publisher_pages(),
            "publisher-like and replica pages (tests/data/generic, tests/data/pages)": pages()}
    results = {"machine": machine(), "sets": {}}
    extractors = (("newscrawler generic", newscrawler), ("trafilatura", trafilatura_anchor),
                  ("htmldate", htmldate_anchor), ("newspaper4k", newspaper4k_anchor))
    columns = ["date_day", "date_minute", "title_exact", "body_f1_mean", "body_f1_ge_0.9", "credits_found", "credit_leaks"]
    for set_name, cases in sets.items():
        rows = {name: score(cases, extractor) for name, extractor in extractors}
        results["sets"][set_name] = {"pages": len(cases), "extractors": rows}
        print(f"\n{set_name}: {len(cases)} pages")
        print("| extractor | " + " | ".join(columns) + " |")
        print("|---" * (len(columns) + 1) + "|")
        for name, row in rows.items():
            if row is None:
                print(f"| {name} | not installed |")
                continue
            print(f"| {name} | " + " | ".join("–" if row[c] is None else str(row[c]) for c in columns) + " |")
    print("results:", save(args.results, results))


if __name__ == "__main__":
    main()
