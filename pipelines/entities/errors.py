"""What the entity stage raises, and the setting its messages name (no model code here)."""

from __future__ import annotations

__all__ = ["EN_MODEL_ENV", "EntityModelError"]

# Unset, empty or "corenlp": CoreNLP. Anything else: a spaCy package or directory.
EN_MODEL_ENV = "HOMEWARD_EN_NER_MODEL"


class EntityModelError(RuntimeError):
    """A language model the entity stage needs is missing or broken; the message says what to do."""
