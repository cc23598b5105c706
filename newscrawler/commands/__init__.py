"""Project commands for `scrapy <command>`."""
