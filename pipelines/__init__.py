"""Homeward's processing stages: pure functions over plain data.

Each stage takes and returns plain values (bytes, str, small dataclasses), so the
same function serves the crawler's Scrapy item pipelines (`crawler/item_pipelines.py`),
re-processing of an archive and WARC imports:

    decode.decode_html(body, content_type)      -> Decoded (text + charset used)
    extract.extract_article(html, url)          -> Extracted | None
    language.detect_language(text, declared)    -> "en" | "zh" | ... | None
    relevance.score_relevance(text, title)      -> Relevance(score, terms)

Each stage keeps its defaults in one frozen options object (`DecodeOptions`,
`ExtractOptions`, `LanguageOptions`, `RelevanceOptions`).
"""

import warnings

# jieba 0.42 imports pkg_resources, which warns on every crawl worker start; the
# warning is about jieba's packaging, not about anything a user can act on.
warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
