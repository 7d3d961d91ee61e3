"""Chinese and Korean bylines written as a line of the text: 记者 / 通讯员 / 作者 / 文, 기자.

These papers print the byline in the article, not in markup, and name the editor
(编辑, 责任编辑) the same way; the editor did not write the piece.
"""

from __future__ import annotations

import re

from pipelines.authors.byline import PLACEHOLDERS, append_name, is_organisation

CHINESE_BYLINE = re.compile(
    r"(?:记者|記者|通讯员|通訊員|編集委員|作者|撰文|文\s*[/／]\s*图|(?<![\u4e00-\u9fff])文(?=\s*[:：丨|/／]))\s*[:：|丨/／]?\s*"
    r"((?:[\u4e00-\u9fff·]{2,6}(?:[ \t\u3000、，,]+|$|(?=[)）\]】\s]))){1,4})"
)
CHINESE_NOT_NAME = re.compile(r"(?:报道|報道|摄影?|攝影?|发自|發自|通讯|電|电|讯|訊)$")


def chinese_byline(text: str) -> list[str]:
    """Names after 记者 / 通讯员 / 作者 / 文 in a Chinese byline; editors are not included."""
    names: list[str] = []
    for match in CHINESE_BYLINE.finditer(text):
        for name in re.split(r"[ \t\u3000、，,]+", match.group(1).strip()):
            name = CHINESE_NOT_NAME.sub("", name)
            if 2 <= len(name) <= 4 and name not in PLACEHOLDERS and not is_organisation(name):
                append_name(names, name)
    return names


# A Korean byline writes the name before the title: "(서울=연합뉴스) 김철수 기자 =",
# "김철수 기자 kim@yna.co.kr"; words of the trade before 기자 are no one's name.
KOREAN_BYLINE = re.compile(
    r"(?<![가-힣])([가-힣]{2,4})\s*(?:기자|특파원|객원기자|선임기자)(?![가-힣])"
)
KOREAN_NOT_NAME = frozenset(
    {"취재", "사진", "영상", "담당", "현장", "전문", "일선", "수습", "기획", "편집", "그래픽"}
)


def korean_byline(text: str) -> list[str]:
    """Names before 기자 / 특파원 in a Korean byline."""
    names: list[str] = []
    for match in KOREAN_BYLINE.finditer(text):
        if match.group(1) not in KOREAN_NOT_NAME:
            append_name(names, match.group(1))
    return names


def cjk_byline(text: str) -> list[str]:
    """The people a Chinese (记者 …) or, failing that, a Korean (… 기자) byline names."""
    return chinese_byline(text) or korean_byline(text)
