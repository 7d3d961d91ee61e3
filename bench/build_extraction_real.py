"""Build the real-page extraction set from three public test corpora (run once, by hand).

    .venv/bin/python bench/build_extraction_real.py NEWSPAPER4K_GIT READABILITY_GIT POSTLIGHT_GIT

The set is written to ../shared/homeward-data/extraction-real/ (or
$HOMEWARD_EVAL_DATA/extraction-real/), never into the repository: it is data from
other repositories' snapshots (bench/data_sets.py; tests/data/extraction-real/README.md).

The arguments are git directories (bare mirrors are fine): newspaper4k
(MIT, `tests/data/html` + `tests/data/metadata`), Mozilla Readability
(Apache-2.0, `test/test-pages/*/source.html` + `expected.html` +
`expected-metadata.json`) and Postlight Parser, formerly Mercury Parser
(MIT or Apache-2.0, `fixtures/*.html` with the title, author and
date_published asserted in `src/extractors/custom/*/index.test.js`; it
states no article text, so those pages have `text: null` and are scored for
metadata only). Synthetic unit-test pages and pages that are not articles
(product pages, encyclopaedia entries, fiction, documentation, social posts,
code hosting) are left out. The source corpora's expected metadata is the
output of their own extractors, so it was checked by hand against each page;
the corrections are `CORRECTIONS` and `POSTLIGHT_CORRECTIONS` below, each
one visible in the diff (Postlight states dates in UTC: the truth is the day
the page writes, see `local_day`). Every third page is held out, counted over
the sources in the order they joined the set (`split_parts`). Text truth is the corpus's
expected article text as it stands (Readability keeps captions; newspaper4k
keeps what newspaper extracts), which is why both extractors are compared on
the same truth rather than judged on their absolute figure.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import subprocess
import sys
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.data_sets import data_folder  # noqa: E402

READABILITY_SKIP = frozenset(
    {
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
)
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
    # "By Leigh Ann Caldwell" opens the body; JSON-LD's "CNN Wire" is the agency.
    "newspaper4k-fox13now_001": {"authors": ["Leigh Ann Caldwell"]},
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
    # og:title is the page's "share_title"; its <h1> and "content_headline" are this one
    "readability-citylab-1": {"title": "Why Neon Is the Ultimate Symbol of the 20th Century"},
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
    # 2018-06-12T23:00Z in the metadata, "On 6/13/2018" on the page: the newsroom's day
    "readability-topicseed-1": {"date": "2018-06-13"},
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


class GitTree:
    """Files of a git directory's HEAD (a bare mirror is fine)."""

    def __init__(self, repo: str) -> None:
        self.repo = repo

    def read(self, path: str) -> bytes | None:
        try:
            return git_show(self.repo, path)
        except subprocess.CalledProcessError:
            return None

    def names(self, path: str) -> list[str]:
        return git_ls(self.repo, path)


class FolderTree:
    """Files of an unpacked folder, such as a source distribution."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def read(self, path: str) -> bytes | None:
        file = self.root / path
        return file.read_bytes() if file.is_file() else None

    def names(self, path: str) -> list[str]:
        return sorted(entry.name for entry in (self.root / path).iterdir())


class ZipTree:
    """Files of a zip archive under one folder, such as a Go module's zip."""

    def __init__(self, archive: zipfile.ZipFile, prefix: str) -> None:
        self.archive, self.prefix = archive, prefix.rstrip("/") + "/"
        self.files = set(archive.namelist())

    def read(self, path: str) -> bytes | None:
        name = self.prefix + path
        return self.archive.read(name) if name in self.files else None

    def names(self, path: str) -> list[str]:
        folder = self.prefix + path.rstrip("/") + "/"
        return sorted(
            {name[len(folder) :].split("/")[0] for name in self.files if name.startswith(folder)}
        )


Tree = GitTree | FolderTree | ZipTree


def newspaper_pages(tree: Tree) -> dict[str, tuple[dict[str, object], bytes]]:
    """newspaper4k's article pages with their checked metadata, keyed `newspaper4k-<name>`.

    Its git repository and its PyPI source distribution hold the same `tests/data`, so
    both sets are built by this one function.
    """
    pages: dict[str, tuple[dict[str, object], bytes]] = {}
    for html_name in tree.names("tests/data/html"):
        name = html_name.removesuffix(".html")
        stated = tree.read(f"tests/data/metadata/{name}.json")
        if stated is not None:
            metadata = json.loads(stated)
        elif name in NEWSPAPER_TEXT_ONLY:
            metadata = {"text": (tree.read(f"tests/data/txt/{name}.txt") or b"").decode("utf-8")}
        else:
            continue
        if "url" not in metadata and name not in NEWSPAPER_TEXT_ONLY:
            continue
        key = f"newspaper4k-{name}"
        entry: dict[str, object] = {
            "source": "newspaper4k",
            "url": metadata.get("url", ""),
            "language": metadata.get("language"),
            "title": metadata.get("title"),
            "authors": metadata.get("authors") or None,
            "date": metadata.get("publish_date"),
            "text": metadata.get("text", ""),
        }
        entry.update(CORRECTIONS.get(key, {}))
        raw = tree.read(f"tests/data/html/{html_name}")
        assert raw is not None, html_name
        pages[key] = (entry, raw)
    return pages


def write_truth(
    target: Path,
    pages: dict[str, dict[str, object]],
    first_index: int = 0,
    licences: dict[str, bytes] | None = None,
    left_out: dict[str, int] | None = None,
    mended: dict[str, int] | None = None,
    split: bool = True,
) -> None:
    """Split the pages into their parts and write `truth.json` next to their `html/`, with
    the corpora's `licences` (file name -> text); say how many pages were written, how
    many of the source's were left out and how many truths a rule mended, by reason.
    With `split` False the pages keep the parts their builder gave them."""
    if split:
        split_parts(pages, first_index)
    (target / "truth.json").write_text(
        json.dumps(pages, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    for name, text in (licences or {}).items():
        (target / name).write_bytes(text)
    said = [
        f"{label}: {reasons}"
        for label, counts in (("left out", left_out), ("mended by rule", mended))
        if (
            reasons := "; ".join(f"{count} {why}" for why, count in (counts or {}).items() if count)
        )
    ]
    print(f"{len(pages)} pages written to {target}" + (f" ({'; '.join(said)})" if said else ""))


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


# --- Postlight Parser: fixtures and the metadata its tests assert ----------------------------

# Not articles (social posts, code, lyrics, product and book pages, a trial registry, a
# preprint, press releases, advisories, event and party pages, an interactive feature) or
# fixtures whose tests assert no title, author or date.
POSTLIGHT_SKIP = {
    "biorxiv.org",
    "bookwalker.jp",
    "clinicaltrials.gov",
    "genius.com",
    "github.com",
    "jvndb.jvn.jp",
    "pastebin.com",
    "twitter.com",
    "www.elecom.co.jp",
    "www.gruene.de",
    "www.ipa.go.jp",
    "www.jnsa.org",
    "www.nytimes.com--feature",
    "www.oreilly.co.jp",
    "www.reddit.com",
    "www.sanwa.co.jp",
    "www.youtube.com",
}
# Hand-checked corrections of what Postlight's tests assert: authors are people only, dates
# the day the page writes where `local_day` could not settle it, titles the headline shown.
POSTLIGHT_CORRECTIONS: dict[str, dict[str, object]] = {
    "postlight-abcnews.go.com": {"date": "2016-12-16"},  # "December 16, 2016, 4:19 PM"
    "postlight-epaper.zeit.de": {"authors": ["Jochen Bittner", "Tina Hildebrandt"]},
    "postlight-fortune.com": {"authors": ["John Patrick Pullen"], "date": "2016-12-15"},
    "postlight-forward.com": {"date": "2016-12-28"},  # "December 28, 2016" (01:32 UTC the 29th)
    "postlight-getnews.jp": {"authors": None},  # a profile URL
    "postlight-gothamist.com": {"authors": ["Nathan Tempey"]},
    "postlight-ici.radio-canada.ca": {"authors": []},  # a desk
    "postlight-japan.zdnet.com": {"authors": []},  # "ZDNet Japan Staff"
    "postlight-money.cnn.com": {"date": "2016-11-29"},  # "November 29, 2016: 3:33 AM ET"
    "postlight-news.mynavi.jp": {"authors": ["後藤大地"]},
    "postlight-pagesix.com": {"date": "2016-12-19"},  # "2016-12-19 19:08:44"; 00:08 UTC the 20th
    "postlight-phpspot.org": {"date": "2019-04-04"},
    "postlight-pitchfork.com": {"title": None},  # artist and album shown apart
    "postlight-sciencefly.com": {"date": "2016-12-23"},  # 16:44 UTC: the 23rd in every US zone
    "postlight-sect.iij.ad.jp": {"date": "2019-02-13"},
    "postlight-takagi-hiromitsu.jp": {
        "title": "改正NICT法がプチ炎上、工場出荷時共通初期パスワードが識別符号に当たらないことが"
        "理解されていない",
        "date": "2019-02-11",
    },
    "postlight-weekly.ascii.jp": {"authors": ["オカモト"]},  # "文● オカモト／ASCII編集部"
    "postlight-www.al.com": {"authors": ["Mike Cason"], "date": "2016-12-22"},
    "postlight-www.aol.com": {"authors": [], "date": "2016-12-01"},  # "AOL Staff"
    "postlight-www.apartmenttherapy.com": {"authors": []},  # "Apartment Therapy Submissions"
    "postlight-www.asahi.com": {"authors": None},  # a Facebook URL
    "postlight-www.bloomberg.com--news": {"date": "2016-12-06"},  # "6:22 PM EST"
    "postlight-www.broadwayworld.com": {"authors": []},  # "BWW News Desk"
    "postlight-www.bustle.com": {"date": "2016-12-02"},  # "Dec. 2, 2016"
    "postlight-www.cbssports.com": {"date": "2016-12-19"},
    "postlight-www.cnn.com": {"date": "2016-11-29"},  # 10:39 UTC, 5:39 AM ET
    "postlight-www.infoq.com": {"authors": ["Diogo Carleto"]},  # and his translator
    "postlight-www.inquisitr.com": {"date": "2016-12-12"},  # 16:07 UTC, 11:07 AM ET
    "postlight-www.investmentexecutive.com": {"authors": ["Paul Wiseman", "Fatima Hussein"]},
    "postlight-www.itmedia.co.jp": {"authors": ["田中宏昌"]},  # "[田中宏昌，ITmedia]"
    "postlight-www.mentalfloss.com": {"authors": []},  # "Smart Shopping Team"
    "postlight-www.msnbc.com": {"date": "2016-12-20"},  # 12:44 UTC, 7:44 AM ET
    "postlight-www.nbcnews.com": {"date": "2016-12-13"},
    "postlight-www.newyorker.com--magazine": {"date": "2016-11-27"},  # "November 27, 2016"
    "postlight-www.newyorker.com--multiple-authors": {"authors": ["Ysabel Yates"]},
    "postlight-www.politico.com--test-case-3": {"date": "2022-10-11"},
    "postlight-www.publickey1.jp": {"authors": ["Junichi Niino"]},
    "postlight-www.rbbtoday.com": {"authors": None},  # initials
    "postlight-www.reuters.com": {"date": "2016-12-14"},  # 06:02 UTC, 1:02 AM ET
    "postlight-www.slate.com": {"date": "2017-03-09"},
    "postlight-www.spektrum.de": {"title": None, "date": "2022-07-19"},  # two headlines
    "postlight-www.thepoliticalinsider.com": {"authors": []},  # "Editor"
    "postlight-www.tmz.com": {"authors": []},  # "TMZ STAFF"
    "postlight-www.washingtonpost.com": {"date": "2018-10-29"},
    "postlight-www.yahoo.com": {"authors": [], "date": "2016-10-03"},  # "Fox Nation"; 1 AM ET
}
JS_STRING = r"""(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`)"""
JS_CONCAT = rf"{JS_STRING}(?:\s*\+\s*{JS_STRING})*"
FIXTURE_READ = re.compile(r"readFileSync\(\s*'\./fixtures/([^']+)\.html'")
URL_SET = re.compile(rf"\b(?:url|uri)\s*=\s*({JS_CONCAT})")
ASSERTED = re.compile(rf"assert\.equal\(\s*(title|author|date_published)\s*,\s*({JS_CONCAT}|null)")
ISO_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2})?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})"
)
# The separators of a byline's names (English and Japanese).
NAME_SPLIT = re.compile(r",\s*|\s+and\s+|\s+&\s+|、")


def js_string(expression: str) -> str:
    """The value of a JS string literal, or of literals joined with `+`."""
    value = ""
    for literal in re.findall(JS_STRING, expression):
        body = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), literal[1:-1])
        value += re.sub(r"\\(.)", r"\1", body)
    return value


def asserted_fields(test: str) -> dict[str, dict[str, str | None]]:
    """Per fixture name: the url, title, author and date_published a test file asserts.

    An assertion belongs to the last fixture read before it; the url is the assignment
    nearest the read (tests set it before or after). The first value of a field wins.
    """
    reads = [(m.start(), m.group(1)) for m in FIXTURE_READ.finditer(test)]
    urls = [(m.start(), js_string(m.group(1))) for m in URL_SET.finditer(test)]
    fields: dict[str, dict[str, str | None]] = {}
    for index, (start, fixture) in enumerate(reads):
        end = reads[index + 1][0] if index + 1 < len(reads) else len(test)
        entry = fields.setdefault(fixture, {})
        if urls and "url" not in entry:
            entry["url"] = min(urls, key=lambda u: abs(u[0] - start))[1]
        for m in ASSERTED.finditer(test, start, end):
            value = None if m.group(2) == "null" else js_string(m.group(2))
            entry.setdefault(m.group(1), value)
    return fields


def _day_forms(day: date) -> list[str]:
    return [
        f"{day.year}-{day.month:02d}-{day.day:02d}",
        f"{day.year}/{day.month:02d}/{day.day:02d}",
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.year}.{day.month:02d}.{day.day:02d}",
        day.strftime("%B ") + f"{day.day}, {day.year}",
        day.strftime("%b. ") + f"{day.day}, {day.year}",
        day.strftime("%b ") + f"{day.day}, {day.year}",
        f"{day.day} " + day.strftime("%B %Y"),
        f"{day.day}. " + day.strftime("%B %Y"),
    ]


def local_day(utc: str, page: str) -> str | None:
    """The day in the publisher's zone of an instant Postlight states in UTC.

    A timestamp on the page with a local offset that is the same instant gives its own
    day (a stamp in UTC only restates the instant); otherwise the one day of the three
    around the UTC day that the page writes; None when
    the page settles nothing (checked by hand, see `POSTLIGHT_CORRECTIONS`).
    """
    instant = datetime.fromisoformat(utc.replace("Z", "+00:00")).replace(second=0, microsecond=0)
    for m in ISO_TIME.finditer(page):
        year, month, day_, hour, minute, offset = m.groups()
        if offset in ("Z", "+00:00", "-00:00", "+0000", "-0000"):
            continue  # the UTC instant again (metadata's own stamp), not the local day
        if ":" not in offset:
            offset = f"{offset[:3]}:{offset[3:]}"
        try:
            stamp = datetime.fromisoformat(f"{year}-{month}-{day_}T{hour}:{minute}{offset}")
        except ValueError:
            continue
        if stamp == instant:
            return f"{year}-{month}-{day_}"
    around = [instant.date() + timedelta(days=shift) for shift in (-1, 0, 1)]
    written = [day for day in around if any(form in page for form in _day_forms(day))]
    return written[0].isoformat() if len(written) == 1 else None


META_TAG = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
META_VALUE = re.compile(rb"(\s)value=", re.IGNORECASE)
META_CONTENT = re.compile(rb"\scontent=", re.IGNORECASE)
META_OPEN_GRAPH_NAME = re.compile(rb"(\s)name=([\"'])(og:|article:)", re.IGNORECASE)


def restore_meta(raw: bytes) -> bytes:
    """Undo Postlight's saving of its fixtures after `normalizeMetaTags`.

    Its fixtures hold each `<meta>` as Postlight's parser rewrote it, `content` renamed
    `value` and `property` renamed `name`; a page as served has `content`, and Open Graph
    and article tags as `property`. Tags with a `content` are left alone.
    """

    def restore(tag: re.Match[bytes]) -> bytes:
        markup = tag.group(0)
        if META_CONTENT.search(markup):
            return markup
        markup = META_VALUE.sub(rb"\1content=", markup, count=1)
        return META_OPEN_GRAPH_NAME.sub(rb"\1property=\2\3", markup, count=1)

    return META_TAG.sub(restore, raw)


def postlight_authors(author: str | None) -> list[str] | None:
    """The names of a byline Postlight asserts; None when it asserts none (not checked)."""
    if not author:
        return None
    author = re.sub(r"^by\s+", "", author.replace("\xa0", " ").strip(), flags=re.IGNORECASE)
    return [name.strip() for name in NAME_SPLIT.split(author) if name.strip()]


def postlight_pages(repo: str) -> dict[str, tuple[dict[str, object], bytes]]:
    """Postlight's article fixtures with their checked metadata, keyed `postlight-<fixture>`."""
    asserted: dict[str, dict[str, str | None]] = {}
    for directory in git_ls(repo, "src/extractors/custom"):
        try:
            test = git_show(repo, f"src/extractors/custom/{directory}/index.test.js")
        except subprocess.CalledProcessError:
            continue
        for fixture, fields in asserted_fields(test.decode("utf-8")).items():
            asserted.setdefault(fixture, fields)
    pages: dict[str, tuple[dict[str, object], bytes]] = {}
    for fixture, fields in sorted(asserted.items()):
        if fixture in POSTLIGHT_SKIP or fixture.startswith("www.reddit.com"):
            continue
        if not any(fields.get(name) for name in ("title", "author", "date_published")):
            continue
        raw = restore_meta(git_show(repo, f"fixtures/{fixture}.html"))
        published = fields.get("date_published")
        entry: dict[str, object] = {
            "source": "postlight",
            "url": fields.get("url") or "",
            "language": None,
            "title": fields.get("title"),
            "authors": postlight_authors(fields.get("author")),
            "date": local_day(published, html.unescape(raw.decode("utf-8", "replace")))
            if published
            else None,
            "text": None,
        }
        entry.update(POSTLIGHT_CORRECTIONS.get(f"postlight-{fixture}", {}))
        pages[f"postlight-{fixture}"] = (entry, raw)
    return pages


# Sources in the order they joined the set: the split counts every third page over them in
# this order, each source's pages by sorted key, so a source added later leaves the earlier
# pages' parts as they were.
SOURCE_ORDER = ("newspaper4k", "readability", "postlight", "go-htmldate", "go-trafilatura")


def split_parts(pages: dict[str, dict[str, object]], first_index: int = 0) -> None:
    """Every third page (sources in `SOURCE_ORDER`, keys sorted) is held out.

    A set holding one later source of the real set alone counts from `first_index`, the
    number of the real set's pages before it, so each page keeps the part it has there.
    """
    ordered = sorted(pages, key=lambda key: (SOURCE_ORDER.index(str(pages[key]["source"])), key))
    for index, key in enumerate(ordered, start=first_index):
        pages[key]["split"] = "held-out" if index % 3 == 2 else "tuning"


def add_page(
    target: Path,
    pages: dict[str, dict[str, object]],
    key: str,
    entry: dict[str, object],
    raw: bytes,
) -> None:
    (target / "html" / f"{key}.html.gz").write_bytes(gzip.compress(raw, mtime=0))
    pages[key] = entry


def readability_pages(
    tree: Tree, folder: str = "test/test-pages", skip: frozenset[str] = READABILITY_SKIP
) -> dict[str, tuple[dict[str, object], bytes]]:
    """Readability's article pages (a folder each, but those in `skip`) with checked
    metadata, keyed `readability-<name>`; the text truth is the corpus's expected output."""
    pages = {}
    for name in tree.names(folder):
        if name in skip:
            continue
        base = f"{folder}/{name}"
        raw = tree.read(f"{base}/source.html")
        if raw is None:  # a file beside the page folders, not a page
            continue
        metadata = json.loads(tree.read(f"{base}/expected-metadata.json") or b"{}")
        key = f"readability-{name}"
        entry: dict[str, object] = {
            "source": "readability",
            "url": "",
            "language": metadata.get("lang"),
            "title": metadata.get("title"),
            "authors": byline_authors(metadata.get("byline")),
            "date": metadata.get("publishedTime"),
            "text": html_text((tree.read(f"{base}/expected.html") or b"").decode("utf-8")),
        }
        entry.update(CORRECTIONS.get(key, {}))
        pages[key] = (entry, raw)
    return pages


def main(newspaper: str, readability: str, postlight: str) -> None:
    target = data_folder("extraction-real")
    pages: dict[str, dict[str, object]] = {}
    (target / "html").mkdir(parents=True, exist_ok=True)
    for corpus in (
        readability_pages(GitTree(readability)),
        newspaper_pages(GitTree(newspaper)),
        postlight_pages(postlight),
    ):
        for key, (entry, raw) in corpus.items():
            add_page(target, pages, key, entry, raw)
    write_truth(target, pages)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
