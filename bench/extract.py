"""`python bench/extract.py`: the generic site's extraction on the pages the tests ship, beside the
anchors installed with it (trafilatura, htmldate; newspaper4k when `bench/requirements.txt` is
installed), column for column.

Sets: real pages with references written by others, split into the part rules are tuned on and a
part only measured (`is_measured_only`): newspaper4k's and goose's test pages (`tests/data/publishers`:
their text as reference, whole for newspaper4k's, the opening for goose's; headline and date read by
hand), mozilla/readability's pages of real sites (`tests/data/readability`: the text its authors
expect, the publication time of its metadata) and postlight/parser's publisher pages
(`tests/data/postlight`: the headline and publication instant its site extractors' tests expect);
then publisher-like and replica pages (`tests/data/generic`, `tests/data/pages`). Columns:
publication day right (pages that state one; against a reference instant, the day some offset in
use makes it), minute right (pages that state a time; a reference at a whole hour may be a day's
start and is not counted), title exact, body token F1 (mean, and the share of pages at 0.9 or more;
whole references), text begins as the reference (openings), image credits found (of those
expected), pages whose text still carries a credit, pages refused."""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import logging
import warnings
from collections import Counter
from datetime import datetime, timezone

from common import ROOT, machine, save

from newscrawler.extract import extract_article  # noqa: E402
from scoring import at_instant, opening_recall, token_f1  # noqa: E402

DATA = ROOT / "tests" / "data"
COLUMNS = ["date_day", "date_minute", "title_exact", "body_f1_mean", "body_f1_ge_0.9", "opening_right",
           "credits_found", "credit_leaks", "refused"]


def publisher_pages() -> list[dict]:
    found = []
    for path in sorted((DATA / "publishers").glob("*.json")):
        case = json.loads(path.read_text())
        expected = case["expected"]
        found.append({"name": path.stem, "html": gzip.decompress(path.with_suffix(".html.gz").read_bytes()).decode(),
                      "url": case["url"], "title": expected.get("title"), "body": case.get("reference_body"),
                      "opening": case.get("reference_opening"), "local": expected.get("published_at_local"),
                      "credits": expected.get("image_credits")})
    return found


def is_measured_only(name: str) -> bool:
    """The part of a set never looked at while rules change: a third of the pages, by the SHA-256 of
    their names (first hex digit 0 to 4), fixed whatever is added later."""
    return hashlib.sha256(name.encode()).hexdigest()[0] in "01234"


def readability_pages() -> list[dict]:
    """mozilla/readability's test pages of real sites, with the text and title its authors expect
    (`tests/data/readability`, made by its make_set.py)."""
    found = []
    for path in sorted((DATA / "readability").glob("*.json")):
        case = json.loads(path.read_text())
        published = (case.get("published") or "").replace(" ", "T", 1)
        # An offset makes it an instant (compared as such); without one it is the local time.
        stated = datetime.fromisoformat(published) if published else None
        instant = stated.astimezone(timezone.utc).isoformat() if stated and stated.tzinfo else None
        # Its titles are the documents' (`Headline - Site`, `Site: Section`), not headlines: the
        # title column is scored on the other sets only.
        found.append({"name": path.stem, "html": gzip.decompress(path.with_suffix(".html.gz").read_bytes())
                      .decode("utf-8", "replace"), "url": case["url"], "title": None,
                      "body": case["reference_body"], "local": None if instant else published[:19] or None,
                      "instant": instant,
                      "credits": None})
    return found


def postlight_pages() -> list[dict]:
    """postlight/parser's publisher pages, with the title, publication instant (UTC) and opening its
    site extractors' tests expect (`tests/data/postlight`, made by its make_set.py)."""
    found = []
    for path in sorted((DATA / "postlight").glob("*.json")):
        case = json.loads(path.read_text())
        found.append({"name": "postlight/" + path.stem, "html": gzip.decompress(path.with_suffix(".html.gz")
                      .read_bytes()).decode("utf-8", "replace"), "url": case["url"], "title": case["title"],
                      # Its openings are of the parser's content, a lead picture's caption and all: not scored.
                      "opening": None, "local": None, "instant": case.get("published"),
                      "credits": None})
    return found


def shipped_pages() -> list[dict]:
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


# -- extractors: each returns {title, body, local, credits} as far as it reads them ----------------
def newscrawler(page: dict) -> dict:
    try:
        item = extract_article(page["html"], page["url"])
    except ValueError:
        return {"refused": True}
    return {"title": item["title"], "body": item["body"], "local": item["published_at_local"],
            "instant": item["published_at"], "credits": [c["text"] for c in item["image_credits"]]}


def trafilatura_anchor(page: dict) -> dict:
    import trafilatura

    result = trafilatura.bare_extraction(page["html"], url=page["url"], with_metadata=True)
    if result is None:
        return {"refused": True}
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
    article = Article(page["url"], fetch_images=False)
    try:
        article.download(input_html=page["html"])
        article.parse()
    except Exception:  # noqa: BLE001 - an anchor's failure on a page is its empty answer
        return {"refused": True}
    published = article.publish_date
    instant = published.astimezone(timezone.utc).isoformat() if published and published.tzinfo else None
    return {"title": article.title, "body": article.text, "local": published.isoformat() if published else None,
            "instant": instant}


# -- scoring ----------------------------------------------------------------------------------------
def score(pages_: list[dict], extractor) -> dict | None:
    counts = Counter()
    f1s = []
    for page in pages_:
        got = extractor(page)
        if got is None:
            return None  # the anchor is not installed
        counts["refused"] += bool(got.get("refused"))
        expected_local, local = page["local"] or "", got.get("local") or ""
        counts["timed"] += len(got.get("instant") or local) > 10
        if page.get("instant"):
            counts["day_total"] += 1
            counts["day"] += at_instant(local or got.get("instant"), page["instant"], "day")  # the publisher's day
            if page["instant"][14:19] != "00:00":  # a whole hour may be a day's start in some zone
                counts["minute_total"] += 1
                counts["minute"] += at_instant(got.get("instant") or local, page["instant"], "minute")
        elif expected_local:
            counts["day_total"] += 1
            counts["day"] += local[:10] == expected_local[:10]
        if len(expected_local) > 10 and not page.get("instant"):
            counts["minute_total"] += 1
            counts["minute"] += local[:16] == expected_local[:16]
        if page["title"] and "title" in got or got.get("refused"):
            counts["title_total"] += 1
            counts["title"] += got.get("title") == page["title"]
        if "body" in got or got.get("refused"):
            if page.get("body"):
                f1s.append(token_f1(got.get("body"), page["body"]))
            if page.get("opening"):
                counts["opening_total"] += 1
                counts["opening"] += opening_recall(got.get("body"), page["opening"]) >= 0.85
            counts["bodies"] += 1
            counts["leaks"] += any(c in (got.get("body") or "") for c in (page["credits"] or []))
        if page["credits"] and ("credits" in got or got.get("refused")):
            counts["credits_total"] += len(page["credits"])
            counts["credits"] += len(set(got.get("credits") or []) & set(page["credits"]))

    def share(part: str, whole: str):
        return round(counts[part] / counts[whole], 3) if counts[whole] else None

    # An extractor that never tells a time (trafilatura, htmldate) has no minute column.
    return {"date_day": share("day", "day_total"),
            "date_minute": share("minute", "minute_total") if counts["timed"] else None,
            "title_exact": share("title", "title_total"),
            "body_f1_mean": round(sum(f1s) / len(f1s), 3) if f1s else None,
            "body_f1_ge_0.9": round(sum(x >= 0.9 for x in f1s) / len(f1s), 3) if f1s else None,
            "opening_right": share("opening", "opening_total"),
            "credits_found": f"{counts['credits']}/{counts['credits_total']}" if counts["credits_total"] else None,
            "credit_leaks": share("leaks", "bodies"), "refused": f"{counts['refused']}/{len(pages_)}"}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", default="extract")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")  # the anchors' own warnings about the pages
    logging.disable(logging.WARNING)   # and our own: a page without a date is a figure here, not news
    real = publisher_pages() + readability_pages() + postlight_pages()
    sets = {"real pages, tuned on (tests/data/publishers, readability, postlight)":
            [page for page in real if not is_measured_only(page["name"])],
            "real pages, measured only (never looked at while changing rules)":
            [page for page in real if is_measured_only(page["name"])],
            "publisher-like and replica pages (tests/data/generic, tests/data/pages)": shipped_pages()}
    extractors = (("newscrawler generic", newscrawler), ("trafilatura", trafilatura_anchor),
                  ("htmldate", htmldate_anchor), ("newspaper4k", newspaper4k_anchor))
    results = {"machine": machine(), "sets": {}}
    for set_name, cases in sets.items():
        rows = {name: score(cases, extractor) for name, extractor in extractors}
        results["sets"][set_name] = {"pages": len(cases), "extractors": rows}
        print(f"\n{set_name}: {len(cases)} pages")
        print("| extractor | " + " | ".join(COLUMNS) + " |")
        print("|---" * (len(COLUMNS) + 1) + "|")
        for name, row in rows.items():
            if row is None:
                print(f"| {name} | not installed (pip install -r bench/requirements.txt) |")
                continue
            print(f"| {name} | " + " | ".join("–" if row[c] is None else str(row[c]) for c in COLUMNS) + " |")
    print("results:", save(args.results, results))


if __name__ == "__main__":
    main()
