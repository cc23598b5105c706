"""Builds this folder from a checkout of mozilla/readability (`python make_set.py REPO`): the real
sites' pages of its `test/test-pages/` (a page of 20 kB or more that readability judges readable),
each as `<name>.html.gz` (its `source.html`) and `<name>.json` (the URL its tests give it, the title
and publication time of its `expected-metadata.json`, and the text of its `expected.html`, one
block a paragraph: the reference body, written by readability's authors)."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

from parsel import Selector

HERE = Path(__file__).parent
BLOCKS = "p, h1, h2, h3, h4, h5, h6, li, blockquote, pre, td, dt, dd, figcaption"
# The page URL readability's own test runner gives every page.
URL = "http://fakehost/test/page.html"


def git_show(repo: Path, path: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(repo), "show", f"HEAD:{path}"], capture_output=True,
                          check=True).stdout


def reference_text(expected_html: str) -> str:
    """The expected article as text: the innermost blocks, in order."""
    sel = Selector(text=expected_html)
    blocks = []
    for node in sel.css(BLOCKS):
        if node.css(BLOCKS)[1:]:
            continue
        text = " ".join(" ".join(node.css("::text").getall()).split())
        if text:
            blocks.append(text)
    return "\n\n".join(blocks)


def main(repo: Path) -> None:
    names = subprocess.run(["git", "--git-dir", str(repo), "ls-tree", "--name-only", "HEAD", "test/test-pages/"],
                           capture_output=True, text=True, check=True).stdout.split()
    kept = 0
    for path in names:
        name = path.rsplit("/", 1)[-1]
        source = git_show(repo, f"{path}/source.html")
        metadata = json.loads(git_show(repo, f"{path}/expected-metadata.json"))
        if len(source) < 20_000 or not metadata.get("readerable", True):
            continue
        expected = git_show(repo, f"{path}/expected.html").decode("utf-8", "replace")
        case = {"url": URL, "source": "mozilla/readability test/test-pages (Apache License 2.0)",
                "title": metadata.get("title"), "published": metadata.get("publishedTime"),
                "reference_body": reference_text(expected)}
        (HERE / f"{name}.html.gz").write_bytes(gzip.compress(source, mtime=0))
        (HERE / f"{name}.json").write_text(json.dumps(case, ensure_ascii=False, indent=1) + "\n")
        kept += 1
    print(f"{kept} pages")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
