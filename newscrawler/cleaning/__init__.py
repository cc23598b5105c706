"""Post-processing rules as pure functions (dates, image credits, content hashes); the pipelines
in `newscrawler.pipelines` apply them to items."""
