"""The `report` export: a document a case file or an NGO report can quote.

A title page (the query or the set, filters, date of export, counts), charts of
coverage over time (articles by publication date, on a true time axis with the
empty periods shown), by year mentioned and by place, each with its numbers as
a table, then one entry per article (title, authors, source, date, URL, its
syndicated copies, capture time, SHA-256, excerpt) with a ready-made citation.
Dates are the publisher's own (an article published 2026-02-10 07:50 +08:00 is
dated 2026-02-10), as on the web page and in the CSV. HTML streams, so a
report of the whole archive runs in constant memory; the articles are read twice
(counts first, entries second) instead of being held. The PDF is laid out by
WeasyPrint, which holds the whole document, so a PDF quotes at most
`PDF_MAX_ENTRIES` articles and says so on its title page (the counts and charts
still cover every article; the HTML report quotes them all).
"""

from __future__ import annotations

import io
import itertools
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from exports.charts import (
    bar_chart,
    bar_period,
    chart_table,
    column_chart,
    date_bars,
    describe,
    year_bars,
)
from exports.job import ExportJob
from exports.masking import initials, mask_text
from homeward.article import Article, parse_published
from search.highlight import make_snippet

PDF_MAX_ENTRIES = 250
EXCERPT_CHARS = 400
CHART_ROWS = 15


@dataclass(slots=True)
class Summary:
    """What the title page and the charts say about all the exported articles."""

    count: int = 0
    published_days: Counter[date] = field(default_factory=Counter)  # the publisher's own date
    mentioned_years: Counter[int] = field(default_factory=Counter)
    places: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    sources: Counter[str] = field(default_factory=Counter)
    first: str | None = None
    last: str | None = None
    names: set[str] = field(default_factory=set)

    def add(self, article: Article, keep_names: bool) -> None:
        self.count += 1
        if article.published:
            published = parse_published(article.published).date()
            self.published_days[published] += 1
            day = published.isoformat()
            self.first = min(self.first or day, day)
            self.last = max(self.last or day, day)
        self.mentioned_years.update(set(article.years))
        self.places.update({place.name for place in article.places})
        self.languages[article.language or "unknown"] += 1
        self.sources[article.source or "unknown"] += 1
        if keep_names:
            self.names.update(article.names)


def summarise(job: ExportJob) -> Summary:
    """Pass one: counts and chart data over every article, unmasked (masking needs the
    real names to hide them from the title page)."""
    summary = Summary()
    for article in job.source():
        summary.add(article, keep_names=job.mask_names)
    return summary


@dataclass(slots=True)
class Entry:
    number: int
    article: Article
    note: str
    excerpt: Markup
    link: str | None  # the URL when it is safe to make a link of it

    @property
    def date(self) -> str:
        published = self.article.published
        return parse_published(published).date().isoformat() if published else "undated"

    def citation(self) -> str:
        """One line a report can quote: who wrote and published what, when, where, the
        syndicated copies merged into it (the same story at other addresses), and the
        capture."""
        article = self.article
        parts = [f"{'; '.join(article.authors)}." if article.authors else ""]
        parts += [
            f"{article.source or article.site_name or 'Unknown source'} ({self.date}).",
            f"“{article.title}”.",
            f"{article.url}.",
        ]
        if article.duplicates:
            parts.append(f"Also published at: {'; '.join(article.duplicates)}.")
        if article.evidence:
            parts.append(
                f"Captured {article.evidence.captured_at}, SHA-256 {article.evidence.sha256}."
            )
        return " ".join(part for part in parts if part)


def entries(job: ExportJob, limit: int | None) -> Iterator[Entry]:
    """Pass two: the articles as report entries, masked when asked."""
    numbered = enumerate(job.entries(), start=1)
    for number, (article, note) in itertools.islice(numbered, limit):
        excerpt = Markup(make_snippet(article.text, job.highlight, size=EXCERPT_CHARS))  # noqa: S704 - make_snippet escapes
        link = article.url if article.url.startswith(("http://", "https://")) else None
        yield Entry(number=number, article=article, note=note, excerpt=excerpt, link=link)


_environment = Environment(
    loader=PackageLoader("exports", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def context(job: ExportJob, summary: Summary, limit: int | None) -> dict[str, Any]:
    shown = summary.count if limit is None else min(limit, summary.count)
    hide = summary.names if job.mask_names else set()
    filters = {
        name: [initials(v) if job.mask_names and name == "person" else v for v in values]
        for name, values in job.filters.items()
        if values
    }
    if job.mask_names:
        hide |= set(job.filters.get("person", []))
    return {
        "job": job,
        "title": mask_text(job.title, hide),
        "query": mask_text(job.query, hide),
        "set_note": mask_text(job.set_note, hide),
        "set_name": mask_text(job.set_name, hide),
        "filters": filters,
        "summary": summary,
        "shown": shown,
        "limited": limit is not None and shown < summary.count,
        "charts": {
            **time_charts(summary),
            "places": bar_chart("Articles by place", _top(summary.places.items(), CHART_ROWS)),
        },
        "chart_rows": CHART_ROWS,
        "entries": entries(job, limit),
    }


def time_charts(summary: Summary) -> dict[str, Markup]:
    """Coverage over time (by publication date, a bar a day, week, month or year as the
    span asks) and years mentioned, both on true axes, each followed by its table."""
    _, published = date_bars(summary.published_days)
    mentioned = year_bars(summary.mentioned_years)
    return {
        "published": column_chart(
            published,
            chart_id="chart-published",
            title="Articles by publication date",
            description=describe(published),
        )
        + chart_table(
            published,
            caption=f"Articles by publication date, per {bar_period(published)} "
            "(periods not listed have none)",
            period=bar_period(published).capitalize(),
        ),
        "mentioned": column_chart(
            mentioned,
            chart_id="chart-mentioned",
            title="Articles by year mentioned in the text",
            description=describe(mentioned),
        )
        + chart_table(
            mentioned,
            caption="Articles by year mentioned in the text (years not listed have none)",
            period="Year mentioned",
        ),
    }


def _top(counts: Iterable[tuple[str, int]], size: int) -> list[tuple[str, int]]:
    return sorted(counts, key=lambda item: (-item[1], item[0]))[:size]


def write_report(job: ExportJob, out: IO[bytes]) -> int:
    """The report as HTML (streamed) or PDF (`job.report_format`); how many entries it quotes."""
    summary = summarise(job)
    template = _environment.get_template("report.html")
    if job.report_format == "pdf":
        values = context(job, summary, PDF_MAX_ENTRIES)
        html = "".join(template.generate(**values, for_pdf=True))
        _pdf(html, out)
        return values["shown"]
    values = context(job, summary, None)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n")  # type: ignore[type-var]
    try:
        for chunk in template.generate(**values, for_pdf=False):
            text.write(chunk)
    finally:
        text.flush()
        text.detach()
    return values["shown"]


def _pdf(html: str, out: IO[bytes]) -> None:
    from weasyprint import HTML  # lazy: a second to load, and only PDF reports need it

    # Nothing in a report comes from outside (charts are inline SVG): refuse every fetch.
    try:
        from weasyprint.urls import URLFetcher  # lazy: as above

        fetcher: Any = URLFetcher(allowed_protocols=("data",))
    except ImportError:  # WeasyPrint < 66 takes a function

        def fetcher(url: str, *args: object, **kwargs: object) -> Any:
            raise ValueError(f"reports load nothing from outside ({url})")

    HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(out)
