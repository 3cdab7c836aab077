"""A tablet in one hand (R6.3): `lobby serve` in Chromium at 1280x800 with a touch screen,
driven by taps only (text typed only into a field just tapped), every step checked in the
database; and Chinese drawn by the page's own font on a machine with no CJK font."""

from __future__ import annotations

import io
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from lobby_tui.i18n import t
from tests.browser.page import (
    Screen,
    chromium_path,
    demo_database,
    find_on_screen,
    need_browser,
    serving,
)

pytestmark = pytest.mark.browser


def launch(driver: Any, env: dict[str, str] | None = None) -> Any:
    return driver.chromium.launch(
        executable_path=chromium_path(), args=["--no-sandbox"], headless=True, env=env
    )


@pytest.fixture(scope="module")
def playwright_driver() -> Iterator[Any]:
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


def touch_page(browser: Any, url: str, ready: str, deadline: float) -> tuple[Any, Screen]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True)
    page = context.new_page()
    screen = Screen(page)
    screen.deadline = deadline
    page.goto(url)
    screen.wait_for(ready, timeout=45)
    return page, screen


def one(db: Path, sql: str, *params: object) -> Any:
    with sqlite3.connect(db) as con:
        row = con.execute(sql, params).fetchone()
    return row[0] if row else None


def until(db: Path, sql: str, expected: object, timeout: float = 15) -> None:
    """The database says `expected` (another process writes it)."""
    started = time.monotonic()
    while (got := one(db, sql)) != expected:
        if time.monotonic() - started > timeout:
            raise AssertionError(f"{sql}: {got!r}, not {expected!r}")
        time.sleep(0.1)


def tap(screen: Screen, words: str, then: str | None = None, **where: int) -> None:
    """Tap `words`; wait for `then` to be drawn after it."""
    screen.set_mark()
    screen.tap(words, **where)
    if then is not None:
        screen.wait_for(then)
    else:
        screen.page.wait_for_timeout(400)


def test_every_duty_by_touch(playwright_driver: Any, tmp_path: Path) -> None:
    # covers: R6.3
    db = demo_database(tmp_path, "en")
    started = time.monotonic()
    browser = launch(playwright_driver)
    try:
        with serving(db) as url:
            page, screen = touch_page(browser, url, t("signin.title"), started + 150)
            # Sign in: the name (first on the roster), the PIN field, the PIN, the button.
            screen.page.wait_for_timeout(500)
            tap(screen, "Li Ming")
            tap(screen, t("signin.pin_placeholder"))
            page.keyboard.type("1234")
            tap(screen, t("signin.go"), then=t("nav.triage"))

            # The keys panel: opened from the palette, closed by a tap on its row.
            tap(screen, t("textual.palette"), then=t("cmd.placeholder")[:10])
            tap(screen, t("cmd.placeholder"))
            page.keyboard.type("keys")
            tap(screen, t("cmd.keys"), then=t("cmd.keys.hide"))
            # The panel lists the place's keys; a tap on a row runs it: Hide keys closes it.
            tap(screen, t("cmd.keys.hide"))
            screen.wait_gone(t("cmd.keys.hide"))  # the panel is gone from the screen

            # A round: begin, an apology to the longest waiter (first in the list), end.
            tap(screen, t("nav.rounds"), then=t("rounds.begin"))
            longest = one(
                db,
                "SELECT id FROM arrivals WHERE status = 'waiting' ORDER BY arrived_at LIMIT 1",
            )
            tap(screen, t("rounds.begin"), then=t("rounds.in_progress", time="")[:8])
            until(db, "SELECT count(*) FROM rounds WHERE completed_at IS NULL", 1)
            tap(screen, t("care.apology"))
            until(
                db,
                "SELECT arrival_id FROM care_actions WHERE kind = 'apology' "
                "ORDER BY rowid DESC LIMIT 1",
                longest,
            )
            tap(screen, t("rounds.end"))
            until(db, "SELECT count(*) FROM rounds WHERE completed_at IS NULL", 0)

            # Triage a walk-in: the need, then accept.
            before = one(db, "SELECT count(*) FROM arrivals")
            tap(screen, t("nav.triage"), then=t("triage.save"))
            tap(screen, "t Transfer")  # an enquiry is answered on the floor (issue 31.9)
            tap(screen, t("triage.save"))
            until(db, "SELECT count(*) FROM arrivals", before + 1)

            # The queue: call the customer highlighted, then done.
            called = one(db, "SELECT count(*) FROM arrivals WHERE status = 'called'")
            tap(screen, f"c {t('queue.call')}")
            until(db, "SELECT count(*) FROM arrivals WHERE status = 'called'", called + 1)
            done = one(db, "SELECT count(*) FROM arrivals WHERE status = 'done'")
            tap(screen, f"d {t('queue.done')}")
            until(db, "SELECT count(*) FROM arrivals WHERE status = 'done'", done + 1)

            # A complaint: the tab, the text, the subject, the category, Save.
            complaints = one(db, "SELECT count(*) FROM complaints")
            tap(screen, "Complaints", then=t("complaint.tab_new"))
            tap(screen, t("complaint.tab_new"), then=t("complaint.key_save"))
            tap(screen, t("complaint.description"), down=1)
            page.keyboard.type("Card kept by ATM 2")
            tap(screen, t("complaint.subject_placeholder"))
            page.keyboard.type("ATM card")
            tap(screen, t("complaint.category_prompt"), then="Waiting time")  # the list opens
            tap(screen, "Waiting time")
            tap(screen, t("complaint.key_save"))
            until(db, "SELECT count(*) FROM complaints", complaints + 1)

            # An incident flagged: the key's place, the type, save.
            incidents = one(db, "SELECT count(*) FROM incidents")
            tap(screen, t("nav.flag"), then=t("flag.title"))
            tap(screen, "Crowding")
            tap(screen, t("flag.save"))
            until(db, "SELECT count(*) FROM incidents", incidents + 1)

    finally:
        browser.close()


def ink(png: bytes, box: tuple[int, int, int, int]) -> int:
    """Pixels in `box` brighter than the page's dark background: what was drawn there."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L").crop(box)
    return sum(image.histogram()[91:])


def test_chinese_is_drawn_with_no_cjk_font_on_the_machine(
    playwright_driver: Any, tmp_path: Path
) -> None:
    # covers: R6.3, R6.6
    db = demo_database(tmp_path, "zh")
    fonts = tmp_path / "fonts.conf"  # DejaVu only: a bare kiosk, no fonts-noto-cjk
    fonts.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        "<dir>/usr/share/fonts/truetype/dejavu</dir>"
        f"<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>"
    )
    browser = launch(playwright_driver, {**os.environ, "FONTCONFIG_FILE": str(fonts)})
    started = time.monotonic()
    requests: list[str] = []
    drawn: dict[bool, int] = {}
    try:
        with serving(db, lang="zh") as url:
            for with_font in (True, False):
                page, screen = touch_page(browser, url, t("signin.title"), started + 90)
                page.on("request", lambda r: requests.append(r.url))
                if not with_font:  # the same page with its font refused: the blank to beat
                    page.route("**/LobbyCJKMono*", lambda route: route.abort())
                    page.reload()
                    screen.raw.clear()
                    screen.wait_for(t("signin.title"), timeout=45)
                page.wait_for_timeout(800)
                # The sign-in title: its row and cells, as the session drew them.
                row, col = screen_position(screen, t("signin.title"))
                left, top, width, height = screen.cell_size()
                length = len(t("signin.title")) * 2  # wide characters: two cells each
                box = (
                    int(left + col * width),
                    int(top + row * height),
                    int(left + (col + length) * width),
                    int(top + (row + 1) * height),
                )
                drawn[with_font] = ink(page.screenshot(), box)
                page.context.close()
    finally:
        browser.close()
    assert drawn[False] < 20  # without the page's font: blank cells
    assert drawn[True] > 300  # with it: the characters' strokes
    hosts = {urlsplit(u).hostname for u in requests}
    assert hosts == {"127.0.0.1"}
    assert any("LobbyCJKMono" in u for u in requests)


def screen_position(screen: Screen, words: str) -> tuple[int, int]:
    from tests.browser.page import find_on_screen

    return find_on_screen(bytes(screen.raw), words)


def swipe_up(page: Any, x: float, y: float, rows: int, row_height: float) -> None:
    """A finger drawn up the screen by `rows` rows (Chromium's touch events, through CDP:
    Playwright's touchscreen only taps)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, rows * 2 + 1):
        point = {"x": x, "y": y - step * row_height / 2}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_a_swipe_scrolls_the_complaint_form(playwright_driver: Any, tmp_path: Path) -> None:
    # covers: R6.3
    db = demo_database(tmp_path, "en")
    browser = launch(playwright_driver)
    try:
        with serving(db) as url:
            page, screen = touch_page(browser, url, t("signin.title"), time.monotonic() + 90)
            page.wait_for_timeout(500)
            tap(screen, "Li Ming")
            tap(screen, t("signin.pin_placeholder"))
            page.keyboard.type("1234")
            tap(screen, t("signin.go"), then=t("nav.triage"))
            tap(screen, "Complaints", then=t("complaint.tab_new"))
            tap(screen, t("complaint.tab_new"), then=t("complaint.key_save"))
            page.wait_for_timeout(500)
            with pytest.raises(AssertionError):  # the form's own Save: below the fold
                find_on_screen(bytes(screen.raw), t("complaint.save"))
            left, top, width, height = screen.cell_size()
            row, col = find_on_screen(bytes(screen.raw), t("complaint.description"))
            screen.set_mark()
            # From the description's box (below its title) up by 12 rows.
            swipe_up(page, left + (col + 4) * width, top + (row + 4) * height, 12, height)
            screen.wait_for(t("complaint.save"), timeout=10)  # scrolled into sight
    finally:
        browser.close()
