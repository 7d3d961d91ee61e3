"""Language stage: the article's language as an ISO 639-1 code.

langdetect is random unless seeded, and weak on short and mixed Chinese text
(a Chinese report full of Latin names, numbers and "DNA" can come out as
Korean or Vietnamese). So the decision goes in this order:

1. the script: a text whose letters are mostly CJK ideographs is Chinese,
   kana makes it Japanese and hangul Korean, counted by character, before
   langdetect is asked;
2. langdetect (seeded, so the same text always gets the same answer), with
   its codes normalised (`zh-cn`, `zh-tw` -> `zh`);
3. the page's declared language (`zh-Hans`, `en-GB`, `zh_CN`) is kept when it
   agrees with what the text shows, used alone when the text is too short to
   tell, and overruled when the text clearly says otherwise (templates often
   declare `en` on every page).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

__all__ = ["LanguageOptions", "detect_language", "normalise_language", "script_language"]

DetectorFactory.seed = 0


@dataclass(slots=True, frozen=True)
class LanguageOptions:
    """Defaults of the language stage.

    `cjk_share`: share of a text's letters in one East Asian script above
    which the script decides. `min_letters`: below this many letters the text
    is too short for langdetect and the declared language is used.
    `min_probability`: langdetect answers below this are not trusted over a
    declared language. `sample_chars`: only the start of a text is read; a few
    paragraphs settle the language, and the cost grows with the length read.
    """

    cjk_share: float = 0.3
    min_letters: int = 20
    min_probability: float = 0.8
    sample_chars: int = 1000


DEFAULT_OPTIONS = LanguageOptions()

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
LETTER = re.compile(r"[^\W\d_]")
LANGUAGE_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_].*)?$")

# Three-letter and legacy codes that pages declare, to ISO 639-1.
ALIASES = {
    "zho": "zh",
    "chi": "zh",
    "cmn": "zh",
    "yue": "zh",
    "eng": "en",
    "jpn": "ja",
    "kor": "ko",
    "iw": "he",
    "in": "id",
    "ji": "yi",
}

# langdetect's profiles are shared module state; detection is not thread-safe.
_LOCK = threading.Lock()


def normalise_language(code: str | None) -> str | None:
    """ISO 639-1 code of a language tag: `zh-Hans`, `zh_CN`, `zh-cn` -> `zh`; `en-GB` -> `en`."""
    if not code:
        return None
    match = LANGUAGE_TAG.match(code.strip())
    if not match:
        return None
    primary = match.group(1).lower()
    primary = ALIASES.get(primary, primary)
    return primary if len(primary) == 2 else None


def script_language(text: str, options: LanguageOptions = DEFAULT_OPTIONS) -> str | None:
    """`zh`, `ja` or `ko` when an East Asian script dominates the text's letters, else None.

    Kana or hangul beyond a small share decide before ideographs, since
    Japanese and Korean text also contain ideographs.
    """
    letters = len(LETTER.findall(text))
    if not letters:
        return None
    han = len(HAN.findall(text))
    kana = len(KANA.findall(text))
    hangul = len(HANGUL.findall(text))
    if hangul / letters >= options.cjk_share / 2 and hangul >= kana:
        return "ko"
    if kana / letters >= options.cjk_share / 3:
        return "ja"
    if han / letters >= options.cjk_share:
        return "zh"
    return None


def detect_language(
    text: str, declared: str | None = None, options: LanguageOptions = DEFAULT_OPTIONS
) -> str | None:
    """The text's language (ISO 639-1), weighing the page's declared language.

    Returns None only when the text gives nothing to go on and the page
    declares nothing usable.
    """
    declared_code = normalise_language(declared)
    text = text[: options.sample_chars]
    by_script = script_language(text, options)
    if by_script:
        return by_script
    if len(LETTER.findall(text)) < options.min_letters:
        return declared_code
    guesses = _langdetect(text)
    if not guesses:
        return declared_code
    if declared_code and any(code == declared_code for code, _ in guesses):
        return declared_code
    best, probability = guesses[0]
    if declared_code and probability < options.min_probability:
        return declared_code
    return best


def _langdetect(text: str) -> list[tuple[str, float]]:
    """langdetect's guesses, best first, as (ISO 639-1 code, probability)."""
    with _LOCK:
        try:
            results = detect_langs(text)
        except LangDetectException:
            return []
    guesses: list[tuple[str, float]] = []
    for result in results:
        code = normalise_language(result.lang)
        if code and result.prob >= 0.1:
            guesses.append((code, result.prob))
    return guesses
