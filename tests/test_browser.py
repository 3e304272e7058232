"""A real browser (headless Chromium, network blocked) draws the report's maps from the file alone."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from .conftest import chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    exe = chromium_path()
    if exe is None:
        if os.environ.get("LEEFBAAR_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (LEEFBAAR_REQUIRE_BROWSER is set) but not found")
        pytest.skip("headless Chromium not installed (Debian package 'chromium')")
    from playwright.sync_api import sync_playwright

    home = tmp_path_factory.mktemp("chromium-home")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=exe,
            args=FLAGS,
            env={**os.environ, "HOME": str(home)},
        )
        yield b
        b.close()


@pytest.fixture(scope="module")
def report(groningen):
    assert groningen.ok, [s.fout for s in groningen.stappen]
    return Path(groningen.map)


def _open(browser, page_file: Path):
    ctx = browser.new_context(offline=True, viewport={"width": 1200, "height": 900})
    page = ctx.new_page()
    blocked, failed, errors = [], [], []
    page.route(
        re.compile(r"^(https?|wss?)://"),
        lambda route: (blocked.append(route.request.url), route.abort()),
    )
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri(), wait_until="load")
    return ctx, page, blocked, failed, errors


def test_maps_draw_offline_without_failed_loads(browser, report):
    ctx, page, blocked, failed, errors = _open(browser, report / "1_onderzoek.html")
    try:
        page.wait_for_selector(".leaflet-overlay-pane path", timeout=15000)
        maps = page.locator(".folium-map.leaflet-container")
        assert maps.count() == 6  # total score and five dimensions
        for i in range(maps.count()):
            paths = maps.nth(i).locator(".leaflet-overlay-pane path")
            assert paths.count() > 100, f"map {i} drew {paths.count()} polygons"
        # the static fallbacks are hidden once the interactive maps are drawn
        hidden = page.eval_on_selector_all(
            ".kaart-statisch", "els => els.every(e => getComputedStyle(e).display === 'none')"
        )
        assert hidden
        # a tooltip shows name, score and class label
        maps.nth(0).locator(".leaflet-overlay-pane path").last.hover(force=True)
        tip = page.wait_for_selector(".leaflet-tooltip", timeout=5000).inner_text()
        assert "Score" in tip and "Klasse" in tip
        assert blocked == [] and failed == [] and errors == []
    finally:
        ctx.close()


def test_index_page_opens(browser, report):
    ctx, page, blocked, failed, errors = _open(browser, report / "index.html")
    try:
        assert "Leefbaarheidsstrategie Groningen" in page.inner_text("h1")
        page.click("text=Stap 1 · Onderzoek")
        page.wait_for_selector("h1")
        assert "Onderzoek" in page.inner_text("h1")
        assert blocked == [] and failed == [] and errors == []
    finally:
        ctx.close()
