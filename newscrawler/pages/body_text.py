"""The text a reader reads in an element, in order, as blocks: every paragraph, heading, list item,
quote, definition and table row, whether the page marks it with `<p>` or lays it out with `<div>`s,
`<br>`s or bare text; a row's cells on one line, code with its lines and their indentation.

Read by walking the tree without recursion, so that markup thousands of elements deep is read like
any other.
"""

from __future__ import annotations

from lxml import etree

from ..text import clean_text

# Elements that begin and end a block of text; any other element is part of the line it is in.
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "li",
    "main", "nav", "ol", "p", "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul", "html",
}
SUBHEADING_TAGS = {"h2", "h3", "h4"}
CELL_TAGS = {"td", "th"}
# What no reader reads as the text: scripts, styles, a form's controls; a picture's caption is the
# picture's, not the text's.
UNREAD_TAGS = {"script", "style", "noscript", "template", "button", "select", "option", "textarea", "svg", "head",
               "title", "figcaption", "iframe", "object", "canvas"}
CELL_SEPARATOR = " | "  # as trafilatura writes a row's cells in its text output


class BlockReader:
    """Collects the lines of one walk: a line ends where a block or a `<br>` does."""

    def __init__(self, unread=lambda element: False):
        self.found: list[tuple[str, str]] = []
        self.line: list[str] = []
        self.kind = "p"
        self.code_depth = 0  # inside `<pre>`: the page's own line breaks and indentation are the text
        self.unread = unread

    def end_line(self) -> None:
        raw = "".join(self.line)
        if self.code_depth:
            text = "\n".join(line.rstrip() for line in raw.split("\n") if line.strip())
        else:
            text = clean_text(raw)
        if text:
            self.found.append((self.kind, text))
        self.line, self.kind = [], "p"

    def add(self, text: str | None) -> None:
        if text:
            self.line.append(text if self.code_depth else text.replace("\n", " "))

    def read(self, root) -> list[tuple[str, str]]:
        walk = etree.iterwalk(root, events=("start", "end"))
        for event, element in walk:
            tag = element.tag.lower() if isinstance(element.tag, str) else None
            if event == "start":
                self.start(tag, element, walk)
            else:
                self.end(tag, element, root)
        self.end_line()
        return self.found

    def start(self, tag, element, walk) -> None:
        if tag is None or tag in UNREAD_TAGS or self.unread(element):
            walk.skip_subtree()  # its tail is still read at its end
            return
        if tag == "pre":
            self.end_line()
            self.code_depth += 1
        elif tag in BLOCK_TAGS:
            self.end_line()
            if tag in SUBHEADING_TAGS:
                self.kind = "h2"
        elif tag == "br":
            if self.code_depth:
                self.line.append("\n")
            else:
                self.end_line()
        elif tag in CELL_TAGS and "".join(self.line).strip():
            self.line.append(CELL_SEPARATOR)
        self.add(element.text)

    def end(self, tag, element, root) -> None:
        skipped = tag is None or tag in UNREAD_TAGS or self.unread(element)
        if not skipped and tag == "pre":
            self.end_line()
            self.code_depth -= 1
        elif not skipped and tag in BLOCK_TAGS:
            self.end_line()
        if element is not root:
            self.add(element.tail)


def text_blocks(container, unread=lambda element: False) -> list[tuple[str, str]]:
    """The text of `container` (a parsel selection; its first element) as ("p" | "h2", text) in
    page order: subheadings (`h2` to `h4`) are "h2", every other block "p". `unread(element)`
    names elements to leave out with what they hold."""
    if not container:
        return []
    return BlockReader(unread).read(container[0].root)
