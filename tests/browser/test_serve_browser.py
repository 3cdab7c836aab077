"""`lobby serve` in a real browser (R6.6): Debian's Chromium, headless, through Playwright
(no browser downloaded). Two people on two browser contexts work the same lobby; every
write is theirs; the wall view shows counts and nothing personal; nothing is fetched from
anywhere but the server. Bounded: the whole file takes well under a minute."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
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
    missing,
    need_browser,
    open_page,
    serving,
)

pytestmark = pytest.mark.browser

LI = ("Li Ming", "1234")  # the demo's roster (demo/staff.py)
WANG = ("Wang Fang", "2580")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        chromium = driver.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox"], headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    """A morning's lobby with the demo's roster, complaints with names and text."""
    return demo_database(tmp_path, "en")


def sign_in(page: Any, screen: Screen, db: Path, who: tuple[str, str]) -> None:
    """From the sign-in screen: Up and Down in the PIN field choose the name (in the
    roster's order), then the PIN and Enter; wait for the lobby."""
    from lobby_tui.services.staff import roster
    from lobby_tui.store import open_store, wall_clock

    store = open_store(db, wall_clock(), read_only=True)
    try:
        names = [p.name for p in roster(store, active_only=True)]
    finally:
        store.close()
    for _ in names:
        page.keyboard.press("ArrowUp")
    for _ in range(names.index(who[0])):
        page.keyboard.press("ArrowDown")
    page.keyboard.type(who[1])
    screen.set_mark()
    page.keyboard.press("Enter")
    screen.wait_for(who[0])  # the top bar names who is signed in
    screen.wait_for(t("nav.triage"))  # the footer: a place of the app, not the sign-in


def external(requests: list[str]) -> list[str]:
    return [url for url in requests if urlsplit(url).hostname not in ("127.0.0.1", None)]


def test_two_people_work_one_lobby_in_the_browser(browser: Any, demo_db: Path) -> None:
    # covers: R6.6
    started = time.monotonic()
    requests: list[str] = []
    with serving(demo_db) as url:
        wang_page, wang = open_page(browser, url, t("signin.title"), deadline=started + 60)
        wang_page.on("request", lambda r: requests.append(r.url))
        sign_in(wang_page, wang, demo_db, WANG)
        wang_page.keyboard.press("F3")
        wang.wait_for(t("triage.save"))

        li_page, li = open_page(browser, url, t("signin.title"), deadline=started + 60)
        sign_in(li_page, li, demo_db, LI)
        li_page.keyboard.press("F3")
        li.wait_for(t("triage.save"))
        wang.set_mark()
        before = count(demo_db, "arrivals")
        li_page.keyboard.press("w")
        li_page.keyboard.press("Enter")

        ticket, actor = newest_walkin(demo_db, before)
        assert actor == staff_id(demo_db, LI[0])  # the write is Li's, not Wang's
        # In the other session's queue; how soon is bench/serve.py's figure, not a test's.
        wang.wait_for(ticket, timeout=10)

        # The keys a browser keeps: F5's twin opens the complaints, shown in the footer.
        li.set_mark()
        li_page.keyboard.press("F9")
        li.wait_for(t("complaint.key_new"))
        assert "F9" in li.text and "F5" not in li.since_mark()
    assert external(requests) == []
    log = (demo_db.parent / "lobby-serve.log").read_text()  # beside the database
    assert "session opened" in log
    assert [text for text in [*personal_text(demo_db), ticket, LI[1], WANG[1]] if text in log] == []


def test_every_place_key_reaches_the_app_through_the_browser(browser: Any, demo_db: Path) -> None:
    """Each place's key pressed in the page opens that place; the complaints by F5's twin,
    F9, since a browser keeps F5 (a reload would end the session)."""
    # covers: R6.6
    started = time.monotonic()
    branch = branch_name(demo_db)
    with serving(demo_db) as url:
        page, screen = open_page(browser, url, t("signin.title"), deadline=started + 60)
        sign_in(page, screen, demo_db, WANG)
        keys = [("F2", "checklist"), ("F3", "triage"), ("F4", "rounds"), ("F9", "complaints")]
        keys += [("F6", "incidents"), ("F7", "handover"), ("F1", "dashboard")]
        for key, place in keys:
            screen.set_mark()
            page.keyboard.press(key)
            screen.wait_for(f"{t(f'place.{place}')}  {branch}")  # the top bar
        screen.set_mark()
        page.keyboard.press("F8")
        screen.wait_for(t("flag.title"))
        page.keyboard.press("Escape")


def test_the_wall_shows_counts_and_nothing_personal(browser: Any, demo_db: Path) -> None:
    # covers: R6.6
    requests: list[str] = []
    with serving(demo_db, "--wall") as url:
        page, wall = open_page(browser, url, t("wall.complaints"))
        page.on("request", lambda r: requests.append(r.url))
        page.keyboard.press("F3")  # no key does anything here
        page.keyboard.press("w")
        page.keyboard.press("Enter")
        page.wait_for_timeout(1500)
        shown = wall.text
    private = personal_text(demo_db)
    assert private, "the demo has names and case text to hide"
    leaked = [text for text in private if text in shown]
    assert leaked == []
    assert t("wall.waiting") in shown
    assert external(requests) == []


def test_the_page_names_no_other_host(demo_db: Path) -> None:
    """The served HTML and CSS load nothing from outside (DESIGN.md, Offline): every
    address they name is on the server itself."""
    # covers: R6.6
    import re
    import urllib.request

    lacking = missing()
    if lacking and "chromium" not in lacking:
        if os.environ.get("CI") == "true":
            pytest.fail(lacking)
        pytest.skip(lacking)
    with serving(demo_db) as url:
        html = urllib.request.urlopen(url, timeout=10).read().decode()
        css = urllib.request.urlopen(url + "static/css/xterm.css", timeout=10).read().decode()
    html = re.sub(r"<!--.*?-->", "", html, flags=re.S)
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)  # a comment fetches nothing
    named = re.findall(r"""(?:href|src)\s*=\s*["']([^"']*)["']""", html)
    named += re.findall(r"""url\(\s*["']?([^"')]*)""", html + css)
    named += re.findall(r"""@import\s+["']?([^"';\s]*)""", html + css)
    assert named, "the page loads its script, style and font from the server"
    assert [n for n in named if "//" in n or ":" in n.split("/")[0]] == []
    assert "http" not in css and not re.search(r"https?://", html)


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def newest_walkin(db: Path, before: int, timeout: float = 15) -> tuple[str, str]:
    """The ticket and actor of the walk-in saved after `before` walk-ins, once committed."""
    deadline = time.monotonic() + timeout
    while count(db, "arrivals") <= before:
        if time.monotonic() > deadline:
            raise AssertionError("no walk-in saved")
        time.sleep(0.05)
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT a.ticket, e.actor FROM events e JOIN arrivals a ON a.id = e.entity_id"
            " WHERE e.entity = 'arrival' ORDER BY e.seq DESC LIMIT 1"
        ).fetchone()
    return str(row[0]), str(row[1])


def branch_name(db: Path) -> str:
    from lobby_tui.services.settings import load_settings
    from lobby_tui.store import open_store, wall_clock

    store = open_store(db, wall_clock(), read_only=True)
    try:
        return load_settings(store).branch("en")
    finally:
        store.close()


def staff_id(db: Path, name: str) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("SELECT id FROM staff WHERE name = ?", (name,)).fetchone()[0])


def personal_text(db: Path) -> list[str]:
    """Names of staff and customers and the text of cases: what a wall must never show."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT name FROM staff UNION SELECT customer_name FROM complaints"
            " UNION SELECT description FROM complaints UNION SELECT subject FROM complaints"
        ).fetchall()
    return [str(r[0])[:20] for r in rows if r[0] and len(str(r[0])) >= 4]


LIU = ("Liu Yang", "3690")  # two of the demo's tellers (demo/staff.py)
ZHAO = ("Zhao Lei", "7410")


def pick_window(page: Any, screen: Screen, number: int) -> None:
    """A teller just signed in: their window from the list (Enter, Down to it, Enter)."""
    screen.wait_for(t("counter.no_window"))
    page.keyboard.press("Enter")
    for _ in range(number):
        page.keyboard.press("ArrowDown")
    screen.set_mark()
    page.keyboard.press("Enter")
    screen.wait_for(t("counter.window_name", number=number))


def last_seq(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT max(seq) FROM events").fetchone()[0])


def at_window(db: Path, number: int, after: int, timeout: float = 15) -> tuple[str, str]:
    """The ticket called to this window after event `after`, and who called it."""
    deadline = time.monotonic() + timeout
    while True:
        with sqlite3.connect(db) as conn:
            row = conn.execute(
                "SELECT a.ticket, e.actor FROM arrivals a JOIN events e ON e.entity_id = a.id"
                " AND e.kind = 'arrival.called' WHERE a.window_no = ? AND e.seq > ?",
                (number, after),
            ).fetchone()
        if row is not None:
            return str(row[0]), str(row[1])
        if time.monotonic() > deadline:
            raise AssertionError(f"nobody called to window {number}")
        time.sleep(0.05)


def test_two_counters_call_at_once_and_the_manager_sees_it(browser: Any, demo_db: Path) -> None:
    """Two tellers at the two non-cash windows press Next together: two customers called,
    each under their teller's name; one served and rated, the other recalled and marked a
    no-show; the manager's lobby shows each call (issue 26)."""
    # covers: R2.9, R2.10, R6.6
    started = time.monotonic()
    reported = report_arrivals(demo_db)
    heard: list[str] = []
    with serving(demo_db) as url, serving(demo_db, "--display") as hall_url:
        hall = browser.new_page(viewport={"width": 1920, "height": 1080})
        hall.on("request", lambda r: heard.append(r.url) if "/call/" in r.url else None)
        hall.goto(hall_url)
        hall.click("#sound")  # "click once to turn the sound on"
        hall.wait_for_selector("#sound", state="hidden")
        li_page, li = open_page(browser, url, t("signin.title"), deadline=started + 90)
        sign_in(li_page, li, demo_db, LI)
        liu_page, liu = open_page(browser, url, t("signin.title"), deadline=started + 90)
        sign_in(liu_page, liu, demo_db, LIU)
        pick_window(liu_page, liu, 4)
        zhao_page, zhao = open_page(browser, url, t("signin.title"), deadline=started + 90)
        sign_in(zhao_page, zhao, demo_db, ZHAO)
        pick_window(zhao_page, zhao, 5)
        for number, page, screen in ((4, liu_page, liu), (5, zhao_page, zhao)):
            with sqlite3.connect(demo_db) as conn:  # the morning left a customer at each
                (left_there,) = conn.execute(
                    "SELECT ticket FROM arrivals WHERE window_no = ? AND status = 'called'",
                    (number,),
                ).fetchone()
            screen.wait_for(left_there)  # the teller sees them, serves them, no rating
            screen.set_mark()
            page.keyboard.press("d")
            screen.wait_for(t("counter.idle"))
            page.keyboard.press("0")
        li.set_mark()
        before = last_seq(demo_db)
        liu_page.keyboard.press("n")
        zhao_page.keyboard.press("n")
        first, first_by = at_window(demo_db, 4, before)
        second, second_by = at_window(demo_db, 5, before)
        assert first != second
        # The hall's display shows both calls within 1 s of their commit, and asks for
        # each one's announcement (the chime and the words).
        both = (
            "([a, b]) => document.body.innerText.includes(a) && document.body.innerText.includes(b)"
        )
        hall.wait_for_function(both, arg=[first, second], timeout=1000)
        hall.wait_for_function("() => document.querySelectorAll('#recent li').length > 0")
        assert (first_by, second_by) == (staff_id(demo_db, LIU[0]), staff_id(demo_db, ZHAO[0]))
        liu.wait_for(t("counter.called", ticket=first, number=4))
        li.wait_for(t("queue.window_busy", number=5, ticket=second))  # the manager's lobby
        liu_page.keyboard.press("d")
        liu.wait_for(t("queue.rate_prompt", ticket=first))
        liu_page.keyboard.press("5")
        zhao_page.keyboard.press("r")
        zhao.wait_for(t("counter.recalled_now", ticket=second))
        # A recall: on top of the display again, blinking, and said again.
        hall.wait_for_selector("#now.blink", timeout=1000)
        assert hall.inner_text("#ticket") == second
        assert hall.inner_text("#line") == t("display.call", ticket=second, window=5)
        shown = hall.inner_text("body")
        announced = wav_seconds(hall_url, heard)
        zhao_page.keyboard.press("x")
        zhao.wait_for(t("counter.no_show_said", ticket=second))
    with sqlite3.connect(demo_db) as conn:
        rows = dict(
            conn.execute(
                "SELECT ticket, status || ':' || coalesce(satisfaction, '') || ':'"
                " || coalesce(no_show, '') FROM arrivals WHERE ticket IN (?, ?)",
                (first, second),
            ).fetchall()
        )
    assert rows == {first: "done:5:", second: "left::1"}
    assert [text for text in personal_text(demo_db) if text in shown] == []
    # Three calls asked for (two calls and the recall), each a chime and the call in
    # Chinese and English: seconds of speech, not a blip.
    assert len(heard) >= 3 and 5 < announced < 30
    # `lobby report` counts what the windows did: the two the morning left at them and the
    # first served, the second gone; the journal has each act under its teller's name.
    after = report_arrivals(demo_db)
    assert (after["served"], after["walkaways"]) == (
        reported["served"] + 3,
        reported["walkaways"] + 1,
    )
    with sqlite3.connect(demo_db) as conn:
        acts = dict(conn.execute(
            "SELECT e.kind, s.name FROM events e JOIN arrivals a ON a.id = e.entity_id"
            " JOIN staff s ON s.id = e.actor WHERE a.ticket = ? AND e.kind != 'arrival.triaged'",
            (second,),
        ).fetchall())  # fmt: skip
    assert acts == {"arrival.called": ZHAO[0], "arrival.recalled": ZHAO[0],
                    "arrival.no_show": ZHAO[0]}  # fmt: skip


def wav_seconds(hall_url: str, heard: list[str]) -> float:
    """The length of the last announcement the display asked for, read as a WAV."""
    import io
    import urllib.request
    import wave

    deadline = time.monotonic() + 10
    while len(heard) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert heard, "the display asked for no announcement"
    path = heard[-1].split("/call/", 1)[1]
    sound = urllib.request.urlopen(f"{hall_url}call/{path}", timeout=10).read()
    with wave.open(io.BytesIO(sound)) as reader:
        return float(reader.getnframes() / reader.getframerate())


def report_arrivals(db: Path) -> dict[str, Any]:
    """Today's arrival figures as `lobby report --format json` gives them."""
    import json

    result = subprocess.run(
        [sys.executable, "-m", "lobby_tui", "report", "--db", str(db), "--format", "json",
         "--lang", "en"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    arrivals: dict[str, Any] = json.loads(result.stdout)["arrivals"]
    return arrivals
