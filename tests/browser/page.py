"""Driving a served lobby in a real browser (Debian's Chromium through Playwright, no
browser downloaded): start `lobby serve` on a free loopback port, open pages, read what
the terminal shows.

xterm.js draws on a canvas, so the screen is read from what the session sends: the
websocket's frames, with the terminal's escape sequences taken out. Text drawn in one
style arrives in one piece, which is what the waits look for."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def missing() -> str | None:
    """What this machine lacks to run the browser tests, if anything."""
    try:
        import playwright.sync_api  # noqa: F401
        import textual_serve  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is not installed (pip install -e '.[test]')"
    if chromium_path() is None:
        return "no chromium (apt-get install -y chromium; .ci/run does it)"
    return None


def need_browser() -> None:
    """Skip without a browser to drive, but never in CI: there it must run."""
    import pytest

    lacking = missing()
    if lacking:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser tests must run in CI: {lacking}")
        pytest.skip(lacking)


def demo_database(folder: Path, lang: str) -> Path:
    """A morning's lobby (`lobby demo --no-ui`) in `folder`, the language set to `lang`."""
    from lobby_tui.i18n import set_language

    db = folder / "lobby.db"
    subprocess.run(
        [sys.executable, "-m", "lobby_tui", "demo", "--no-ui", "--lang", lang, "--db", str(db)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    set_language(lang)
    return db


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(db: Path, *extra: str, lang: str = "en") -> Iterator[str]:
    """`lobby serve` on a free loopback port until the block ends; yields its URL."""
    port = free_port()
    command = [sys.executable, "-m", "lobby_tui", "--lang", lang, "serve", "--db", str(db)]
    command += ["--port", str(port), *extra]
    server = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its sessions stop with it
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    out = server.stdout.read().decode() if server.stdout else ""
                    raise RuntimeError(f"lobby serve did not start: {out}") from None
                time.sleep(0.1)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


class Screen:
    """What one page's session has drawn so far, as text (see the module's docstring)."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.raw = bytearray()
        self.mark = 0
        self.ws_url = ""
        self.size: tuple[int, int] | None = None
        self.deadline: float | None = None
        """No wait goes past this (time.monotonic()): the test is bounded."""
        page.on("websocket", self.watch)

    def watch(self, ws: Any) -> None:
        self.ws_url = ws.url  # ?width=…&height=…: the terminal's first size
        ws.on("framereceived", self.received)
        ws.on("framesent", self.sent)

    def sent(self, payload: bytes | str) -> None:
        """The page tells the session its size once the fonts are in: ["resize", {…}]."""
        if isinstance(payload, str) and payload.startswith('["resize"'):
            import json

            size = json.loads(payload)[1]
            self.size = (int(size["width"]), int(size["height"]))

    def cell_size(self) -> tuple[float, float, float, float]:
        """The terminal's left, top, and one cell's width and height, in page pixels."""
        from urllib.parse import parse_qs, urlsplit

        query = parse_qs(urlsplit(self.ws_url).query)
        cols, rows = self.size or (int(query["width"][0]), int(query["height"][0]))
        box = self.page.evaluate(
            "() => { const r = document.querySelector('.xterm-screen')"
            ".getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }"
        )
        return box[0], box[1], box[2] / cols, box[3] / rows

    def tap(self, words: str, nth: int = -1, right: int = 0, down: int = 0) -> None:
        """A finger on `words` as drawn now (`right`, `down`: that many cells off it)."""
        started = time.monotonic()
        while True:  # what was just asked for may take a moment to be drawn
            try:
                row, col = find_on_screen(bytes(self.raw), words, nth)
                break
            except AssertionError:
                if time.monotonic() - started > 10:
                    raise
                self.page.wait_for_timeout(50)
        left, top, width, height = self.cell_size()
        x = left + (col + right + 0.5) * width
        y = top + (row + down + 0.5) * height
        self.page.touchscreen.tap(x, y)

    def received(self, payload: bytes | str) -> None:
        if isinstance(payload, bytes):
            self.raw += payload

    @property
    def text(self) -> str:
        return ESCAPES.sub(b"", bytes(self.raw)).decode("utf-8", "replace")

    def since_mark(self) -> str:
        return ESCAPES.sub(b"", bytes(self.raw[self.mark :])).decode("utf-8", "replace")

    def set_mark(self) -> None:
        """Later waits look only at what is drawn from now on."""
        self.mark = len(self.raw)

    def wait_for(self, text: str, timeout: float = 30) -> float:
        """Wait until `text` is drawn after the mark; the seconds it took."""
        started = time.monotonic()
        if self.deadline is not None:
            timeout = min(timeout, self.deadline - started)
        while text not in self.since_mark():
            if time.monotonic() - started > timeout:
                tail = self.since_mark()[-2000:]
                raise AssertionError(f"{text!r} not shown within {timeout} s; last drawn: {tail}")
            self.page.wait_for_timeout(20)
        return time.monotonic() - started

    def wait_gone(self, words: str, timeout: float = 10) -> None:
        """Wait until `words` is no longer drawn anywhere on the screen."""
        started = time.monotonic()
        while True:
            try:
                find_on_screen(bytes(self.raw), words)
            except AssertionError:
                return
            if time.monotonic() - started > timeout:
                raise AssertionError(f"{words!r} still on the screen after {timeout} s")
            self.page.wait_for_timeout(50)


def open_page(
    browser: Any,
    url: str,
    ready: str,
    size: tuple[int, int] = (1280, 800),
    deadline: float | None = None,
) -> tuple[Any, Screen]:
    """A new browser context (its own session) on `url`; once `ready` is drawn, one click
    in a corner (on no control) gives the terminal the keyboard. Clicked earlier, the
    session may not be listening yet and the app would not know it has the focus."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    screen = Screen(page)
    screen.deadline = deadline
    page.goto(url)
    screen.wait_for(ready, timeout=45)
    page.click("#terminal", position={"x": 3, "y": 3})
    page.wait_for_function("document.activeElement.classList.contains('xterm-helper-textarea')")
    return page, screen


CSI = re.compile(r"\x1b\[([0-?]*)[ -/]*([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


def cells_drawn(raw: bytes) -> dict[tuple[int, int], str]:
    """The terminal's cells as the session drew them (row, column from 0): Textual places
    every run of text with an absolute cursor move, so following the moves and the text
    is enough to know where each word is on the screen (for a tap on it)."""
    from rich.cells import cell_len

    text = raw.decode("utf-8", "replace")
    cells: dict[tuple[int, int], str] = {}
    row = col = 0
    at = 0
    for match in CSI.finditer(text):
        for char in text[at : match.start()]:
            if char == "\r":
                col = 0
            elif char == "\n":
                row += 1
            elif char.isprintable():
                cells[(row, col)] = char
                width = cell_len(char)
                if width == 2:
                    cells[(row, col + 1)] = ""
                col += width
        at = match.end()
        final, arguments = match.group(2), match.group(1) or ""
        if final == "K" and arguments in ("", "0"):  # erase to the end of the line
            cells = {cell: char for cell, char in cells.items() if not (
                cell[0] == row and cell[1] >= col)}  # fmt: skip
        elif final == "J" and arguments in ("2", "3"):  # erase the screen
            cells.clear()
        elif final == "H":
            numbers = [int(n) if n else 1 for n in arguments.split(";")]
            row, col = (numbers + [1, 1])[0] - 1, (numbers + [1, 1])[1] - 1
    return cells


def find_on_screen(raw: bytes, words: str, nth: int = -1) -> tuple[int, int]:
    """Where `words` is drawn now (row, column of its first cell); the last one by default."""
    cells = cells_drawn(raw)
    rows: dict[int, list[tuple[int, str]]] = {}
    for (row, col), char in cells.items():
        if char:  # not the second cell of a wide character
            rows.setdefault(row, []).append((col, char))
    found: list[tuple[int, int]] = []
    for row in sorted(rows):
        line = sorted(rows[row])
        columns = [col for col, _ in line]
        joined = "".join(char for _, char in line)
        start = joined.find(words)
        while start >= 0:
            # The index counts characters; wide characters' second cells are "" (no char).
            found.append((row, columns[start]))
            start = joined.find(words, start + 1)
    if not found:
        raise AssertionError(f"{words!r} is not on the screen")
    return found[nth]
