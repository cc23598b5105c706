"""The request/answer path between the engine and the sites: Scrapy downloader middlewares and what
only they use. Politeness (`politeness.py`, taking its turn in the one pace per host that fetches,
renders and an app's calls share: `newscrawler.pacing`), hosts that ask us to slow down (`throttling.py`), answers that are no
page to parse (`refusals.py`), conditional requests and their 304s (`conditional.py`), consent and
cookie walls on the way through redirects (`consent.py`), answers cut short of their
`Content-Length` (`cut_short.py`) and the one TLS policy for certificates (`tls.py`).
"""
