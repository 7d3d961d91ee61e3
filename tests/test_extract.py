"""The extraction stage on saved pages, and its evaluation floor on the benchmark."""

from __future__ import annotations

import os
from datetime import date
from functools import partial
from pathlib import Path

import pytest
from trafilatura.metadata import extract_author
from trafilatura.utils import load_html

from bench.extraction import (
    CAPTIONS_OFF,
    PRECISION_MARGIN,
    STRICT_OPTIONS,
    bare_trafilatura,
    homeward_stage,
)
from bench.score_extraction import (
    BenchmarkPage,
    Extractor,
    PageCounts,
    compare,
    iter_counts,
    load_benchmark,
    locate_benchmark,
    summarise,
)
from pipelines.authors import chinese_byline, parse_byline, trafilatura_author
from pipelines.dates import stamped_day
from pipelines.decode import decode_html
from pipelines.extract import (
    DEFAULT_OPTIONS,
    Extracted,
    ExtractOptions,
    content_length,
    extract_article,
)
from pipelines.language import detect_language
from pipelines.relevance import is_relevant

ROOT = Path(__file__).resolve().parent.parent
PAGES = Path(__file__).resolve().parent / "pages"
# Measured 0.961 on 2026-12-01 (bare trafilatura 0.953), 0.966 on 2026-12-02 once a body cut
# into parts is read whole and embedded posts are kept, 0.968 on 2026-12-03 once a lead caption
# repeating the story's names stays out; the floor sits a little below.
F1_FLOOR = 0.965
# Pages of the shared benchmark (of 181) whose text precision may fall more than the margin
# under bare trafilatura's: measured 5, each a lead photo caption or a standfirst of the story.
MAX_PAGES_BEHIND = 5
# With captions off (the benchmark's truth leaves them out): F1 0.9705 and one page behind
# on 2026-12-03 (a press release's standfirst and its "About" paragraph).
UNCAPTIONED_F1_FLOOR = 0.968
MAX_UNCAPTIONED_PAGES_BEHIND = 1


def extract_page(name: str, url: str = "https://news.example/article") -> Extracted:
    extracted = extract_article((PAGES / name).read_text(encoding="utf-8"), url)
    assert extracted is not None, f"{name}: no article extracted"
    return extracted


def assert_snippets(text: str, must: list[str], must_not: list[str]) -> None:
    missing = [snippet for snippet in must if snippet not in text]
    leaked = [snippet for snippet in must_not if snippet in text]
    assert not missing, f"missing from the text: {missing}"
    assert not leaked, f"clutter in the text: {leaked}"


# --- saved pages ----------------------------------------------------------------------------


def test_english_page_keeps_article_and_caption_drops_clutter() -> None:
    article = extract_page("en_riverside_herald_abduction.html")
    assert_snippets(
        article.text,
        must=[
            # standfirst
            "has been found safe 40 miles away, and a 34-year-old man has been arrested",
            "Daniel Hartley was led away from the gates of St Anne's Primary School",
            "Anyone with information is asked to call Riverside Police on 101",
            # a caption in the body names the child's family and the school
            "Parents left messages of support for the Hartley family",
        ],
        must_not=[
            # the lead photo's caption names no one and nowhere the body does not
            "Volunteers search the fields behind Hollins Lane",
            "Subscribe for £1 a week",  # navigation
            "Council tax to rise",  # breaking-news bar
            "Mortgage rates from 3.9%",  # advert
            "garden furniture",  # in-article advert
            "register to vote",  # election promo
            "Council to review school-gate safety",  # in-body "Read more:" teaser
            "Millbrook bypass delayed",  # related-story teaser
            "Rovers snatch late winner",
            "Warehouse operative",  # job ads
            "Teaching assistant",
            "Why was there no teacher at the gate",  # comments
            "Thank God he is safe",
            "All rights reserved",  # footer
            "Share on Facebook",
        ],
    )


def test_english_page_metadata_comes_from_json_ld_and_og() -> None:
    article = extract_page("en_riverside_herald_abduction.html")
    # <title> carries the site's suffix and the <h1> is a short form: the metadata wins.
    assert (
        article.title == "Boy, 7, abducted outside Millbrook school found safe after 30-hour search"
    )
    assert article.published == "2024-03-14T08:30:00+00:00"
    assert article.authors == ["Sarah Okafor", "Tom Lindqvist"]
    assert article.site_name == "Riverside Herald"
    assert article.language == "en-GB"
    assert article.description and article.description.startswith("Police say a seven-year-old")


def test_headline_is_not_repeated_in_text() -> None:
    article = extract_page("en_riverside_herald_abduction.html")
    assert not article.text.startswith("Millbrook boy found safe")


def test_simplified_chinese_page() -> None:
    article = extract_page("zh_hans_xinhua_style_dagua.html")
    assert_snippets(
        article.text,
        must=[
            "1992年在四川广元被拐的男子陈小龙",  # standfirst (summary shown on the page)
            "38岁的陈小龙见到了分别32年的父母",
            "陈小龙（中）在广元市公安局与母亲李秀英、父亲陈建国相拥",  # caption: child and town
            "苍溪县白驿镇",
            "帮助更多被拐家庭团圆",
        ],
        must_not=[
            "下载客户端",
            "双十一大促",
            "人大代表换届选举",
            "广元一季度GDP",
            "四川男篮",
            "仓库管理员",
            "责任编辑",  # editor's sign-off
            "看哭了",
            "文明上网",
            "粤ICP备",
        ],
    )
    assert (
        article.title == "被拐32年后，他终于回家了：四川男子通过DNA比对与亲生父母团聚"
    )  # og:title
    assert article.published == "2024-05-19T10:26:00+08:00"  # article:published_time
    assert article.site_name == "南方新闻网"
    assert article.language == "zh-CN"


def test_traditional_chinese_page_lead_caption_outside_body() -> None:
    article = extract_page("zh_hant_taiwan_missing_child.html")
    assert_snippets(
        article.text,
        must=[
            # the lead photo sits above the body block trafilatura picks
            "黃淑芬（右）與失散35年的女兒張雅婷在台中市社會局相擁而泣",
            "彰化縣員林鎮",
            "DNA鑑定結果證實兩人為母女關係",
        ],
        must_not=[
            "2024總統大選",
            "開票即時看",
            "冬季保健必備",
            "統一獅奪冠",
            "誠徵倉管人員",
            "太感人了",
            "版權所有",
        ],
    )
    # JSON-LD inside @graph, next to WebSite and BreadcrumbList objects
    assert article.title == "尋親35年終團圓 台中失蹤兒童基金會協助母女相認"
    assert article.published == "2023-11-02T14:05:00+08:00"
    assert article.authors == ["林佩君"]
    assert article.language == "zh-Hant-TW"


def test_caption_in_a_teaser_card_stays_out() -> None:
    html = (PAGES / "en_riverside_herald_abduction.html").read_text(encoding="utf-8")
    teaser = (
        '<section class="related-stories"><article class="card"><figure><img src="/t.jpg">'
        "<figcaption>Crowds gather for the Millbrook carnival parade on Saturday</figcaption>"
        '</figure><p><a href="/c">Carnival returns</a></p></article></section>'
    )
    extracted = extract_article(html.replace("</main>", teaser + "</main>"), "https://x/a")
    assert extracted is not None
    assert "carnival parade" not in extracted.text


def test_a_page_region_named_caption_is_not_taken_for_a_photo_caption() -> None:
    """A theme's page wrapper with "caption" among its classes once became one paragraph
    the stage then dropped as a stray caption: the whole article was lost."""
    paragraphs = "".join(
        f"<p>Paragraph {n}: the search for the missing boy went on through the night.</p>"
        for n in range(4)
    )
    html = (
        '<html><body><div id="page" class="section_id_1 right-column-shift caption">'
        '<nav><a href="/">Accueil</a> <a href="/sport">Sport</a></nav>'
        f'<h1>Search continues</h1><div class="content">{paragraphs}</div></div></body></html>'
    )
    extracted = extract_article(html, "https://x/a")
    assert extracted is not None
    assert "Paragraph 3: the search for the missing boy" in extracted.text
    assert "Accueil" not in extracted.text


def test_captions_can_be_switched_off() -> None:
    html = (PAGES / "en_riverside_herald_abduction.html").read_text(encoding="utf-8")
    extracted = extract_article(html, "https://x/a", ExtractOptions(keep_captions=False))
    assert extracted is not None
    assert "Volunteers search the fields" not in extracted.text


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<html><body></body></html>",
        "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></body></html>",
        "<html><head><title>Page not found</title></head><body><p>404</p></body></html>",
    ],
)
def test_page_without_article_gives_none(html: str) -> None:
    assert extract_article(html, "https://news.example/missing") is None


def test_a_name_set_over_its_reading_stays_in_its_sentence() -> None:
    """Yomiuri sets a name over its reading, `<ruby><rb>尹錫悦</rb><rt>…</rt></ruby>`:
    trafilatura alone cut the sentence into three lines around the `<rb>`."""
    sentence = (
        "　【ソウル＝小池和樹】韓国の\n<ruby><rb>尹錫悦</rb><rp>（</rp><rt>ユンソンニョル</rt>"
        "<rp>）</rp></ruby>\n大統領は３日夜、緊急談話を出し、「非常戒厳」を宣言した。"
    )
    others = "".join(
        f"<p>　尹氏は野党が政府高官や検事らへの弾劾訴追案を提出している点など{n}つの理由を挙げ、"
        "「内乱を企てる明白な反国家行為だ。自由民主主義体制の転覆を企てている」と指摘した。</p>"
        for n in range(1, 6)
    )
    html = (
        f"<html><body><nav><a href='/'>ホーム</a></nav><article><h1>韓国が戒厳令</h1>"
        f"<p>{sentence}</p>{others}</article></body></html>"
    )
    article = extract_article(html, "https://news.example/a")
    assert article is not None
    (line,) = [line for line in article.text.split("\n") if "尹錫悦" in line]
    assert line.startswith("【ソウル＝小池和樹】韓国の") and line.endswith("を宣言した。")


@pytest.mark.parametrize(
    "headline",
    [
        "<ruby><rb>尹錫悦</rb><rp>（</rp><rt>ユンソンニョル</rt><rp>）</rp></ruby>大統領が戒厳令を宣言",
        "<ruby>尹錫悦<rt>ユンソンニョル</rt></ruby>大統領が戒厳令を宣言",
    ],
)
def test_a_headline_read_from_the_page_leaves_out_the_readings(headline: str) -> None:
    """With no title in the metadata the `<h1>` is the title; its ruby's reading was glued
    to the name ("尹錫悦ユンソンニョル大統領が…"), which no one would search for."""
    paragraph = (
        "<p>韓国の尹錫悦大統領は３日夜、緊急談話を出し、野党が国政をまひさせているとして"
        "「非常戒厳」を宣言した。尹氏は「従北勢力の清算と憲政秩序を守るためだ」とした。</p>"
    )
    html = f"<html><body><article><h1>{headline}</h1>{paragraph * 3}</article></body></html>"
    article = extract_article(html, "https://news.example/a")
    assert article is not None
    assert article.title == "尹錫悦大統領が戒厳令を宣言"


@pytest.mark.parametrize(
    ("quoted", "line"),
    [
        # the page types the marks around its <q> (the federal sites' CMS: BKA, BSI)
        (
            "„<q>Wir geben die Suche nicht auf</q>“ sagt Polizeisprecher Holger Münch.",
            "„Wir geben die Suche nicht auf“ sagt Polizeisprecher Holger Münch.",
        ),
        (
            "„<q>Wir geben <span lang='de'>die Suche</span> nicht auf</q>“ sagt Holger Münch.",
            "„Wir geben die Suche nicht auf“ sagt Holger Münch.",
        ),
        # or leaves them to the browser, which shows them
        (
            "<q>Wir geben die Suche nicht auf</q>, sagt Polizeisprecher Holger Münch.",
            "“Wir geben die Suche nicht auf”, sagt Polizeisprecher Holger Münch.",
        ),
    ],
)
def test_a_quotation_inside_a_paragraph_stays_in_its_sentence(quoted: str, line: str) -> None:
    """trafilatura reads a `<q>` as a block quotation: the words came out apart from the
    one who said them ("„" / the words / "“ sagt …")."""
    prose = (
        "<p>Die Ermittler suchen seit Wochen nach dem vermissten Kind und werten Hinweise aus.</p>"
    )
    html = (
        f"<html><body><article><h1>Suche geht weiter</h1>{prose * 2}<p>{quoted}</p>{prose * 2}"
        "</article></body></html>"
    )
    article = extract_article(html, "https://news.example/a")
    assert article is not None
    assert line in article.text.split("\n")


def test_short_chinese_article_is_kept() -> None:
    """A 120-character Chinese report is long enough: length counts characters for CJK."""
    body = (
        "本报讯 昨日，公安机关在云南省破获一起拐卖儿童案，解救被拐儿童两名。"
        "犯罪嫌疑人李某、王某已被依法刑事拘留。警方提醒家长看护好孩子，发现线索请立即报警。"
        "两名儿童目前已由当地民政部门妥善安置，正在等待与家人团聚。"
    )
    html = (
        "<html lang='zh-CN'><head><title>云南破获拐卖儿童案</title></head><body>"
        f"<article><h1>云南破获拐卖儿童案</h1><p>{body}</p></article></body></html>"
    )
    extracted = extract_article(html, "https://news.example/yunnan")
    assert extracted is not None
    assert "解救被拐儿童两名" in extracted.text
    assert content_length(body) > ExtractOptions().min_length


def test_content_length_counts_cjk_characters_and_words() -> None:
    assert content_length("失踪儿童") == 4
    assert content_length("three missing children") == 3
    assert content_length("DNA比对 found Li Wei") == 2 + 4  # 比对 + DNA, found, Li, Wei
    assert content_length("") == 0


def test_scorer_matches_benchmark_definition() -> None:
    perfect = compare("one two three four five", "one two three four five")
    assert (perfect.tp, perfect.fp, perfect.fn) == (1.0, 0.0, 0.0)
    half = compare("a b c d e", "a b c d x")  # shingles abcd,bcde vs abcd,bcdx
    assert (half.tp, half.fp, half.fn) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    short = compare("two words", "two words")  # shorter than a shingle: one shingle
    assert short.precision == short.recall == 1.0


# --- evaluation floor -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def benchmark_pages() -> list[BenchmarkPage]:
    directory = locate_benchmark(ROOT)
    if directory is None:
        message = (
            "extraction benchmark not found at ../shared/extraction-benchmark "
            "(or HOMEWARD_EXTRACTION_BENCHMARK)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return load_benchmark(directory)


def _counts(extractor: Extractor, pages: list[BenchmarkPage]) -> list[PageCounts]:
    return list(iter_counts(extractor, pages, workers=min(2, os.cpu_count() or 1)))


@pytest.fixture(scope="module")
def stage_counts(benchmark_pages: list[BenchmarkPage]) -> list[PageCounts]:
    return _counts(_stage_text, benchmark_pages)


def test_f1_floor_on_extraction_benchmark(stage_counts: list[PageCounts]) -> None:
    score = summarise(stage_counts)
    assert score.pages == 181
    assert score.f1 >= F1_FLOOR, f"extraction F1 fell to {score}"


def test_additions_cost_no_page_more_than_the_margin(
    benchmark_pages: list[BenchmarkPage], stage_counts: list[PageCounts]
) -> None:
    """Per page, the stage's text precision stays within the margin of bare trafilatura's.

    The benchmark's truth leaves out photo captions and standfirsts, which the
    stage keeps on purpose: the pages allowed behind are those whose lead
    photo caption or standfirst stands in the article around the body. With
    additions from inside the body container only, no page is behind.
    """
    bare = _counts(_bare_text, benchmark_pages)
    strict = _counts(_strict_stage_text, benchmark_pages)
    for counts, allowed in ((stage_counts, MAX_PAGES_BEHIND), (strict, 0)):
        behind = [
            page.key
            for page, ours, theirs in zip(benchmark_pages, counts, bare, strict=True)
            if ours.precision < theirs.precision - PRECISION_MARGIN
        ]
        assert len(behind) <= allowed, behind


def test_without_captions_the_text_beats_bare_trafilatura_by_the_benchmarks_own_measure(
    benchmark_pages: list[BenchmarkPage],
) -> None:
    """The benchmark's truth leaves photo captions out; the stage keeps them (DESIGN.md:
    they name the child and the village). With captions off, the text is measured as the
    truth states it: above bare trafilatura, and at most one page behind it."""
    bare = _counts(_bare_text, benchmark_pages)
    uncaptioned = _counts(_uncaptioned_stage_text, benchmark_pages)
    assert summarise(uncaptioned).f1 >= max(UNCAPTIONED_F1_FLOOR, summarise(bare).f1)
    behind = [
        page.key
        for page, ours, theirs in zip(benchmark_pages, uncaptioned, bare, strict=True)
        if ours.precision < theirs.precision - PRECISION_MARGIN
    ]
    assert len(behind) <= MAX_UNCAPTIONED_PAGES_BEHIND, behind


# The bench's own extractors: the floors hold what `bench/extraction.py` prints.
_bare_text = bare_trafilatura
_stage_text = partial(homeward_stage, DEFAULT_OPTIONS)
_strict_stage_text = partial(homeward_stage, STRICT_OPTIONS)
_uncaptioned_stage_text = partial(homeward_stage, CAPTIONS_OFF)


def test_stages_chain_on_a_gbk_page_with_a_lying_charset() -> None:
    """decode -> extract -> language -> relevance, as the crawler runs them."""
    body = (PAGES / "decode_lying_utf8_is_gbk.html").read_bytes()
    html = decode_html(body, "text/html; charset=utf-8").text
    extracted = extract_article(html, "https://news.example/zhoukou")
    assert extracted is not None
    assert "解救被拐儿童3名" in extracted.title
    assert detect_language(extracted.text, extracted.language) == "zh"
    assert is_relevant(extracted.text, extracted.title)


def test_site_name_suffix_is_not_part_of_the_title() -> None:
    paragraph = "<p>" + "Two trafficked children were found safe and returned home. " * 5 + "</p>"
    html = (
        '<html><head><meta property="og:title" content="Two children found safe | Valley Post">'
        '<meta property="og:site_name" content="Valley Post"></head>'
        f"<body><article>{paragraph}</article></body></html>"
    )
    extracted = extract_article(html, "https://valleypost.example/a")
    assert extracted is not None
    assert (extracted.title, extracted.site_name) == ("Two children found safe", "Valley Post")


@pytest.mark.parametrize("stray", ["</body></html>", "</HTML >", "</body>"])
def test_a_stray_document_end_mid_page_loses_nothing(stray: str) -> None:
    """An advert's snippet closing the document early must not cut the article off:
    lxml would put the rest of the page where trafilatura never looks."""
    html = (PAGES / "en_riverside_herald_abduction.html").read_text(encoding="utf-8")
    first_paragraph = html.index("</p>") + len("</p>")
    damaged = html[:first_paragraph] + stray + html[first_paragraph:]
    intact = extract_page("en_riverside_herald_abduction.html")
    article = extract_article(damaged, "https://news.example/article")
    assert article is not None
    assert "Anyone with information is asked to call Riverside Police on 101" in article.text
    assert len(article.text) >= 0.95 * len(intact.text)


@pytest.mark.parametrize("reference", ["&#8;", "&#27;", "&#x1b;", "&#X1F;", "&#0", "&#127;"])
def test_a_reference_to_a_control_character_loses_nothing(reference: str) -> None:
    """One "&#8;" (a backspace pasted from a word processor) gave trafilatura a character XML
    forbids, and it returned no text at all: the whole article was lost."""
    html = (PAGES / "en_riverside_herald_abduction.html").read_text(encoding="utf-8")
    damaged = html.replace("Daniel Hartley was led away", f"Daniel {reference}Hartley was led away")
    article = extract_article(damaged, "https://news.example/article")
    assert article is not None
    assert "Daniel Hartley was led away from the gates" in article.text
    # what is shown stays: a line break, a carriage return, a space, a C1 character, a
    # reference whose digits go on ("&#128;" is no "&#12;")
    kept = html.replace("Daniel Hartley", "Daniel&#32;Hartley &#128;&#x2014;&#10;")
    article = extract_article(kept, "https://news.example/article")
    assert article is not None and "Daniel Hartley €—" in article.text


# --- authors ----------------------------------------------------------------------------------

AUTHOR_BODY = "<p>" + "The council voted on Tuesday to close the road outside the school. " * 5


def author_page(head: str = "", byline: str = "") -> str:
    return (
        f"<html><head>{head}</head><body><article><h1>Council closes school road</h1>"
        f"{byline}{AUTHOR_BODY}</p></article></body></html>"
    )


@pytest.mark.parametrize(
    ("byline", "people", "organisations"),
    [
        ("BY JANE DOE AND JOHN ROE", ["JANE DOE", "JOHN ROE"], []),
        ("By Jane Y. Doe", ["Jane Y. Doe"], []),
        ("Jane Doe and John Roe of Reuters", ["Jane Doe", "John Roe"], ["Reuters"]),
        ("Jane Doe from Sky News", ["Jane Doe"], ["Sky News"]),
        ("Jane Doe, Special to The Globe", ["Jane Doe"], ["The Globe"]),
        ("Jane Doe | For The Post", ["Jane Doe"], ["The Post"]),
        ("Prince Philip, Duke of Edinburgh", ["Prince Philip", "Duke of Edinburgh"], []),
    ],
)
def test_byline_joining_words_and_employers(
    byline: str, people: list[str], organisations: list[str]
) -> None:
    found = parse_byline(byline)
    assert (found.people, found.organisations) == (people, organisations)


@pytest.mark.parametrize(
    ("head", "byline", "people", "organisations"),
    [
        # JSON-LD: a list of strings; a Person beside an Organization; a "Person" that is a desk.
        (
            '<script type="application/ld+json">{"@type": "NewsArticle",'
            ' "author": ["Jane Doe", "By John Roe"]}</script>',
            "",
            ["Jane Doe", "John Roe"],
            [],
        ),
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", "author":'
            ' [{"@type": "Person", "name": "Lois Lane"},'
            ' {"@type": ["NewsMediaOrganization"], "name": "Daily Planet"}]}</script>',
            "",
            ["Lois Lane"],
            ["Daily Planet"],
        ),
        (
            '<script type="application/ld+json">{"@type": "NewsArticle",'
            ' "author": {"@type": "Person", "name": "CNN Wire"}}</script>',
            "",
            [],
            ["CNN Wire"],
        ),
        # A Person named by its parts only.
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", "author":'
            ' {"@type": "Person", "givenName": "Jane", "familyName": "Doe"}}</script>',
            "",
            ["Jane Doe"],
            [],
        ),
        # A WordPress SEO `@graph`: the author is a reference to a Person object.
        (
            '<script type="application/ld+json">{"@graph": ['
            '{"@type": "NewsArticle", "author": {"@id": "https://x.example/#/person/1"}},'
            '{"@type": "Person", "@id": "https://x.example/#/person/1", "name": "Jane Doe"}'
            "]}</script>",
            "",
            ["Jane Doe"],
            [],
        ),
        # The same graph for a post the plugin calls no article: its WebPage credits the author.
        (
            '<script type="application/ld+json">{"@graph": ['
            '{"@type": "WebPage", "author": {"@id": "https://x.example/#/person/1"}},'
            '{"@type": "Person", "@id": "https://x.example/#/person/1", "name": "Jane Doe"}'
            "]}</script>",
            "",
            ["Jane Doe"],
            [],
        ),
        # Beside an article, the WebPage's credit (the editor who posted it) is not read.
        (
            '<script type="application/ld+json">{"@graph": ['
            '{"@type": "WebPage", "author": {"@type": "Person", "name": "John Roe"}},'
            '{"@type": "BlogPosting", "author": {"@type": "Person", "name": "Jane Doe"}}'
            "]}</script>",
            "",
            ["Jane Doe"],
            [],
        ),
        # A line break left raw inside a JSON-LD string does not hide the author.
        (
            '<script type="application/ld+json">{"@type": "BlogPosting", "description":'
            ' "Map and filter\nare faster", "author": {"@type": "Person", "name": "Jane Doe"}}'
            "</script>",
            "",
            ["Jane Doe"],
            [],
        ),
        # meta[name=author] that names an agency: the visible byline names the person.
        (
            '<meta name="author" content="Reuters">',
            '<p class="byline">By Jane Doe</p>',
            ["Jane Doe"],
            ["Reuters"],
        ),
        # A profile URL is no name; the next author tag is.
        (
            '<meta property="article:author" content="https://facebook.com/jdoe">'
            '<meta name="author" content="Jane Doe">',
            "",
            ["Jane Doe"],
            [],
        ),
        # The visible byline's agency is kept apart from its people.
        (
            "",
            '<p class="byline">By Jane Doe, Associated Press</p>',
            ["Jane Doe"],
            ["Associated Press"],
        ),
        # rel=author alone, without a byline class.
        (
            "",
            '<div class="meta">By <a rel="author" href="/a/jd">Jane Doe</a></div>',
            ["Jane Doe"],
            [],
        ),
        # The categories a theme prints in its author element are topics, not people.
        (
            "",
            '<div class="postMeta--author vcard author">01.12.2022 / <span class="fn"></span>'
            ' / <a rel="tag" href="/thema/csp/">Solar Thermal</a> / <a rel="category tag"'
            ' href="/thema/speicher/">Energy Storage</a></div>',
            [],
            [],
        ),
        # A writer filed under a topic folder is still a writer: only the markup says topic.
        (
            "",
            '<div class="postMeta--author vcard author">01.12.2022 / <a'
            ' href="/topic/swati-bhasin">Swati Bhasin</a></div>',
            ["Swati Bhasin"],
            [],
        ),
    ],
)
def test_authors_from_each_source(
    head: str, byline: str, people: list[str], organisations: list[str]
) -> None:
    article = extract_article(author_page(head, byline), "https://news.example/a")
    assert article is not None
    assert (article.authors, article.organisations) == (people, organisations)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("文/张三 图/李四", ["张三"]),
        ("（文／赵六）", ["赵六"]),
        ("文/图 孙七", ["孙七"]),
        ("中文/英文版本同时发布", []),
        ("来源：新华社 记者：王小明 编辑：李华", ["王小明"]),
    ],
)
def test_chinese_writer_credits(text: str, names: list[str]) -> None:
    assert chinese_byline(text) == names


@pytest.mark.parametrize(
    "fragment",
    [
        '<a rel="author" href="/a/jd">Jane Doe</a>',
        '<span class="author-name">Jane Doe</span><span class="author-name">Sidebar Name</span>',
        '<div class="comments"><span class="author">A Commenter</span></div>'
        '<p class="byline">By Jane Doe <time>3 May</time> in London</p>',
        '<figure><span class="author">Photo Person</span></figure><div id="author-box">Jane</div>',
        '<div itemprop="author"><span itemprop="name">Jane Doe</span></div>',
        '<div class="sidebar"><span class="writer">Not Her</span></div>'
        '<span class="writer">Jane Roe</span>',
        '<div data-component="Byline">By <b>Jane</b> Doe</div>',
        "<p>No one signs this one.</p>",
    ],
)
def test_author_search_answers_as_trafilatura_does(fragment: str) -> None:
    """The stage's author search is trafilatura's, made fast; it must give the same answer."""
    html = f"<html><body><article>{fragment}{AUTHOR_BODY}</p></article></body></html>"
    assert trafilatura_author(load_html(html)) == extract_author(load_html(html))


# --- page furniture in the body's flow ---------------------------------------------------------

PARAGRAPH = "Police said the seven-year-old boy was found safe in a parked car on Thursday. " * 4


def article_around(line: str) -> str:
    """The text extracted from a page whose article holds `line` between two paragraphs."""
    return story_text(
        f"<html><body><article><p>{PARAGRAPH}</p><p>{line}</p><p>{PARAGRAPH}</p></article>"
        "</body></html>"
    )


@pytest.mark.parametrize(
    "furniture",
    [
        "kokobj@yna.co.kr",  # a reporter's address under a wire story
        "(END)",
        "Copyright ⓒ Entermedia.co.kr. 무단전재 및 재배포 금지",
        "Copyright 2019 Hawaii News Now. All rights reserved.",
        "© 2024 Riverside Herald",
        "Comments",
        "Thanks for signing up!",
        "【纠错】",
        "（完）",  # a Chinese wire story's end mark
        "分享到：微博 微信 QQ空间",
        "分享让更多人看到",
        "【字号 大 中 小】",
        "关闭窗口",
        # links to other stories, in the languages of the pages the stage is measured on
        "Lire aussi : Les critiques de la CNIL contre le projet de loi",
        "Weiterlesen: Ist glutenfreie Ernährung wirklich gesünder?",
        "Mehr zum Thema:",
        "Lesen Sie auch die folgenden Beiträge:",
        "Leer más: El Gobierno anuncia nuevas medidas",
        "Mehr lesen...",
        "weiterlesen →",
        "Les også: Tone Damli røper detaljer om frieriet",  # Norwegian
        "Läs också: Polisen söker vittnen",  # Swedish
        "Czytaj też: Czy grozi nam wojna atomowa?",  # Polish
        "Lue myös:",  # Finnish
        "Lees meer »",  # Dutch
        # a Japanese paper's paywall and member links (Nikkei, Chunichi Shimbun)
        "この記事は会員限定です。",
        "［有料会員限定］ この記事は会員限定です。",
        "＞ ログイン",
        "＞ 新規会員登録",
        "ご利用には会員登録が必要です",
    ],
)
def test_page_furniture_line_is_dropped(furniture: str) -> None:
    assert furniture not in article_around(furniture)


def grouped_page(label: str, shown: str = "") -> str:
    """A story cut into groups of paragraphs, each opened by `label`, as Postmedia's papers
    print them; `shown` stands visibly at the end."""
    group = "<section class='article-content__content-group'>{}<p>{} ({})</p><p>{}</p></section>"
    groups = "".join(group.format(label, PARAGRAPH, n, LAST) for n in (1, 2))
    return f"<html><body><article><h1>Boy found safe</h1>{groups}{shown}</article></body></html>"


@pytest.mark.parametrize(
    "label",
    [
        "<h2 class=visually-hidden>Article content</h2>",
        "<div class=visually-hidden>Article content</div>",
        "<h2 class='sr-only'>Article content</h2>",
    ],
)
def test_a_label_kept_for_screen_readers_is_dropped(label: str) -> None:
    assert "Article content" not in story_text(grouped_page(label))
    kept = story_text(grouped_page(label), ExtractOptions(drop_teaser_lines=False))
    assert "Article content" in kept  # what trafilatura does


def test_a_subheading_hidden_on_phones_only_stays() -> None:
    label = "<h2 class='hidden-xs'>Volunteers search woods</h2>"
    assert "Volunteers search woods" in story_text(grouped_page(label))


def test_a_hidden_label_the_page_also_shows_stays() -> None:
    label = "<h2 class='sr-only'>Volunteers search the woods</h2>"
    shown = "<h3>Volunteers search the woods</h3><p>They walked the woods for two days.</p>"
    assert "Volunteers search the woods" in story_text(grouped_page(label, shown))


def test_a_share_bar_read_as_a_list_is_dropped() -> None:
    """A Chinese portal's share bar, `<ul><li>评论</li><li>关注</li></ul>`, comes out of
    trafilatura as list items ("- 评论")."""
    bar = "<ul><li>评论</li><li>关注</li></ul>"
    html = f"<html><body><article><p>{PARAGRAPH}</p>{bar}<p>{PARAGRAPH}</p></article></body></html>"
    article = extract_article(html, "https://news.example/a")
    assert article is not None and PARAGRAPH.strip() in article.text
    assert "评论" not in article.text and "关注" not in article.text


@pytest.mark.parametrize(
    "line",
    [
        "Copyright reform leaves parents without answers",  # a heading about copyright
        "https://www.missingkids.org/gethelpnow",  # a link a story gives readers
        "Tags were found on the boy's bag, police said.",
        "Zum Thema Sicherheit sagte die Polizei, der Schulweg werde überwacht.",
    ],
)
def test_a_line_like_furniture_that_is_the_story_stays(line: str) -> None:
    assert line in article_around(line)


def test_a_sign_off_split_over_two_lines_is_dropped() -> None:
    html = (
        "<html><body><article><p>"
        + "梁振英在星期二的答问大会开始之际在其演说中道歉，但强调他在违章建筑问题上没有隐瞒的意图。"
        * 3
        + "</p><p>【责任编辑:张樵苏</p><p>】</p></article></body></html>"
    )
    article = extract_article(html, "https://news.example/a")
    assert article is not None
    assert "张樵苏" not in article.text and "】" not in article.text


def article_dated(line: str, published: str = "2024-04-22T06:00:00+02:00") -> str:
    """The text extracted from a page published at `published` whose article holds `line`."""
    head = f'<head><meta property="article:published_time" content="{published}"></head>'
    article = f"<article><p>{PARAGRAPH}</p><p>{line}</p><p>{PARAGRAPH}</p></article>"
    return story_text(f"<html>{head}<body>{article}</body></html>")


@pytest.mark.parametrize(
    "stamp",
    [
        "Stand: 22.04.2024, 06:00 Uhr",
        "22.04.2024, 17:19 Uhr • Lesezeit: 8 Minuten",
        "Von Vivien Valentiner, Redakteurin 22.04.2024, 17:06 Uhr",
        "posted on April 22, 2024, at 11:29 a.m.",
        "5:45 AM PST 4/22/2024 by Patrick Shanley",
        "기사입력 :[ 2024-04-22 15:24 ]",
        "segunda-feira, 22 de abril de 2024 às 0:13",
        "Créé: 23.04.2024, 07h36",  # a stamp of the next day (an update, a comment)
        "2024-04-22T08:57:40+01:00",
        "2024年4月22日 01時28分 (4月22日 01時40分更新)",  # Japanese, with its update
        "2024年4月22日 10:32 来源：人民网",
    ],
)
def test_a_stamp_of_the_articles_day_is_dropped(stamp: str) -> None:
    """The date field holds the day; a line that only stamps it is not the story."""
    assert stamp not in article_dated(stamp)


@pytest.mark.parametrize(
    "line",
    [
        "On 22 April 2024 at 10:30 police found the boy.",  # a sentence
        "Vigil: Saturday, 4 May 2024 at 18:00",  # an event's day, not the article's
        "2024-04-22 18:00 │ 200 │ 4084",  # a table's row: other figures
        "Updated at 1:23 p.m.",  # no day
        "2024年4月22日10时许，警方在村里找到了被拐的孩子",  # a Chinese story's opening clause
    ],
)
def test_a_line_with_a_day_and_an_hour_that_is_no_stamp_stays(line: str) -> None:
    assert line in article_dated(line)


def test_a_stamp_that_alone_dates_the_page_leaves_its_day_in_the_date_field() -> None:
    line = "Stand: 22.04.2024, 06:00 Uhr"
    html = f"<html><body><article><p>{PARAGRAPH}</p><p>{line}</p><p>{PARAGRAPH}</p></article>"
    article = extract_article(html + "</body></html>", "https://news.example/a")
    assert article is not None and line not in article.text
    assert article.published is not None and article.published.startswith("2024-04-22")


def test_the_writer_a_stamp_names_is_read_before_the_stamp_goes() -> None:
    line = "2024年4月22日10:32\u3000来源：新华网\u3000作者：张三"
    head = '<head><meta property="article:published_time" content="2024-04-22"></head>'
    story = "<p>" + "警方在村里找到了被拐的孩子，家人已经赶到现场。" * 4 + "</p>"
    html = f"<html>{head}<body><article><p>{line}</p>{story}</article></body></html>"
    article = extract_article(html, "https://news.example/a")
    assert article is not None and line not in article.text
    assert article.authors == ["张三"]


def test_stamped_day_reads_the_day_of_a_stamp_only() -> None:
    assert stamped_day("10.11.2025 17:59") == date(2025, 11, 10)
    assert stamped_day("May 3, 2024 10:00 AM · 5 min read") == date(2024, 5, 3)
    assert stamped_day("3 June 2024") is None  # a day without an hour
    assert stamped_day("02:57 Min.. Verfügbar bis 06.05.2024.") is None


TEASERS = (
    "<p>More Must-Reads From TIME</p><ul><li><a href='/a'>The Struggle to Save Lives Inside"
    " Gaza’s Hospitals</a></li><li><a href='/b'>Is Using the Snooze Button Bad for You?</a></li>"
    "</ul>"
)


LAST = "Detectives thanked the volunteers who searched the fields for two days."


OPENING = (
    "Police said the seven-year-old boy who went missing from a playground in Millbrook on"
    " Tuesday was found safe on Thursday in a parked car two streets from his home."
)
HIDDEN_REST = "".join(
    f"<p>{PARAGRAPH} ({n}) The family thanked the volunteers who searched the fields.</p>"
    for n in range(1, 5)
)


def opening_page(between: str) -> str:
    """The opening paragraph, then `between`, then the body's box that trafilatura takes
    alone (its class names a body)."""
    return (
        "<html><body><div class='page'><h1>Boy found safe</h1><div class='wrap'>"
        f"<p>{OPENING}</p>{between}<div class='article-body'>{HIDDEN_REST}</div>"
        "</div></div></body></html>"
    )


@pytest.mark.parametrize("between", ["", "<div id='post-text-box' class='unregistered'></div>"])
def test_the_opening_kept_outside_the_bodys_box_is_read_with_the_body(between: str) -> None:
    """A site that hides the rest of a story from readers not signed in keeps the opening
    outside the hideable box; trafilatura takes the box alone."""
    article = extract_article(opening_page(between), "https://news.example/a")
    assert article is not None and OPENING in article.text
    assert article.text.index(OPENING) < article.text.index("(1)")
    bare = extract_article(
        opening_page(between), "https://news.example/a", ExtractOptions(continue_body=False)
    )
    assert bare is not None and OPENING not in bare.text  # what trafilatura does


def test_a_paragraph_before_a_heading_before_the_body_is_not_its_opening() -> None:
    article = extract_article(opening_page("<h2>Latest</h2>"), "https://news.example/a")
    assert article is not None and OPENING not in article.text


def test_a_closing_block_of_teasers_is_dropped_with_its_heading() -> None:
    html = f"<html><body><article><p>{PARAGRAPH}</p><p>{LAST}</p>{TEASERS}</article>"
    article = extract_article(html + "</body></html>", "https://news.example/a")
    assert article is not None and article.text.endswith(LAST)
    assert "More Must-Reads" not in article.text and "Snooze Button" not in article.text


def test_a_closing_block_of_similar_stories_is_dropped_with_its_heading() -> None:
    """junge Welt closes with "Ähnliche:" and a list of dated headlines."""
    similar = (
        "<p>Ähnliche:</p><ul><li>19.03.2024 Fahndung nach Verrätern</li>"
        "<li>05.03.2024 Aufklärung nur intern</li></ul>"
    )
    html = f"<html><body><article><p>{PARAGRAPH}</p><p>{LAST}</p>{similar}</article>"
    article = extract_article(html + "</body></html>", "https://news.example/a")
    assert article is not None and article.text.endswith(LAST)
    assert "Ähnliche" not in article.text and "Verrätern" not in article.text


@pytest.mark.parametrize(
    ("heading", "teasers"),
    [
        # Chunichi and Tokyo Shimbun close with their keywords and recommendations
        (
            "<h2>関連キーワード</h2>",
            "<ul><li>南海トラフ</li><li>気象庁</li></ul><h2>おすすめ情報</h2>",
        ),
        ("<h3>あわせて読みたい</h3>", "<ul><li>地震の備え、今できること</li></ul>"),
        ("<h3>관련기사</h3>", "<ul><li>실종 아동 찾기 캠페인</li><li>경찰, 수사 확대</li></ul>"),
    ],
)
def test_a_closing_block_of_teasers_in_japanese_or_korean_is_dropped(
    heading: str, teasers: str
) -> None:
    html = f"<html><body><article><p>{PARAGRAPH}</p><p>{LAST}</p>{heading}{teasers}</article>"
    article = extract_article(html + "</body></html>", "https://news.example/a")
    assert article is not None and article.text.endswith(LAST)


@pytest.mark.parametrize(
    "heading", ["<p>Most read</p>", "<h2>You may also like</h2>", "<h2>Auch interessant</h2>"]
)
def test_a_teaser_heading_followed_by_a_short_sentence_keeps_it(heading: str) -> None:
    html = f"<html><body><article><p>{PARAGRAPH}</p>{heading}<p>{LAST}</p></article>"
    article = extract_article(html + "</body></html>", "https://news.example/a")
    assert article is not None and article.text.endswith(LAST)


# --- readers' comments and the page's widgets ------------------------------------------------

WIDGET_LINE = "We send this letter about once a week, and you can leave it whenever you like."


def widget_page(name: str, inside: str = f"<p>{WIDGET_LINE}</p>") -> str:
    return (
        "<html><body><article><h1>Boy found safe after two days</h1>"
        f"<p>{PARAGRAPH}</p><p>{PARAGRAPH}</p><div class='{name}'>{inside}</div>"
        "</article></body></html>"
    )


def story_text(html: str, options: ExtractOptions = DEFAULT_OPTIONS) -> str:
    """The text of a page whose story is `PARAGRAPH`, which it must hold."""
    article = extract_article(html, "https://news.example/a", options)
    assert article is not None and PARAGRAPH.strip() in article.text
    return article.text


@pytest.mark.parametrize(
    "name",
    [
        "subscribe-form",
        "signup",
        "modal fade",
        "popup",
        "promo-box",
        "article__advert",
        "post_comments",  # readers' comments under names trafilatura does not prune
        "kommentare",
        "recentcomments",  # WordPress's sidebar list of the latest comments
        "sourcepoint__image-placeholder",  # an embed a consent platform holds back
        "_brlbs-content-blocker",  # Borlabs Cookie's, on WordPress sites
    ],
)
def test_a_block_named_as_a_widget_or_comments_is_dropped(name: str) -> None:
    assert WIDGET_LINE not in story_text(widget_page(name))
    kept = story_text(widget_page(name), ExtractOptions(drop_page_widgets=False))
    assert WIDGET_LINE in kept  # what trafilatura does


def test_a_thread_of_readers_comments_is_dropped() -> None:
    comment = (
        "<div class='sf_comment'><p class='sf_comment_info'><span>Alcalino</span>"
        " <span>28 minutes ago</span></p><div class='sf_comment_text'><p>I do not believe a"
        " word the police say about this case, and I have followed it since the first day.</p>"
        "</div></div>"
    )
    html = (
        "<html><body><div class='main'><h1>Boy found safe after two days</h1><div class='body'>"
        f"<p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></div>"
        f"<div id='sf_comment_list' class='box'>{comment * 4}</div></div></body></html>"
    )
    assert "Alcalino" not in story_text(html) and "do not believe" not in story_text(html)
    assert "do not believe" in story_text(html, ExtractOptions(drop_page_widgets=False))


@pytest.mark.parametrize(
    "name",
    [
        "live-match-comments",  # a live report's running commentary is the journalist's
        "has-modal",  # a wrapper's name: the block holds the article's prose
    ],
)
def test_a_block_named_like_a_widget_that_holds_the_story_stays(name: str) -> None:
    inside = f"<p>{PARAGRAPH} (first)</p><p>{PARAGRAPH} (second)</p><p>{WIDGET_LINE}</p>"
    assert WIDGET_LINE in story_text(widget_page(name, inside))


def test_a_line_the_story_also_holds_stays_when_a_widget_repeats_it() -> None:
    heading = "Golem application development"
    html = (
        "<html><body><article><h1>Boy found safe after two days</h1>"
        f"<p>{PARAGRAPH}</p><h2>{heading}</h2><p>{PARAGRAPH}</p>"
        f"<div class='related-box'><p>{heading}</p><p>{WIDGET_LINE}</p></div>"
        "</article></body></html>"
    )
    text = story_text(html)
    assert heading in text and WIDGET_LINE not in text


def test_an_opinion_body_named_comment_stays() -> None:
    """Readers comment after the story: a comments-named block holding its first prose is it."""
    html = (
        "<html><body><header><h1>Boy found safe after two days</h1></header>"
        f"<div class='articleBody section-comment'><p>{PARAGRAPH}</p><p>{LAST}</p></div>"
        "</body></html>"
    )
    assert LAST in story_text(html)


def test_a_block_named_as_a_widget_that_holds_the_headline_stays() -> None:
    html = (
        f"<html><body><div class='modal-open'><h1>Boy found safe after two days</h1>"
        f"<p>{PARAGRAPH}</p><p>{WIDGET_LINE}</p></div></body></html>"
    )
    assert WIDGET_LINE in story_text(html)


def test_the_day_beside_the_comments_link_is_still_read() -> None:
    html = (
        "<html><head><meta property='article:published_time' content='2023-06-08T02:54:26Z'>"
        "</head><body><article><h1>Boy found safe after two days</h1>"
        "<div class='article-date-and-comments'><time datetime='2023-06-07T20:54:26-06:00'>"
        "Jun 7, 2023, 8:54 PM</time> | <a href='#comments'>Comments</a></div>"
        f"<p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></article></body></html>"
    )
    article = extract_article(html, "https://news.example/a")
    assert article is not None and article.published is not None
    assert article.published.startswith("2023-06-07")


# --- a body the page cut into parts -----------------------------------------------------------


def story_paragraph(number: int) -> str:
    return (
        f"<p>Paragraph {number} of the story: the police searched the fields behind the school"
        " for two days, and volunteers from the village joined them on the second morning.</p>"
    )


def body_part(numbers: range, classes: str = "body__container article__body") -> str:
    paragraphs = "".join(story_paragraph(number) for number in numbers)
    return f"<div class='grid'><div class='{classes}'>{paragraphs}</div></div>"


def parted_page(*parts: str) -> str:
    advert = "<div class='ad-slot'><div class='ad'>Advertisement</div></div>"
    return (
        "<html><body><article><header><h1>Boy found safe after two days</h1></header>"
        f"<div class='article__chunks'>{advert.join(parts)}</div></article></body></html>"
    )


def paragraphs_in(text: str) -> list[int]:
    return [number for number in range(1, 20) if f"Paragraph {number} " in text]


def test_a_body_cut_into_parts_between_adverts_is_read_whole() -> None:
    html = parted_page(body_part(range(1, 6)), body_part(range(6, 11)), body_part(range(11, 14)))
    whole = extract_article(html, "https://news.example/a")
    first = extract_article(html, "https://news.example/a", ExtractOptions(continue_body=False))
    assert whole is not None and first is not None
    assert paragraphs_in(first.text) == list(range(1, 6))  # what trafilatura keeps
    assert paragraphs_in(whole.text) == list(range(1, 14))  # in the page's order


def test_a_sign_up_box_in_a_later_part_of_the_body_stays_out() -> None:
    """A later part read back whole can hold a newsletter box; its lines are a widget's."""
    sign_up = (
        "<section class='newsletter-widget__story-page'><p>Get the day's news in a readable"
        " format.</p><p>By signing up you consent to receive the above newsletter.</p></section>"
    )
    second = body_part(range(6, 11)).replace("</div></div>", f"{sign_up}</div></div>")
    html = parted_page(body_part(range(1, 6)), second, body_part(range(11, 14)))
    article = extract_article(html, "https://news.example/a")
    assert article is not None
    assert paragraphs_in(article.text) == list(range(1, 14))
    assert "signing up" not in article.text and "readable format" not in article.text


def test_twins_of_the_body_that_hold_no_prose_stay_out() -> None:
    """Teaser cards built like the body: their paragraphs are links to other stories."""
    card = (
        "<p><a href='/s{n}'>Another story about the council and its budget for the coming"
        " year and the new school crossing on the main road, number {n}</a></p>"
    )
    teasers = "".join(
        "<div class='grid'><div class='body__container article__body'>"
        + card.format(n=n)
        + card.format(n=n + 10)
        + "</div></div>"
        for n in range(3)
    )
    html = parted_page(body_part(range(1, 6))).replace(
        "</div></article>", f"{teasers}</div></article>"
    )
    article = extract_article(html, "https://news.example/a")
    assert article is not None
    assert paragraphs_in(article.text) == list(range(1, 6))
    assert "Another story" not in article.text


# --- posts the journalist embedded -------------------------------------------------------------

POLICE_POST = (
    "<blockquote class='twitter-tweet'><p lang='en' dir='ltr'>AMBER ALERT: Mateo Ramirez, 6,"
    " was last seen on Elm Street in Houston wearing a red jacket. Call 911 with any"
    " information.</p>— Houston Police (@houstonpolice) <a href='https://twitter.com/x/1'>"
    "August 3, 2025</a></blockquote><script async src='https://platform.twitter.com/widgets.js'>"
    "</script>"
)


@pytest.mark.parametrize(
    "wrapped",
    [
        f"<div class='social-media-embed'>{POLICE_POST}</div>",
        f"<div class='sdc-article-widget sdc-article-tweet'><div>{POLICE_POST}</div></div>",
    ],
)
def test_an_embedded_post_is_kept_as_a_quotation(wrapped: str) -> None:
    text = article_around(wrapped)
    assert "AMBER ALERT: Mateo Ramirez, 6, was last seen on Elm Street" in text
    html = f"<html><body><article><p>{PARAGRAPH}</p>{wrapped}<p>{PARAGRAPH}</p></article>"
    without = extract_article(
        html + "</body></html>", "https://news.example/a", ExtractOptions(keep_embedded_posts=False)
    )
    assert without is not None and "AMBER ALERT" not in without.text  # what trafilatura does
