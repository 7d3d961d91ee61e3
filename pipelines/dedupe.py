"""Dedupe stage: near-duplicate articles across hosts become one record.

Syndicated reports (a wire story on ten sites, a Chinese report reposted by
portals with a new headline or a trimmed last paragraph) are one article to a
reader: the first copy seen is stored and every later copy's URL is merged into
it (`Archive.add_duplicate`), unless the later-found copy was published earlier,
in which case it takes the record over (`published_earlier`). Copies are found
with MinHash over shingles and an LSH index (datasketch), so a new article is
compared with the whole archive in constant time.

Shingles are runs of `SHINGLE_SIZE` tokens, where a token is a word in
alphabetic scripts and a single character in CJK scripts: Chinese has no spaces,
so word shingles would make a whole paragraph one token and miss every copy.

Exact URL duplicates never get here: one canonical URL is one article id.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

__all__ = [
    "DedupeOptions",
    "NearDuplicateIndex",
    "minhash",
    "published_earlier",
    "shingles",
    "signature_bytes",
    "signature_from_bytes",
]

SHINGLE_SIZE = 3
_TOKEN = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]|[^\W_]+",
    re.UNICODE,
)


DEFAULT_THRESHOLD = 0.7


@dataclass(slots=True, frozen=True)
class DedupeOptions:
    """Defaults of the dedupe stage, in one place.

    `threshold` is the estimated Jaccard similarity of shingle sets above which
    two texts are one article (light edits of a syndicated copy stay well above
    the default; two different reports of one case, sharing quotes, stay well below).
    Texts with fewer than `min_shingles` shingles are too short to judge and are
    never merged.
    """

    threshold: float = DEFAULT_THRESHOLD
    num_perm: int = 128
    min_shingles: int = 12


DEFAULT_OPTIONS = DedupeOptions()
# Signatures are saved between crawls, so the permutation scheme and seed are fixed
# here: hash values from another scheme would compare as garbage, silently.
SCHEME = "affine32"
SEED = 1
_DTYPE = MinHash(num_perm=1, seed=SEED, scheme=SCHEME).hashvalues.dtype


def _tokens(text: str) -> list[str]:
    # NFKC folds full-width Latin letters and digits (common in Chinese text).
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[str]:
    """The text's shingles: `size` consecutive tokens (words, or CJK characters)."""
    tokens = _tokens(text)
    if len(tokens) <= size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def minhash(text: str, options: DedupeOptions = DEFAULT_OPTIONS) -> MinHash | None:
    """The text's MinHash, or None when it is too short to compare reliably."""
    found = shingles(text)
    if len(found) < options.min_shingles:
        return None
    signature = MinHash(num_perm=options.num_perm, seed=SEED, scheme=SCHEME)
    signature.update_batch([shingle.encode("utf-8") for shingle in found])
    return signature


def signature_bytes(signature: MinHash) -> bytes:
    """The signature's hash values as bytes (what the seen store keeps)."""
    return np.asarray(signature.hashvalues, dtype=_DTYPE).tobytes()


def signature_from_bytes(data: bytes, options: DedupeOptions = DEFAULT_OPTIONS) -> MinHash:
    return MinHash(
        num_perm=options.num_perm,
        seed=SEED,
        hashvalues=np.frombuffer(data, dtype=_DTYPE).copy(),
        scheme=SCHEME,
    )


def published_earlier(candidate: float | None, original: float | None) -> bool:
    """Whether a copy published at `candidate` should become the original instead.

    The first copy seen is the original unless a later-found copy was published
    earlier (both dates known): crawl order depends on timing, publication
    dates do not, so the publisher that ran the story first keeps the record.
    """
    return candidate is not None and original is not None and candidate < original


class NearDuplicateIndex:
    """The MinHash LSH index of every stored article, persisted between crawls.

    `load` fills it from saved (id, url, signature bytes, published) rows (the
    seen store keeps them), so a recrawl merges copies into articles of earlier
    crawls. `published` (a timestamp, or None) lets `published_earlier` decide
    which copy is the original.
    """

    def __init__(self, options: DedupeOptions = DEFAULT_OPTIONS) -> None:
        self.options = options
        self._lsh = MinHashLSH(threshold=options.threshold, num_perm=options.num_perm)
        self._signatures: dict[str, MinHash] = {}
        self.published: dict[str, float | None] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def load(self, rows: Iterable[tuple[str, str, bytes, float | None]]) -> None:
        for article_id, _url, data, published in rows:
            self._insert(article_id, signature_from_bytes(data, self.options), published)

    def find(self, signature: MinHash | None) -> str | None:
        """The id of the most similar indexed article above the threshold, if any."""
        if signature is None or not self._signatures:
            return None
        best: tuple[float, str] | None = None
        for candidate in self._lsh.query(signature):
            similarity = signature.jaccard(self._signatures[candidate])
            if similarity >= self.options.threshold and (best is None or similarity > best[0]):
                best = (similarity, candidate)
        return best[1] if best else None

    def add(
        self, article_id: str, signature: MinHash | None, published: float | None = None
    ) -> None:
        if signature is not None:
            self._insert(article_id, signature, published)

    def remove(self, article_id: str) -> None:
        """Forget an article (it became a copy of an earlier-published one)."""
        if self._signatures.pop(article_id, None) is not None:
            self._lsh.remove(article_id)
            self.published.pop(article_id, None)

    def _insert(self, article_id: str, signature: MinHash, published: float | None) -> None:
        if article_id in self._signatures:
            return
        self._signatures[article_id] = signature
        self.published[article_id] = published
        self._lsh.insert(article_id, signature)
