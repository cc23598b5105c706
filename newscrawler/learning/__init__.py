"""Render only to learn: the browser shows which of an app's data calls give which fields, or that
the page the server sends is whole but for a block a call fills in (`recipe.py`); the crawl then
reads other articles from those calls (and plain pages) as ordinary requests (`reads.py`), and
renders a share of them again to check that they still agree (`learner.py`)."""
