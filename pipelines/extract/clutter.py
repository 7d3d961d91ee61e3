"""Lines that are not the story: promotion lines, page furniture, closing teasers, stamps.

These survive trafilatura inside the body ("Related: …", "READ MORE: …", 相关阅读, a
date stamp of another story, a block of teaser headlines at the end); each rule here
takes out whole short lines only, never words inside a paragraph.
"""

from __future__ import annotations

import re
from datetime import date

from pipelines.dates import stamped_day
from pipelines.extract.text import content_length
from pipelines.fields import comparable

# In-body promotion lines: links to other stories, newsletter and app pushes,
# share prompts. They are short, start or end in a fixed way, and are never
# what the journalist wrote about this story.
# A line trafilatura prints as a list item opens with its mark ("- 评论").
LIST_ITEM_MARK = r"(?:[-•]\s*)?"
TEASER_LINE = re.compile(
    rf"^{LIST_ITEM_MARK}(?:"
    r"(?:related|related posts?|related stories|related articles?|read more|read also|also read"
    r"|see more|more|recommended|you may also like|don't miss|more from \S+"
    r"|most read\b.*|popular on \S+|explore further|listen|download|watch)\s*[:：]"
    r"|click here\b|subscribe to\b|sign up for\b|get the latest\b|follow \S+(?: \S+)? on\b"
    r"|like this story\b|share this (?:article|story)\b|don't miss\b|most read in\b"
    r"|popular on \S+$|explore further$"
    # the same in the other languages of the pages the stage is measured on
    r"|(?:mehr lesen|weiterlesen|lesen sie mehr|mehr zum thema|zum thema|auch interessant"
    r"|weitere artikel|lire également|leer más|lee también|lea también|te puede interesar"
    r"|leia mais|leggi anche|les også|læs også|läs också|lees ook|lue myös"
    r"|czytaj (?:też|także|również))\s*[:：]"
    r"|(?:lesen sie auch|à lire aussi|a lire aussi|lire aussi|leia também)\b"
    r"|(?:mehr lesen|weiterlesen|lesen sie mehr|lire la suite|leer más|leia mais|read more"
    r"|continue reading|les mer|læs mere|läs mer|lees meer|lue lisää|czytaj więcej)\W*$"
    r"|相关阅读|相关新闻|延伸阅读|推荐阅读|相關閱讀|相關新聞|延伸閱讀|推薦閱讀|点击查看|點擊查看"
    r"|[（(【]?责任编辑|[（(【]?責任編輯|[（(【]?编辑[:：]|[（(【]?編輯[:：]"
    r")"
    r"|\[(?:insight|video|reaction|warning|news|pictures|poll|reveal|analysis)\]\s*\|?$",
    re.IGNORECASE,
)
MAX_TEASER_LINE_LENGTH = 30
# Page furniture that lands in the body's flow: a line that is only an e-mail address (a
# link alone may be the source a story cites), a copyright notice (with its year or sign,
# so a heading "Copyright reform" stays), a wire service's end mark, a lone label of the
# page's widgets, a sign-up form's reply, or a bracket left from a sign-off split in two.
FURNITURE_LINE = re.compile(
    rf"^{LIST_ITEM_MARK}(?:"
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?:copyright\b(?=.*(?:\d{4}|©|ⓒ))|©|ⓒ|\(c\)\s*\d{4}).*"
    r"|.*(?:all rights reserved|版权所有|版權所有|무단\s*전재|無断転載).*"
    r"|[(（]?(?:end|ends|끝|完)[)）]?|/ends?|-30-"
    r"|(?:分享到|分享至|分享让|分享讓|扫一扫|微信扫一扫|掃一掃).*|【?字号[:：]?\s*大\s*中\s*小】?"
    r"|打印(?:本页|本頁)?|关闭(?:窗口|本页)|關閉(?:視窗|本頁)|返回顶部|回到顶部|返回頂部"
    r"|comments?|tags|advertisement|sponsored|评论|評論|关注|關注|广告|廣告|【纠错】|【糾錯】"
    r"|thanks? (?:you )?for signing up!?|.*error processing your subscription\.?"
    # a Japanese paper's paywall and member links ("この記事は会員限定です。", "＞ ログイン")
    r"|(?:［有料会員限定］\s*)?この記事は(?:有料)?会員限定です.*"
    r"|(?:＞\s*)?(?:新規会員登録|ログイン|会員の方はこちら)|ご利用には会員登録が必要です|記事保存"
    r"|[】」』）]+"
    r")\s*$",
    re.IGNORECASE,
)

# The heading of a block of other stories' headlines that closes the body ("You may also
# like...", "More Must-Reads From TIME"): with only short lines after it, it and they go.
TEASER_HEADING = re.compile(
    r"^(?:you (?:may|might) also like|more must-reads from .+|more from .+"
    r"|recommended(?: for you| stories| reading)?|read next|what to read next"
    r"|most (?:popular|read|viewed)|trending(?: now| stories)?"
    r"|related (?:videos?|stories|articles|coverage|content|posts?)"
    r"|(?:featured|recent) slide ?shows|editor'?s picks"
    r"|猜你喜欢|热门推荐|相关推荐|热门新闻|猜你喜歡|熱門推薦|相關推薦|熱門新聞|関連記事|.{0,20}주요\s?뉴스"
    r"|関連キーワード|関連ニュース|おすすめ(?:情報|記事|ニュース)?|あわせて読みたい"
    r"|人気(?:記事|ランキング)|관련\s?기사|많이\s?본\s?뉴스|추천\s?기사"
    r"|(?:mehr )?zum thema|das könnte sie auch interessieren|weitere artikel|lesen sie auch"
    r"|auch interessant|ähnliche(?: artikel| themen| beiträge)?"
    r"|(?:à )?lire aussi|(?:también )?te puede interesar|leia também|potrebbe interessarti"
    r")[\s.…:：]*$",
    re.IGNORECASE,
)
MAX_TEASER_HEADING_LENGTH = 8
MAX_TEASER_ITEM_LENGTH = 25
# A full stop ends a sentence, not a headline ("…" and "?" end headlines too).
SENTENCE_END = re.compile(r"(?<!\.)[.。]['’”\"」)]*$")


def drop_teaser_lines(text: str) -> str:
    """Remove short in-body promotion lines ("Related: ...", "READ MORE: ...", 相关阅读) and
    page furniture (a reporter's bare e-mail address, "Copyright ⓒ …", "(END)")."""
    kept = [
        line
        for line in text.split("\n")
        if content_length(line) > MAX_TEASER_LINE_LENGTH
        or not (TEASER_LINE.search(line) or FURNITURE_LINE.match(line))
    ]
    return "\n".join(_without_closing_teasers(kept))


# A stamp this near the article's day is the page's record of it (a comment's or an
# update's stamp comes within the day); an event's day, weeks away, is the story's.
MAX_STAMP_DAYS_FROM_ARTICLE = 1


def without_stamp_lines(text: str, published: str | None) -> str:
    """The text without lines that are only a date stamp within a day of the article's.

    trafilatura keeps the date line ("Stand: 22.04.2024, 06:00 Uhr", "Von Vivien
    Valentiner, Redakteurin 06.11.2025, 17:06 Uhr") where it sits inside the body's
    block; the published field holds that day, and a stamp is not what the journalist
    wrote. Without a known day, nothing is taken out.
    """
    if not published:
        return text
    try:
        day = date.fromisoformat(published[:10])
    except ValueError:
        return text
    return "\n".join(
        line
        for line in text.split("\n")
        if (stamp := stamped_day(line)) is None
        or abs((stamp - day).days) > MAX_STAMP_DAYS_FROM_ARTICLE
    )


def _without_closing_teasers(lines: list[str]) -> list[str]:
    """The lines before a closing block of teasers: a teaser heading followed only by
    headlines and buttons (short, none ending a sentence). A sentence after the heading,
    however short, is the article's: everything stays."""
    for index, line in enumerate(lines[1:], start=1):
        if not TEASER_HEADING.match(line) or content_length(line) > MAX_TEASER_HEADING_LENGTH:
            continue
        if all(
            content_length(rest) <= MAX_TEASER_ITEM_LENGTH and not SENTENCE_END.search(rest)
            for rest in lines[index + 1 :]
        ):
            return lines[:index]
    return lines


def drop_repeated_headline(text: str, title: str | None, h1: list[str]) -> str:
    """The text without lines that repeat the headline: the headline (or an `<h1>`)
    trafilatura kept at the top, and further down a photo's caption or a share box that
    only restates the title (a page's other `<h1>`s there are its section headings)."""
    leading = {comparable(h) for h in (title, *h1) if h}
    lines = text.split("\n")
    while lines and comparable(lines[0]) in leading:
        lines.pop(0)
    if not title:
        return "\n".join(lines).strip()
    repeated, longest = comparable(title), 2 * len(title)
    # Only a line about the headline's length can restate it; the others are not compared.
    return "\n".join(
        line for line in lines if len(line) > longest or comparable(line) != repeated
    ).strip()
