"""Signals of this project, sent through the crawler's signal manager."""

# Sent by the store pipeline around each flush: items in the buffer when a flush starts are durable
# (stored or dead-lettered) once it is done. Distributed mode releases its taken requests then.
store_flush_started = object()
store_flush_done = object()
