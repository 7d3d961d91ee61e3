"""`homeward rescore`: promote kept off-topic pages that pass after a lexicon or
threshold change, without fetching them again."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click

from cli.options import FiniteFloatRange, archive_option, opened_archive
from cli.terminal import clean_for_terminal, shorten
from crawler.homeward_settings import SettingError, environment_settings
from crawler.state import STORED, SeenStore
from homeward.article import Article
from homeward.paths import archive_state_dir, shown_url
from pipelines.entities import EntityModelError
from pipelines.relevance import relevance_options
from pipelines.rescore import split_by_verdict
from pipelines.retag import retag_articles
from pipelines.triage_model import MarkedArticle, ThresholdFigures, TriageReport, triage_report
from search.archive import Archive
from search.triage import RELEVANT

LISTED = 20


@click.command()
@click.option(
    "--threshold",
    type=FiniteFloatRange(min=0),
    metavar="SCORE",
    help="The score an article needs (default: $HOMEWARD_RELEVANCE_THRESHOLD, then 3).",
)
@click.option(
    "--lexicon",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A topic lexicon file (default: $HOMEWARD_LEXICON, then the one that ships).",
)
@click.option("--dry-run", is_flag=True, help="Only report what would change.")
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The crawl state folder, if not the default (promoted pages are marked stored).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@archive_option
def rescore(
    threshold: float | None,
    lexicon: Path | None,
    dry_run: bool,
    state_dir: Path | None,
    as_json: bool,
    archive_url: str | None,
) -> None:
    """Judge the kept off-topic pages and the stored articles again with the current
    lexicon and threshold. Off-topic pages that now pass become articles (tagged with
    names, places and years; nothing is fetched again). Stored articles that would
    now fail are only reported: nothing is deleted."""
    try:
        configured = environment_settings()
        options = relevance_options(
            threshold if threshold is not None else configured.get("HOMEWARD_RELEVANCE_THRESHOLD"),
            lexicon or configured.get("HOMEWARD_LEXICON"),
        )
    except (SettingError, ValueError) as error:
        raise click.UsageError(str(error)) from error
    with opened_archive(archive_url) as archive:
        kept = archive.count_off_topic()
        promoted: list[Article] = []
        for article, passes in split_by_verdict(archive.iter_off_topic(), options):
            if passes:
                promoted.append(article)
        below = [  # only what the report shows: an archive's texts are not held
            {"id": article.id, "url": article.url, "score": article.relevance}
            for article, passes in split_by_verdict(archive.iter_articles(), options)
            if not passes
        ]
        if promoted and not dry_run:
            try:
                report = archive.upsert(retag_articles(promoted))
            except EntityModelError as error:
                raise click.ClickException(str(error)) from error
            refused = {article_id for article_id, _ in report.failed}
            promoted = [article for article in promoted if article.id not in refused]
            archive.forget_off_topic(article.id for article in promoted)
            archive.refresh()
            _mark_stored(archive_state_dir(archive.url, state_dir), promoted)
        marks = triage_report(_marked(archive), options)
        location = shown_url(archive.url)
    result = {
        "archive": location,
        "threshold": options.threshold,
        "lexicon": str(options.lexicon),
        "kept_off_topic": kept,
        "promoted": [{"id": a.id, "url": a.url, "score": a.relevance} for a in promoted],
        "stored_below_threshold": below,
        "dry_run": dry_run,
        "marks": dataclasses.asdict(marks),
    }
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    verb = "would be promoted" if dry_run else "promoted to articles (nothing fetched again)"
    click.echo(f"{kept} off-topic page(s) kept in {location}; threshold {options.threshold:g}")
    click.echo(f"{len(promoted)} now pass and {verb}")
    for article in promoted[:LISTED]:
        click.echo(f"  + {article.relevance:g}  {shorten(clean_for_terminal(article.url), 100)}")
    click.echo(f"{len(below)} stored article(s) would now score below it (kept; see --json)")
    _echo_marks(marks)


def _marked(archive: Archive) -> list[MarkedArticle]:
    """The marked articles still in the archive, with their verdicts and stored scores."""
    marked: list[MarkedArticle] = []
    for mark in archive.iter_marks():
        article = archive.get(mark.article_id)
        if article is not None:
            marked.append(
                MarkedArticle(
                    article.title or "", article.text, mark.verdict == RELEVANT, article.relevance
                )
            )
    return marked


def _echo_marks(report: TriageReport) -> None:
    """What the triage marks say, in the words an editor of the lexicon needs."""
    click.echo(
        f"triage marks: {report.relevant} relevant, {report.off_topic} not about this topic"
        + ("" if report.relevant + report.off_topic else " (`homeward marks add` or the web page)")
    )
    if not report.relevant + report.off_topic:
        return
    if report.stored:
        click.echo(f"  stored scores, threshold {_figures(report.stored)}")
    click.echo(f"  now,           threshold {_figures(report.current)}")
    if report.best:
        click.echo(f"  best agreement: threshold {_figures(report.best)}")
    if report.model:
        click.echo(
            f"  a model of the lexicon's terms (cross-validated): {_figures(report.model, True)}"
        )
    for weight in report.term_weights[:LISTED]:
        click.echo(
            f"    {weight.model_weight:+.2f}  {weight.term} (lexicon weight "
            f"{weight.lexicon_weight:g}; in {weight.relevant_articles} relevant, "
            f"{weight.off_topic_articles} off-topic)"
        )
    if report.proposed_terms:
        click.echo("  terms the marks suggest for the lexicon (articles relevant / off-topic):")
    for term in report.proposed_terms:
        click.echo(
            f"    {clean_for_terminal(term.term)} [{term.language}]  "
            f"{term.relevant_articles} / {term.off_topic_articles}  (z {term.log_odds:g})"
        )
    for note in report.notes:
        click.echo(f"  note: {note}")


def _figures(figures: ThresholdFigures, model: bool = False) -> str:
    def share(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    prefix = "" if model else f"{figures.threshold:g}: "
    return (
        f"{prefix}precision {share(figures.precision)}, recall {share(figures.recall)} "
        f"({figures.true_positives} relevant pass, {figures.false_positives} marked off-topic "
        f"pass, {figures.false_negatives} marked relevant fail)"
    )


def _mark_stored(state: Path, promoted: list[Article]) -> None:
    """The crawl's memory follows: a promoted page is an article, not an off-topic one."""
    seen = state / "seen.sqlite"
    if not promoted or not seen.exists():
        return
    store = SeenStore(seen)
    try:
        for article in promoted:
            store.mark(article.url, STORED, article_id=article.id, reason="rescored")
    finally:
        store.close()
