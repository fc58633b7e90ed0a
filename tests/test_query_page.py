"""The query page of ``regimekg serve`` in headless Chromium: pick a named question from the
menu, run it, see rows; switch language; share a URL; see the result cap as a cap; and load
nothing from anywhere but the server.

Needs the Debian packages ``chromium`` and ``chromium-driver`` and the ``selenium`` test
dependency (like tests/test_viewer.py); without them the tests skip and say why. With
``REGIMEKG_SCREENSHOTS=1`` the tests also refresh docs/img/query-page-*.png from a full build.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from regimekg.paths import Project
from regimekg.serve import Endpoint, running

from .conftest import ROOT, mini_store
from .test_viewer import CHROMIUM, DRIVER

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None or DRIVER is None,
        reason="headless Chromium is not installed (Debian packages chromium, chromium-driver)",
    ),
]

#: A question the mini fixture answers with rows (G7's members).
QUESTION = "members-of-forum"
SCREENSHOTS = os.environ.get("REGIMEKG_SCREENSHOTS") == "1"


def open_browser(width: int = 1400, height: int = 950) -> Any:
    """A headless Chromium that logs every request it makes and every console message."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--window-size={width},{height}",
        "--lang=en-GB",
    ):
        opts.add_argument(arg)
    opts.binary_location = CHROMIUM
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    return webdriver.Chrome(service=Service(DRIVER), options=opts)


def wait_for(driver: Any, script: str, what: str, seconds: float = 20) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"the query page never {what}")


def load(driver: Any, url: str) -> None:
    driver.get(url)
    wait_for(driver, "return document.body.dataset.ready === '1'", "finished loading")


def run_query(driver: Any) -> int:
    """Press the editor's run button; the number of result rows in the table."""
    from selenium.webdriver.common.by import By

    before = int(driver.execute_script("return Number(document.body.dataset.answered || 0)"))
    driver.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    wait_for(
        driver,
        f"return Number(document.body.dataset.answered || 0) > {before}",
        "received an answer",
    )
    return len(driver.find_elements(By.CSS_SELECTOR, ".yasr table.dataTable tbody tr"))


def requested_urls(driver: Any) -> set[str]:
    urls = set()
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent":
            urls.add(msg["params"]["request"]["url"])
    return urls


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """The mini fixture as a store (or the full build, when screenshots are refreshed)."""
    if SCREENSHOTS:
        return request.getfixturevalue("built") / "store"
    return mini_store(tmp_path_factory.mktemp("page") / "store")


@pytest.fixture(scope="module")
def endpoint(store: Path) -> Iterator[Endpoint]:
    with running(store, queries_dir=ROOT / "queries", timeout=10.0) as ep:
        yield ep


@pytest.fixture(scope="module")
def base(endpoint: Endpoint) -> str:
    return endpoint.url.removesuffix("query")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    d = open_browser()
    try:
        yield d
    finally:
        d.quit()


@pytest.fixture
def driver(browser: Any, base: str) -> Any:
    """A browser that holds nothing of an earlier test: one Chromium for the module (starting
    one per test cost a second each), left on a blank document and with everything the page's
    origin stored cleared (the page keeps its state in its document and its URL; YASGUI's
    persistence is off), so each test loads the page anew as a first visit would."""
    browser.get("about:blank")
    url = urlsplit(base)
    origin = {"origin": f"{url.scheme}://{url.netloc}", "storageTypes": "all"}
    browser.execute_cdp_cmd("Storage.clearDataForOrigin", origin)
    return browser


@pytest.fixture
def own_browser() -> Iterator[Any]:
    """A Chromium of the test's own: its request log and cache hold that test's page alone."""
    d = open_browser()
    try:
        yield d
    finally:
        d.quit()


def test_named_question_from_menu_shows_rows(driver: Any, base: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    load(driver, base + "?lang=en")
    menu = Select(driver.find_element(By.ID, "question"))
    names = [o.get_attribute("value") for o in menu.options if o.get_attribute("value")]
    assert names == sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    if SCREENSHOTS:  # a native drop-down is not in screenshots: show the menu as a list
        driver.execute_script("document.getElementById('question').size = 14")
        driver.save_screenshot(str(ROOT / "docs" / "img" / "query-page-menu.png"))
        driver.execute_script("document.getElementById('question').size = 0")
    menu.select_by_value(QUESTION)
    editor = driver.execute_script("return window.yasgui.getTab().getQuery()")
    assert "PREFIX org: <http://www.w3.org/ns/org#>" in editor
    assert "<https://w3id.org/regimekg/id/" in editor  # the default parameter, resolved
    rows = run_query(driver)
    assert rows > 0
    assert "?q=members-of-forum" in driver.current_url and "lang=en" in driver.current_url
    if SCREENSHOTS:
        driver.save_screenshot(str(ROOT / "docs" / "img" / "query-page-results.png"))


def test_results_show_names_in_the_chosen_language(driver: Any, base: str) -> None:
    from selenium.webdriver.common.by import By

    load(driver, base + f"?q={QUESTION}&lang=en")
    run_query(driver)
    wait_for(driver, "return Number(document.body.dataset.labelled || 0) > 0", "named the IRIs")

    def link_texts() -> list[str]:
        links = driver.find_elements(By.CSS_SELECTOR, ".yasr table.dataTable tbody a[href]")
        return [a.text for a in links]

    g7 = "https://w3id.org/regimekg/id/institution/g7"
    assert "Group of Seven" in link_texts()
    tooltip = driver.find_element(By.CSS_SELECTOR, f".yasr tbody a[href='{g7}']")
    assert "institution:g7" in tooltip.get_attribute("title")
    driver.find_element(By.ID, "lang-zh").click()
    assert "七国集团" in link_texts() and "Group of Seven" not in link_texts()


def test_chart_and_graph_views(driver: Any, base: str) -> None:
    from selenium.webdriver.common.by import By

    load(driver, base + f"?q={QUESTION}&lang=en")
    run_query(driver)
    wait_for(driver, "return Number(document.body.dataset.labelled || 0) > 0", "named the IRIs")
    driver.execute_script("window.yasgui.getTab().getYasr().selectPlugin('graph')")
    nodes = driver.find_elements(By.CSS_SELECTOR, ".regimekg-graph circle.node")
    assert len(nodes) > 2
    graph_text = driver.find_element(By.CSS_SELECTOR, ".regimekg-graph").text
    assert "Group of Seven" in graph_text
    count = (
        "PREFIX rkg: <https://w3id.org/regimekg/ontology#> "
        "SELECT ?body (COUNT(DISTINCT ?m) AS ?n) "
        "WHERE { ?x rkg:participationIn ?body ; rkg:participant ?m } "
        "GROUP BY ?body ORDER BY DESC(?n)"
    )
    driver.execute_script("window.yasgui.getTab().setQuery(arguments[0])", count)
    run_query(driver)
    driver.execute_script("window.yasgui.getTab().getYasr().selectPlugin('chart')")
    bars = driver.find_elements(By.CSS_SELECTOR, ".regimekg-chart rect.bar")
    assert len(bars) > 1
    if SCREENSHOTS:
        driver.save_screenshot(str(ROOT / "docs" / "img" / "query-page-chart.png"))


def test_no_request_leaves_the_server(own_browser: Any, base: str) -> None:
    """Every request of a fresh browser's first visit (nothing cached) goes to the server."""
    driver = own_browser
    load(driver, base)
    driver.execute_script("window.regimekg.choose(arguments[0])", QUESTION)
    assert run_query(driver) > 0
    urls = requested_urls(driver)
    assert any(u.endswith("/query") for u in urls)
    outside = {u for u in urls if not u.startswith(base) and not u.startswith("data:")}
    assert outside == set()
    console = [e["message"] for e in driver.get_log("browser")]
    blocked = [m for m in console if "Content Security" in m]
    assert blocked == []


def test_language_switch_and_shared_url(driver: Any, base: str) -> None:
    from selenium.webdriver.common.by import By

    load(driver, base + f"?q={QUESTION}&lang=zh")
    title_zh = next(
        line.split(":", 1)[1].strip()
        for line in (ROOT / "queries" / f"{QUESTION}.rq").read_text("utf-8").splitlines()
        if line.startswith("# title-zh:")
    )
    select = driver.find_element(By.ID, "question")
    assert select.get_attribute("value") == QUESTION
    chosen = driver.find_element(By.CSS_SELECTOR, f"#question option[value='{QUESTION}']")
    assert chosen.text == title_zh
    assert driver.find_element(By.CSS_SELECTOR, "h1").text == "regimekg SPARQL 查询页"
    driver.find_element(By.ID, "lang-en").click()
    assert chosen.text != title_zh and "lang=en" in driver.current_url
    # an edited query travels in the URL as text
    driver.execute_script("window.yasgui.getTab().setQuery('ASK {}')")
    wait_for(driver, "return location.search.includes('query=ASK')", "put the query in the URL")
    load(driver, driver.current_url)
    assert driver.execute_script("return window.yasgui.getTab().getQuery()") == "ASK {}"


def test_result_cap_is_shown_as_a_cap(driver: Any, store: Path) -> None:
    from selenium.webdriver.common.by import By

    with running(store, queries_dir=ROOT / "queries", result_cap=3) as ep:
        load(driver, ep.url.removesuffix("query"))
        driver.execute_script(
            "window.yasgui.getTab().setQuery('SELECT ?s ?p ?o WHERE { ?s ?p ?o }')"
        )
        run_query(driver)
        wait_for(driver, "return document.body.dataset.cap === '1'", "showed the cap")
        cap = driver.find_element(By.ID, "cap")
        assert cap.is_displayed()
        assert "Result cap reached" in cap.text and "LIMIT 3" in cap.text
        # a query under the cap clears the notice
        driver.execute_script("window.yasgui.getTab().setQuery('ASK {}')")
        run_query(driver)
        assert not cap.is_displayed()


def test_project_page_lists_project_questions(tmp_path: Path) -> None:
    """The packaged page files and the catalogue exist for an installed package too."""
    from regimekg.serve import queries_dir
    from regimekg.webui import ASSETS

    assert all(a.path.is_file() for a in ASSETS.values())
    assert queries_dir(Project(ROOT)) == ROOT / "queries"
