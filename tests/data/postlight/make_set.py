"""Builds this folder from a checkout of postlight/parser (`python make_set.py REPO`): the publisher
pages of its `fixtures/`, each as `<name>.html.gz`, with `<name>.json` holding what the test of that
site's extractor (`src/extractors/custom/<host>/index.test.js`, its first case) expects: the URL the
test gives the page (its meta tags' `content` given back: see `meta_as_served`), the title, the publication instant (UTC) and the text's first words. Those
expectations were written by the parser's authors and contributors, one site at a time."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
# A JavaScript string literal in any of its three quotes.
STRING = r"""('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`)"""


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(repo), *args], capture_output=True, check=True).stdout.decode()


def js_string(literal: str) -> str:
    body = literal[1:-1]
    return re.sub(r"\\(u[0-9a-fA-F]{4}|.)", lambda m: chr(int(m.group(1)[1:], 16)) if len(m.group(1)) == 5
                  else {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


def expectation(test: str, name: str) -> str | None:
    """The first `assert.equal(<name>, '...')` of the test; None where it expects null or nothing."""
    found = re.search(rf"assert\.equal\(\s*{name},\s*{STRING}", test)
    return js_string(found.group(1)) if found else None


def meta_as_served(source: bytes) -> bytes:
    """The fixtures were saved after the parser had renamed every `<meta content=...>` to `value=`
    (its own preparation of a page); a page whose meta tags all say `value` gets `content` back, as
    the publisher served it."""
    if re.search(rb"<meta\b[^>]*\scontent=", source):
        return source
    return re.sub(rb"(<meta\b[^>]*?\s)value=", rb"\1content=", source)


def first_case(test: str) -> dict | None:
    url = re.search(rf"\burl\s*=\s*{STRING}", test)
    fixture = re.search(r"readFileSync\(\s*'\./fixtures/([^']+)'", test)
    if not url or not fixture:
        return None
    return {"url": js_string(url.group(1)), "fixture": fixture.group(1), "title": expectation(test, "title"),
            "published": expectation(test, "date_published"), "opening": expectation(test, "first13")}


def main(repo: Path) -> None:
    tests = [p for p in git(repo, "ls-tree", "-r", "--name-only", "HEAD", "src/extractors/custom/").split()
             if p.endswith("index.test.js")]
    kept = 0
    for path in tests:
        case = first_case(git(repo, "show", f"HEAD:{path}"))
        if case is None or not case["title"]:
            continue
        source = subprocess.run(["git", "--git-dir", str(repo), "show", f"HEAD:fixtures/{case['fixture']}"],
                                capture_output=True, check=True).stdout
        source = meta_as_served(source)
        name = case.pop("fixture").removesuffix(".html")
        case["source"] = "postlight/parser fixtures and extractor tests (Apache License 2.0)"
        (HERE / f"{name}.html.gz").write_bytes(gzip.compress(source, mtime=0))
        (HERE / f"{name}.json").write_text(json.dumps(case, ensure_ascii=False, indent=1) + "\n")
        kept += 1
    print(f"{kept} pages")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
