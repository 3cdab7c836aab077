"""The duty plan's pure rules: who is at a window when, and the lunch rotation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from lobby_tui.domain.duty import Duty, LunchRule, plan_lunches, shortfalls, staffed

DAY = datetime(2026, 11, 30, tzinfo=UTC)  # the times below read as the branch's clock


def at(hour: int, minute: int = 0) -> datetime:
    return DAY + timedelta(hours=hour, minutes=minute)


OPENING = (at(9), at(17))
RULE = LunchRule(at(11), at(14), timedelta(hours=1))
MINIMUMS = {"cash": 1, "non_cash": 1, "priority": 0, "wealth": 0}


def test_a_person_on_lunch_is_not_at_the_window() -> None:  # covers: R1.6
    chen = Duty("chen", "cash", at(8, 30), at(17), at(12), at(13))
    assert staffed([chen], at(11, 59))["cash"] == 1
    assert staffed([chen], at(12))["cash"] == 0
    assert staffed([chen], at(13))["cash"] == 1
    assert staffed([chen], at(17))["cash"] == 0  # the shift ends at 17:00


def test_two_tellers_of_one_channel_never_lunch_together() -> None:  # covers: R1.6
    plan = [Duty("a", "cash", at(8, 30), at(17)), Duty("b", "cash", at(8, 30), at(17))]
    lunched, left_out = plan_lunches(plan, MINIMUMS, RULE, OPENING)
    assert left_out == []
    a, b = lunched
    assert a.break_starts is not None and b.break_starts is not None
    assert a.break_ends is not None and b.break_ends is not None
    assert a.break_ends <= b.break_starts or b.break_ends <= a.break_starts
    assert shortfalls(lunched, MINIMUMS, *OPENING) == []


def test_the_only_teller_of_a_channel_with_a_minimum_gets_no_lunch_and_is_named() -> None:
    # covers: R1.6
    plan = [Duty("alone", "cash", at(8, 30), at(17)), Duty("p", "priority", at(9), at(17))]
    lunched, left_out = plan_lunches(plan, MINIMUMS, RULE, OPENING)
    assert left_out == ["alone"]
    assert lunched[0].break_starts is None
    assert lunched[1].break_starts is not None  # the priority window has no minimum


def test_a_break_set_by_hand_stays_and_the_others_plan_around_it() -> None:  # covers: R1.6
    hand = Duty("a", "cash", at(8, 30), at(17), at(12), at(13), manual=True)
    lunched, _ = plan_lunches([hand, Duty("b", "cash", at(8, 30), at(17))], MINIMUMS, RULE, OPENING)
    assert lunched[0] == hand
    assert lunched[1].break_starts is not None and lunched[1].break_starts not in (
        at(11, 30),
        at(12),
        at(12, 30),
    )


def test_a_shortfall_says_which_channel_from_when_to_when() -> None:  # covers: R1.6
    plan = [
        Duty("a", "cash", at(8, 30), at(17), at(12), at(13)),
        Duty("b", "cash", at(8, 30), at(17), at(12, 30), at(13, 30)),
    ]
    (short,) = shortfalls(plan, {"cash": 1}, *OPENING)
    assert (short.post, short.starts, short.ends, short.staffed) == ("cash", at(12, 30), at(13), 0)


def test_a_channel_planned_below_its_minimum_is_not_a_breaks_fault() -> None:
    plan = [Duty("a", "cash", at(9), at(12))]  # nobody after noon: the plan's own choice
    assert shortfalls(plan, {"cash": 1}, *OPENING) == []


POSTS = ("cash", "non_cash", "priority", "wealth", "floor", "security")


@st.composite
def rosters(draw: st.DrawFn) -> list[Duty]:
    people = draw(st.integers(min_value=1, max_value=12))
    plan = []
    for n in range(people):
        starts = at(8) + STEP_30 * draw(st.integers(0, 6))
        ends = at(17) - STEP_30 * draw(st.integers(0, 10))
        if ends <= starts:
            ends = starts + STEP_30
        manual = draw(st.integers(0, 5)) == 0
        duty = Duty(f"p{n}", draw(st.sampled_from(POSTS)), starts, ends)
        if manual:
            lunch = at(11) + STEP_30 * draw(st.integers(0, 4))
            duty = Duty(
                duty.staff_id, duty.post, starts, ends, lunch, lunch + timedelta(hours=1), True
            )
        plan.append(duty)
    # Breaks set by hand went through the same check when they were set (services/duty).
    hand_set = [d for d in plan if d.manual]
    if shortfalls(plan, MINIMUMS, *OPENING) and hand_set:
        plan = [d.without_break() if d.manual else d for d in plan]
    return plan


STEP_30 = timedelta(minutes=30)


@given(rosters(), st.integers(0, 2), st.integers(0, 2))
def test_the_rotation_never_leaves_a_channel_below_its_minimum(
    plan: list[Duty], cash_min: int, non_cash_min: int
) -> None:  # covers: R1.6
    minimums = {**MINIMUMS, "cash": cash_min, "non_cash": non_cash_min}
    if shortfalls(plan, minimums, *OPENING):  # hand-set breaks already short: refused earlier
        return
    lunched, left_out = plan_lunches(plan, minimums, RULE, OPENING)
    assert shortfalls(lunched, minimums, *OPENING) == []
    for before, after in zip(plan, lunched, strict=True):
        assert after.staff_id == before.staff_id
        if before.manual:
            assert after == before
        elif after.break_starts is not None:
            assert after.break_ends is not None
            assert RULE.earliest <= after.break_starts
            assert after.break_ends <= RULE.latest
            assert after.break_ends - after.break_starts == RULE.length
            assert before.starts <= after.break_starts and after.break_ends <= before.ends
        else:
            # No lunch only for the people the rotation names (or whose shift has no room).
            room = min(RULE.latest, before.ends) - max(RULE.earliest, before.starts)
            assert before.staff_id in left_out or room < RULE.length
