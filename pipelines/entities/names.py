"""People an article names, as one entry per person.

Search by person only works if one child is one facet value: the same girl
appears as "Liu Si Rui", "Liu Sirui", "Ms Liu" and "Liu" in one report, and as
刘思睿 and 刘女士 in another. So mentions are cleaned (titles and honorifics
off), merged (spacing variants and later bare surnames fold into the full name),
and filtered (the byline author, organisations, places and nationalities out).

English mentions come from an NER model (CoreNLP's CRF, see `models.py`) plus
rules for what it misses (`english_names`: "surnamed Hu", "Lisa and Tom Cook");
Chinese ones from Baidu LAC's PER words (`chinese_names`), joined across its
splits (科瑞·舒尔曼, John Steinbeck IV), mended where a run took in a neighbour
(周恩来说, 老舍之子舒乙), never markup, a URL or an organisation, and kept when a small
model (`NameModel`) finds the evidence strong enough: how sure LAC was, how often
it tagged the word, whether it is a gazetteer place or a word jieba's dictionary
knows as an ordinary word (马上, 黄金, 周末). The older jieba rules
(`chinese_mentions`) are kept for the side-by-side figures in bench/entities.py.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from pipelines.entities.lexicon import ordinary_chinese_words
from pipelines.entities.models import Mention
from pipelines.entities.places import gazetteer, is_cjk

EN_TITLES = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "madam",
    "rev", "reverend", "father", "sister", "brother", "officer", "constable", "pc", "sgt",
    "sergeant", "insp", "inspector", "det", "detective", "supt", "superintendent", "chief",
    "captain", "capt", "lt", "lieutenant", "col", "colonel", "gen", "general", "judge",
    "justice", "senator", "sen", "rep", "governor", "gov", "president", "minister", "mayor",
    "deputy", "commissioner", "director", "lawyer", "attorney", "agent", "auntie", "uncle",
    "grandma", "grandpa", "granny", "baby", "little", "young", "old", "the",
    "mother", "mum", "mom", "dad", "daddy", "grandmother", "grandfather", "aunt",
}  # fmt: skip
ZH_HONORIFICS = (
    "先生", "女士", "小姐", "太太", "老师", "警官", "阿姨", "大爷", "大妈", "大娘", "师傅",
    "同志", "老人", "奶奶", "爷爷", "律师", "医生", "教授", "主任", "所长", "队长", "局长",
)  # fmt: skip
# The commonest Chinese surnames (about 95% of the population) and the compound ones.
ZH_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘"
    "祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟"
    "艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞"
    "姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
) | {"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯"}
# Words that introduce a person's name in Chinese news prose.
ZH_CONTEXT = (
    "名叫|叫做|名为|父亲|母亲|爸爸|妈妈|爷爷|奶奶|外婆|外公|丈夫|妻子|儿子|女儿|家长|民警|警官|"
    "警察|志愿者|律师|法官|检察官|记者|负责人|创始人|发起人|所长|队长|局长|主任|教授|嫌疑人|"
    "被告人|犯罪嫌疑人|村民|男孩|女孩|孩子|哥哥|姐姐|弟弟|妹妹|失主|买家|人贩子|男子|女子"
)
# Characters that end a name when they follow it (verbs, particles, conjunctions).
_ZH_AFTER_NAME = set(
    "说在和与的称表介告被已于是等也都从把将向对为们家今曾一当带仍还又并却就才正刚到回去来找抱卖买拐送看"
)
# Endings that make a "name" an organisation or a group.
_ZH_ORG_END = (
    "局", "所", "队", "院", "会", "部", "厅", "处", "站", "中心", "公司", "集团", "学校",
    "医院", "基金", "协会", "组织", "网", "报", "台", "社", "团", "警方", "政府", "法院",
)  # fmt: skip
_ZH_NAME_CHARS = r"[\u4e00-\u9fff]"
_ZH_CONTEXT_NAME = re.compile(rf"(?:{ZH_CONTEXT})[，,：:\s]*(?P<name>{_ZH_NAME_CHARS}{{2,4}})")
_ZH_CHILD_OF = re.compile(rf"(?P<name>{_ZH_NAME_CHARS}{{2,4}})之(?:子|女|父|母)")
_ZH_FOREIGN = re.compile(r"[\u4e00-\u9fff]{1,4}(?:·[\u4e00-\u9fff]{1,8})+")
_ZH_CONTEXT_WORDS = re.compile(ZH_CONTEXT)
# Markup, addresses and code are never a person, whatever a model says (a hostile
# page can put `<img src=x onerror=...>` where a name would be).
_NOT_A_NAME = re.compile(
    r"[<>{}\[\]=/\\@#$%^*|~`;:\"“”()]|https?|www\.|\.(?:com|org|net|cn|html?|php)\b|&\w+;",
    re.IGNORECASE,
)


def is_markup_or_url(name: str) -> bool:
    """Whether `name` has a character or form no person's name has (tags, URLs, code)."""
    return bool(_NOT_A_NAME.search(name))


# --- English -------------------------------------------------------------------


def clean_english(mention: str) -> str:
    """Strip titles, possessives and stray punctuation: "Mrs. Liu's" → "Liu"."""
    mention = unicodedata.normalize("NFKC", mention).replace("’", "'")
    mention = re.sub(r"'s?$", "", mention.strip())
    words = [w.strip('.,;:"“”()') for w in mention.split()]
    while words and words[0].rstrip(".").casefold() in EN_TITLES:
        words.pop(0)
    while words and words[-1].rstrip(".").casefold() in {"jr", "sr"}:
        words.pop()
    return " ".join(w for w in words if w)


# A last word that makes a "name" an organisation or a street ("Hollins Lane").
_EN_NOT_PERSON_LAST = {
    "police", "ministry", "foundation", "court", "bureau", "news",
    "lane", "road", "street", "avenue", "boulevard", "highway",
}  # fmt: skip


def plausible_english(name: str, places: Collection[str] = ()) -> bool:
    """A person's name: capitalised words, not a place, demonym or organisation.

    `places` are the text's own place mentions. The model's PERSON label wins
    over a gazetteer homonym only for a single word that is merely some town's
    name (Dara, Leo: given names first); a country or region (Georgia), a
    multi-word place (Mong Kok) or a word the text itself uses as a place is
    not a person.
    """
    if not name or not name[0].isupper() or any(ch.isdigit() for ch in name):
        return False
    if is_markup_or_url(name):
        return False
    if name in places:
        return False
    entries = gazetteer().lookup(name)
    if entries and (" " in name or any(e.kind != "city" for e in entries)):
        return False
    return name.split()[-1].casefold() not in _EN_NOT_PERSON_LAST


# "a man surnamed Hu": reports from China often give only the family name.
_EN_SURNAMED = re.compile(r"\bsurnamed\s+(?P<name>[A-Z][a-z]+(?:-[a-z]+)?)\b")
# "her parents, Lisa and Tom Cook": the first person shares the second's surname.
_EN_AND = re.compile(r"\s+(?:and|&)\s+")


def english_names(text: str, found: Iterable[Mention], authors: Iterable[str] = ()) -> list[str]:
    """The people an English text names, from its NER mentions (see `models.Mention`)."""
    found = sorted(found, key=lambda m: m.start)
    places = {clean_english(text[m.start : m.end]) for m in found if m.kind == "place"}
    people = [m for m in found if m.kind == "person"]
    spans: list[tuple[int, str]] = []
    for i, mention in enumerate(people):
        raw = text[mention.start : mention.end]
        after = people[i + 1] if i + 1 < len(people) else None
        if after is not None and len(raw.split()) == 1:
            partner = clean_english(text[after.start : after.end]).split()
            if len(partner) >= 2 and _EN_AND.fullmatch(text[mention.end : after.start]):
                raw = f"{raw} {partner[-1]}"
        spans.append((mention.start, raw))
    for match in _EN_SURNAMED.finditer(text):
        start = match.start("name")
        if not any(m.start <= start < m.end for m in people):
            spans.append((start, match.group("name")))
    spans.sort()
    mentions = [clean_english(raw) for _, raw in spans]
    return merge_names([m for m in mentions if plausible_english(m, places)], exclude=authors)


# --- Chinese -------------------------------------------------------------------


def _surname_of(name: str) -> str | None:
    if name[:2] in ZH_SURNAMES and len(name) >= 3:
        return name[:2]
    return name[:1] if name[:1] in ZH_SURNAMES else None


def clean_chinese(mention: str) -> str:
    """Drop honorifics (刘女士 → 刘) and anonymised forms (陈某 → '')."""
    mention = mention.strip()
    for honorific in ZH_HONORIFICS:
        if mention.endswith(honorific) and len(mention) > len(honorific):
            mention = mention[: -len(honorific)]
            break
    if "某" in mention[1:]:
        return ""
    return mention


def plausible_chinese(name: str) -> bool:
    if "·" in name:
        return 3 <= len(name) <= 16
    if len(name) == 2 and name[0] in "阿小" and is_cjk(name):
        return True
    if not 2 <= len(name) <= 4 or not is_cjk(name):
        return False
    surname = _surname_of(name)
    if surname is None or len(name) - len(surname) > 2:
        return False
    if name.endswith(_ZH_ORG_END) or gazetteer().lookup(name):
        return False
    if name in ordinary_chinese_words():
        return False  # 马上 (d), 黄金 (n): ordinary words that start with a surname
    return not name.endswith(("村", "镇", "县", "市", "省", "乡", "区", "庄", "人", "籍"))


def _trim_given(candidate: str) -> str:
    """A regex grabbed up to four characters; cut at the first verb or particle."""
    surname = _surname_of(candidate) or candidate[:1]
    rest = candidate[len(surname) :]
    if rest[:1] in _ZH_AFTER_NAME:
        return surname  # 孙被…: a surname-like character, then a verb
    for i, ch in enumerate(rest):
        if ch in _ZH_AFTER_NAME and i >= 1:
            rest = rest[:i]
            break
    return surname + rest[:2]


def chinese_mentions(text: str, tokens: list[tuple[str, str]]) -> list[str]:
    """Person-name candidates from jieba tags and context rules, in text order."""
    found: list[tuple[int, str]] = []
    position = 0
    for i, (word, flag) in enumerate(tokens):
        start = position
        position += len(word)
        if not flag.startswith("nr") or not is_cjk(word):
            continue
        nxt, nflag = tokens[i + 1] if i + 1 < len(tokens) else ("", "")
        if nxt in ("村", "镇", "乡", "县", "庄", "屯") or nxt.startswith(("家", "村")):
            continue  # 张家庄/nr + 村: a village, not a person
        name = word
        joinable = (nflag.startswith("nr") or len(nxt) == 1) and nxt not in ZH_HONORIFICS
        if word in ZH_SURNAMES and is_cjk(nxt) and 1 <= len(nxt) <= 2 and joinable:
            name = _trim_given(word + nxt)  # 王/nr + 秀英/nr; 李/nr + 明说/v
        found.append((start, name))
    for pattern in (_ZH_CONTEXT_NAME, _ZH_CHILD_OF):
        for match in pattern.finditer(text):
            raw = match.group("name")
            if raw[0] in "阿小" and raw[1] not in _ZH_AFTER_NAME:
                found.append((match.start("name"), raw[:2]))  # 阿梅, 小雨: given-name forms
                continue
            candidate = _trim_given(raw)
            if _surname_of(candidate):
                found.append((match.start("name"), candidate))
    for match in _ZH_FOREIGN.finditer(text):
        name = _ZH_CONTEXT_WORDS.split(match.group())[-1]
        if "·" not in name[1:-1]:
            continue  # the context word (父亲, 记者 ...) took the part after the dot
        first, *rest = name.split("·")
        last = rest[-1]
        for i, ch in enumerate(last):
            if ch in _ZH_AFTER_NAME and i >= 2:
                last = last[:i]
                break
        if len(first) >= 1:
            found.append((match.start(), "·".join([first, *rest[:-1], last])))
    found.sort()
    return [name for _, name in found]


# Words LAC tags PER that end like an organisation, a ship, a dynasty or a place.
_ZH_NOT_PERSON_END = (
    *_ZH_ORG_END, "号", "学院", "大学", "州", "省", "市", "县", "村", "镇", "乡", "岛", "族",
    "王朝", "帝国", "家族", "人", "籍", "语", "教堂", "中学", "小学", "寺", "庙", "桥", "街",
    "事件", "传奇", "计划", "神话",
)  # fmt: skip
_ZH_JOIN = ("·", "・", "•", "‧", "-", " ")
_LATIN_NAME = re.compile(r"[A-Z][a-zA-Z'’.\-]*(?: [A-Z][a-zA-Z'’.\-]*)*")
# The rest of a Latin name after its first word: capitalised words, Roman numerals.
_LATIN_TAIL = re.compile(r"(?:[ \-](?:[A-Z][a-zA-Z'’.\-]*|[IVX]+\b))+")
_LATIN_INITIAL = re.compile(r"(?<=·)[A-Z]\.?(?=·)")  # 亨利·E·霍尔特
# 老舍之子舒乙: a relative named before the person ("the son of Lao She, Shu Yi").
_ZH_KIN = re.compile(
    r"[\u4e00-\u9fff]{1,6}?之(?:子|女|妻|夫|父|母|孙|孫|弟|兄|妹|姊|姐)(?=[\u4e00-\u9fff]{2})"
)
# Verbs and particles the model leaves on the end of a name (周恩来说, 李镒据), in both
# scripts; the second set also ends given names (志刚, 建曾), so it is cut only past
# two characters.
_ZH_TRAILING = "说說据據此在的等与與及亦遂被向将將对對把从從并並则則即便乃已又都称稱"
_ZH_TRAILING_LONG = "曾刚剛"
_ZH_AND = "与與和及"


def chinese_person_spans(words: list[tuple[str, str]]) -> list[tuple[int, int]]:
    """[start, end) offsets of the PER runs in LAC's (word, tag) pairs.

    LAC splits a transliterated name at its dot (科瑞 · 舒尔曼) and sometimes a name
    in two PER words; each such run is one person. (It also cuts some three-character
    names short, 张煜 + 全/d; taking the character back lost more than it won on the
    tune split, so it is left.)
    """
    spans: list[tuple[int, int]] = []
    position = 0
    joinable_at = -1  # where a PER word must start to extend the last span
    for word, tag in words:
        start, end = position, position + len(word)
        position = end
        if tag == "PER":
            if spans and joinable_at == start:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
            joinable_at = end
        elif spans and joinable_at == start and word in _ZH_JOIN:
            joinable_at = end  # 科瑞 · 舒尔曼: the next PER word joins across the dot
        else:
            joinable_at = -1
    text = "".join(word for word, _ in words)
    return [(start, _latin_tail_end(text, end)) for start, end in spans]


def _latin_tail_end(text: str, end: int) -> int:
    """Where a Latin name that ends at `end` really ends: LAC tags only the first
    word of "John Steinbeck IV" or "Wesley Snipes" PER, and the rest xc or nz."""
    if not text[end - 1 : end].isascii() or not text[end - 1 : end].isalpha():
        return end
    tail = _LATIN_TAIL.match(text, end)
    return tail.end() if tail else end


def mend_chinese(mention: str) -> list[str]:
    """The names in a PER run whose edges took in a neighbour: 老舍之子舒乙 → 舒乙,
    李与张鉴泉 → 李, 张鉴泉, 周恩来说 → 周恩来, 石原慎太郎刚 → 石原慎太郎."""
    if "·" in mention or not is_cjk(mention):
        return [mention]
    kin = _ZH_KIN.match(mention)
    if kin:
        mention = mention[kin.end() :]
    if len(mention) >= 4 and mention[1] in _ZH_AND and _surname_of(mention[2:]):
        return [mention[0], mention[2:]]  # 李与张鉴泉: a surname, then a second name
    surname = _surname_of(mention)
    given = len(mention) - len(surname) if surname else len(mention) - 1
    ending = _ZH_TRAILING if given <= 2 else _ZH_TRAILING + _ZH_TRAILING_LONG
    if len(mention) >= 3 and mention[-1] in ending:
        mention = mention[:-1]
    return [mention]


def _is_latin(name: str) -> bool:
    """Not Chinese, dots and a Latin initial aside (亨利·E·霍尔特 is Chinese)."""
    return not is_cjk(_LATIN_INITIAL.sub("", name.replace("・", "·").replace("‧", "·")))


def _name_shaped(name: str) -> bool:
    """What every name is, whatever a model says: no markup, URL or digit; Chinese of
    2 to 16 characters (no 某 past the first, no 的), or capitalised Latin words."""
    if not name or is_markup_or_url(name) or any(ch.isdigit() for ch in name):
        return False
    if _is_latin(name):
        return bool(_LATIN_NAME.fullmatch(name)) and len(name) > 2  # "Kate Moss" in Chinese text
    return 2 <= len(name) <= 16 and "某" not in name[1:] and "的" not in name


def plausible_chinese_person(name: str, repeated: bool = False) -> bool:
    """A PER word from the model that can be a person's name, not a word or a place.

    `repeated`: the model tagged it PER more than once in the text. Then a
    dictionary word or a gazetteer place of the same spelling (周恩来 is a time
    word to jieba, 富兰克林 a town) does not overrule it: on the tune split such
    names were right three times in four, where a single tagging was right about
    one time in three.
    """
    if not _name_shaped(name):
        return False
    if _is_latin(name):
        return True
    if name.endswith(_ZH_NOT_PERSON_END) and len(name) > 2:
        return False
    if repeated:
        return True
    if gazetteer().lookup(name):
        return False  # 温哥华, 田纳西: places the model took for people
    return name not in ordinary_chinese_words()  # 马上 (d), 黄金 (n), 周末 (t): words


@dataclass(frozen=True, slots=True)
class NameModel:
    """A logistic model over `chinese_candidates`' evidence, and the score a name
    needs; trained on the tune split by bench/train_chinese_names.py."""

    weights: dict[str, float]
    bias: float
    threshold: float

    def score(self, evidence: dict[str, float]) -> float:
        total = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in evidence.items())
        return 1.0 / (1.0 + math.exp(-total))


NAME_MODEL_PATH = Path(__file__).with_name("zh_names_model.json")


@cache
def name_model() -> NameModel:
    data = json.loads(NAME_MODEL_PATH.read_text(encoding="utf-8"))
    return NameModel(data["weights"], data["bias"], data["threshold"])


def chinese_mentions_found(text: str, words: list[tuple[str, str]]) -> list[tuple[str, int, int]]:
    """Each mended PER mention with the [start, end) run of text it came from."""
    return [
        (name, start, end)
        for start, end in chinese_person_spans(words)
        for name in mend_chinese(clean_chinese(text[start:end]))
    ]


def chinese_candidates(
    text: str, words: list[tuple[str, str]], person: Sequence[float]
) -> dict[str, dict[str, float]]:
    """The evidence for each distinct name-shaped PER mention, in text order.

    `person` is the model's per-character probability of a name
    (`models.ChineseTagging`): how sure it was, next to how often it tagged the
    string, how often the string occurs untagged, whether the filters above pass
    it, and its shape (Latin, transliterated with a dot, length, a common surname).
    """
    return _evidence(text, chinese_mentions_found(text, words), person)


def _evidence(
    text: str, found: list[tuple[str, int, int]], person: Sequence[float]
) -> dict[str, dict[str, float]]:
    sureness: dict[str, list[float]] = {}
    for name, start, end in found:
        span = person[start:end]
        sureness.setdefault(name, []).append(sum(span) / len(span) if span else 0.0)
    evidence: dict[str, dict[str, float]] = {}
    for name, sure in sureness.items():
        if not _name_shaped(name):
            continue
        times = len(sure)
        latin = _is_latin(name)
        length = len(name.replace("·", ""))
        evidence[name] = {
            "plausible": float(plausible_chinese_person(name, repeated=times > 1)),
            "plausible_once": float(plausible_chinese_person(name)),
            "tagged": min(times, 3) / 3,
            "share_tagged": times / max(text.count(name), times),
            "sure_max": max(sure),
            "sure_mean": sum(sure) / times,
            "sure_min": min(sure),
            "latin": float(latin),
            "dot": float("·" in name),
            f"length_{min(length, 5)}": 1.0,
            "surname": float(not latin and _surname_of(name) is not None),
        }
    return evidence


def chinese_names(
    text: str,
    words: list[tuple[str, str]],
    authors: Iterable[str] = (),
    person: Sequence[float] | None = None,
) -> list[str]:
    """The people a Chinese text names, from LAC's (word, tag) pairs for it.

    With `person` (the model's per-character sureness, `models.ChineseTagging`) a
    mention is kept when `name_model` scores its evidence high enough; without
    it, when it passes `plausible_chinese_person`.
    """
    found = chinese_mentions_found(text, words)
    mentions = [name for name, _, _ in found]
    if person is None:
        times = Counter(mentions)
        kept = [m for m in mentions if plausible_chinese_person(m, repeated=times[m] > 1)]
    else:
        model = name_model()
        evidence = _evidence(text, found, person)
        sure = {m for m, e in evidence.items() if model.score(e) >= model.threshold}
        kept = [m for m in mentions if m in sure]
    return merge_names(kept, exclude=authors)


# --- merging -------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _compact(name: str) -> str:
    """Cached: `merge_names` compares every name with every other one."""
    return _NOT_COMPACT.sub("", name).casefold()


_NOT_COMPACT = re.compile(r"[\s\-‐·.]")


@lru_cache(maxsize=8192)
def _cjk(name: str) -> bool:
    return is_cjk(name)


@lru_cache(maxsize=8192)
def _word_compacts(name: str) -> tuple[str, ...]:
    return tuple(_compact(w) for w in name.split())


def merge_names(mentions: Iterable[str], exclude: Iterable[str] = ()) -> list[str]:
    """One entry per person, first full form kept, in order of first mention.

    "Liu Si Rui" and "Liu Sirui" are one person (same letters); a bare "Liu" or
    "Sirui" is a later short reference to a full name already seen and folds into
    it; 刘 (from 刘女士) folds into 刘思睿. A short form with no full name to join
    stays only if it has more than one character (a lone surname is not a name).
    Names in `exclude` (the byline authors) are removed in any of their forms.
    """
    excluded = {_compact(e) for e in exclude if e}
    excluded_parts = {_compact(w) for e in exclude for w in e.split() if len(w) > 1}
    names: list[str] = []
    compacts: list[str] = []
    pending_short: list[str] = []
    for mention in mentions:
        mention = " ".join(mention.split())
        if not mention:
            continue
        compact = _compact(mention)
        if compact in excluded or compact in compacts:
            continue
        words = mention.split()
        if len(words) == 1 and not is_cjk(mention):
            pending_short.append(mention)
            continue
        if is_cjk(mention) and len(mention) <= 1:
            pending_short.append(mention)
            continue
        if not is_cjk(mention) and all(_compact(w) in excluded_parts for w in words):
            continue
        names.append(mention)
        compacts.append(compact)
    for short in pending_short:
        compact = _compact(short)
        if compact in excluded or compact in excluded_parts:
            continue
        if any(_joins(short, full) for full in names):
            continue
        if is_cjk(short) or len(short) < 2:
            continue
        if compact not in compacts:
            names.append(short)
            compacts.append(compact)
    # A Chinese two-character short form of a longer name (思睿 for 刘思睿) folds too.
    return [n for n in names if not any(n != m and _joins(n, m) for m in names)]


def _joins(short: str, full: str) -> bool:
    """Whether `short` is a part of `full`: a word of it, or its surname or given name."""
    short_cjk, full_cjk = _cjk(short), _cjk(full)
    if short_cjk and full_cjk:
        return len(short) < len(full) and (full.startswith(short) or full.endswith(short))
    if short_cjk != full_cjk:
        return False
    short_c = _compact(short)
    full_words = _word_compacts(full)
    if short_c in full_words:
        return True
    # "Sirui" in "Liu Si Rui": the given name written as one word.
    return len(full_words) > 2 and short_c == "".join(full_words[1:])
