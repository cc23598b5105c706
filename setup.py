"""Packaging for Scrapyd eggs (`scrapyd-deploy`) and for `pip install -e .`."""

from setuptools import find_packages, setup

setup(
    name="newscrawler",
    version="1.0.0",
    packages=find_packages(include=["newscrawler", "newscrawler.*"]),
    entry_points={"scrapy": ["settings = newscrawler.settings"]},
    package_data={"newscrawler": ["py.typed", "rendering/*.js"]},
    python_requires=">=3.11",
)
