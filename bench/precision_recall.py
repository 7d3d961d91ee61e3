"""Precision, recall and F1 from counted hits, one definition for every scorer in bench/."""

from __future__ import annotations

from typing import ClassVar


class PrecisionRecall:
    """Mixin for a dataclass counting `tp`, `fp` and `fn`.

    `EMPTY` is a ratio's value when there was nothing to count: an entity tagger that
    predicted nothing made no mistake (1.0); a text that holds none of the wanted
    passages found nothing (0.0).
    """

    __slots__ = ()
    EMPTY: ClassVar[float] = 1.0
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else self.EMPTY

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else self.EMPTY

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0
