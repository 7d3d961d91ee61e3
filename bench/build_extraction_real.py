"""Build tests/data/extraction-real/ from two public test corpora (run once, by hand).

    .venv/bin/python bench/build_extraction_real.py NEWSPAPER4K_GIT READABILITY_GIT

Both arguments are git directories (bare mirrors are fine): newspaper4k
(MIT, `tests/data/html` + `tests/data/metadata`) and Mozilla Readability
(Apache-2.0, `test/test-pages/*/source.html` + `expected.html` +
`expected-metadata.json`). Synthetic unit-test pages and pages that are not
articles (product pages, encyclopaedia entries, fiction, documentation) are
left out. The source corpora's expected metadata is the output of their own
extractors, so it was checked by hand against each page; the corrections are
`CORRECTIONS` below, each one visible in the diff. Text truth is the corpus's
expected article text as it stands (Readability keeps captions; newspaper4k
keeps what newspaper extracts), which is why both extractors are compared on
the same truth rather than judged on their absolute figure.
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "tests" / "data" / "extraction-real"

READABILITY_SKIP = {
    # synthetic unit-test pages
    "003-metadata-preferred",
    "004-metadata-space-separated-properties",
    "005-unescape-html-entities",
    "base-url",
    "base-url-base-element",
    "base-url-base-element-relative",
    "basic-tags-cleaning",
    "comment-inside-script-parsing",
    "data-url-image",
    "dev418",
    "embedded-videos",
    "hidden-nodes",
    "invalid-attributes",
    "js-link-replacement",
    "lazy-image-3",
    "metadata-content-missing",
    "missing-paragraphs",
    "normalize-spaces",
    "ol",
    "parsely-metadata",
    "remove-aria-hidden",
    "remove-extra-brs",
    "remove-extra-paragraphs",
    "remove-script-tags",
    "reordering-paragraphs",
    "replace-brs",
    "replace-font-tags",
    "rtl-1",
    "rtl-2",
    "rtl-3",
    "rtl-4",
    "social-buttons",
    "style-tags-removal",
    "svg-parsing",
    "title-and-h1-discrepancy",
    "title-en-dash",
    "visibility-hidden",
    "table-style-attributes",
    # not articles: product pages, encyclopaedia, fiction, manuals, a front page's title
    "mathjax",
    "mozilla-1",
    "mozilla-2",
    "wikipedia-2",
    "wikipedia-3",
    "wikipedia-4",
    "clean-links",
    "daringfireball-1",
    "royal-road",
    "hukumusume",
    "mercurial",
    "ietf-1",
    "yahoo-2",
}
NEWSPAPER_TEXT_ONLY = {"burmese_article", "chinese_article", "latvian_article"}
# Hand-checked corrections of the corpora's expected metadata (None = not stated on the page).
# Titles are the headline as the page shows it, without the site's name; authors are the
# people named in the byline (an organisation, a desk or an editor is not an author).
CORRECTIONS: dict[str, dict[str, object]] = {
    "newspaper4k-article_with_divs": {"authors": []},  # the site's name
    "newspaper4k-burmese_article": {
        "title": "နိုင်ငံတော်အကြည်ညိုပျက်စေမှုပုဒ်မနဲ့ တရားစွဲခံထားရတဲ့ အလဲဗင်းသတင်းသမား သုံးဦး အာမခံရ",
        "authors": [],
    },
    "newspaper4k-chinese_article": {"title": "港特首梁振英就住宅违建事件道歉"},
    "newspaper4k-cnn_001": {
        "title": "The nonstop sparring match between the conservative justice and liberal"
        " Biden attorney at the Supreme Court"
    },
    "newspaper4k-cnn_test_nlp": {
        "title": "Gates on Tillerson and Russia:"
        " \u2018Being friendly doesn\u2019t make you friends\u2019"
    },
    "newspaper4k-fox13now_001": {"authors": []},  # "CNN Wire", an agency
    "newspaper4k-japanese_article": {
        "title": "米朝首脳直通電話 習氏に挑むトランプ戦術の成否",
        "authors": ["中沢克二"],  # 編集委員 under the headline; the company is no author
    },
    "newspaper4k-latvian_article": {"title": "Norvēģijā pēc zemes nogruvuma pieci bojāgājušie"},
    "newspaper4k-time_001": {
        "title": "We Need Geoengineering to Stop Out of Control Warming, Warns Climate"
        " Scientist James Hansen"
    },
    "newspaper4k-wired_001": {"authors": ["Tom Bennett"]},  # the rest were related stories
    "newspaper4k-yna_co_kr": {"authors": None},
    "readability-001": {"title": "Get your Frontend JavaScript Code Covered"},
    "readability-archive-of-our-own": {
        "title": "Conversations with a Cryptid",
        "authors": ["AMournfulHowlInTheNight"],
    },
    "readability-bbc-1": {"authors": []},
    "readability-breitbart": {
        "title": "'Neutral' Snopes Fact-Checker David Emery: 'Are There Any Un-Angry Trump"
        " Supporters?'",
        "authors": ["Lucas Nolan"],
    },
    "readability-ebb-org": {
        "title": "On Recent Controversial Events",
        "authors": ["Bradley M. Kuhn"],
    },
    "readability-firefox-nightly-blog": {"title": "These Weeks in Firefox: Issue 85"},
    "readability-gmw": {"title": "宇航员在太空中喝酒会怎么样？后果很严重"},
    "readability-buzzfeed-1": {
        "title": "Student Dies After Diet Pills She Bought Online"
        " \u201cBurned Her Up From Within\u201d"
    },
    "readability-ehow-1": {"title": "How to Build a Terrarium"},
    "readability-ehow-2": {"title": "How to Throw a Graduation Party on a Budget"},
    "readability-guardian-1": {
        "title": "'What is the sea telling us?': M\u0101ori tribes fearful over whale strandings"
    },
    "readability-wikia": {
        "title": "\u2018Star Wars\u2019 Original Cuts Might Get Released for 40th Anniversary"
    },
    "readability-google-sre-book-1": {
        "title": "Monitoring Distributed Systems",
        "authors": ["Rob Ewaschuk"],
    },
    "readability-heise": {"authors": []},  # "Mac & i", the magazine
    "readability-herald-sun-1": {"authors": ["Joe Hildebrand"]},
    "readability-iab-1": {"title": "Getting LEAN with Digital Ad UX"},
    "readability-lemonde-1": {"authors": ["Martin Untersinger", "Damien Leloup", "Morgane Tual"]},
    "readability-lwn-1": {
        "title": "LWN.net Weekly Edition for March 26, 2015",
        "authors": ["Nathan Willis"],
    },
    "readability-medium-3": {"title": "Samantha and The Great Big Lie"},
    "readability-pixnet": {"authors": None},
    "readability-qq": {"title": "DeepMind新电脑已可利用记忆自学 人工智能迈上新台阶"},
    "readability-salon-1": {"authors": ["Richard (R.J.) Eskow"]},  # the other is a sidebar's
    "readability-seattletimes-1": {"authors": ["Benjamin Romano"]},
    "readability-spiceworks": {"authors": None},
    "readability-telegraph": {"authors": []},  # "Our Foreign Staff"
    "readability-theverge": {
        "title": "Apple\u2019s Vision Pro is the Retina display moment for headsets"
    },
    "readability-v8-blog": {
        "title": "Outside the web: standalone WebAssembly binaries using Emscripten"
    },
    "readability-videos-1": {"title": "The 21 best movies of 2017"},
    "readability-webmd-1": {"authors": ["Brenda Goodman"]},
    "readability-webmd-2": {"authors": ["Kelli Miller"]},
    "readability-wikipedia": {"title": "Mozilla"},
    "readability-yahoo-1": {"authors": ["Ben Silverman"]},
    "readability-yahoo-3": {"authors": ["Gillian Mohney"]},
    "readability-yahoo-4": {
        "title": "トレンドマイクロ、公衆無線LANを安全に使うための"
        "アプリ「フリーWi-Fiプロテクション」",
        "authors": None,
    },
    "readability-youth": {"authors": None},  # the meta author is the 责任编辑 with a prefix
}

BLOCK = {
    "p",
    "div",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "br",
    "tr",
    "blockquote",
    "figcaption",
    "pre",
    "section",
    "article",
    "dd",
    "dt",
    "table",
    "ul",
    "ol",
}


def git_show(repo: str, path: str) -> bytes:
    return subprocess.run(
        ["git", "--git-dir", repo, "show", f"HEAD:{path}"], check=True, capture_output=True
    ).stdout


def git_ls(repo: str, path: str) -> list[str]:
    out = subprocess.run(
        ["git", "--git-dir", repo, "ls-tree", "--name-only", f"HEAD:{path}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.split()


def html_text(markup: str) -> str:
    """The text of an expected-output HTML fragment, one line per block."""
    tree = lxml_html.fromstring(markup)
    for element in tree.iter():
        if isinstance(element.tag, str) and element.tag in BLOCK:
            element.tail = "\n" + (element.tail or "")
    text = tree.text_content()
    lines = (re.sub(r"\s+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def byline_authors(byline: str | None) -> list[str] | None:
    if not byline:
        return None
    byline = re.sub(r"\s+", " ", byline).strip()
    byline = re.sub(r"^(by|par)\s+", "", byline, flags=re.IGNORECASE)
    parts = re.split(r",\s*|\s+and\s+|\s+&\s+", byline)
    return [p.strip() for p in parts if p.strip()]


def main(newspaper: str, readability: str) -> None:
    pages: dict[str, dict[str, object]] = {}
    (TARGET / "html").mkdir(parents=True, exist_ok=True)
    for name in sorted(git_ls(readability, "test/test-pages")):
        if name in READABILITY_SKIP:
            continue
        base = f"test/test-pages/{name}"
        metadata = json.loads(git_show(readability, f"{base}/expected-metadata.json"))
        key = f"readability-{name}"
        (TARGET / "html" / f"{key}.html.gz").write_bytes(
            gzip.compress(git_show(readability, f"{base}/source.html"), mtime=0)
        )
        pages[key] = {
            "source": "readability",
            "url": "",
            "language": metadata.get("lang"),
            "title": metadata.get("title"),
            "authors": byline_authors(metadata.get("byline")),
            "date": metadata.get("publishedTime"),
            "text": html_text(git_show(readability, f"{base}/expected.html").decode("utf-8")),
        }
    for html_name in sorted(git_ls(newspaper, "tests/data/html")):
        name = html_name.removesuffix(".html")
        key = f"newspaper4k-{name}"
        try:
            metadata = json.loads(git_show(newspaper, f"tests/data/metadata/{name}.json"))
        except subprocess.CalledProcessError:
            if name not in NEWSPAPER_TEXT_ONLY:
                continue
            metadata = {"text": git_show(newspaper, f"tests/data/txt/{name}.txt").decode("utf-8")}
        if "url" not in metadata and name not in NEWSPAPER_TEXT_ONLY:
            continue
        (TARGET / "html" / f"{key}.html.gz").write_bytes(
            gzip.compress(git_show(newspaper, f"tests/data/html/{html_name}"), mtime=0)
        )
        pages[key] = {
            "source": "newspaper4k",
            "url": metadata.get("url", ""),
            "language": metadata.get("language"),
            "title": metadata.get("title"),
            "authors": metadata.get("authors") or None,
            "date": metadata.get("publish_date"),
            "text": metadata.get("text", ""),
        }
    for key, fields in CORRECTIONS.items():
        pages[key].update(fields)
    for index, key in enumerate(sorted(pages)):
        pages[key]["split"] = "held-out" if index % 3 == 2 else "tuning"
    (TARGET / "truth.json").write_text(
        json.dumps(pages, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"{len(pages)} pages written to {TARGET}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
