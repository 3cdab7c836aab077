"""`lobby serve` (issue 17, R6.6): the app in a real browser against the same app in tmux,
measured in one run on one demo database.

- open -> sign-in painted: from opening the URL (a new browser context) to the sign-in
  screen drawn; in tmux from starting `lobby` to the same screen on the pane.
- keystroke -> screen: a digit typed in the PIN field until its dot is drawn, then
  Backspace until the placeholder is back (alternating); in the browser the time until
  the frame arrives at the page, in tmux until capture-pane shows it (polled every 2 ms).
- memory per session: the resident size of each browser session's `lobby` process.

    python bench/serve.py [-n 20] [--sessions 2]

Needs Debian's chromium and the test extras (Playwright, textual-serve).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser.page import Screen, chromium_path, serving  # noqa: E402

DOT = "•"


def ms(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[max(0, int(len(ordered) * 0.9) - 1)]
    return f"median {statistics.median(values) * 1000:7.1f} ms   p90 {p90 * 1000:7.1f} ms"


def demo(db: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "lobby_tui", "demo", "--no-ui", "--lang", "en", "--db", str(db)],
        check=True,
        capture_output=True,
    )


def session_rss_mb(db: Path) -> list[float]:
    """Resident memory of each session process serving `db` (from /proc)."""
    sizes = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
            status = (proc / "status").read_text()
        except OSError:
            continue
        if b"lobby_tui.serve.session" in command and str(db).encode() in command:
            if command[0].endswith(b"sh"):
                continue  # the shell textual-serve starts it through
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
    return sizes


def in_browser(db: Path, n: int, sessions: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from lobby_tui.i18n import set_language, t

    set_language("en")
    out: dict[str, Any] = {"open": [], "key": []}
    with serving(db) as url, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        pages = []
        for _ in range(sessions):
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            screen = Screen(page)
            started = time.monotonic()
            page.goto(url)
            screen.wait_for(t("signin.title"), timeout=60)
            out["open"].append(time.monotonic() - started)
            page.click("#terminal", position={"x": 3, "y": 3})
            pages.append((page, screen))
        page, screen = pages[0]
        placeholder = t("signin.pin_placeholder")
        for _ in range(n):
            for key, shown in (("1", DOT), ("Backspace", placeholder)):
                screen.set_mark()
                started = time.monotonic()
                page.keyboard.press(key)
                screen.wait_for(shown, timeout=10)
                out["key"].append(time.monotonic() - started)
        out["rss"] = session_rss_mb(db)
        browser.close()
    return out


def pane(name: str) -> str:
    return subprocess.run(
        ["tmux", "capture-pane", "-p", "-t", name], capture_output=True, text=True
    ).stdout


def wait_pane(name: str, text: str, timeout: float = 60) -> float:
    started = time.monotonic()
    while text not in pane(name):
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"{text!r} not on the pane")
        time.sleep(0.002)
    return time.monotonic() - started


def in_tmux(db: Path, n: int) -> dict[str, Any]:
    from lobby_tui.i18n import set_language, t

    set_language("en")
    name = f"bench-serve-{int(time.time())}"
    out: dict[str, Any] = {"open": [], "key": []}
    command = f"{sys.executable} -m lobby_tui --db {db} --lang en"
    started = time.monotonic()
    subprocess.run(["tmux", "new", "-d", "-s", name, "-x", "160", "-y", "48", command], check=True)
    try:
        wait_pane(name, t("signin.title"))
        out["open"].append(time.monotonic() - started)
        placeholder = t("signin.pin_placeholder")
        for _ in range(n):
            for key, shown in (("1", DOT), ("BSpace", placeholder)):
                began = time.monotonic()
                subprocess.run(["tmux", "send-keys", "-t", name, key], check=True)
                wait_pane(name, shown, timeout=10)
                out["key"].append(time.monotonic() - began)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], check=False)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=20, help="keystroke pairs")
    parser.add_argument("--sessions", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "lobby.db"
        demo(db)
        tmux = in_tmux(db, args.n)
        browser = in_browser(db, args.n, args.sessions)
    print(f"open -> sign-in painted   tmux    {tmux['open'][0] * 1000:7.0f} ms")
    shown = "  ".join(f"{s * 1000:.0f}" for s in browser["open"])
    print(f"open -> sign-in painted   browser {shown} ms (one per session)")
    print(f"keystroke -> screen       tmux    {ms(tmux['key'])}")
    print(f"keystroke -> screen       browser {ms(browser['key'])}")
    rss = browser["rss"]
    print(f"memory per session        {', '.join(f'{r:.0f}' for r in rss)} MB resident")


if __name__ == "__main__":
    main()
