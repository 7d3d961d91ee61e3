"""The web UI in a real browser: Debian's Chromium, headless, driven by Playwright.

A real `uvicorn` server runs the app over a loaded archive; the browser searches,
narrows by a facet, opens an article, keeps it in a set with a note and exports
the set as CSV and PDF. The hostile fixture article proves that no script runs
on any page (every dialog is recorded). Screenshots for the README land in
docs/screenshots/.

Without Chromium these tests are skipped with the reason, and FAIL when CI=true.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import in_ci
from web_fixtures import HOSTILE_TITLE, load_archive

from homeward.article import Article
from search.open import open_archive

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "docs" / "screenshots"
CHROMIUM_ENV = "HOMEWARD_CHROMIUM"
# Required on these machines: no sandbox (containers), no GPU, nothing phoning home.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def unavailable(message: str) -> None:
    if in_ci():
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


def find_chromium() -> str | None:
    """$HOMEWARD_CHROMIUM when set (a wrong path is an error, not a quiet fallback),
    else Debian's Chromium."""
    chosen = os.environ.get(CHROMIUM_ENV)
    if chosen:
        if not Path(chosen).is_file():
            pytest.fail(f"{CHROMIUM_ENV}={chosen!r} is not a file", pytrace=False)
        return chosen
    candidates = ["/usr/bin/chromium", shutil.which("chromium")]
    return next((c for c in candidates if c and Path(c).is_file()), None)


def test_homeward_chromium_chooses_the_browser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = tmp_path / "my-chromium"
    browser.write_text("#!/bin/sh\n")
    monkeypatch.setenv(CHROMIUM_ENV, str(browser))
    assert find_chromium() == str(browser)
    monkeypatch.setenv(CHROMIUM_ENV, str(tmp_path / "missing"))
    with pytest.raises(pytest.fail.Exception, match=r"HOMEWARD_CHROMIUM=.*is not a file"):
        find_chromium()


@pytest.fixture(scope="session")
def chromium() -> str:
    found = find_chromium()
    if found is None:
        unavailable(
            "Debian's Chromium is not installed (/usr/bin/chromium); run scripts/setup.sh "
            f"as root, or `apt-get install chromium`, or set {CHROMIUM_ENV}"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("the playwright Python package is missing; run scripts/setup.sh")
    return str(found)


class Server:
    def __init__(self, base: str, hostile_id: str, archive_url: str) -> None:
        self.base = base
        self.hostile_id = hostile_id
        self.archive_url = archive_url


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`uvicorn` serving the app on a free port, in a thread of this process."""
    import uvicorn

    from web import create_app

    data = tmp_path_factory.mktemp("web")
    archive_url = f"sqlite:///{data / 'archive.sqlite'}"
    hostile = load_archive(archive_url, data / "evidence")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        create_app(archive_url), host="127.0.0.1", port=port, log_level="warning"
    )
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        assert time.monotonic() < deadline, "the web server did not start"
        time.sleep(0.05)
    yield Server(f"http://127.0.0.1:{port}", hostile.id, archive_url)
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def context(chromium: str, tmp_path: Path):
    """A browser with a fresh profile, recording every dialog any page opens."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser_context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=chromium,
            args=CHROMIUM_FLAGS,
            headless=True,
            accept_downloads=True,
            viewport={"width": 1280, "height": 900},
        )
        browser_context.dialogs = []  # type: ignore[attr-defined]

        def watch(page) -> None:
            def record(dialog) -> None:
                browser_context.dialogs.append(dialog.message)  # type: ignore[attr-defined]
                dialog.dismiss()

            page.on("dialog", record)

        browser_context.on("page", watch)
        for page in browser_context.pages:
            watch(page)
        try:
            yield browser_context
        finally:
            browser_context.close()


def new_page(context):
    return context.pages[0] if context.pages else context.new_page()


def download(page, click) -> bytes:
    with page.expect_download() as info:
        click()
    return Path(info.value.path()).read_bytes()


def pdf_text(data: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        unavailable("pdftotext (poppler-utils) is not installed; run scripts/setup.sh as root")
    path = tmp_path / "export.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_search_facet_article_set_and_export(context, server, tmp_path):
    page = new_page(context)
    page.goto(server.base + "/")
    page.fill("#q", "abducted OR trafficking OR 拐卖")
    page.press("#q", "Enter")
    page.wait_for_url("**/search?q=*")
    total_before = int(page.locator(".total strong").inner_text().replace(",", ""))
    assert total_before >= 5

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "search.png"))

    places = page.locator(".facet", has=page.locator("h2", has_text="Places"))
    places.get_by_role("link", name="Shanxi", exact=True).click()
    page.wait_for_url("**place=Shanxi**")
    total_after = int(page.locator(".total strong").inner_text())
    assert 0 < total_after < total_before
    assert page.locator(".chips").inner_text().startswith("place: Shanxi")
    titles = page.locator("ol.hits h2 a").all_inner_texts()
    assert "Shanxi family reunited with son abducted in 1997" in titles

    page.get_by_role("link", name="Shanxi family reunited with son abducted in 1997").click()
    page.wait_for_url("**/articles/*")
    assert page.locator("h1").inner_text() == "Shanxi family reunited with son abducted in 1997"
    assert page.get_by_role("link", name="Liu Sirui").get_attribute("href") == (
        "/people/Liu%20Sirui"
    )
    captured = page.frame_locator("iframe.capture").locator("h1")
    assert captured.inner_text() == "Shanxi family reunited with son abducted in 1997"
    page.screenshot(path=str(SCREENSHOTS / "article.png"))
    page.locator("#evidence").screenshot(path=str(SCREENSHOTS / "article-evidence.png"))

    sets_box = page.locator("section.sets")
    sets_box.locator("input[name=new_set]").fill("Liu Sirui case")
    sets_box.locator("textarea[name=note]").fill("Mother Zhang Hua quoted; DNA match in April 2024")
    sets_box.get_by_role("button", name="Add to set").click()
    page.wait_for_url("**/articles/*")
    assert page.locator(".membership textarea").input_value() == (
        "Mother Zhang Hua quoted; DNA match in April 2024"
    )

    page.get_by_role("link", name="Sets", exact=True).click()
    page.get_by_role("link", name="Liu Sirui case").click()
    page.wait_for_url("**/sets/*")
    assert "Shanxi family reunited" in page.locator("ol.set-items").inner_text()

    export = page.locator("form.export")
    export.locator("select[name=format]").select_option("csv")
    data = download(page, lambda: export.get_by_role("button", name="Export").click())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row["title"] for row in rows] == ["Shanxi family reunited with son abducted in 1997"]
    assert rows[0]["note"] == "Mother Zhang Hua quoted; DNA match in April 2024"

    export.locator("select[name=format]").select_option("report")
    export.locator("select[name=report_format]").select_option("pdf")
    export.locator("input[name=mask_names]").check()
    data = download(page, lambda: export.get_by_role("button", name="Export").click())
    assert data.startswith(b"%PDF")
    text = " ".join(pdf_text(data, tmp_path).split())
    assert "Shanxi family reunited with son abducted in 1997" in text
    assert "Mother Z. H. quoted" in text and "Zhang Hua" not in text
    assert "L. S. case" in text  # the set's name, masked on the title page
    # the citation: its authors (when the page names them), then the publisher and date
    assert re.search(r"Cite as: (?:[^.]+\. )?Harbour Herald \(2024-05-14\)\.", text), text
    assert context.dialogs == []


def test_no_script_runs_on_any_page(context, server, tmp_path):
    page = new_page(context)
    # The harness itself: a page that does alert is caught.
    page.goto("data:text/html,<script>alert('canary')</script>")
    assert context.dialogs == ["canary"]
    context.dialogs.clear()

    page.goto(server.base + "/search?q=trafficking")
    hit = page.locator("ol.hits h2 a", has_text="=HYPERLINK(")
    assert hit.inner_text() == HOSTILE_TITLE
    hit.click()
    page.wait_for_url(f"**/articles/{server.hostile_id}?back=**")
    frame = page.frame_locator("iframe.capture")
    assert frame.locator("h1").inner_text() == "Captured hostile page"  # shown, not run
    assert page.locator("iframe.capture").get_attribute("sandbox") == ""

    sets_box = page.locator("section.sets")
    sets_box.locator("input[name=new_set]").fill("<img src=x onerror=alert('set')>")
    sets_box.locator("textarea[name=note]").fill("<script>alert('note')</script>")
    sets_box.get_by_role("button", name="Add to set").click()
    page.wait_for_selector(".membership")
    page.goto(server.base + "/sets")
    page.get_by_role("link", name="<img src=x onerror=alert('set')>").click()
    note = page.locator("ol.set-items textarea[name=note]").input_value()
    assert note == "<script>alert('note')</script>"

    export = page.locator("form.export")
    export.locator("select[name=format]").select_option("report")
    report = tmp_path / "report.html"
    report.write_bytes(download(page, lambda: export.get_by_role("button", name="Export").click()))
    page.goto(report.as_uri())  # the saved report, opened as a user would
    assert HOSTILE_TITLE in page.locator("article.entry h3").inner_text()

    export_page = server.base + "/search?q=trafficking"
    page.goto(export_page)
    export = page.locator("form.export")
    export.locator("select[name=format]").select_option("csv")
    rows = list(
        csv.reader(
            io.StringIO(
                download(page, lambda: export.get_by_role("button", name="Export").click()).decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert any(cell == "'" + HOSTILE_TITLE for row in rows for cell in row)
    export.locator("select[name=format]").select_option("xlsx")
    workbook = download(page, lambda: export.get_by_role("button", name="Export").click())
    with zipfile.ZipFile(io.BytesIO(workbook)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and "<f " not in sheet

    assert context.dialogs == []


def test_narrow_screen(context, server):
    page = new_page(context)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server.base + "/search?q=%E6%8B%90%E5%8D%96")  # 拐卖
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the search page scrolls sideways on a phone"
    page.screenshot(path=str(SCREENSHOTS / "search-narrow.png"))
    page.goto(f"{server.base}/articles/{server.hostile_id}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_follow_a_case_new_marks_saved_search_and_same_case(context, server, tmp_path):
    """The README's "Follow a case" screenshots come from here."""
    now = datetime.now(UTC)
    fresh = Article.from_dict(
        {
            "url": "https://harbour-herald.test/zhoukou-girl-found",
            "title": "Girl abducted in Zhoukou in 2009 found through DNA match",
            "text": "Wang Min, who was abducted from her home in Zhoukou in 2009, was found "
            "this week. Her mother said the trafficking gang sold her to a family in Shanxi.",
            "language": "en",
            "published": now.date().isoformat(),
            "source": "Harbour Herald",
            "fetched_at": now.isoformat(timespec="seconds"),
            "names": ["Wang Min"],
            "places": [{"name": "Zhoukou", "country": "CN"}, {"name": "Shanxi", "country": "CN"}],
            "years": [2009],
            "relevance": 6.0,
        }
    )
    with open_archive(server.archive_url) as archive:
        assert archive.upsert([fresh]).failed == []
    previous = (now - timedelta(days=1)).isoformat(timespec="seconds")
    latest = (now - timedelta(hours=2)).isoformat(timespec="seconds")
    context.add_cookies(
        [{"name": "homeward_visit", "value": f"{previous}|{latest}", "url": server.base}]
    )
    page = new_page(context)
    page.goto(server.base + "/search?q=abducted+OR+trafficking+OR+%E6%8B%90%E5%8D%96")
    new_hits = page.locator("li.hit.new")
    assert new_hits.count() == 1
    assert new_hits.locator("h2 a").inner_text() == fresh.title
    assert "1 on this page new since your last visit" in page.locator(".total").inner_text()

    new_hits.get_by_role("button", name="Relevant").click()
    page.wait_for_url("**/search?q=*")
    marked = page.locator(f"#a-{fresh.id}")
    assert "Marked relevant" in marked.locator(".mark").inner_text()
    hostile = page.locator(f"#a-{server.hostile_id}")
    hostile.get_by_role("button", name="Not about this topic").click()
    page.wait_for_url("**/search?q=*")
    assert "not about this topic" in page.locator(f"#a-{server.hostile_id} .mark").inner_text()
    page.evaluate("window.scrollTo(0, 0)")  # the redirect came back to the marked result
    page.screenshot(path=str(SCREENSHOTS / "follow-search.png"))

    export = page.locator("form.export")
    export.locator("select[name=format]").select_option("csv")
    rows = csv.DictReader(
        io.StringIO(
            download(page, lambda: export.get_by_role("button", name="Export").click()).decode(
                "utf-8-sig"
            )
        )
    )
    triage = {row["id"]: row["triage"] for row in rows}
    assert triage[fresh.id] == "relevant"
    assert triage[server.hostile_id] == "not about this topic"

    save = page.locator("form.save-search")
    save.locator("input[name=name]").fill("Zhoukou girl")
    save.get_by_role("button", name="Save this search").click()
    page.wait_for_url("**/watch/*")
    assert page.locator("h1").inner_text() == "Zhoukou girl"
    assert "Atom feed" in page.locator("main").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "follow-watch.png"))

    page.goto(f"{server.base}/articles/{fresh.id}")
    page.get_by_role("link", name="Probably the same case: other articles →").click()
    page.wait_for_url("**/same-case")
    page.screenshot(path=str(SCREENSHOTS / "follow-same-case.png"))
    assert context.dialogs == []


def test_every_readme_screenshot_is_taken_by_these_tests():
    """The README shows the product as the tests drive it: each image it shows exists
    and is written by a test in this file (so the pictures are retaken, never stale)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = re.findall(r"\(docs/screenshots/([\w.-]+\.png)\)", readme)
    source = Path(__file__).read_text(encoding="utf-8")
    assert {"follow-search.png", "follow-watch.png", "follow-same-case.png"} <= set(shown)
    for name in shown:
        assert (SCREENSHOTS / name).is_file(), name
        assert f'"{name}"' in source, f"{name} is shown in the README but no test takes it"


# --- issue #16: accessibility, keyboard, phone, sets and navigation -------------------------

# Where scripts/setup.sh installs axe-core (npm, pinned), inside the ignored .venv.
AXE = REPO / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 A and AA, as axe-core tags them.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's axe.min.js, as scripts/setup.sh installs it."""
    if not AXE.is_file():
        unavailable(f"axe-core is not installed ({AXE}); run scripts/setup.sh (it uses npm)")
    return AXE.read_text(encoding="utf-8")


def axe_problems(page, axe_source: str) -> list[str]:
    """The serious and critical WCAG 2.2 AA violations axe-core finds on the page. The
    script is evaluated through the DevTools protocol, which the page's CSP (no scripts)
    does not govern; nothing of it is added to the page."""
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two CSS colours written as rgb(r, g, b) or #rrggbb."""

    def luminance(colour: str) -> float:
        if colour.startswith("#"):
            channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
        else:
            channels = [int(float(c)) for c in re.findall(r"[\d.]+", colour)[:3]]
        linear = [
            (c / 255) / 12.92 if c <= 10.31475 else ((c / 255 + 0.055) / 1.055) ** 2.4
            for c in channels
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_axe_finds_nothing_serious_on_the_main_pages(context, server, axe_source):
    page = new_page(context)
    with open_archive_of(server) as archive:
        from search.sets import ArticleSet

        kept = archive.create_set(ArticleSet.new("Axe check", note="a set for the check"))
        archive.update_set(kept.id, lambda s: s.add(server.hostile_id, "note"))
    pages = {
        "search": "/search?q=trafficking+OR+%E6%8B%90%E5%8D%96",
        "search, no hits": "/search?q=zzzqqq&place=Nowhere",
        "search, bad date": "/search?since=yesterday",
        "article": f"/articles/{server.hostile_id}?back=%2Fsearch%3Fq%3Dtrafficking",
        "set": f"/sets/{kept.id}",
        "sets": "/sets",
        "sources": "/sources",
        "more people": "/facets/person?q=trafficking+OR+%E6%8B%90%E5%8D%96",
    }
    problems = {}
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages.items():
            page.goto(server.base + path)
            found = axe_problems(page, axe_source)
            if found:
                problems[f"{name} at {width}px"] = found
    assert problems == {}
    assert context.dialogs == []


def open_archive_of(server):
    return open_archive(server.archive_url)


def test_keyboard_reaches_the_query_and_the_results_first(context, server):
    page = new_page(context)
    page.goto(server.base + "/search?q=trafficking")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the content"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the results"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # into the results: the sort links, then the first result
    assert page.evaluate("document.activeElement.closest('#results') !== null")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    first = page.evaluate(
        "document.activeElement.closest('li.hit') === document.querySelector('li.hit')"
    )
    assert first, page.evaluate("document.activeElement.outerHTML")

    page.goto(server.base + "/search?q=trafficking")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip to the content: the next stop is the query box
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "q"
    # the focus ring is visible on white and on the blue header (WCAG 2.2: 3:1)
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    assert contrast(ring, "#ffffff") >= 3, ring
    page.locator("header.site nav a", has_text="Sets").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    header_ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    header = page.evaluate(
        "getComputedStyle(document.querySelector('header.site')).backgroundColor"
    )
    assert contrast(header_ring, header) >= 3, (header_ring, header)
    bars = page.locator("svg.time-chart .bar")
    assert bars.count() > 0
    fill = bars.first.evaluate("bar => getComputedStyle(bar).fill")
    assert contrast(fill, "#ffffff") >= 3, fill


def test_phone_shows_a_filter_panel_before_the_results(context, server):
    page = new_page(context)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server.base + "/search?q=trafficking+OR+%E6%8B%90%E5%8D%96")
    panel = page.locator("details.filters")
    summary = panel.locator("> summary")
    first_hit = page.locator("ol.hits li").first
    assert summary.is_visible()
    assert summary.bounding_box()["y"] < first_hit.bounding_box()["y"]
    shanxi = panel.get_by_role("link", name="Shanxi", exact=True)
    assert not shanxi.is_visible()  # closed: the results stay near the top
    summary.click()
    assert shanxi.is_visible()
    page.screenshot(path=str(SCREENSHOTS / "search-phone-filters.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shanxi.click()
    page.wait_for_url("**place=Shanxi**")
    # on a wide screen the same panel is an open column, no summary to press
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not page.locator("details.filters > summary").is_visible()
    assert page.locator("details.filters").get_by_role("link", name="Shanxi").is_visible()


def test_sets_confirm_append_show_membership_and_undo_a_delete(context, server):
    page = new_page(context)
    page.goto(server.base + "/search?q=Shanxi")
    hit = page.locator("ol.hits li.hit").first
    title = hit.locator("h2 a").inner_text()
    hit.locator("summary", has_text="Add to set").click()
    hit.locator("input[name=new_set]").fill("Browser case")
    hit.locator("input[name=note]").fill("first reading")
    hit.get_by_role("button", name="Add to set").click()
    page.wait_for_url("**/search?q=Shanxi**")
    assert page.locator(".flash").inner_text() == "Added to the set “Browser case”."
    hit = page.locator("ol.hits li.hit", has_text=title).first
    assert "Browser case" in hit.locator(".in-sets a").all_inner_texts()

    hit.locator("summary", has_text="Add to set").click()
    hit.locator("select[name=set_id]").select_option(label="Browser case")
    hit.locator("input[name=note]").fill("second reading")
    hit.get_by_role("button", name="Add to set").click()
    page.wait_for_url("**/search?q=Shanxi**")
    assert "your note was added below the earlier one" in page.locator(".flash").inner_text()

    page.locator(".in-sets a", has_text="Browser case").first.click()
    page.wait_for_url("**/sets/*")
    note = page.locator("ol.set-items textarea[name=note]").first.input_value()
    assert note == "first reading\n\nsecond reading"
    delete = page.get_by_role("button", name="Yes, delete this set")
    assert not delete.is_visible()  # a second step, behind "Delete this set…"
    page.locator("summary", has_text="Delete this set…").click()
    delete.click()
    assert page.locator("h1").inner_text() == "Deleted the set “Browser case”"
    page.get_by_role("button", name="Undo: bring the set back").click()
    page.wait_for_url("**/sets/*")
    assert page.locator(".flash").inner_text() == "The set “Browser case” is back."
    assert page.locator("ol.set-items textarea[name=note]").first.input_value() == note
    assert context.dialogs == []


def test_article_returns_to_the_same_search_with_its_words_marked(context, server):
    page = new_page(context)
    search = server.base + "/search?q=trafficking+OR+%E6%8B%90%E5%8D%96&sort=date"
    page.goto(search)
    page.locator("ol.hits h2 a", has_text="=HYPERLINK(").click()
    page.wait_for_url(f"**/articles/{server.hostile_id}?back=*")
    marks = page.locator(".text mark").all_inner_texts()
    assert "trafficking" in marks
    page.get_by_role("link", name="← Search").click()
    page.wait_for_url(search)
    chinese = page.locator("ol.hits li.hit", has=page.locator("h2[lang=zh]")).first
    chinese.locator("h2 a").click()
    page.wait_for_url("**/articles/*?back=*")
    assert any(mark in ("拐卖", "拐賣") for mark in page.locator(".text mark").all_inner_texts())
    page.goto(server.base + "/search?q=trafficking&page=99")
    assert "Page 99 is past the end" in page.locator(".past-end").inner_text()
    page.get_by_role("link", name="Go to the last page").click()
    assert page.locator("ol.hits li.hit").count() > 0
    assert context.dialogs == []


def test_a_bar_of_the_coverage_chart_narrows_the_search_to_its_dates(context, server, axe_source):
    page = new_page(context)
    page.goto(server.base + "/search?q=trafficking+OR+%E6%8B%90%E5%8D%96")
    chart = page.locator("#published-chart")
    assert chart.locator("title").first.text_content() == "Articles by date published"
    bar = chart.locator("a").first
    label = bar.get_attribute("aria-label")  # "2023-11: 1"
    period, count = label.rsplit(": ", 1)
    bar.click()
    page.wait_for_url("**since=*until=*")
    assert page.locator(".total strong").inner_text() == count
    assert page.locator("details.dates").get_attribute("open") is not None
    assert page.locator("details.dates input[name=since]").input_value().startswith(period[:7])
    years = page.locator("#years-chart")
    assert years.count() == 1
    page.goto(server.base + "/search?q=trafficking+OR+%E6%8B%90%E5%8D%96")
    page.locator("#years-chart a").first.click()
    page.wait_for_url("**year=*")
    assert page.locator(".chips").inner_text().startswith("year: ")
    assert axe_problems(page, axe_source) == []


def test_both_chinese_interfaces_by_the_switch(context, server, axe_source):
    """The switch at the foot of every page changes the interface's words (not the
    scraped text), keeps the search, and each interface passes axe."""
    page = new_page(context)
    page.goto(server.base + "/search?q=trafficking+OR+%E6%8B%90%E5%8D%96")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="简体中文").click()
    page.wait_for_url("**/search?q=*")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("#q").input_value() == "trafficking OR 拐卖"  # the same search
    assert "篇文章" in page.locator(".total").inner_text()
    assert page.get_by_role("button", name="搜索", exact=True).is_visible()
    assert "trafficking" in page.locator("ol.hits").inner_text()  # scraped text as published
    assert axe_problems(page, axe_source) == []
    page.screenshot(path=str(SCREENSHOTS / "search-zh-hans.png"))

    page.get_by_role("button", name="繁體中文").click()
    page.wait_for_url("**/search?q=*")
    assert page.locator("html").get_attribute("lang") == "zh-Hant"
    assert page.get_by_role("button", name="搜尋", exact=True).is_visible()
    page.locator("ol.hits h2 a").first.click()
    page.wait_for_url("**/articles/*")
    assert page.get_by_role("heading", name="證據").is_visible()
    assert axe_problems(page, axe_source) == []
    page.screenshot(path=str(SCREENSHOTS / "article-zh-hant.png"))

    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/articles/*")
    assert page.get_by_role("heading", name="Evidence").is_visible()
    assert context.dialogs == []


def test_article_and_set_pages_print_without_the_sites_controls(context, server):
    page = new_page(context)
    page.goto(f"{server.base}/articles/{server.hostile_id}")
    assert page.locator("header.site").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()
    assert not page.locator("form.triage").first.is_visible()
    assert not page.locator("section.sets form").first.is_visible()
    assert page.locator("article.article h1").is_visible()
    assert page.locator("#evidence").is_visible()
    # a printed link carries its address
    after = page.evaluate(
        "() => getComputedStyle(document.querySelector('.duplicates a'), '::after').content"
    )
    assert "https://mirror.test/copy" in after
    page.emulate_media(media="screen")
    assert page.locator("header.site").is_visible()


def test_a_tag_opens_the_persons_page_in_every_form(context, server, axe_source):
    page = new_page(context)
    page.goto(server.base + "/search?q=%22Shanxi+family+reunited%22")
    page.locator("ol.hits h2 a").first.click()
    page.wait_for_url("**/articles/*")
    page.get_by_role("link", name="Liu Sirui", exact=True).click()
    page.wait_for_url("**/people/Liu%20Sirui")
    assert page.locator("h1").inner_text() == "Liu Sirui"
    assert "刘思睿" in page.locator(".forms").inner_text()
    titles = page.locator("ol.hits h2 a").all_inner_texts()
    assert "Shanxi family reunited with son abducted in 1997" in titles
    assert any("刘思睿" in title or "山西" in title for title in titles)  # the Chinese article
    assert page.locator("#published-chart").is_visible()
    assert axe_problems(page, axe_source) == []
    page.screenshot(path=str(SCREENSHOTS / "person.png"))
    page.get_by_role("link", name="Shanxi", exact=True).click()
    page.wait_for_url("**/places/Shanxi")
    assert "山西" in page.locator(".forms").inner_text()
