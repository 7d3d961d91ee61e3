"""The entity stage's shortcuts give the answers of the long ways they replace.

Issue #17 made tagging cheaper without changing a tag: Viterbi follows only the
tags that can still win, LAC's character ids come from a table by code point, a
capitalised run is checked against person spans by binary search, the left-hyphen
regex runs only after a hyphen, and the year scan skips the Chinese patterns in
text without 年. Each test compares a shortcut with the plain computation on
inputs chosen to hit its edge: near ties and exact ties, characters beyond the
Basic Multilingual Plane and lone surrogates, nested spans, hyphens before a
line break.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from pipelines.entities import models
from pipelines.entities.models import _HYPHEN_LEFT, _hyphen_before, _viterbi
from pipelines.entities.places import _Spans
from pipelines.entities.years import extract_years


def _reference_path(emissions: np.ndarray, transitions: np.ndarray) -> list[int]:
    """Viterbi over every predecessor of every tag: LAC's own decoding, written out."""
    score = emissions[0].copy()
    pointers = []
    for t in range(1, len(emissions)):
        scores = score[:, None] + transitions  # [from, to]
        best = scores.argmax(axis=0)
        score = scores[best, np.arange(scores.shape[1])] + emissions[t]
        pointers.append(best)
    path = [int(score.argmax())]
    for best in reversed(pointers):
        path.append(int(best[path[-1]]))
    return path[::-1]


def _assert_same_paths(rows: list[np.ndarray], transitions: np.ndarray) -> None:
    """The batched decoder's paths are the full search's, sentence by sentence."""
    rows = sorted(rows, key=len, reverse=True)
    scores, lengths = models._padded(rows)
    paths = _viterbi(scores, transitions, lengths)
    decoded = [paths[i, : len(row)].tolist() for i, row in enumerate(rows)]
    assert decoded == [_reference_path(row, transitions) for row in rows]


@pytest.mark.parametrize("spread", [0.01, 0.3, 3.0, 30.0])
def test_viterbi_matches_the_full_search(spread: float) -> None:
    """Emissions from nearly flat (every tag a rival) to peaked (one leader)."""
    generator = np.random.default_rng(int(spread * 100))
    tags = 12
    transitions = generator.normal(0, 0.1, (tags, tags)).astype(np.float32)
    rows = [
        (generator.normal(0, spread, (length, tags))).astype(np.float32)
        for length in generator.integers(1, 40, size=25)
    ]
    _assert_same_paths(rows, transitions)


def test_viterbi_breaks_exact_ties_as_the_full_search_does() -> None:
    """Integer scores tie often: the first best predecessor must win, as in argmax."""
    generator = np.random.default_rng(7)
    tags = 6
    transitions = generator.integers(-1, 2, (tags, tags)).astype(np.float32)
    rows = [
        generator.integers(0, 3, (length, tags)).astype(np.float32)
        for length in generator.integers(1, 15, size=40)
    ]
    _assert_same_paths(rows, transitions)


def test_viterbi_with_wide_transitions() -> None:
    """Transitions wider than the emissions: the reach bound must widen with them."""
    generator = np.random.default_rng(11)
    tags = 8
    transitions = generator.normal(0, 5.0, (tags, tags)).astype(np.float32)
    rows = [
        generator.normal(0, 1.0, (length, tags)).astype(np.float32)
        for length in generator.integers(2, 30, size=20)
    ]
    _assert_same_paths(rows, transitions)


def test_chinese_token_ids_match_the_dictionary() -> None:
    lac = models.chinese_lac()
    ids, oov = models._char_ids(lac), lac._oov_id
    pieces = [
        "刘思睿在山西太原被找到。",
        "ＡＢＣ１２３，全角",  # full-width forms LAC folds
        "a😀中𠀀b",  # beyond the BMP: one in LAC's vocabulary or not, either way exact
        "lone \ud800 surrogate",
        "",
    ]
    for piece in pieces:
        expected = np.array([[ids.get(c, oov) for c in piece]], dtype=np.int64)
        got = models._token_ids(lac, [piece])
        assert got.dtype == expected.dtype
        assert got.shape == expected.shape
        assert (got == expected).all(), piece
    same_length = ["山西太原", "北京朝阳", "abcd"]
    expected = np.array([[ids.get(c, oov) for c in p] for p in same_length], dtype=np.int64)
    assert (models._token_ids(lac, same_length) == expected).all()


def test_span_overlap_matches_a_scan() -> None:
    generator = random.Random(3)
    for _ in range(2000):
        spans = []
        for _ in range(generator.randint(0, 6)):
            a = generator.randint(0, 40)
            spans.append((a, a + generator.randint(1, 15)))  # nested and overlapping too
        start = generator.randint(0, 50)
        end = start + generator.randint(1, 10)
        expected = any(a < end and start < b for a, b in spans)
        assert _Spans(spans).overlaps(start, end) == expected, (spans, start, end)


def test_left_hyphen_check_never_skips_a_match() -> None:
    generator = random.Random(5)
    alphabet = "ab-‐\n A.Zé1_"
    for _ in range(50_000):
        text = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 12)))
        start = generator.randint(0, len(text))
        if _HYPHEN_LEFT.search(text, max(0, start - 100), start):
            assert _hyphen_before(text, start), (text, start)


def test_years_in_text_with_and_without_chinese_year_marks() -> None:
    assert extract_years("Liu Sirui went missing in 2015, found in 2023.") == [2015, 2023]
    assert extract_years("刘思睿于2015年失踪，二〇二三年找到，九十年代也有案。") == [
        2015,
        2023,
        1990,
    ]
