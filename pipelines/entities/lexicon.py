"""Word lists the entity rules consult, read from the files of the packages that ship
them, without importing those packages.

A crawl worker keeps what it loads for the whole crawl, once per worker. Importing
spaCy for its English stop words costs a worker about 80 MB, and jieba's tokenizer
for its dictionary's tags about 130 MB (its prefix dictionary and every word's tag);
the rules need one set of words from each, which takes 0.3 s and 38 MB to read.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

__all__ = ["english_stop_words", "ordinary_chinese_words"]

# jieba's dictionary tags for person names (nr; nrfg and nrt: transliterated ones).
_NAME_TAG = "nr"


def package_file(package: str, relative: str) -> Path:
    """A file inside an installed package, found without running the package's
    `__init__` (which is where the cost is)."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"the package {package!r} is not installed")
    return Path(spec.origin).parent / relative


@cache
def english_stop_words() -> frozenset[str]:
    """spaCy's English stop words: "In Milan" is Milan, "Most had" is not Most (Czechia).

    The list is one module without imports, so it is run on its own rather than
    through `spacy.lang.en`, whose parent package loads spaCy entire."""
    path = package_file("spacy", "lang/en/stop_words.py")
    spec = importlib.util.spec_from_file_location("_spacy_english_stop_words", path)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"spaCy's English stop words are missing: {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(module.STOP_WORDS)


@cache
def ordinary_chinese_words() -> frozenset[str]:
    """The words jieba's dictionary knows with a tag other than a person's name: 马上
    (d), 黄金 (n), 周末 (t) start with a surname and are not names. Where the dictionary
    lists a word twice, the later tag counts, as in jieba's own table."""
    words: set[str] = set()
    with package_file("jieba", "dict.txt").open(encoding="utf-8") as dictionary:
        for line in dictionary:
            word, _, tag = line.split()
            if tag.startswith(_NAME_TAG):
                words.discard(word)
            else:
                words.add(word)
    return frozenset(words)
