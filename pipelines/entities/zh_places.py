"""Place mentions in Chinese text, from Baidu LAC's LOC words (see `models.chinese_words`).

The model finds the places; these rules only fix the forms it returns so that
`places.resolve` sees what a reader would call the place: a village it split
from its suffix (张家庄 + 村家 → 张家庄村), and not a nationality (中国 + 人, 越南 + 籍
are people's origins, not places the article is about). Kept apart from
`places.py`, which owns the gazetteer and knows nothing of any model.
"""

from __future__ import annotations

from pipelines.entities.places import BIG_CITY_RANK, ZH_SETTLEMENT, gazetteer, is_cjk

# A LOC word followed by one of these is a nationality or a language, not a place.
_DEMONYM_NEXT = ("人", "籍", "族", "裔", "语", "话", "文")
# Administrative suffixes a prefix may carry (昆明市公安局 → 昆明市).
ZH_ORG_PREFIX = True
_ADMIN = ("市", "县", "省", "区", "州")
# Suffixes that LAC sometimes leaves on the next word.
_SPLIT_SUFFIX = tuple(s for s in (*ZH_SETTLEMENT, "县", "市", "省", "区") if len(s) == 1)


def place_mentions(words: list[tuple[str, str]]) -> list[str]:
    """The LOC mentions of LAC's (word, tag) pairs, in text order, forms mended."""
    found: list[str] = []
    for i, (word, tag) in enumerate(words):
        if tag not in ("LOC", "ORG") or not is_cjk(word):
            continue
        if (tag == "ORG" and ZH_ORG_PREFIX) or (tag == "LOC" and not _known(word)):
            # 昆明市公安局, 莆田法院 (ORG) and 兰州火车站 (LOC) name a place at their start.
            prefix = _known_prefix(word, big_only=tag == "ORG")
            if prefix:
                found.append(prefix)
                continue
            if tag == "ORG":
                continue
        after = words[i + 1][0] if i + 1 < len(words) else ""
        if after.startswith(_DEMONYM_NEXT) and not after.startswith(("人民", "文化")):
            continue
        if after[:1] in _SPLIT_SUFFIX and not word.endswith(_SPLIT_SUFFIX):
            word += after[0]
        found.append(word)
    return found


def _known(name: str) -> bool:
    return bool(gazetteer().lookup(name)) or (
        name.endswith(_ADMIN) and len(name) > 2 and bool(gazetteer().lookup(name[:-1]))
    )


def _known_prefix(word: str, big_only: bool) -> str | None:
    """The longest start of `word` the gazetteer knows (a region or, for an
    organisation's name, a big city: 华夏银行 is a bank, not Huaxia town)."""
    for end in range(len(word) - 1, 1, -1):
        prefix = word[:end]
        base = prefix[:-1] if prefix.endswith(_ADMIN) and len(prefix) > 2 else prefix
        entries = gazetteer().lookup(prefix) or gazetteer().lookup(base)
        if not big_only and entries:
            return prefix
        if any(e.kind != "city" or e.rank >= BIG_CITY_RANK for e in entries):
            return prefix
    return None
