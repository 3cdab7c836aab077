"""Child processes for tests/unit/test_processes.py: each opens the database as another
tablet (or a restarted app) would, and writes as the app writes."""

from __future__ import annotations

import sys
from contextlib import suppress
from datetime import date
from multiprocessing.synchronize import Barrier

from lobby_tui.services.arrivals import NewArrival, record_arrival
from lobby_tui.store import open_store, wall_clock

DAY = date(2026, 11, 28)


def walkins(path: str, count: int, report: bool = True) -> None:
    """Walk-ins one after another; each id is printed only once its commit has returned."""
    store = open_store(path, wall_clock())
    for _ in range(count):
        arrival_id, ticket = record_arrival(
            store, NewArrival(None, DAY.isoformat(), "enquiry", "non_cash", "B")
        )
        if report:
            print(arrival_id, ticket, flush=True)
    store.close()


def rounds(path: str, barrier: Barrier, reps: int) -> None:
    """Press "start round" at the same moment as the other tablet, `reps` times; the test
    (a party to the barrier) counts the open rounds and closes them between presses."""
    from lobby_tui.domain.day import business_day
    from lobby_tui.services.rounds import start_round
    from lobby_tui.services.settings import load_settings

    store = open_store(path, wall_clock())
    settings = load_settings(store)
    day = business_day(store.clock.now(), settings.timezone)
    for _ in range(reps):
        barrier.wait(20)  # together
        start_round(store, settings, day, None)
        barrier.wait(20)  # both pressed
        barrier.wait(20)  # counted and closed
    store.close()


def guesses(path: str, staff_id: str, barrier: Barrier, tries: int) -> None:
    """Wrong PINs for one person as fast as they go, all tablets starting together (a
    guesser with four browser tabs of `lobby serve`)."""
    from lobby_tui.domain.errors import Invalid
    from lobby_tui.services.staff import sign_in

    store = open_store(path, wall_clock())
    barrier.wait(20)
    for n in range(tries):
        with suppress(Invalid):
            sign_in(store, staff_id, f"{1000 + n}")
    store.close()


def next_at_window(path: str, day: date, number: int, barrier: Barrier, presses: int) -> None:
    """A teller pressing Next (then Done) at the same instant as the other window."""
    from lobby_tui.services.counter import call_next, done

    store = open_store(path, wall_clock())
    for _ in range(presses):
        barrier.wait(20)
        if call_next(store, day, number) is not None:
            done(store, day, number)
    store.close()


if __name__ == "__main__":
    walkins(sys.argv[1], int(sys.argv[2]), report=sys.argv[3:] != ["quiet"])
