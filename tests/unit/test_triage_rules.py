"""Routing and the wait estimate (R2.3–R2.7): every branch of the rule."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lobby_tui.content import cue_table, needs_catalogue
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.parse import check_party, check_ticket
from lobby_tui.domain.triage import (
    COUNTERS,
    FLAGS,
    FLOOR,
    SELF_SERVICE,
    Estimate,
    check_note,
    greeting_part,
    rank_needs,
    route,
    smoothed_service_min,
)
from lobby_tui.domain.waits import BANDS, band, band_contains

NEEDS = needs_catalogue()
WITHDRAW = NEEDS.by_id("cash_withdrawal")  # machine-doable, cash counter
OPENING = NEEDS.by_id("account_opening")  # counter only, non-cash
WEALTH = NEEDS.by_id("wealth_consultation")
CARDS = NEEDS.by_id("card_services")  # counter only, non-cash, not complex
BILLS = NEEDS.by_id("bill_payment")  # machine-only: its counter is the non-cash one
SINCE = datetime(2026, 11, 28, 1, 10, tzinfo=UTC)


def lobby(**minutes: float | None) -> dict[str, Estimate]:
    """Estimates per channel; None means no counter open."""
    base: dict[str, float | None] = {
        "cash": 8.0,
        "non_cash": 8.0,
        "priority": 2.0,
        "self_service": 1.0,
        "wealth": 5.0,
    }
    base.update(minutes)
    return {ch: Estimate(ch, 0, 0 if m is None else 1, m) for ch, m in base.items()}


def test_priority_customers_go_to_the_priority_window() -> None:  # covers: R2.5
    assert route(OPENING, ["elderly"], lobby(), {}).channel == "priority"
    assert route(WITHDRAW, ["pregnant"], lobby(), {}).reason == "priority"


def test_a_priority_customer_goes_where_they_are_called_soonest() -> None:
    # covers: R2.5, R2.9
    """At 10:30 on the demo an elderly customer withdrawing cash was sent to the priority
    window at ">20 min" while nobody waited at the cash counter (issue 26)."""
    chosen = route(WITHDRAW, ["elderly"], lobby(cash=0.0, priority=25.0), {})
    assert (chosen.channel, chosen.reason) == ("cash", "priority_counter_sooner")
    assert chosen.priority and not chosen.one_to_one
    chosen = route(OPENING, ["elderly"], lobby(non_cash=3.0, priority=12.0), {})
    assert (chosen.channel, chosen.priority, chosen.one_to_one) == ("non_cash", True, True)
    # A tie keeps the dedicated window, as the guide has it.
    assert route(WITHDRAW, ["disabled"], lobby(cash=4.0, priority=4.0), {}).channel == "priority"


def test_priority_window_closed_falls_back_to_counter_help() -> None:  # covers: R2.5
    chosen = route(WITHDRAW, ["disabled"], lobby(priority=None), {})
    assert (chosen.channel, chosen.reason) == ("cash", "priority_closed")
    assert chosen.priority and chosen.one_to_one


def test_machine_doable_need_goes_to_self_service() -> None:  # covers: R2.4
    chosen = route(WITHDRAW, [], lobby(), {})
    assert (chosen.channel, chosen.reason) == ("self_service", "machine")


def test_flagged_customer_with_machine_need_gets_the_counter() -> None:  # covers: R2.4, R2.5
    chosen = route(WITHDRAW, ["interpreter"], lobby(), {})
    assert (chosen.channel, chosen.reason) == ("cash", "flagged_counter")


def test_faulty_self_service_routes_to_the_counter_with_the_time() -> None:  # covers: R1.2
    chosen = route(WITHDRAW, [], lobby(), {"self_service": SINCE}, {"self_service": "09:10"})
    assert (chosen.channel, chosen.reason) == ("cash", "self_service_down")
    assert chosen.params == {"since": "09:10"}


def test_shorter_wait_wins_among_allowed_channels() -> None:  # covers: R2.3
    chosen = route(WITHDRAW, [], lobby(self_service=12.0, cash=3.0), {})
    assert (chosen.channel, chosen.reason) == ("cash", "counter_shorter")
    # The same band goes to the machine: it builds the self-service habit (R2.4).
    assert route(WITHDRAW, [], lobby(self_service=4.0, cash=0.0), {}).channel == "self_service"
    assert route(WITHDRAW, [], lobby(self_service=9.0, cash=4.0), {}).channel == "cash"


def test_wealth_needs_go_to_the_wealth_zone() -> None:  # covers: R2.6
    assert route(WEALTH, [], lobby(), {}).channel == "wealth"
    closed = route(WEALTH, [], lobby(wealth=None), {})
    assert (closed.channel, closed.reason) == ("non_cash", "wealth_closed")


def test_a_closed_channel_sends_to_the_other_counter() -> None:  # covers: R2.3
    chosen = route(CARDS, [], lobby(non_cash=None), {})
    assert (chosen.channel, chosen.reason) == ("cash", "default_closed")
    assert route(CARDS, [], lobby(), {}).reason == "default"


@pytest.mark.parametrize("flag", ["vip", "children", "interpreter"])
def test_a_flagged_bill_payment_gets_help_at_a_counter_not_the_machines(flag: str) -> None:
    # covers: R2.4, R2.5
    chosen = route(BILLS, [flag], lobby(wealth=None), {})
    assert (chosen.channel, chosen.reason) == ("non_cash", "flagged_counter")


def test_an_elderly_wealth_customer_is_served_first_in_the_wealth_zone() -> None:
    # covers: R2.5, R2.6
    chosen = route(WEALTH, ["elderly"], lobby(), {})
    assert (chosen.channel, chosen.reason, chosen.priority) == ("wealth", "wealth_priority", True)


def test_wealth_zone_and_non_cash_closed_sends_to_the_open_cash_counter() -> None:
    # covers: R2.3, R2.6
    chosen = route(WEALTH, [], lobby(wealth=None, non_cash=None), {})
    assert (chosen.channel, chosen.reason) == ("cash", "wealth_closed")


@pytest.mark.parametrize("need_id", ["account_opening", "loan"])
def test_complex_business_earns_one_to_one_help(need_id: str) -> None:  # covers: R2.5
    chosen = route(NEEDS.by_id(need_id), [], lobby(), {})
    assert (chosen.channel, chosen.reason, chosen.one_to_one) == ("non_cash", "complex", True)


def test_a_vip_without_a_tier_is_never_sent_to_a_machine() -> None:
    # covers: R2.5 — with a tier, routed by the need (tests/unit/test_first_day_vip.py)
    chosen = route(WITHDRAW, ["vip"], lobby(), {})
    assert (chosen.channel, chosen.reason) == ("cash", "flagged_counter")


def test_no_counter_open_says_so_and_promises_nothing() -> None:  # covers: R2.7
    closed = lobby(cash=None, non_cash=None, priority=None, wealth=None, self_service=None)
    chosen = route(CARDS, [], closed, {})
    assert chosen.reason == "nothing_open"
    assert closed[chosen.channel].band is None
    # A machine need still has the machines when every counter is shut.
    assert route(WITHDRAW, [], lobby(cash=None, non_cash=None), {}).channel == "self_service"


def test_no_machine_working_sends_a_machine_need_to_its_counter() -> None:  # covers: R2.4
    chosen = route(WITHDRAW, [], lobby(self_service=None), {})
    assert (chosen.channel, chosen.reason) == ("cash", "self_service_closed")


def test_service_time_falls_back_then_smooths_todays_history() -> None:  # covers: R2.7
    assert smoothed_service_min([], 6.0) == 6.0  # no history: the catalogue
    assert smoothed_service_min([4.0], 6.0) == 4.0
    # Newest weighs 0.3: 4 → 0.3·10 + 0.7·4 = 5.8
    assert smoothed_service_min([4.0, 10.0], 6.0) == pytest.approx(5.8)


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (0, "lt5"),
        (4.9, "lt5"),
        (5, "5to10"),
        (9.9, "5to10"),
        (10, "10to20"),
        (19.9, "10to20"),
        (20, "gt20"),
        (90, "gt20"),
    ],
)
def test_bands(minutes: float, expected: str) -> None:  # covers: R2.7
    assert band(minutes) == expected
    assert band_contains(expected, minutes)


def test_cues_reorder_the_needs_without_requiring_any() -> None:  # covers: R2.2
    cues = {c.id: c for c in cue_table().cue}
    plain = rank_needs(NEEDS.need, [])
    assert [n.id for n in plain] == [n.id for n in NEEDS.need]
    with_passbook = rank_needs(NEEDS.need, [cues["passbook"]])
    assert with_passbook[0].id in {"cash_withdrawal", "cash_deposit"}
    unsure = rank_needs(NEEDS.need, [cues["unsure"]])
    assert unsure[0].id == "enquiry"


@pytest.mark.parametrize(("text", "ok"), [("", 1), ("3", 3), ("20", 20)])
def test_party_size(text: str, ok: int) -> None:
    assert check_party(text) == ok


@pytest.mark.parametrize("text", ["0", "100", "two", "-1"])
def test_bad_party_size(text: str) -> None:
    with pytest.raises(Invalid) as caught:
        check_party(text)
    assert caught.value.field == "party"


def test_ticket_note_and_greeting() -> None:  # covers: R2.1
    assert check_ticket(" a012 ") == "A012" and check_ticket("") is None
    with pytest.raises(Invalid, match="ticket_format"):
        check_ticket("12A")
    with pytest.raises(Invalid) as caught:
        check_note("x" * 10_000)
    assert caught.value.params["length"] == 10_000
    assert [greeting_part(datetime(2026, 1, 1, h).time()) for h in (8, 13, 19)] == [
        "morning",
        "afternoon",
        "evening",
    ]


# Routing for any need, flags and state of the channels (issue 14) -------------------------

ALL_CHANNELS = ("cash", "non_cash", "priority", "self_service", "wealth", "vip_room")
minutes = st.one_of(st.none(), st.floats(min_value=0, max_value=600, allow_nan=False))


@given(
    need=st.sampled_from(NEEDS.need),
    flags=st.sets(st.sampled_from(FLAGS)),
    waits=st.fixed_dictionaries({c: minutes for c in ALL_CHANNELS}),
    down=st.sets(st.sampled_from(ALL_CHANNELS)),
)
def test_any_walk_in_gets_an_open_channel_with_a_band_or_a_clear_no(
    need: object, flags: set[str], waits: dict[str, float | None], down: set[str]
) -> None:
    # covers: R2.3, R2.7 — a band is promised only where something is open
    estimates = {c: Estimate(c, 0, 0 if m is None else 1, m) for c, m in waits.items()}
    chosen = route(need, flags, estimates, dict.fromkeys(down, SINCE))  # type: ignore[arg-type]
    if chosen.channel == FLOOR:  # answered on the floor: no queue, no band (issue 31.9)
        assert need.floor and chosen.reason == "floor"  # type: ignore[attr-defined]
        return
    open_here = chosen.channel not in down and waits[chosen.channel] is not None
    if chosen.reason == "nothing_open":
        assert not any(c not in down and waits[c] is not None for c in COUNTERS)
        assert chosen.channel in COUNTERS
    else:
        assert open_here, chosen
        assert estimates[chosen.channel].band in BANDS
    if chosen.channel == SELF_SERVICE:
        assert not (set(flags) & {"elderly", "disabled", "pregnant", "vip"}), chosen
