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
import shutil
import socket
import subprocess
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import in_ci
from web_fixtures import HOSTILE_TITLE, load_archive

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
    def __init__(self, base: str, hostile_id: str) -> None:
        self.base = base
        self.hostile_id = hostile_id


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
    yield Server(f"http://127.0.0.1:{port}", hostile.id)
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
        "/search?person=Liu+Sirui"
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
    assert "Cite as: Harbour Herald (2024-05-14)." in text
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
    page.wait_for_url(f"**/articles/{server.hostile_id}")
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
