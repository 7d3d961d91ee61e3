"""Loading the language models, once per process and only when first needed.

A crawl worker that never sees a Chinese page should not pay for jieba's
dictionary, and one that does should load it once, not once per article. A
missing English model is an error at first use that says how to install it:
an archive silently indexed without person names would look complete and not be.
"""

from __future__ import annotations

import logging
import os
import threading
from functools import cache
from typing import Any

# The English NER pipeline: a spaCy package, pinned. Override with a package name
# or a directory (e.g. an unpacked wheel on an offline machine).
EN_MODEL_ENV = "HOMEWARD_EN_NER_MODEL"
EN_MODEL = "en_core_web_sm"
EN_MODEL_VERSION = "3.8.0"
# Only what NER needs: the parser, tagger, lemmatizer etc. cost time and add nothing.
EN_KEEP = ("tok2vec", "ner")

_lock = threading.Lock()


class EntityModelError(RuntimeError):
    """A language model the entity stage needs is not installed; the message says how."""


def english_model_name() -> str:
    return os.environ.get(EN_MODEL_ENV) or EN_MODEL


@cache
def english_nlp() -> Any:
    """The English NER pipeline with everything but tok2vec and ner excluded."""
    with _lock:
        import spacy

        name = english_model_name()
        try:
            nlp = spacy.load(name, exclude=_excluded(name))
        except OSError as error:
            raise EntityModelError(
                f"the English NER model {name!r} is not installed, so English person names "
                f"cannot be tagged. Install the pinned package ({EN_MODEL}=={EN_MODEL_VERSION}, "
                f"see README) or set {EN_MODEL_ENV} to an installed spaCy pipeline or its "
                f"directory. ({error})"
            ) from None
        if "ner" not in nlp.pipe_names:
            raise EntityModelError(f"the spaCy pipeline {name!r} has no 'ner' component")
        version = nlp.meta.get("version")
        if name == EN_MODEL and version != EN_MODEL_VERSION:
            raise EntityModelError(
                f"{EN_MODEL} {version} is installed but Homeward is pinned to "
                f"{EN_MODEL_VERSION}: install {EN_MODEL}=={EN_MODEL_VERSION}"
            )
        return nlp


def _excluded(name: str) -> list[str]:
    """Every component of the pipeline's config except those NER needs."""
    import spacy

    try:
        config = spacy.util.load_config_from_str(_config_text(name))
        components = list(config["nlp"]["pipeline"])
    except (OSError, KeyError, ValueError):
        return ["parser", "tagger", "attribute_ruler", "lemmatizer", "senter", "morphologizer"]
    return [c for c in components if c not in EN_KEEP]


def _config_text(name: str) -> str:
    import spacy

    path = spacy.util.get_package_path(name) if spacy.util.is_package(name) else None
    if path is not None:
        model_dirs = [p for p in path.iterdir() if (p / "config.cfg").exists()]
        if model_dirs:
            return (model_dirs[0] / "config.cfg").read_text(encoding="utf-8")
    from pathlib import Path

    return (Path(name) / "config.cfg").read_text(encoding="utf-8")


def english_model_available() -> bool:
    """For benchmarks and tests that report, rather than fail, when it is absent."""
    try:
        english_nlp()
    except EntityModelError:
        return False
    return True


@cache
def jieba_posseg() -> Any:
    """jieba's POS tagger with its dictionary loaded up front, quietly."""
    with _lock:
        import jieba
        import jieba.posseg

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        return jieba.posseg
