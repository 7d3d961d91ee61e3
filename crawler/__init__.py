"""The Homeward crawler: a Scrapy project that finds news articles on the sources
listed in sources.toml and hands them to the processing stages in `pipelines/`.

Entry points: `scrapy crawl news` from the repository root, and
`crawler.run.run_crawl` (what `homeward crawl` and `homeward demo` call).
"""
