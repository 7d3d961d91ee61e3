# ruff: noqa: E501
"""Builds the sample web (`demo/site/news`, `mirror`, `expected.json`).

The stories live in `stories_*.py` and the reader comments in `clutter.py`;
the three site templates (The Harbour Herald, 海港日报, Daily Syndicate), the
feeds, sitemaps, robots.txt, `_headers.json` and the ground truth are made
here. After editing a story, run from the repository root:

    python -B demo/site/_build/build.py

and then `pytest tests/test_sample_server.py`, which checks the result.
The host directories are replaced wholesale: never edit their files by hand.
"""

import copy
import html
import json
import shutil
import struct
import sys
import zlib
from datetime import datetime
from pathlib import Path

from clutter import EN_COMMENTS, HANT_COMMENTS, ZH_COMMENTS
from stories_en import EN, EN_OFF, EN_PRIVATE
from stories_mirror import MIRROR_DRAFT, MIRROR_ORIGINAL, SYNDICATED
from stories_zh import HANT_TITLES, ZH, ZH_OFF

ROOT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]
E = html.escape


def png():
    raw = b"\x00" + b"\x80\x90\xa0" * 4
    rows = raw * 3

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 3, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PNG = png()

HEADERS = {"news": {}, "mirror": {}}


def write(host, path, text, encoding="utf-8"):
    rel = path.lstrip("/")
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    target = ROOT / host / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    bad = sorted({ch for ch in text if not ch.encode(encoding, errors="ignore")})
    if bad:
        raise SystemExit(f"{path}: cannot encode {bad} in {encoding}")
    target.write_bytes(text.encode(encoding, errors="strict"))


def write_png(host, path):
    target = ROOT / host / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(PNG)


for a in [*EN, EN_PRIVATE, *EN_OFF]:
    a.setdefault("lang", "en")
    a.setdefault("script", None)
for a in ZH + ZH_OFF:
    a.setdefault("encoding", "utf-8")
OFF_EN_FOUND = {
    "off_sport": ["listing", "rss"],
    "off_weather": ["sitemap"],
    "off_recipe": ["rss"],
    "off_business": ["listing", "sitemap"],
    "off_drugs": ["listing", "rss", "sitemap"],
    "off_hiker": ["rss", "sitemap", "news_sitemap"],
}
for a in EN_OFF:
    a["found_in"] = OFF_EN_FOUND[a["key"]]
    a["tags"] = []
ZH_OFF[0]["found_in"] = ["listing", "atom"]
ZH_OFF[0]["tags"] = []

BY_KEY = {
    a["key"]: a for a in [*EN, EN_PRIVATE, *EN_OFF, *ZH, *ZH_OFF, MIRROR_ORIGINAL, MIRROR_DRAFT]
}

# syndicated copies

for s in SYNDICATED:
    orig = BY_KEY[s["original"]]
    c = copy.deepcopy(orig)
    body = list(orig["body"])
    body[s["after"]] = body[s["after"]] + " " + s["extra"]
    c.update(
        key=s["key"],
        host="mirror",
        path=s["path"],
        title=s["title"],
        body=body,
        published=s["published"],
        places=orig["places"] + s["extra_places"],
        years=sorted(set(orig["years"] + s["extra_years"])),
        found_in=s["found_in"],
        original=s["original"],
        extra=s["extra"],
        section="World",
    )
    c["image"] = "/wp-content/uploads/" + orig["image"].split("/media/", 1)[1]
    BY_KEY[c["key"]] = c
MIRROR_ITEMS = [BY_KEY["mirror_shanxi_copy"], BY_KEY["mirror_lagos_copy"], MIRROR_ORIGINAL]
MIRROR_DRAFT["lang"] = MIRROR_ORIGINAL["lang"] = "en"
for a in [*MIRROR_ITEMS, MIRROR_DRAFT]:
    a["lang"] = "en"
    a["script"] = None

EN_ALL = EN + EN_OFF
ZH_ALL = ZH + ZH_OFF


def slug(name):
    return name.lower().replace(" ", "-")


def ldjson(a, base, publisher):
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a["title"],
        "description": a["standfirst"],
        "datePublished": a["published"],
        "dateModified": a["published"],
        "author": [{"@type": "Person", "name": a["author"]}],
        "publisher": {"@type": "Organization", "name": publisher},
        "mainEntityOfPage": {"@type": "WebPage", "@id": base + a["path"]},
        "image": [base + a["image"]],
        "inLanguage": a["lang"],
    }
    return json.dumps(data, ensure_ascii=False, indent=2).replace("</", "<\\/")


def related_for(a, pool, n=3):
    others = [x for x in pool if x["key"] != a["key"]]
    i = sum(map(ord, a["key"])) % len(others)
    return [others[(i + k * 2) % len(others)] for k in range(n)]


def comments_for(a, pool, n=3):
    i = sum(map(ord, a["key"])) % len(pool)
    return [pool[(i + k) % len(pool)] for k in range(n)]


def fmt_en(iso):
    d = datetime.fromisoformat(iso)
    return d.strftime("%A %-d %B %Y %H.%M")


# ----------------------------------------------------------------- Harbour Herald (EN)
EN_NAV = [
    ("/", "Home"),
    ("/world/", "World"),
    ("/uk/", "UK"),
    ("/us/", "US"),
    ("/business/", "Business"),
    ("/sport/", "Sport"),
    ("/weather/", "Weather"),
    ("/food/", "Food"),
    ("/zh/", "中文"),
    ("/jobs/", "Jobs"),
]


def en_chrome_top(section_path):
    ACTIVE = ' class="active"'
    nav = "\n".join(
        f'      <li{ACTIVE if p == section_path else ""}><a href="{p}">{E(t)}</a></li>'
        for p, t in EN_NAV
    )
    return f"""<div id="cookie-consent" class="cmp-banner" role="dialog" aria-label="Cookie consent">
  <p>We and our 143 partners use cookies to personalise content and adverts and to analyse our traffic. <a href="/cookies/">Read our cookie policy</a>.</p>
  <button type="button" class="cmp-accept">Accept all</button> <button type="button" class="cmp-manage">Manage preferences</button>
</div>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header" role="banner">
  <div class="masthead">
    <a class="logo" href="/"><img src="/static/herald-logo.png" alt="The Harbour Herald" width="4" height="3"></a>
    <p class="tagline">Serving the coast since 1874</p>
    <a class="subscribe-cta" href="/newsletter/">Subscribe from £1 a week</a>
  </div>
  <nav class="primary-nav" aria-label="Sections">
    <ul>
{nav}
    </ul>
  </nav>
  <div class="ad-slot ad-leaderboard" data-ad-unit="/2291/herald/leaderboard"><span class="ad-label">Advertisement</span>
    <a href="https://ads.adnetwork.invalid/click?cid=8812" rel="sponsored nofollow">Switch your broadband today and save up to £180 a year. Offer ends Sunday.</a></div>
</header>"""


def en_footer():
    return """<footer class="site-footer" role="contentinfo">
  <nav aria-label="Footer"><ul>
    <li><a href="/about/">About us</a></li><li><a href="/contact/">Contact</a></li><li><a href="/privacy/">Privacy notice</a></li>
    <li><a href="/cookies/">Cookie policy</a></li><li><a href="/jobs/">Jobs</a></li><li><a href="/rss.xml">RSS</a></li>
  </ul></nav>
  <p>&copy; 2026 Harbour Herald Media Ltd, North Quay, registered in England and Wales no. 04512877. All rights reserved.</p>
</footer>
<script src="/static/herald.js" async></script>"""


def en_sidebar():
    return """<aside class="sidebar" role="complementary">
  <div class="promo promo-elections">
    <h3>Local elections 2026</h3>
    <p>Who is standing in your ward? Use our guide to every candidate and find your polling station before 7 May.</p>
    <a class="button" href="/elections/">See the candidates</a>
  </div>
  <div class="ad-slot ad-mpu" data-ad-unit="/2291/herald/mpu"><span class="ad-label">Advertisement</span>
    <a href="https://ads.adnetwork.invalid/click?cid=9120" rel="sponsored nofollow">Harbourside Motors: 0% finance on all nearly new cars. Call 01632 960 441.</a></div>
  <div class="job-ad">
    <h3>Herald Jobs</h3>
    <p><strong>Senior care worker</strong>, Harbour Borough Council. £24,500 to £27,900, full time. Closing date 30 November.</p>
    <a href="/jobs/">View this and 212 other jobs</a>
  </div>
  <form class="newsletter-signup" action="/newsletter/" method="get">
    <h3>The Morning Briefing</h3>
    <p>The day's top stories from the coast, in your inbox at 7am.</p>
    <label>Email address <input type="email" name="email"></label>
    <button type="submit">Sign me up</button>
  </form>
</aside>"""


def en_article(a):
    rel = related_for(a, EN_ALL)
    coms = comments_for(a, EN_COMMENTS)
    section_path = "/" + a["section"].lower() + "/"
    paras = []
    for i, p in enumerate(a["body"]):
        paras.append(f"      <p>{E(p, quote=False)}</p>")
        if i == 2:
            r = rel[0]
            paras.append(
                f'      <aside class="inline-related"><span>Read more:</span> <a href="{r["path"]}">{E(r["title"])}</a></aside>'
            )
        if i == 4:
            paras.append(
                '      <div class="ad-slot ad-inarticle" data-ad-unit="/2291/herald/inread"><span class="ad-label">Advertisement</span> <a href="https://ads.adnetwork.invalid/click?cid=7735" rel="sponsored nofollow">Retire to the coast: new two-bedroom bungalows from £249,995.</a></div>'
            )
    body = "\n".join(paras)
    related = "\n".join(
        f'      <li><a href="{r["path"]}"><img src="{r["image"]}" alt=""><span class="teaser-headline">{E(r["title"])}</span></a></li>'
        for r in rel
    )
    comments = "\n".join(
        f"""    <article class="comment">
      <header><span class="comment-author">{E(n)}</span> <span class="comment-time">{k + 2} hours ago</span></header>
      <p>{E(t)}</p>
      <footer><a href="#reply">Reply</a> · <a href="#report">Report</a></footer>
    </article>"""
        for k, (n, t) in enumerate(coms)
    )
    author_slug = slug(a["author"])
    short = a["title"] if len(a["title"]) < 40 else a["title"][:37].rsplit(" ", 1)[0] + "…"
    return f"""<!DOCTYPE html>
<html lang="en-GB" class="no-js">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{E(a["title"])} | The Harbour Herald</title>
<meta name="description" content="{E(a["standfirst"])}">
<link rel="canonical" href="{{{{news}}}}{a["path"]}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="The Harbour Herald">
<meta property="og:title" content="{E(a["title"])}">
<meta property="og:description" content="{E(a["standfirst"])}">
<meta property="og:url" content="{{{{news}}}}{a["path"]}">
<meta property="og:image" content="{{{{news}}}}{a["image"]}">
<meta property="article:published_time" content="{a["published"]}">
<meta property="article:section" content="{E(a["section"])}">
<meta name="author" content="{E(a["author"])}">
<link rel="alternate" type="application/rss+xml" title="The Harbour Herald" href="/rss.xml">
<link rel="stylesheet" href="/static/herald.css">
<script type="application/ld+json">
{ldjson(a, "{{news}}", "The Harbour Herald")}
</script>
<script>window.dataLayer=window.dataLayer||[];dataLayer.push({{"pageType":"article","section":"{E(a["section"])}"}});</script>
</head>
<body class="article-page section-{a["section"].lower()}">
{en_chrome_top(section_path)}
<nav class="breadcrumb" aria-label="Breadcrumb">
  <ol><li><a href="/">Home</a></li><li><a href="{section_path}">{E(a["section"])}</a></li><li aria-current="page">{E(short)}</li></ol>
</nav>
<div class="page-grid">
<main id="main" role="main">
  <article class="story" data-story-id="{zlib.crc32(a["path"].encode()) % 10**7}">
    <header class="story-header">
      <p class="kicker">{E(a["section"])}</p>
      <h1 class="headline">{E(a["title"])}</h1>
      <p class="standfirst">{E(a["standfirst"])}</p>
      <div class="byline">By <a rel="author" href="/author/{author_slug}/">{E(a["author"])}</a>
        <time datetime="{a["published"]}">{fmt_en(a["published"])}</time></div>
      <ul class="share-tools"><li><a href="https://www.facebook.invalid/sharer?u={{{{news}}}}{a["path"]}">Share on Facebook</a></li><li><a href="#comments">Comments ({len(coms)})</a></li></ul>
    </header>
    <figure class="lead-image">
      <img src="{a["image"]}" alt="{E(a["caption"][:60])}" width="4" height="3">
      <figcaption>{E(a["caption"])} <span class="credit">Photograph: family handout</span></figcaption>
    </figure>
    <div class="story-body" itemprop="articleBody">
{body}
    </div>
    <p class="tags">Topics: {" ".join(f'<a href="/tag/{t}/">{t.replace("-", " ")}</a>' for t in a.get("tags", []))}</p>
  </article>
  <section class="related-stories">
    <h2>Related stories</h2>
    <ul>
{related}
    </ul>
  </section>
  <section id="comments" class="comments">
    <h2>Comments ({len(coms)})</h2>
    <p class="comments-note">Comments are moderated. Please read our <a href="/about/">community guidelines</a>.</p>
{comments}
  </section>
</main>
{en_sidebar()}
</div>
{en_footer()}
</body>
</html>
"""


def en_page(path, title, heading, items, intro="", extra_links=()):
    """A listing / navigation page of the Herald."""
    lis = []
    for it in items:
        if isinstance(it, tuple):
            href, text, meta = it
        else:
            href, text, meta = it["path"], it["title"], it["standfirst"]
        lis.append(
            f'    <li class="teaser"><h3><a href="{href}">{E(text)}</a></h3><p>{E(meta)}</p></li>'
        )
    extra = "\n".join(f'  <a href="{h}">{E(t)}</a>' for h, t in extra_links)
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{E(title)} | The Harbour Herald</title>
<link rel="canonical" href="{{{{news}}}}{path}">
<link rel="alternate" type="application/rss+xml" title="The Harbour Herald" href="/rss.xml">
</head>
<body class="listing-page">
{en_chrome_top(path)}
<div class="page-grid">
<main id="main">
  <h1>{E(heading)}</h1>
  {f"<p class='intro'>{E(intro)}</p>" if intro else ""}
  <ul class="story-list">
{chr(10).join(lis)}
  </ul>
  <nav class="pagination">
{extra}
  </nav>
</main>
{en_sidebar()}
</div>
{en_footer()}
</body>
</html>
"""


# ----------------------------------------------------------------- 海港日报 (ZH)
CHROME = {
    "Hans": dict(
        site="海港日报",
        home="首页",
        nav=[
            ("/zh/", "首页"),
            ("/zh/tag/dagua/", "打拐"),
            ("/zh/tag/xunqin/", "寻亲"),
            ("/zh/page/2/", "往期回顾"),
            ("/", "English"),
        ],
        cookie="本网站使用Cookie以改善您的浏览体验。继续浏览即表示您同意我们的",
        cookie_link="Cookie政策",
        ok="我知道了",
        crumb="当前位置",
        body="正文",
        source="来源",
        author="作者",
        related="相关新闻",
        comments="网友评论",
        cmt_note="文明上网，理性发言",
        ad="广告",
        ad_text="海港新城 滨海三房 首付仅需30万 咨询热线 0755-8888 6666",
        election="区人大代表换届选举专题",
        election_text="依法参加选举，投好神圣一票。查看本选区候选人名单及投票地点。",
        job="招聘",
        job_text="海港日报社招聘新媒体编辑2名、摄影记者1名，月薪8,000至12,000元，报名截止11月30日。",
        subscribe="订阅每日早报",
        subscribe_text="每天早上7点，把最重要的新闻送到您的邮箱。",
        email="电子邮箱",
        submit="订阅",
        hot="热门排行",
        editor="责任编辑",
        editor_name="王晓",
        lead="导读",
        enter="进入专题",
        reply="回复",
        share="分享到：微信 微博 QQ空间",
        footer="关于我们 | 联系我们 | 版权声明 | 广告服务",
        copyright="海港日报社 版权所有 未经授权禁止转载 粤ICP备12345678号",
    ),
    "Hant": dict(
        site="海港日報",
        home="首頁",
        nav=[
            ("/zh/", "首頁"),
            ("/zh/tag/dagua/", "打拐"),
            ("/zh/tag/xunqin/", "尋親"),
            ("/zh/page/2/", "往期回顧"),
            ("/", "English"),
        ],
        cookie="本網站使用Cookie以改善您的瀏覽體驗。繼續瀏覽即表示您同意我們的",
        cookie_link="Cookie政策",
        ok="我知道了",
        crumb="目前位置",
        body="正文",
        source="來源",
        author="作者",
        related="相關新聞",
        comments="網友評論",
        cmt_note="文明上網，理性發言",
        ad="廣告",
        ad_text="海港新城 濱海三房 首付僅需30萬 諮詢熱線 0755-8888 6666",
        election="區議會選舉專題",
        election_text="依法參加選舉，投好神聖一票。查看本選區候選人名單及投票地點。",
        job="招聘",
        job_text="海港日報社招聘新媒體編輯2名、攝影記者1名，報名截止11月30日。",
        subscribe="訂閱每日早報",
        subscribe_text="每天早上7點，把最重要的新聞送到您的郵箱。",
        email="電子郵箱",
        submit="訂閱",
        hot="熱門排行",
        editor="責任編輯",
        editor_name="王曉",
        lead="導讀",
        enter="進入專題",
        reply="回覆",
        share="分享到：微信 微博 Facebook",
        footer="關於我們 | 聯絡我們 | 版權聲明 | 廣告服務",
        copyright="海港日報社 版權所有 未經授權禁止轉載",
    ),
}


def zh_head_charset(a):
    enc = a.get("encoding", "utf-8")
    if enc == "gbk":
        return '<meta http-equiv="Content-Type" content="text/html; charset=gbk">'
    if enc == "big5":
        return '<meta http-equiv="Content-Type" content="text/html; charset=big5">'
    if enc == "utf-8-lying":
        return '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
    return '<meta charset="utf-8">'


def zh_top(c):
    nav = "".join(f'<li><a href="{p}">{t}</a></li>' for p, t in c["nav"])
    return f"""<div class="cookie-tip" id="cookieTip">{c["cookie"]}<a href="/zh/about/">{c["cookie_link"]}</a>。<span class="close" onclick="this.parentNode.style.display='none'">{c["ok"]}</span></div>
<div class="topbar"><div class="w1200"><span class="date" id="today"></span><a href="/newsletter/">{c["subscribe"]}</a> | <a href="/">English</a></div></div>
<div class="header w1200"><div class="logo"><a href="/zh/"><img src="/static/haigang-logo.png" alt="{c["site"]}"></a></div>
<div class="nav"><ul>{nav}</ul></div></div>
<div class="ad w1200 ad-top"><span class="ad-tag">{c["ad"]}</span><a href="https://ads.adnetwork.invalid/click?cid=5521" target="_blank">{c["ad_text"]}</a></div>"""


def zh_right(c, hot):
    hots = "".join(
        f'<li><em>{i + 1}</em><a href="{h["path"]}">{E(t)}</a></li>' for i, (h, t) in enumerate(hot)
    )
    return f"""<div class="right">
  <div class="box election"><h3>{c["election"]}</h3><p>{c["election_text"]}</p><a href="/zh/about/">{c["enter"]}</a></div>
  <div class="box hot"><h3>{c["hot"]}</h3><ol>{hots}</ol></div>
  <div class="box job"><h3>{c["job"]}</h3><p>{c["job_text"]}</p></div>
  <div class="box subscribe"><h3>{c["subscribe"]}</h3><p>{c["subscribe_text"]}</p><form action="/newsletter/" method="get"><input type="text" name="email" placeholder="{c["email"]}"><button>{c["submit"]}</button></form></div>
  <div class="ad ad-side"><span class="ad-tag">{c["ad"]}</span><a href="https://ads.adnetwork.invalid/click?cid=5530" target="_blank">{c["ad_text"]}</a></div>
</div>"""


def zh_footer(c):
    return f"""<div class="footer"><div class="w1200"><p><a href="/zh/about/">{c["footer"]}</a></p><p>{c["copyright"]}</p></div></div>
<script src="/static/haigang.js"></script>"""


def zh_title_for(x, script):
    if script == "Hant":
        return HANT_TITLES.get(x["key"], x["title"])
    return x["title"]


def zh_article(a):
    s = a["script"]
    c = CHROME[s]
    pool = [x for x in ZH_ALL if (s == "Hans" or x["key"] in HANT_TITLES)]
    rel = related_for(a, pool, 3)
    hot = [(x, zh_title_for(x, s)) for x in related_for(a, pool, 4)[1:]]
    coms = comments_for(a, ZH_COMMENTS if s == "Hans" else HANT_COMMENTS, 3 if s == "Hans" else 2)
    d = datetime.fromisoformat(a["published"])
    paras = "\n".join(f'<p style="text-indent:2em;">{E(p, quote=False)}</p>' for p in a["body"])
    related = "\n".join(
        f'<li><a href="{r["path"]}" target="_blank">{E(zh_title_for(r, s))}</a><span>{r["published"][:10]}</span></li>'
        for r in rel
    )
    comments = "\n".join(
        f'<div class="cmt-item"><span class="user">{E(n)}</span><span class="time">{d.strftime("%Y-%m-%d")} {10 + k}:2{k}</span><p>{E(t)}</p><a class="reply" href="#comments">{c["reply"]}</a></div>'
        for k, (n, t) in enumerate(coms)
    )
    tags = "".join(
        f'<a href="/zh/tag/{"dagua" if t == "打拐" else "xunqin"}/">{t}</a>'
        for t in a.get("tags", [])
    )
    return f"""<!DOCTYPE html>
<html lang="{a["lang"]}">
<head>
{zh_head_charset(a)}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{E(a["title"])}_{c["site"]}</title>
<meta name="keywords" content="{E(",".join(a.get("tags", [])))}">
<meta name="description" content="{E(a["standfirst"])}">
<meta name="publishdate" content="{d.strftime("%Y-%m-%d")}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{c["site"]}">
<meta property="og:title" content="{E(a["title"])}">
<meta property="og:url" content="{{{{news}}}}{a["path"]}">
<meta property="article:published_time" content="{a["published"]}">
<link rel="canonical" href="{{{{news}}}}{a["path"]}">
<link rel="alternate" type="application/atom+xml" title="{c["site"]}" href="/zh/atom.xml">
<link rel="stylesheet" href="/static/haigang.css">
<script type="application/ld+json">
{ldjson(a, "{{news}}", c["site"])}
</script>
</head>
<body>
{zh_top(c)}
<div class="crumb w1200">{c["crumb"]}：<a href="/zh/">{c["home"]}</a> &gt; <a href="/zh/">{E(a["section"])}</a> &gt; {c["body"]}</div>
<div class="main w1200 clearfix">
<div class="left">
<div class="article">
<h1 id="title">{E(a["title"])}</h1>
<div class="info"><span class="source">{c["source"]}：{c["site"]}</span><span class="author">{c["author"]}：{E(a["byline"])} {E(a["author"])}</span><span class="pubtime">{d.strftime("%Y-%m-%d %H:%M")}</span></div>
<div class="summary"><strong>【{c["lead"]}】</strong>{E(a["standfirst"])}</div>
<div id="content" class="TRS_Editor">
<figure class="pic"><img src="{a["image"]}" alt="" border="0"><figcaption>{E(a["caption"])}</figcaption></figure>
{paras}
</div>
<div class="editor">（{c["editor"]}：{c["editor_name"]}）</div>
<div class="tags">{tags}</div>
<div class="share">{c["share"]}</div>
</div>
<div class="ad ad-mid"><span class="ad-tag">{c["ad"]}</span><a href="https://ads.adnetwork.invalid/click?cid=5542" target="_blank">{c["ad_text"]}</a></div>
<div class="related"><h3>{c["related"]}</h3><ul>
{related}
</ul></div>
<div class="comment" id="comments"><h3>{c["comments"]}（{len(coms)}）</h3><p class="note">{c["cmt_note"]}</p>
{comments}
</div>
</div>
{zh_right(c, hot)}
</div>
{zh_footer(c)}
</body>
</html>
"""


def zh_page(path, title, items, extra_links=()):
    c = CHROME["Hans"]
    lis = []
    for it in items:
        if isinstance(it, tuple):
            href, text, date = it
        else:
            href, text, date = it["path"], zh_title_for(it, "Hans"), it["published"][:10]
        lis.append(
            f'<li><a href="{href}" target="_blank">{E(text)}</a><span class="date">{date}</span></li>'
        )
    extra = " ".join(f'<a href="{h}">{E(t)}</a>' for h, t in extra_links)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{E(title)}_{c["site"]}</title>
<link rel="canonical" href="{{{{news}}}}{path}">
<link rel="alternate" type="application/atom+xml" title="{c["site"]}" href="/zh/atom.xml">
</head>
<body>
{zh_top(c)}
<div class="main w1200 clearfix"><div class="left">
<h2 class="column-title">{E(title)}</h2>
<ul class="list">
{chr(10).join(lis)}
</ul>
<div class="page">{extra}</div>
</div>
{zh_right(c, [(x, x["title"]) for x in ZH if "listing" in x["found_in"]][:3])}
</div>
{zh_footer(c)}
</body>
</html>
"""


# ----------------------------------------------------------------- Daily Syndicate (mirror)
def ds_sidebar():
    return """<aside id="secondary" class="widget-area">
  <section class="widget widget_search"><form role="search" action="/"><input type="search" name="s" placeholder="Search …"></form></section>
  <section class="widget widget_text"><h2 class="widget-title">Vote 2026</h2><div class="textwidget"><p>Mayoral race: read our guide to the five candidates and the issues that matter to you.</p><a href="/latest/">Election hub</a></div></section>
  <section class="widget widget_ad"><span class="ad-label">Sponsored</span><a href="https://ads.adnetwork.invalid/click?cid=3301" rel="sponsored">Learn a language in 10 minutes a day. Try it free for 30 days.</a></section>
  <section class="widget widget_jobs"><h2 class="widget-title">Now hiring</h2><p>Daily Syndicate is looking for a night news editor (remote, $62,000). Send your CV to jobs@dailysyndicate.invalid</p></section>
  <section class="widget widget_newsletter"><h2 class="widget-title">Get the Syndicate Digest</h2><form action="/latest/"><input type="email" name="email" placeholder="Your email"><button>Subscribe</button></form></section>
</aside>"""


DS_COMMENTS = [
    ("Marcus T.", "Reading this from Toronto. Heartbreaking and hopeful at the same time."),
    ("Jen R", "Why did it take so long? Somebody must have known something."),
    ("wanderer22", "Saw the original story yesterday, glad it is getting wider coverage."),
    ("Oluwaseun A.", "These so-called orphanages need to be shut down for good."),
]


def ds_top():
    return """<div id="gdpr-cookie-notice" class="cookie-notice">This site uses cookies to improve your experience. <a href="/privacy-policy/">Learn more</a> <button class="cn-accept">OK</button></div>
<div id="page" class="site">
<header id="masthead" class="site-header">
  <div class="site-branding"><p class="site-title"><a href="/" rel="home">Daily Syndicate</a></p><p class="site-description">News from everywhere, every day</p></div>
  <nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">
    <li class="menu-item"><a href="/">Home</a></li><li class="menu-item"><a href="/latest/">Latest</a></li><li class="menu-item"><a href="/category/world/">World</a></li><li class="menu-item"><a href="/feed.xml">RSS</a></li>
  </ul></nav>
</header>"""


def ds_footer():
    return """<footer id="colophon" class="site-footer"><div class="site-info">&copy; 2026 Daily Syndicate · <a href="/privacy-policy/">Privacy Policy</a> · Proudly powered by a content management system</div></footer>
</div>
<script src="/wp-includes/js/wp-embed.min.js"></script>"""


def ds_article(a):
    post_id = 4000 + sum(map(ord, a["key"])) % 900
    paras = "\n".join(f"<p>{E(p, quote=False)}</p>" for p in a["body"])
    coms = comments_for(a, DS_COMMENTS, 2)
    comments = "\n".join(
        f"""<li class="comment"><article class="comment-body"><footer class="comment-meta"><b class="fn">{E(n)}</b> <span class="says">says:</span></footer><div class="comment-content"><p>{E(t)}</p></div></article></li>"""
        for n, t in coms
    )
    others = [x for x in MIRROR_ITEMS if x["key"] != a["key"]]
    also = "\n".join(f'<li><a href="{x["path"]}">{E(x["title"])}</a></li>' for x in others)
    credit = ""
    if a.get("original"):
        o = BY_KEY[a["original"]]
        credit = f'<p class="syndication-credit"><em>This story was first published by <a href="{{{{news}}}}{o["path"]}?utm_source=syndication&amp;utm_medium=partner">The Harbour Herald</a> and is republished under a content-sharing agreement.</em></p>'
    d = datetime.fromisoformat(a["published"])
    return f"""<!doctype html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{E(a["title"])} &#8211; Daily Syndicate</title>
<link rel="canonical" href="{{{{mirror}}}}{a["path"]}">
<meta property="og:locale" content="en_US">
<meta property="og:type" content="article">
<meta property="og:title" content="{E(a["title"])}">
<meta property="og:url" content="{{{{mirror}}}}{a["path"]}">
<meta property="og:site_name" content="Daily Syndicate">
<meta property="article:published_time" content="{a["published"]}">
<meta name="author" content="{E(a["author"])}">
<link rel="alternate" type="application/rss+xml" title="Daily Syndicate &raquo; Feed" href="/feed.xml">
<script type="application/ld+json">
{ldjson(a, "{{mirror}}", "Daily Syndicate")}
</script>
<link rel="stylesheet" id="theme-style-css" href="/wp-content/themes/syndicate/style.css?ver=6.4.2" media="all">
</head>
<body class="post-template-default single single-post postid-{post_id} single-format-standard">
{ds_top()}
<div id="content" class="site-content">
<div class="breadcrumbs"><a href="/">Home</a> » <a href="/category/world/">World</a> » <span class="breadcrumb_last">{E(a["title"])}</span></div>
<main id="primary" class="site-main">
<article id="post-{post_id}" class="post-{post_id} post type-post status-publish format-standard has-post-thumbnail hentry category-world">
  <header class="entry-header">
    <h1 class="entry-title">{E(a["title"])}</h1>
    <div class="entry-meta"><span class="posted-on">Posted on <time class="entry-date published" datetime="{a["published"]}">{d.strftime("%B %-d, %Y")}</time></span> <span class="byline">by <span class="author vcard"><a class="url fn n" href="/latest/">{E(a["author"])}</a></span></span></div>
  </header>
  <div class="post-thumbnail"><figure class="wp-caption"><img src="{a["image"]}" class="attachment-post-thumbnail wp-post-image" alt=""><figcaption class="wp-caption-text">{E(a["caption"])}</figcaption></figure></div>
  <div class="entry-content">
<p class="standfirst"><strong>{E(a["standfirst"])}</strong></p>
{paras}
{credit}
<div class="sharedaddy"><h3 class="sd-title">Share this:</h3><a href="https://twitter.invalid/share">Twitter</a> <a href="https://facebook.invalid/share">Facebook</a> <a href="#comments">Comment</a></div>
  </div>
</article>
<div class="jp-relatedposts"><h3>You may also like</h3><ul>
{also}
</ul></div>
<div id="comments" class="comments-area"><h2 class="comments-title">{len(coms)} thoughts on &ldquo;{E(a["title"])}&rdquo;</h2><ol class="comment-list">
{comments}
</ol><div id="respond" class="comment-respond"><h3>Leave a Reply</h3><form action="/latest/"><textarea name="comment"></textarea><input type="submit" value="Post Comment"></form></div></div>
</main>
{ds_sidebar()}
</div>
{ds_footer()}
</body>
</html>
"""


def ds_page(path, title, items):
    lis = "\n".join(
        f'<article class="post type-post"><h2 class="entry-title"><a href="{h}" rel="bookmark">{E(t)}</a></h2><div class="entry-summary"><p>{E(s)}</p></div></article>'
        for h, t, s in items
    )
    return f"""<!doctype html>
<html lang="en-US">
<head><meta charset="UTF-8"><title>{E(title)} &#8211; Daily Syndicate</title><link rel="canonical" href="{{{{mirror}}}}{path}">
<link rel="alternate" type="application/rss+xml" title="Daily Syndicate &raquo; Feed" href="/feed.xml"></head>
<body class="archive">
{ds_top()}
<div id="content" class="site-content"><main id="primary" class="site-main">
<header class="page-header"><h1 class="page-title">{E(title)}</h1></header>
{lis}
</main>
{ds_sidebar()}
</div>
{ds_footer()}
</body>
</html>
"""


# ================================================================= write everything
for stale in ("news", "mirror"):
    if (ROOT / stale).exists():
        shutil.rmtree(ROOT / stale)
(ROOT / "news").mkdir(parents=True)
(ROOT / "mirror").mkdir(parents=True)


def enc_of(a):
    return {"gbk": "gbk", "big5": "big5"}.get(a.get("encoding", "utf-8"), "utf-8")


# -- Herald articles
for a in [*EN, EN_PRIVATE, *EN_OFF]:
    write("news", a["path"], en_article(a))
    write_png("news", a["image"])
for a in ZH + ZH_OFF:
    write("news", a["path"], zh_article(a), enc_of(a))
    write_png("news", a["image"])
for a in [*MIRROR_ITEMS, MIRROR_DRAFT]:
    write("mirror", a["path"], ds_article(a))
    write_png("mirror", a["image"])


def listed(a):
    return "listing" in a["found_in"]


NOT_FOUND = "/world/2024/02/council-withdraws-foster-care-review-story.html"
# -- Herald listings
world_items = [
    (BY_KEY["en_shanxi"]["path"], BY_KEY["en_shanxi"]["title"], BY_KEY["en_shanxi"]["standfirst"]),
    (BY_KEY["en_texas"]["path"] + "#comments", BY_KEY["en_texas"]["title"], "7 comments"),
    (
        BY_KEY["en_india"]["path"] + "?fbclid=IwAR2xYzQ8kLmN0pRsTuV",
        BY_KEY["en_india"]["title"],
        BY_KEY["en_india"]["standfirst"],
    ),
    (
        BY_KEY["en_cannabis"]["path"]
        + "?utm_source=homepage&amp;utm_medium=referral&amp;utm_campaign=top5",
        BY_KEY["en_cannabis"]["title"],
        BY_KEY["en_cannabis"]["standfirst"],
    ),
    (BY_KEY["off_drugs"]["path"], BY_KEY["off_drugs"]["title"], BY_KEY["off_drugs"]["standfirst"]),
    (
        EN_PRIVATE["path"],
        "Exclusive preview: new figures on child trafficking in South Asia",
        "Coming soon.",
    ),
    (
        NOT_FOUND,
        "Council withdraws foster care review after complaints",
        "The review has been paused.",
    ),
    (BY_KEY["off_sport"]["path"], BY_KEY["off_sport"]["title"], BY_KEY["off_sport"]["standfirst"]),
    (
        BY_KEY["off_business"]["path"],
        BY_KEY["off_business"]["title"],
        BY_KEY["off_business"]["standfirst"],
    ),
]
nav_links = [
    ("/world/page/2/", "Older stories »"),
    ("/tag/child-trafficking/", "Topic: child trafficking"),
    ("/tag/missing-children/", "Topic: missing children"),
    ("/author/eleanor-marsh/", "Eleanor Marsh, world affairs editor"),
]
write(
    "news",
    "/world/",
    en_page(
        "/world/",
        "World news",
        "World",
        world_items,
        "The latest from around the world, with our reporters in Asia, Africa and the Americas.",
        nav_links,
    ),
)
write(
    "news",
    "/world/page/2/",
    en_page(
        "/world/page/2/",
        "World news, page 2",
        "World: page 2",
        [BY_KEY["en_vietnam"]],
        "",
        [("/world/", "« Newer stories")],
    ),
)
sections = {
    "/uk/": ("UK news", [BY_KEY["en_cannabis"]]),
    "/us/": ("US news", [BY_KEY["en_texas"]]),
    "/sport/": ("Sport", [BY_KEY["off_sport"]]),
    "/business/": ("Business", [BY_KEY["off_business"]]),
    "/weather/": ("Weather", []),
    "/food/": ("Food and drink", []),
}
for p, (t, items) in sections.items():
    write("news", p, en_page(p, t, t, items))
en_listed = [a for a in EN + EN_OFF if listed(a)]
tags = sorted({t for a in EN for t in a["tags"]})
for t in tags:
    items = [a for a in en_listed if t in a.get("tags", [])]
    write(
        "news",
        f"/tag/{t}/",
        en_page(
            f"/tag/{t}/", t.replace("-", " ").capitalize(), "Topic: " + t.replace("-", " "), items
        ),
    )
authors = sorted({a["author"] for a in EN + EN_OFF})
for au in authors:
    items = [a for a in en_listed if a["author"] == au]
    write(
        "news",
        f"/author/{slug(au)}/",
        en_page(f"/author/{slug(au)}/", au, au, items, f"Stories by {au}."),
    )
for p, t, intro in [
    (
        "/about/",
        "About us",
        "The Harbour Herald has reported on the coast and the world since 1874. Our community guidelines ask readers to keep comments civil.",
    ),
    ("/contact/", "Contact us", "Newsdesk: 01632 960 100. Email news@harbourherald.invalid."),
    ("/privacy/", "Privacy notice", "How we use your personal data."),
    ("/cookies/", "Cookie policy", "Which cookies we set and why."),
    ("/jobs/", "Herald Jobs", "Find your next job on the coast."),
    ("/elections/", "Local elections 2026", "Every candidate, ward by ward."),
    ("/newsletter/", "Newsletters", "Sign up for The Morning Briefing."),
]:
    write("news", p, en_page(p, t, t, [], intro))
home_items = [
    BY_KEY["en_shanxi"],
    BY_KEY["en_texas"],
    BY_KEY["off_sport"],
    ("/world/", "World news", "All the latest."),
    ("/zh/", "海港日报 中文版", "Chinese edition"),
]
write(
    "news",
    "/",
    en_page("/", "News, sport and jobs from the coast", "The Harbour Herald", home_items),
)

# -- 海港日报 listings
zh_items = [
    BY_KEY["zh_shanxi"],
    (
        BY_KEY["zh_shaanxi_gbk"]["path"] + "?spm=zm1001.2.0.0.5f3a",
        BY_KEY["zh_shaanxi_gbk"]["title"],
        BY_KEY["zh_shaanxi_gbk"]["published"][:10],
    ),
    BY_KEY["zh_beijing"],
    (
        BY_KEY["zh_henan"]["path"] + "#comments",
        BY_KEY["zh_henan"]["title"],
        BY_KEY["zh_henan"]["published"][:10],
    ),
    BY_KEY["zh_fujian_lying"],
    (
        BY_KEY["zh_taiwan_big5"]["path"],
        HANT_TITLES["zh_taiwan_big5"],
        BY_KEY["zh_taiwan_big5"]["published"][:10],
    ),
    BY_KEY["off_zh_typhoon"],
]
write(
    "news",
    "/zh/",
    zh_page(
        "/zh/",
        "海港日报 新闻",
        zh_items,
        [
            ("/zh/page/2/", "下一页"),
            ("/zh/tag/dagua/", "打拐专题"),
            ("/zh/tag/xunqin/", "寻亲专题"),
            ("/zh/about/", "关于我们"),
        ],
    ),
)
write(
    "news",
    "/zh/page/2/",
    zh_page(
        "/zh/page/2/",
        "海港日报 新闻 第2页",
        [(BY_KEY["zh_hongkong_hant"]["path"], HANT_TITLES["zh_hongkong_hant"], "2024-02-28")],
        [("/zh/", "上一页")],
    ),
)
zh_listed = [a for a in ZH if listed(a)]
for t, p, name in [("打拐", "/zh/tag/dagua/", "打拐专题"), ("寻亲", "/zh/tag/xunqin/", "寻亲专题")]:
    items = [
        (a["path"], zh_title_for(a, a["script"]), a["published"][:10])
        for a in zh_listed
        if t in a["tags"]
    ]
    write("news", p, zh_page(p, name, items))
write(
    "news",
    "/zh/about/",
    zh_page("/zh/about/", "关于我们", [("/zh/", "海港日报是海港日报社主办的综合性新闻网站。", "")]),
)

# -- Daily Syndicate listings
latest = [(a["path"], a["title"], a["standfirst"]) for a in MIRROR_ITEMS]
latest[0] = (latest[0][0] + "?fbclid=IwZXh0bgNhZW0CMTEAAR", latest[0][1], latest[0][2])
latest.append((MIRROR_DRAFT["path"], "Coming up: Guizhou siblings", "Draft preview"))
write("mirror", "/latest/", ds_page("/latest/", "Latest", latest))
write(
    "mirror",
    "/",
    ds_page("/", "Daily Syndicate", [*latest[:2], ("/latest/", "All the latest news", "")]),
)
write(
    "mirror",
    "/category/world/",
    ds_page(
        "/category/world/",
        "World",
        [(a["path"], a["title"], a["standfirst"]) for a in MIRROR_ITEMS if listed(a)],
    ),
)
write(
    "mirror",
    "/privacy-policy/",
    ds_page("/privacy-policy/", "Privacy Policy", [("/", "We respect your privacy.", "")]),
)

# -- static assets
for host, p, text in [
    ("news", "/static/herald.css", "body{font-family:Georgia,serif}.ad-slot{min-height:90px}\n"),
    ("news", "/static/herald.js", "/* consent manager and ads loader (placeholder) */\n"),
    ("news", "/static/haigang.css", ".w1200{width:1200px;margin:0 auto}\n"),
    (
        "news",
        "/static/haigang.js",
        "document.getElementById('today').textContent=new Date().toLocaleDateString('zh-CN');\n",
    ),
    ("mirror", "/wp-content/themes/syndicate/style.css", "/* Theme Name: Syndicate */\n"),
    ("mirror", "/wp-includes/js/wp-embed.min.js", "/* embed */\n"),
]:
    write(host, p, text)
write_png("news", "/static/herald-logo.png")
write_png("news", "/static/haigang-logo.png")

# -- robots
write(
    "news",
    "/robots.txt",
    """# The Harbour Herald
User-agent: *
Disallow: /private/
Disallow: /search
Allow: /

User-agent: ExampleAIBot
Disallow: /

Sitemap: {{news}}/sitemap_index.xml
""",
)
write(
    "mirror",
    "/robots.txt",
    """User-agent: *
Disallow: /drafts/
Disallow: /wp-admin/

Sitemap: {{mirror}}/sitemap.xml
""",
)


# -- feeds
def rfc822(iso):
    return datetime.fromisoformat(iso).strftime("%a, %d %b %Y %H:%M:%S %z")


def rss(base, title, link, items, desc, query):
    entries = []
    for a in sorted(items, key=lambda x: x["published"], reverse=True):
        entries.append(f"""    <item>
      <title>{E(a["title"])}</title>
      <link>{base}{a["path"]}{query}</link>
      <guid isPermaLink="false">{base}{a["path"]}</guid>
      <pubDate>{rfc822(a["published"])}</pubDate>
      <dc:creator>{E(a["author"])}</dc:creator>
      <category>{E(a["section"])}</category>
      <description>{E(a["standfirst"])}</description>
    </item>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>{E(title)}</title>
    <link>{base}{link}</link>
    <atom:link href="{base}{link}" rel="self" type="application/rss+xml"/>
    <description>{E(desc)}</description>
    <language>en-gb</language>
{chr(10).join(entries)}
  </channel>
</rss>
"""


rss_items = [a for a in EN + EN_OFF if "rss" in a["found_in"]]
write(
    "news",
    "/rss.xml",
    rss(
        "{{news}}",
        "The Harbour Herald",
        "/rss.xml",
        rss_items,
        "Latest stories from The Harbour Herald",
        "?utm_source=rss&amp;utm_medium=feed",
    ),
)
write(
    "mirror",
    "/feed.xml",
    rss(
        "{{mirror}}",
        "Daily Syndicate",
        "/feed.xml",
        [a for a in MIRROR_ITEMS if "rss" in a["found_in"]],
        "News from everywhere, every day",
        "",
    ),
)

atom_items = sorted(
    [a for a in ZH + ZH_OFF if "atom" in a["found_in"]], key=lambda x: x["published"], reverse=True
)
atom_entries = "\n".join(
    f"""  <entry>
    <title>{E(a["title"])}</title>
    <link rel="alternate" type="text/html" href="{{{{news}}}}{a["path"]}?utm_source=atom&amp;utm_medium=feed"/>
    <id>{{{{news}}}}{a["path"]}</id>
    <published>{a["published"]}</published>
    <updated>{a["published"]}</updated>
    <author><name>{E(a["author"])}</name></author>
    <summary>{E(a["standfirst"])}</summary>
  </entry>"""
    for a in atom_items
)
write(
    "news",
    "/zh/atom.xml",
    f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">
  <title>海港日报</title>
  <subtitle>海港日报中文新闻</subtitle>
  <link rel="self" href="{{{{news}}}}/zh/atom.xml"/>
  <link rel="alternate" type="text/html" href="{{{{news}}}}/zh/"/>
  <id>{{{{news}}}}/zh/</id>
  <updated>{atom_items[0]["published"]}</updated>
{atom_entries}
</feed>
""",
)

# -- sitemaps
sm_items = [a for a in EN + EN_OFF + ZH + ZH_OFF if "sitemap" in a["found_in"]]
urls = [
    f"""  <url>
    <loc>{{{{news}}}}{a["path"]}</loc>
    <lastmod>{a["published"]}</lastmod>
  </url>"""
    for a in sorted(sm_items, key=lambda x: x["published"], reverse=True)
]
urls += [
    """  <url>
    <loc>{{news}}/about/</loc>
    <lastmod>2011-03-01</lastmod>
  </url>""",
    """  <url>
    <loc>{{news}}/contact/</loc>
    <lastmod>2012-06-30</lastmod>
  </url>""",
]
write(
    "news",
    "/sitemap-articles.xml",
    f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{chr(10).join(urls)}
</urlset>
""",
)
ns_items = sorted(
    [a for a in EN + EN_OFF + ZH + ZH_OFF if "news_sitemap" in a["found_in"]],
    key=lambda x: x["published"],
    reverse=True,
)
news_urls = "\n".join(
    f"""  <url>
    <loc>{{{{news}}}}{a["path"]}</loc>
    <news:news>
      <news:publication>
        <news:name>{"The Harbour Herald" if a["lang"] == "en" else "海港日报"}</news:name>
        <news:language>{"en" if a["lang"] == "en" else "zh-cn"}</news:language>
      </news:publication>
      <news:publication_date>{a["published"]}</news:publication_date>
      <news:title>{E(a["title"])}</news:title>
    </news:news>
    <lastmod>{a["published"]}</lastmod>
  </url>"""
    for a in ns_items
)
write(
    "news",
    "/news-sitemap.xml",
    f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{news_urls}
</urlset>
""",
)
write(
    "news",
    "/sitemap_index.xml",
    """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap>
    <loc>{{news}}/sitemap-articles.xml</loc>
    <lastmod>2026-02-10T07:50:00+08:00</lastmod>
  </sitemap>
  <sitemap>
    <loc>{{news}}/news-sitemap.xml</loc>
    <lastmod>2026-02-10T07:50:00+08:00</lastmod>
  </sitemap>
</sitemapindex>
""",
)
m_urls = "\n".join(
    f"""  <url>
    <loc>{{{{mirror}}}}{a["path"]}</loc>
    <lastmod>{a["published"]}</lastmod>
  </url>"""
    for a in MIRROR_ITEMS
    if "sitemap" in a["found_in"]
)
write(
    "mirror",
    "/sitemap.xml",
    f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{m_urls}
  <url>
    <loc>{{{{mirror}}}}/privacy-policy/</loc>
    <lastmod>2010-11-02</lastmod>
  </url>
</urlset>
""",
)

# -- per-path headers
HEADERS["news"] = {
    BY_KEY["zh_shaanxi_gbk"]["path"]: {"Content-Type": "text/html; charset=GBK"},
    BY_KEY["zh_taiwan_big5"]["path"]: {"Content-Type": "text/html; charset=Big5"},
    BY_KEY["zh_fujian_lying"]["path"]: {"Content-Type": "text/html; charset=iso-8859-1"},
    "/rss.xml": {"Content-Type": "application/rss+xml; charset=utf-8"},
    "/zh/atom.xml": {"Content-Type": "application/atom+xml; charset=utf-8"},
}
HEADERS["mirror"] = {"/feed.xml": {"Content-Type": "application/rss+xml; charset=UTF-8"}}
for host, h in HEADERS.items():
    (ROOT / host / "_headers.json").write_text(
        json.dumps(h, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


# -- expected.json
def lang_code(a):
    return "en" if a["lang"] == "en" else "zh"


def record(a):
    if a["host"] == "mirror":
        clutter = [comments_for(a, DS_COMMENTS, 2)[0][1], "Learn a language in 10 minutes a day"]
    elif a["lang"] == "en":
        clutter = [
            comments_for(a, EN_COMMENTS)[0][1],
            related_for(a, EN_ALL)[0]["title"],
            "Retire to the coast",
            "Local elections 2026",
        ]
    else:
        s = a["script"]
        clutter = [
            comments_for(a, ZH_COMMENTS if s == "Hans" else HANT_COMMENTS, 1)[0][1],
            zh_title_for(
                related_for(a, [x for x in ZH_ALL if (s == "Hans" or x["key"] in HANT_TITLES)], 3)[
                    0
                ],
                s,
            ),
            CHROME[s]["ad_text"],
            CHROME[s]["election"],
        ]
    enc = a.get("encoding", "utf-8")
    return {
        "host": a["host"],
        "path": a["path"],
        "title": a["title"],
        "published": a["published"],
        "published_date": a["published"][:10],
        "language": lang_code(a),
        "html_lang": {"en": "en-GB" if a["host"] == "news" else "en-US"}.get(a["lang"], a["lang"]),
        "script": a.get("script"),
        "author": a["author"],
        "encoding": {"utf-8-lying": "utf-8"}.get(enc, enc),
        "names": a["names"],
        "places": a["places"],
        "villages": a["villages"],
        "years": sorted(a["years"]),
        "caption": a["caption"],
        "must_contain": [
            a["caption"].split("。")[0].split(". ")[0],
            a["body"][0][:40],
            a["body"][-1][:40],
        ],
        "must_not_contain": clutter,
        "found_in": a["found_in"],
    }


on_topic = EN + ZH + [MIRROR_ORIGINAL]
expected = {
    "about": "Ground truth of Homeward's offline sample web (demo/site). Paths are canonical; "
    "a URL is the host's base URL (SampleWeb.urls[host]) + path. found_in says which discovery "
    "source lists the page directly: 'listing' = a listing page in hosts[h].pages (or a page it links as "
    "navigation), 'listing_page_2' = only the second page of a listing (/world/page/2/, /zh/page/2/), "
    "'rss'/'atom' = the feeds, 'sitemap'/'news_sitemap' = the sitemaps under the sitemap index. "
    "Related-story teasers also link articles to one another. Names are as written in the text; "
    "places are canonical English names of real places (provinces, cities, countries); villages are "
    "as written (some invented); years are the four-digit years the text (headline, standfirst, body, "
    "caption) mentions.",
    "hosts": {
        "news": {
            "name": "The Harbour Herald",
            "feeds": ["/rss.xml", "/zh/atom.xml"],
            "sitemaps": ["/sitemap_index.xml"],
            "pages": ["/world/", "/zh/"],
            "robots_disallow": ["/private/", "/search"],
        },
        "mirror": {
            "name": "Daily Syndicate",
            "feeds": ["/feed.xml"],
            "sitemaps": ["/sitemap.xml"],
            "pages": ["/latest/"],
            "robots_disallow": ["/drafts/", "/wp-admin/"],
        },
    },
    "articles": [record(a) for a in on_topic],
    "syndicated": [
        {
            **record(BY_KEY[s["key"]]),
            "original": {"host": "news", "path": BY_KEY[s["original"]]["path"]},
            "added_sentence": s["extra"],
        }
        for s in SYNDICATED
    ],
    "off_topic": [
        {
            "host": a["host"],
            "path": a["path"],
            "title": a["title"],
            "language": lang_code(a),
            "kind": a["kind"],
            "published": a["published"],
            "found_in": a["found_in"],
        }
        for a in EN_OFF + ZH_OFF
    ],
    "robots_disallowed": [
        {**record(EN_PRIVATE), "rule": "Disallow: /private/"},
        {**record(MIRROR_DRAFT), "rule": "Disallow: /drafts/"},
    ],
    "special_encodings": [
        {
            "host": "news",
            "path": BY_KEY["zh_shaanxi_gbk"]["path"],
            "encoding": "gbk",
            "http_charset": "GBK",
            "meta_charset": "gbk",
            "note": "GBK bytes, declared correctly",
        },
        {
            "host": "news",
            "path": BY_KEY["zh_taiwan_big5"]["path"],
            "encoding": "big5",
            "http_charset": "Big5",
            "meta_charset": "big5",
            "note": "Big5 bytes (traditional Chinese), declared correctly",
        },
        {
            "host": "news",
            "path": BY_KEY["zh_fujian_lying"]["path"],
            "encoding": "utf-8",
            "http_charset": "iso-8859-1",
            "meta_charset": "iso-8859-1",
            "note": "UTF-8 Chinese bytes; both the HTTP header and the meta tag wrongly say iso-8859-1",
        },
    ],
    "not_found": [{"host": "news", "path": NOT_FOUND, "linked_from": ["/world/"]}],
}
(ROOT / "expected.json").write_text(
    json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
)
print(
    "wrote",
    sum(1 for host in ("news", "mirror") for f in (ROOT / host).rglob("*") if f.is_file()),
    "files and expected.json under",
    ROOT,
)
