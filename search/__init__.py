"""The archive: its contract (`archive.py`), the query language, both backends, article
sets and the WARC evidence store. Knows nothing of Scrapy, HTTP or export formats."""
