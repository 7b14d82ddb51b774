"""The coders' review page in a real headless Chromium, against a real uvicorn server."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator

import pytest
from serving_fixtures import TABLE, add_staff, register, serving_params

from clinicode.config import Workspace
from clinicode.stages import audit_log
from serving.app import create_app, running_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="Debian chromium and chromium-driver are not installed "
    "(apt-get install -y chromium chromium-driver; .ci/run installs them)",
)
# The "<b>" must show as text: the page never parses the note as HTML.
NOTE = "Known hypertension, stable. <b>Type 2 diabetes</b> mellitus without complications."


@pytest.fixture
def browser() -> Iterator:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_coder_reviews_a_case_in_the_browser(workspace: Workspace, browser) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.select import Select
    from selenium.webdriver.support.wait import WebDriverWait

    register(workspace, TABLE)
    token = add_staff(workspace)["coder"]
    app = create_app(serving_params(), workspace, allow_demo_key=True)
    wait = WebDriverWait(browser, 30)
    with running_server(app, "127.0.0.1", _free_port()) as base:
        browser.get(f"{base}/review")
        browser.find_element(By.ID, "token").send_keys(token)
        browser.find_element(By.ID, "case-id").send_keys("ENC-777")
        browser.find_element(By.ID, "note").send_keys(NOTE)
        browser.find_element(By.ID, "suggest").click()
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#suggestions li")) == 2)
        items = {li.get_attribute("data-code"): li for li in
                 browser.find_elements(By.CSS_SELECTOR, "#suggestions li")}  # fmt: skip
        assert "confidence 0.90" in items["I10"].text
        assert "serving-test-model v1" in browser.find_element(By.ID, "model").text

        # evidence of the selected code is highlighted in the note
        items["E11.9"].find_element(By.CLASS_NAME, "code").click()
        marks = browser.find_elements(By.CSS_SELECTOR, "#note-view mark.evidence")
        assert [m.text for m in marks] == ["diabetes"]
        assert "<b>Type 2" in browser.find_element(By.ID, "note-view").text

        # accept one, reject one with a reason, add one with a reason, finalise
        items["I10"].find_element(By.CSS_SELECTOR, "input[value=accept]").click()
        items["E11.9"].find_element(By.CSS_SELECTOR, "input[value=reject]").click()
        Select(items["E11.9"].find_element(By.CLASS_NAME, "reason")).select_by_value(
            "not-documented"
        )
        browser.find_element(By.ID, "add-code").send_keys("N18.3")
        Select(browser.find_element(By.ID, "add-reason")).select_by_value("missed-code")
        browser.find_element(By.ID, "add-button").click()
        browser.find_element(By.ID, "finalise").click()
        wait.until(lambda d: d.find_element(By.ID, "result").text)
        assert browser.find_element(By.ID, "result").text.endswith("I10, N18.3")

        # finalising twice without an amendment is refused on the page
        browser.find_element(By.ID, "finalise").click()
        wait.until(lambda d: d.find_element(By.ID, "error").text)
        assert "409" in browser.find_element(By.ID, "error").text

    review = [r for r in audit_log(workspace).records() if r["type"] == "review"][0]
    assert review["entity"]["rejected"] == {"E11.9": "not-documented"}
    assert review["entity"]["added"] == {"N18.3": "missed-code"}
    assert review["agent"] == {"who": "coder-1", "role": "coder"}
