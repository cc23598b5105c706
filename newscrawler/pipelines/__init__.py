"""Item pipelines, one per module, in `ITEM_PIPELINES` order: dates, image credits, dedupe, store."""
