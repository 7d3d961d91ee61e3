"""Triage marks: a reader's verdict on one article, *relevant* or *not about this topic*.

The relevance stage decides by lexicon which pages become articles; readers see
what it got wrong. A mark keeps that judgement beside the article (one mark per
article, the newest wins, stored whole by each backend like a set or a saved
search), so it is shown wherever the article is, travels with exports, comes back
in with `homeward marks import`, and gives `homeward rescore` labelled examples to
measure the threshold against (pipelines/triage_model.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal

from homeward.clock import utc_now_iso

__all__ = [
    "MAX_NOTE",
    "OFF_TOPIC",
    "RELEVANT",
    "VERDICTS",
    "TriageError",
    "TriageMark",
    "parse_verdict",
]

RELEVANT = "relevant"
OFF_TOPIC = "off-topic"
VERDICTS: tuple[str, ...] = (RELEVANT, OFF_TOPIC)
Verdict = Literal["relevant", "off-topic"]
MAX_NOTE = 2_000
# What people type, and what exports and the web form send, for each verdict.
SPELLINGS = {
    "relevant": RELEVANT,
    "yes": RELEVANT,
    "off-topic": OFF_TOPIC,
    "offtopic": OFF_TOPIC,
    "off_topic": OFF_TOPIC,
    "not-about-this-topic": OFF_TOPIC,
    "not about this topic": OFF_TOPIC,
    "no": OFF_TOPIC,
}
WORDING = {RELEVANT: "relevant", OFF_TOPIC: "not about this topic"}


class TriageError(ValueError):
    """A mark that cannot be kept as asked; the message names the bad value."""


@dataclass(slots=True, frozen=True)
class TriageMark:
    """One reader's verdict on one article, when it was given, and why (optional)."""

    article_id: str
    verdict: Verdict
    marked_at: str
    note: str = ""

    @classmethod
    def new(cls, article_id: str, verdict: str, note: str = "", when: str = "") -> TriageMark:
        note = " ".join(note.split())
        if len(note) > MAX_NOTE:
            raise TriageError(f"note too long: {len(note):,} characters, at most {MAX_NOTE:,}")
        return cls(article_id, parse_verdict(verdict), when or utc_now_iso(), note)

    @property
    def wording(self) -> str:
        """The verdict as the page and the exports say it."""
        return WORDING[self.verdict]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TriageMark:
        return cls(
            article_id=str(data["article_id"]),
            verdict=parse_verdict(str(data["verdict"])),
            marked_at=str(data["marked_at"]),
            note=str(data.get("note") or ""),
        )


def parse_verdict(value: str) -> Verdict:
    """`relevant` or `off-topic`, from any spelling people and our exports use."""
    verdict = SPELLINGS.get(" ".join(value.strip().lower().split()))
    if verdict is None:
        raise TriageError(
            f"unknown triage mark {value!r}: use relevant or off-topic (not about this topic)"
        )
    return verdict  # type: ignore[return-value]


def counts(marks: Iterable[TriageMark]) -> dict[str, int]:
    """How many marks of each verdict, every verdict present."""
    tally = dict.fromkeys(VERDICTS, 0)
    for mark in marks:
        tally[mark.verdict] += 1
    return tally
