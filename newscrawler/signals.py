"""Signals of this project, sent through the crawler's signal manager."""

# Sent by the dedupe pipeline when it drops a duplicate: `key` (the kept article's `_id`) and
# `urls` (the duplicate's URLs) must end up in the stored document's `aliases`.
alias_found = object()
