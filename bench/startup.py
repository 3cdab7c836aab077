"""Time to first paint and peak memory of `lobby` against a bare Textual app, in one run.

Each program is started in a fresh tmux pane (as a person starts it in a terminal); the
screen is polled every 2 ms until the program's marker text is on it. Runs alternate
(lobby, bare, lobby, bare …) after one warm-up each, so both see the same machine.
Peak memory is the process's VmHWM, read half a second after first paint. The app's first
paint is its sign-in (or first-supervisor) screen over the composed dashboard (issue 16):
the marker is the title those screens share.

    python bench/startup.py            # 7 runs each, 100x30
    python bench/startup.py -n 15 --size 80x24 --db PATH   # also: the same app, empty db

Targets (issue 2): median ratio <= 1.3, memory ratio <= 1.5; (issue 8) with a year of
records, first paint <= 1.05 x the same app on an empty database.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import year_db  # beside this file: python puts the script's folder on the path

HERE = Path(__file__).resolve().parent
SOCKET = f"lobby-bench-{os.getpid()}"


def tmux(*args: str, capture: bool = False) -> str:
    done = subprocess.run(
        ["tmux", "-L", SOCKET, *args], check=False, capture_output=True, text=True
    )
    return done.stdout if capture else ""


def peak_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def one_run(command: str, marker: str, size: tuple[int, int]) -> tuple[float, int]:
    name = f"run-{uuid.uuid4().hex[:8]}"
    start = time.perf_counter()
    tmux(
        "new-session",
        "-d",
        "-s",
        name,
        "-x",
        str(size[0]),
        "-y",
        str(size[1]),
        f"TERM=xterm-256color exec {command}",
    )
    try:
        pid = int(tmux("display", "-p", "-t", name, "#{pane_pid}", capture=True).strip())
        while True:
            screen = tmux("capture-pane", "-p", "-t", name, capture=True)
            elapsed = (time.perf_counter() - start) * 1000
            if marker in screen:
                break
            if elapsed > 30_000:
                raise TimeoutError(f"{marker!r} not seen:\n{screen}")
            time.sleep(0.002)
        time.sleep(0.5)
        return elapsed, peak_kib(pid)
    finally:
        tmux("kill-session", "-t", name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=7)
    parser.add_argument("--size", default="100x30")
    parser.add_argument(
        "--db",
        help="an existing database to open (copied for each run); "
        "default: a new, empty one each run",
    )
    parser.add_argument(
        "--vs-db",
        help="with --db: compare with this database instead of an empty one, e.g. the same "
        "morning without the year behind it (bench/year_db.py PATH --days 0)",
    )
    args = parser.parse_args()
    width, height = (int(x) for x in args.size.split("x"))
    size = (width, height)
    # Measure the app as installed: a wheel carries compiled bytecode, while an editable
    # checkout under PYTHONDONTWRITEBYTECODE would recompile every module on every start.
    import compileall

    import lobby_tui

    compileall.compile_dir(Path(lobby_tui.__file__).parent, quiet=1)
    lobby = shutil.which("lobby") or f"{sys.executable} -m lobby_tui"
    bare = f"{shlex.quote(sys.executable)} {shlex.quote(str(HERE / 'bare_app.py'))}"
    scratch = Path(tempfile.mkdtemp(prefix="lobby-bench-"))
    tmux("new-session", "-d", "-s", "keeper", "sleep 3600")
    lobby_ms: list[float] = []
    bare_ms: list[float] = []
    empty_ms: list[float] = []  # with --db: the same app on a new, empty database
    lobby_kib: list[int] = []
    bare_kib: list[int] = []
    empty_template = scratch / "empty.db"
    if args.vs_db:
        year_db.copy_db(args.vs_db, empty_template)
    elif args.db:
        # The same schema with nothing in it, made beforehand: what differs is only the data.
        from lobby_tui.store import SystemClock, open_store

        open_store(empty_template, SystemClock()).close()
    try:
        for i in range(args.n + 1):
            db = scratch / f"run{i}.db"
            if args.db:
                year_db.copy_db(args.db, db)
            a = one_run(f"{lobby} --db {shlex.quote(str(db))} --lang en", "Lobby manager —", size)
            b = one_run(bare, "bare app ready", size)
            if args.db:
                empty = scratch / f"empty{i}.db"
                shutil.copy(empty_template, empty)
                c = one_run(
                    f"{lobby} --db {shlex.quote(str(empty))} --lang en", "Lobby manager —", size
                )
            if i == 0:
                continue  # warm-up: disk caches, tmux
            lobby_ms.append(a[0])
            lobby_kib.append(a[1])
            bare_ms.append(b[0])
            bare_kib.append(b[1])
            if args.db:
                empty_ms.append(c[0])
    finally:
        tmux("kill-server")
        shutil.rmtree(scratch, ignore_errors=True)
    ratios = [x / y for x, y in zip(lobby_ms, bare_ms, strict=True)]
    mem_ratio = statistics.median(lobby_kib) / statistics.median(bare_kib)
    print(f"first paint, {args.n} runs each, {args.size}, db: {args.db or 'new, empty'}")
    print(
        "  lobby ms:",
        " ".join(f"{t:.0f}" for t in lobby_ms),
        f"median {statistics.median(lobby_ms):.0f}",
    )
    if empty_ms:
        print(
            "  vs db ms:" if args.vs_db else "  empty ms:",
            " ".join(f"{t:.0f}" for t in empty_ms),
            f"median {statistics.median(empty_ms):.0f}",
        )
    print(
        "  bare  ms:",
        " ".join(f"{t:.0f}" for t in bare_ms),
        f"median {statistics.median(bare_ms):.0f}",
    )
    print(f"  ratio (median of paired runs): {statistics.median(ratios):.2f}  (target <= 1.3)")
    if empty_ms:
        on_empty = [x / y for x, y in zip(lobby_ms, empty_ms, strict=True)]
        versus = args.vs_db or "an empty database"
        print(
            f"  ratio to the same app on {versus}: {statistics.median(on_empty):.2f}"
            "  (target <= 1.05)"
        )
    print(
        f"peak memory: lobby {statistics.median(lobby_kib) / 1024:.1f} MiB, "
        f"bare {statistics.median(bare_kib) / 1024:.1f} MiB, "
        f"ratio {mem_ratio:.2f}  (target <= 1.5)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
