"""What readers' triage marks say about the relevance stage.

Marks are the only ground truth the archive has about its own topic: a reader
said *relevant* or *not about this topic*. From them `homeward rescore` reports

* the threshold's precision and recall on the marked articles, with the scores the
  articles were stored with and with the lexicon and threshold in force now, and
  the threshold that would agree best with the marks (ties go to the lower one:
  a missed article about a missing child costs more than an extra one to read);
* a small logistic regression (scikit-learn) over the lexicon's own features (how
  often each term matched, and whether the text speaks of children), so an editor
  sees which terms the marks weigh more or less than the lexicon does, and how well
  those features could separate the marks at best (cross-validated);
* candidate terms for the lexicon: words and word pairs (English) and two- and
  three-character strings (Chinese) that occur in more articles marked relevant
  than off-topic, ranked by the z-score of their log odds ratio (with the Haldane
  correction of ½, so a word never seen off-topic is not infinitely good), each shown
  with its counts so a person decides.

Everything here is a proposal: the lexicon stays a file people edit.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from pipelines.relevance import RelevanceOptions, lexicon_counts, load_lexicon, score_relevance

__all__ = [
    "MarkedArticle",
    "ProposedTerm",
    "TermWeight",
    "ThresholdFigures",
    "TriageReport",
    "triage_report",
]

# Below this many marks of either kind a model or a proposal would only echo noise.
MIN_PER_CLASS = 3
FOLDS = 5
PROPOSALS = 15
# A candidate term must occur in at least this many articles marked relevant, and lean
# towards them by at least this z-score (about one standard error).
MIN_ARTICLES = 2
MIN_Z = 1.0
ENGLISH_WORD = re.compile(r"[a-z][a-z'\-]{2,}")
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


@dataclass(slots=True, frozen=True)
class MarkedArticle:
    """One marked article: its text, the reader's verdict and its stored score."""

    title: str
    text: str
    relevant: bool
    stored_score: float | None = None


@dataclass(slots=True, frozen=True)
class ThresholdFigures:
    """How a threshold agrees with the marks."""

    threshold: float
    precision: float | None  # None when the threshold lets nothing marked through
    recall: float | None  # None when nothing is marked relevant
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def f1(self) -> float:
        if not self.precision or not self.recall:
            return 0.0
        return 2 * self.precision * self.recall / (self.precision + self.recall)


@dataclass(slots=True, frozen=True)
class TermWeight:
    """A lexicon term: its weight in the file, what the marks give it, its counts."""

    term: str
    lexicon_weight: float
    model_weight: float
    relevant_articles: int
    off_topic_articles: int


@dataclass(slots=True, frozen=True)
class ProposedTerm:
    """A word the marks suggest for the lexicon, with the counts that say why."""

    term: str
    language: str
    relevant_articles: int
    off_topic_articles: int
    log_odds: float


@dataclass(slots=True)
class TriageReport:
    """Everything `homeward rescore` says about the marks."""

    relevant: int
    off_topic: int
    stored: ThresholdFigures | None  # the scores the articles were stored with
    current: ThresholdFigures  # the lexicon and threshold in force now
    best: ThresholdFigures | None  # the threshold that agrees best with the marks
    model: ThresholdFigures | None = None  # cross-validated logistic regression
    term_weights: list[TermWeight] = field(default_factory=list)
    proposed_terms: list[ProposedTerm] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def threshold_figures(
    scores: Sequence[float], relevant: Sequence[bool], threshold: float
) -> ThresholdFigures:
    """Precision and recall of `score >= threshold` against the marks."""
    passes = [score >= threshold for score in scores]
    tp = sum(1 for p, r in zip(passes, relevant, strict=True) if p and r)
    fp = sum(1 for p, r in zip(passes, relevant, strict=True) if p and not r)
    fn = sum(1 for p, r in zip(passes, relevant, strict=True) if not p and r)
    return ThresholdFigures(
        threshold=threshold,
        precision=tp / (tp + fp) if tp + fp else None,
        recall=tp / (tp + fn) if tp + fn else None,
        true_positives=tp,
        false_positives=fp,
        false_negatives=fn,
    )


def best_threshold(scores: Sequence[float], relevant: Sequence[bool]) -> ThresholdFigures | None:
    """The threshold (one of the scores seen) with the best F1; the lowest on a tie."""
    if not any(relevant):
        return None
    candidates = sorted({score for score in scores if score > 0})
    figures = [threshold_figures(scores, relevant, t) for t in candidates]
    return max(figures, key=lambda f: (round(f.f1, 9), -f.threshold), default=None)


def triage_report(
    marked: Iterable[MarkedArticle], options: RelevanceOptions, propose: int = PROPOSALS
) -> TriageReport:
    """The marks measured against the relevance stage (see the module docstring)."""
    examples = list(marked)
    labels = [example.relevant for example in examples]
    features = [lexicon_counts(e.text, e.title, options) for e in examples]
    scores = [score_relevance(e.text, e.title, options).score for e in examples]
    stored_scores = [e.stored_score for e in examples]
    report = TriageReport(
        relevant=sum(labels),
        off_topic=len(labels) - sum(labels),
        stored=(
            threshold_figures([s or 0.0 for s in stored_scores], labels, options.threshold)
            if examples and all(s is not None for s in stored_scores)
            else None
        ),
        current=threshold_figures(scores, labels, options.threshold),
        best=best_threshold(scores, labels),
    )
    if min(report.relevant, report.off_topic) < MIN_PER_CLASS:
        report.notes.append(
            f"mark at least {MIN_PER_CLASS} articles of each kind for a model and proposed "
            f"terms ({report.relevant} relevant, {report.off_topic} not about this topic so far)"
        )
        return report
    report.model, report.term_weights = _lexicon_model(features, labels, options)
    report.proposed_terms = _proposals(examples, options, propose)
    return report


def _lexicon_model(
    features: list[tuple[Counter[str], bool]], labels: list[bool], options: RelevanceOptions
) -> tuple[ThresholdFigures | None, list[TermWeight]]:
    """A logistic regression over the lexicon's features: its weights per term, and its
    cross-validated agreement with the marks."""
    lexicon = load_lexicon(options.lexicon)
    weights = {term.label: term.weight for term in reversed(lexicon.terms)}
    terms = sorted({label for counts, _ in features for label in counts})
    if not terms:
        return None, []
    matrix = np.array(
        [[math.log1p(counts[t]) for t in terms] + [float(kids)] for counts, kids in features]
    )
    target = np.array(labels, dtype=int)
    model = LogisticRegression(class_weight="balanced", max_iter=1000)
    folds = min(FOLDS, int(target.sum()), int(len(target) - target.sum()))
    predicted = cross_val_predict(
        model, matrix, target, cv=StratifiedKFold(folds, shuffle=True, random_state=0)
    )
    model.fit(matrix, target)
    figures = threshold_figures([float(p) for p in predicted], labels, 0.5)
    present = [
        TermWeight(
            term=label,
            lexicon_weight=weights.get(label, 0.0),
            model_weight=round(float(coefficient), 3),
            relevant_articles=sum(
                1 for (c, _), r in zip(features, labels, strict=True) if r and c[label]
            ),
            off_topic_articles=sum(
                1 for (c, _), r in zip(features, labels, strict=True) if not r and c[label]
            ),
        )
        for label, coefficient in zip(terms, model.coef_[0][: len(terms)], strict=True)
    ]
    present.sort(key=lambda w: (-w.model_weight, w.term))
    return figures, present


def candidate_terms(title: str, text: str) -> set[tuple[str, str]]:
    """The words and word pairs (English) and 2–3 character strings (Chinese) an
    article contains, each once: document frequency is what the proposal counts."""
    whole = f"{title}\n{text}".lower()
    found: set[tuple[str, str]] = set()
    words = [w.strip("'-") for w in ENGLISH_WORD.findall(whole)]
    words = [w for w in words if len(w) > 2]
    for index, word in enumerate(words):
        if word not in ENGLISH_STOP_WORDS:
            found.add((word, "en"))
            following = words[index + 1] if index + 1 < len(words) else ""
            if following and following not in ENGLISH_STOP_WORDS:
                found.add((f"{word} {following}", "en"))
    for run in CJK_RUN.findall(whole):
        for size in (2, 3):
            found.update((run[i : i + size], "zh") for i in range(len(run) - size + 1))
    return found


def _proposals(
    examples: list[MarkedArticle], options: RelevanceOptions, limit: int
) -> list[ProposedTerm]:
    relevant_df: Counter[tuple[str, str]] = Counter()
    off_topic_df: Counter[tuple[str, str]] = Counter()
    for example in examples:
        counter = relevant_df if example.relevant else off_topic_df
        counter.update(candidate_terms(example.title, example.text))
    lexicon = load_lexicon(options.lexicon)
    n_relevant = sum(1 for e in examples if e.relevant)
    n_off = len(examples) - n_relevant
    scored: list[ProposedTerm] = []
    for (term, language), in_relevant in relevant_df.items():
        if in_relevant < MIN_ARTICLES:
            continue
        if any(t.pattern.search(term) for t in lexicon.terms):
            continue  # the lexicon already knows it (or a longer form of it)
        in_off = off_topic_df[(term, language)]
        if in_off / n_off >= in_relevant / n_relevant:
            continue
        z = _log_odds_z(in_relevant, n_relevant, in_off, n_off)
        if z < MIN_Z:
            continue
        scored.append(ProposedTerm(term, language, in_relevant, in_off, round(z, 3)))
    scored.sort(key=lambda p: (-p.log_odds, p.term))
    return _without_overlaps(scored)[:limit]


def _log_odds_z(in_a: int, size_a: int, in_b: int, size_b: int) -> float:
    """The z-score of the log odds ratio of occurring in group a rather than b."""
    cells = (in_a + 0.5, size_a - in_a + 0.5, in_b + 0.5, size_b - in_b + 0.5)
    ratio = math.log(cells[0] / cells[1]) - math.log(cells[2] / cells[3])
    return ratio / math.sqrt(sum(1 / cell for cell in cells))


def _without_overlaps(ranked: list[ProposedTerm]) -> list[ProposedTerm]:
    """Keep a term unless a better-ranked one contains it or sits inside it with the
    same counts (拐卖儿 after 拐卖儿童, "missing" after "missing boy")."""
    kept: list[ProposedTerm] = []
    for candidate in ranked:
        if any(
            (candidate.term in better.term or better.term in candidate.term)
            and candidate.relevant_articles <= better.relevant_articles
            for better in kept
        ):
            continue
        kept.append(candidate)
    return kept
