"""Service quality on the floor (R3.3-R3.5, issue 20): a form the counter sent back, the
walk-in's rating at done (服务评价), and help at a machine for anyone in the hall. Each is
one key; each saves its row and its event together. The figures are domain/kpis.py's."""

from __future__ import annotations

from datetime import date

from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.kpis import QualityCounts, QualityFacts, count_quality
from lobby_tui.domain.lobby import UNDO_SECONDS, undo_in_time
from lobby_tui.domain.rounds import Care
from lobby_tui.services.arrivals import arrival_row
from lobby_tui.store import Store, StoreError, new_id, parse_iso

SCORES = range(1, 6)


def return_form(store: Store, arrival_id: str) -> tuple[str, int]:
    """The counter sent the customer's form back (R3.3): counted on the walk-in, who stays
    at the counter. Only someone called to a counter has a form to send back.
    Returns (ticket, forms sent back today for them)."""
    with store.unit_of_work() as uow:
        found = arrival_row(uow, arrival_id, "status, ticket, counter_returns")
        if found[0] != "called":
            raise Invalid("return", "return_not_at_counter", ticket=found[1])
        returns = (found[2] or 0) + 1
        uow.update("arrivals", arrival_id, {"counter_returns": returns})
        uow.event("arrival.returned", "arrival", arrival_id, {"returns": returns})
    return str(found[1]), returns


def undo_return(store: Store, arrival_id: str) -> str:
    """Take back a return key pressed by mistake, within UNDO_SECONDS, as `u` takes back a
    call (domain/lobby.undo_in_time). Returns the ticket."""
    with store.unit_of_work() as uow:
        found = arrival_row(uow, arrival_id, "ticket, counter_returns")
        returned = uow.execute(
            "SELECT at FROM events WHERE entity = 'arrival' AND entity_id = ?"
            " AND kind = 'arrival.returned' ORDER BY seq DESC LIMIT 1",
            (arrival_id,),
        ).fetchone()
        if returned is None or not found[1]:
            raise StoreError("arrival.not_found")
        if not undo_in_time(parse_iso(returned[0]), parse_iso(uow.now)):
            raise Invalid("undo", "undo_too_late", ticket=found[0], seconds=UNDO_SECONDS)
        returns = int(found[1]) - 1
        uow.update("arrivals", arrival_id, {"counter_returns": returns or None})
        undone = {"undid": "returned", "returns": returns}
        uow.event("arrival.undone", "arrival", arrival_id, undone)
    return str(found[0])


def rate_service(store: Store, arrival_id: str, score: int | None) -> str:
    """The walk-in's rating of the service, given at done: 1-5, or None when they skipped
    it. Asked again, the newer answer stands. Returns the ticket."""
    if score is not None and score not in SCORES:
        raise Invalid("rating", "rating_range")
    with store.unit_of_work() as uow:
        found = arrival_row(uow, arrival_id, "status, ticket")
        if found[0] != "done":
            raise StoreError("arrival.not_done", ticket=found[1])
        uow.update("arrivals", arrival_id, {"satisfaction": score, "rated_at": uow.now})
        kind = "arrival.rated" if score is not None else "arrival.rating_skipped"
        uow.event(kind, "arrival", arrival_id, {"satisfaction": score})
    return str(found[1])


def help_at_machine(store: Store, day: date, round_id: str | None = None) -> None:
    """Help at a self-service machine (R3.4) for someone in the hall who is not in the
    queue (a walk-in in it gets theirs as care on the round, services/rounds.give_care):
    with no arrival, the care is kept under the business day it was given."""
    with store.unit_of_work() as uow:
        action_id = new_id()
        uow.insert(
            "care_actions",
            {
                "id": action_id,
                "round_id": round_id,
                "arrival_id": None,
                "kind": Care.SELF_SERVICE.value,
                "at": uow.now,
                "hall_day": day.isoformat(),
            },
        )
        uow.event(
            "care.given",
            "care_action",
            action_id,
            {"arrival_id": None, "kind": Care.SELF_SERVICE.value, "round_id": round_id},
        )


def quality_by_day(store: Store, span: tuple[str, str]) -> dict[str, QualityCounts]:
    """Each business day's service-quality counts from the rows (for the day's rollup):
    its walk-ins' returns, pre-checks and ratings, and its machine help."""
    facts: dict[str, list[QualityFacts]] = {}
    for day, status, returns, prechecked, score, rated_at in store.rows(
        "SELECT a.business_day, a.status, a.counter_returns,"
        " EXISTS (SELECT 1 FROM care_actions c WHERE c.arrival_id = a.id AND c.kind = ?),"
        " a.satisfaction, a.rated_at FROM arrivals a WHERE a.business_day BETWEEN ? AND ?"
        " AND (a.counter_returns IS NOT NULL OR a.rated_at IS NOT NULL OR a.status = 'done')",
        (Care.FORM_CHECK.value, *span),
    ):
        fact = QualityFacts(status, returns or 0, bool(prechecked), score, rated_at is not None)
        facts.setdefault(day, []).append(fact)
    queued: dict[str, int] = {}
    for day, n in store.rows(
        "SELECT a.business_day, count(*) FROM care_actions c JOIN arrivals a"
        " ON a.id = c.arrival_id WHERE c.kind = ? AND a.business_day BETWEEN ? AND ?"
        " GROUP BY a.business_day",
        (Care.SELF_SERVICE.value, *span),
    ):
        queued[day] = int(n)
    hall: dict[str, int] = {}
    for day, n in store.rows(
        "SELECT hall_day, count(*) FROM care_actions WHERE kind = ?"
        " AND hall_day BETWEEN ? AND ? GROUP BY hall_day",
        (Care.SELF_SERVICE.value, *span),
    ):
        hall[day] = int(n)
    return {
        day: count_quality(facts.get(day, ()), queued.get(day, 0), hall.get(day, 0))
        for day in {*facts, *queued, *hall}
    }
