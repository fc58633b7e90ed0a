"""The offline HTML viewer in headless Chromium: it renders, searches in Chinese, switches
language, follows the date slider, shows evidence, and requests nothing from the network.

Needs the Debian packages ``chromium`` and ``chromium-driver`` (installed by CI) and the
``selenium`` test dependency; without the browser binaries the tests skip and say why.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from regimekg.export import export
from regimekg.paths import Project

from .test_analysis import ALPHA, BETA, GAMMA, make_project

CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="headless Chromium is not installed (Debian packages chromium, chromium-driver)",
)


def open_browser(width: int = 1400, height: int = 900) -> Any:
    """A headless Chromium that logs every network request it makes."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
        "--lang=en-GB",
    ):
        opts.add_argument(arg)
    opts.binary_location = CHROMIUM
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(service=Service(DRIVER), options=opts)


def load(driver: Any, page: Path) -> None:
    driver.get(page.resolve().as_uri())
    for _ in range(150):
        if driver.execute_script("return document.body.dataset.ready") == "1":
            return
        time.sleep(0.1)
    raise AssertionError("the viewer never finished loading")


def requested_urls(driver: Any) -> set[str]:
    urls = set()
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent":
            urls.add(msg["params"]["request"]["url"])
    return urls


def screenshot(page: Path, png: Path, *, search: str | None = None, lang: str | None = None,
               year: int | None = None, width: int = 1600, height: int = 1000) -> None:  # fmt: skip
    """Save a picture of the viewer (used by the test and to refresh docs/img/viewer.png)."""
    driver = open_browser(width, height)
    try:
        load(driver, page)
        if lang:
            driver.execute_script("window.regimekg.setLang(arguments[0])", lang)
        if year:
            driver.execute_script("window.regimekg.setYear(arguments[0])", year)
        if search:
            from selenium.webdriver.common.by import By
            from selenium.webdriver.common.keys import Keys

            box = driver.find_element(By.ID, "search")
            box.send_keys(search)
            box.send_keys(Keys.ENTER)
            time.sleep(0.6)  # the centring animation
        driver.save_screenshot(str(png))
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("viewer")
    project: Project = make_project(root / "proj")
    return export(project, "html", root / "viewer.html", lang="en")


@pytest.fixture(scope="module")
def driver(page: Path) -> Iterator[Any]:
    d = open_browser()
    try:
        load(d, page)
        yield d
    finally:
        d.quit()


def js(driver: Any, script: str, *args: Any) -> Any:
    return driver.execute_script(script, *args)


def test_nodes_render(driver: Any) -> None:
    assert js(driver, "return window.regimekg.cy.nodes().length") == 15
    assert js(driver, "return window.regimekg.cy.edges().length") == 30
    assert driver.find_element("id", "counts").text == "15 nodes · 30 edges shown"
    # every node was laid out inside the visible canvas …
    inside = js(
        driver,
        """const cy = window.regimekg.cy, w = cy.width(), h = cy.height();
           return cy.nodes().every(n => { const p = n.renderedPosition();
             return p.x >= 0 && p.y >= 0 && p.x <= w && p.y <= h; });""",
    )
    assert inside is True
    # … and actually painted: the node layer of the canvas is far from blank
    painted = js(
        driver,
        """let most = 0;
           for (const c of document.querySelectorAll('#cy canvas')) {
             const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
             let n = 0; for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
             most = Math.max(most, n); }
           return most;""",
    )
    assert painted > 2000


def test_chinese_search_finds_a_node_and_shows_its_evidence(driver: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = driver.find_element(By.ID, "search")
    box.clear()
    box.send_keys("阿尔法")
    hits = driver.find_elements(By.CSS_SELECTOR, "#results li[data-id]")
    assert [h.get_attribute("data-id") for h in hits] == [ALPHA]
    assert "Alpha Forum" in hits[0].text and "阿尔法论坛" in hits[0].text
    box.send_keys(Keys.ENTER)
    panel = driver.find_element(By.ID, "panel")
    assert panel.find_element(By.TAG_NAME, "h2").text == "Alpha Forum"
    assert "阿尔法论坛成立于2000年" in panel.text  # the quote behind the entity
    assert "阿登尼亚是阿尔法论坛成员" in panel.text  # … and behind a membership
    assert "Test source (fictional)" in panel.text
    assert js(driver, "return window.regimekg.cy.getElementById(arguments[0]).selected()", ALPHA)
    # full-width and spaced input still matches (names are compared after NFKC)
    box.clear()
    box.send_keys("ＡＦ")
    assert (
        driver.find_element(By.CSS_SELECTOR, "#results li[data-id]").get_attribute("data-id")
        == ALPHA
    )
    box.clear()
    box.send_keys("无此机制")
    assert driver.find_element(By.CSS_SELECTOR, "#results li").text == "no match"
    box.send_keys(Keys.ESCAPE)


def test_external_evidence_links_to_its_page(driver: Any) -> None:
    js(driver, "window.regimekg.select(arguments[0])", BETA)
    links = driver.find_elements("css selector", "#panel blockquote.evidence a")
    assert "https://example.org/beta" in [a.get_attribute("href") for a in links]


def test_language_toggle(driver: Any) -> None:
    js(driver, "window.regimekg.select(arguments[0])", GAMMA)
    toggle = driver.find_element("id", "lang-toggle")
    assert toggle.text == "中文"
    toggle.click()
    assert toggle.text == "English"
    assert driver.find_element("id", "title").text == "人工智能治理机制复合体"
    label = js(
        driver, "return window.regimekg.cy.getElementById(arguments[0]).data('label')", ALPHA
    )
    assert label == "阿尔法论坛"
    assert driver.find_element("css selector", "#panel h2").text == "伽马倡议"
    assert "依托于" in driver.find_element("id", "panel").text  # hosted by, in Chinese
    toggle.click()
    assert driver.find_element("css selector", "#panel h2").text == "Gamma Initiative"


def test_date_slider_matches_the_as_of_export(driver: Any) -> None:
    js(
        driver,
        """const s = document.getElementById('year'); s.value = '2019';
           s.dispatchEvent(new Event('input'));""",
    )
    body = driver.find_element("tag name", "body")
    # the same counts as `regimekg export --as-of 2019` (tests/test_export.py)
    assert body.get_attribute("data-visible-nodes") == "11"
    assert body.get_attribute("data-visible-edges") == "19"
    js(driver, "window.regimekg.setYear(2012)")
    # alpha, beta, zeta and their members A B C D E F H
    assert body.get_attribute("data-visible-nodes") == "10"
    driver.find_element("id", "all-dates").click()
    assert body.get_attribute("data-visible-nodes") == "15"


def test_no_network_request(driver: Any, page: Path) -> None:
    # data: URLs (the inline preview picture) are part of the page, not requests
    urls = {u for u in requested_urls(driver) if not u.startswith("data:")}
    assert urls <= {page.resolve().as_uri()}
    assert driver.find_element("tag name", "body").get_attribute("data-csp-violations") == "0"


def test_screenshot(page: Path, tmp_path: Path) -> None:
    png = tmp_path / "viewer.png"
    screenshot(page, png, search="伽马", lang="zh")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
