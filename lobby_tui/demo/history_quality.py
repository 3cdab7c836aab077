"""Service quality on a synthetic past day (issue 20): forms the counter sent back (fewer when
the manager pre-checked them), the ratings walk-ins gave at done, and machine help for people
in the hall without a ticket. Its own random stream: the rest of the day is drawn exactly as
before. Pure: rows out, nothing written here."""

from __future__ import annotations

import random
from datetime import timedelta

from lobby_tui.demo.history_floor import Row, Walkin, new_uuid
from lobby_tui.domain.rounds import Care
from lobby_tui.store import iso

RETURN_ODDS = 0.06  # a form sent back, for a served walk-in whose form nobody checked
RETURN_ODDS_CHECKED = 0.015  # ... and for one the manager pre-checked (R3.5)
RATED_ODDS = 0.45  # asked at done, and gave a score
SKIPPED_ODDS = 0.2  # asked, and declined
SCORES = (1, 2, 3, 4, 5)
SCORE_WEIGHTS = (0.02, 0.04, 0.12, 0.37, 0.45)
HALL_HELP_PER_DAY = 4.0  # machine help for someone without a ticket (R3.4)


def write_service_quality(
    rng: random.Random, walkins: list[Walkin], rows: dict[str, list[Row]]
) -> None:
    by_id = {w.id: w for w in walkins}
    for row in rows["arrivals"]:
        row["counter_returns"] = row["satisfaction"] = row["rated_at"] = None
        w = by_id.get(row["id"])
        if w is None or row["status"] != "done" or w.done_at is None:
            continue
        odds = RETURN_ODDS_CHECKED if Care.FORM_CHECK in w.care else RETURN_ODDS
        if rng.random() < odds:
            row["counter_returns"] = 1
        draw = rng.random()
        if draw < RATED_ODDS + SKIPPED_ODDS:
            row["rated_at"] = iso(w.done_at)
            if draw < RATED_ODDS:
                row["satisfaction"] = rng.choices(SCORES, SCORE_WEIGHTS)[0]
    served = [w for w in walkins if w.done_at is not None]
    if not served:
        return
    day = rows["arrivals"][0]["business_day"]
    for _ in range(int(rng.expovariate(1 / HALL_HELP_PER_DAY))):
        near = rng.choice(served).at + timedelta(minutes=rng.uniform(0, 20))
        rows["care_actions"].append(
            {
                "id": new_uuid(rng),
                "round_id": None,
                "arrival_id": None,
                "kind": Care.SELF_SERVICE.value,
                "at": iso(near),
                "note": None,
                "product": None,
                "consent": None,
                "asked": 0,
                "hall_day": day,
            }
        )
