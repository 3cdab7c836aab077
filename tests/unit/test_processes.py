"""Several processes on one file, and a process killed at any moment: nothing committed is
lost, nothing is doubled, and the journal still vouches for every row (issue 14).
# covers: R6.2"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from lobby_tui.services.rounds import complete_round
from lobby_tui.services.settings import load_settings
from lobby_tui.services.verify import verify_file
from lobby_tui.store import open_store, wall_clock
from tests.unit import writers

ROOT = Path(__file__).resolve().parents[2]


def writer(db: Path, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.unit.writers", str(db), str(count)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def read_all(child: subprocess.Popen[str], into: list[str]) -> None:
    into.extend(child.stdout or [])


def test_four_tablets_guessing_at_once_get_five_pins_checked(db_path: Path) -> None:
    """Each try is claimed under the write lock before its hash is checked: four processes
    guessing at once had 90–180 PINs checked in 15 s, not 5 (issue 25)."""
    # covers: R6.5
    from lobby_tui.services.staff import add_first_supervisor, failures_in_a_row

    store = open_store(db_path, wall_clock())
    boss = add_first_supervisor(store, "Wang Fang", "2580", "2580").id
    store.close()
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(4)
    children = [
        ctx.Process(target=writers.guesses, args=(str(db_path), boss, barrier, 12))
        for _ in range(4)
    ]
    for child in children:
        child.start()
    for child in children:
        child.join(120)
    assert [child.exitcode for child in children] == [0, 0, 0, 0]
    store = open_store(db_path, wall_clock())
    try:
        tried = store.rows("SELECT count(*) FROM events WHERE kind = 'staff.pin_tried'")[0][0]
        assert tried == 1 + 5  # her own first sign-in; of the 48 typed, 5 checked
        assert len(failures_in_a_row(store, boss)) == 5
    finally:
        store.close()


def test_two_tablets_starting_a_round_together_open_one(db_path: Path) -> None:
    open_store(db_path, wall_clock()).close()
    ctx = multiprocessing.get_context("fork")  # no re-import: the presses really coincide
    reps = 10
    barrier = ctx.Barrier(3)
    args = (str(db_path), barrier, reps)
    children = [ctx.Process(target=writers.rounds, args=args) for _ in "ab"]
    for child in children:
        child.start()
    store = open_store(db_path, wall_clock())
    opened = []
    try:
        for _ in range(reps):
            barrier.wait(20)
            barrier.wait(20)
            rows = store.query("SELECT id FROM rounds WHERE completed_at IS NULL")
            opened.append(len(rows))
            for row in rows:
                complete_round(store, row[0], {"crowding": "light"}, settings=load_settings(store))
            barrier.wait(20)
    finally:
        store.close()
        for child in children:
            child.join(20)
    assert [c.exitcode for c in children] == [0, 0]
    assert opened == [1] * reps
    assert verify_file(db_path).ok


def test_walk_ins_survive_kill_9_at_any_moment(db_path: Path) -> None:
    open_store(db_path, wall_clock()).close()
    rng = random.Random(14)
    committed: list[str] = []
    for _ in range(5):
        child = writer(db_path, 100_000)
        lines: list[str] = []
        reader = threading.Thread(target=read_all, args=(child, lines))
        reader.start()
        time.sleep(rng.uniform(0.6, 1.2))  # after start-up, in the middle of the writing
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
        reader.join(10)
        assert child.returncode == -signal.SIGKILL
        # Only whole lines: the id is printed after its commit returned.
        committed += [line.split()[0] for line in lines if line.endswith("\n")]
    assert len(committed) > 20
    store = open_store(db_path, wall_clock())
    found = {r[0] for r in store.query("SELECT id FROM arrivals")}
    store.close()
    assert set(committed) <= found
    verdict = verify_file(db_path)
    assert verdict.ok, (verdict.chain, verdict.rows[:3])


def test_four_tablets_writing_at_once(db_path: Path) -> None:
    open_store(db_path, wall_clock()).close()
    children = [writer(db_path, 40) for _ in range(4)]
    outs = [child.communicate(timeout=60) for child in children]
    assert [c.returncode for c in children] == [0] * 4, [err for _out, err in outs]
    assert not any("locked" in err for _out, err in outs)
    store = open_store(db_path, wall_clock())
    tickets = [r[0] for r in store.query("SELECT ticket FROM arrivals")]
    store.close()
    assert len(tickets) == len(set(tickets)) == 160
    reported = [line.split()[1] for out, _err in outs for line in out.splitlines()]
    assert sorted(reported) == sorted(tickets)
    assert verify_file(db_path).ok
