"""Render only to learn: the browser shows which of an app's data calls give which fields
(`recipe.py`); the crawl then reads other articles from those calls as ordinary requests, and
renders a share of them again to check that they still agree (`learner.py`)."""
