"""Rules a branch would catch on its first day (issue 31.3): a VIP is sent by what they came
for, of a tier the branch's bank uses, and the wealth manager on duty hears of them."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from pydantic import ValidationError

from lobby_tui.content import ContentError, data_dir, needs_catalogue, vip_catalogue
from lobby_tui.domain.settings import Settings
from lobby_tui.domain.triage import Estimate, route
from lobby_tui.domain.vip import VipCatalogue
from lobby_tui.services import dayplan, duty
from lobby_tui.services.tasks import open_tasks, task_text
from lobby_tui.store import FixedClock, Store
from tests.helpers.app import on_roster, one_row
from tests.helpers.walkins import walk_in

DAY = date(2026, 11, 28)  # the fixtures' clock: 10:30 in Shanghai on this day
NEEDS = needs_catalogue()
GOLD = vip_catalogue().by_id("gold")


def lobby(**minutes: float | None) -> dict[str, Estimate]:
    waits: dict[str, float | None] = {
        "cash": 5.0,
        "non_cash": 5.0,
        "priority": 3.0,
        "self_service": 1.0,
        "wealth": 3.0,
    }
    waits.update(minutes)
    return {c: Estimate(c, 0, 0 if m is None else 1, m) for c, m in waits.items()}


def test_the_tiers_a_bank_uses_are_content() -> None:  # covers: R2.5
    tiers = vip_catalogue()
    assert [t.label.zh for t in tiers.tier] == ["金卡", "白金", "钻石", "私人银行"]
    assert [t.id for t in tiers.tier] == ["gold", "platinum", "diamond", "private_banking"]
    # The VIP key walks through them, and after the last the customer is not a VIP.
    assert tiers.after(None) == tiers.tier[0]
    assert tiers.after("diamond") == tiers.tier[3]
    assert tiers.after("private_banking") is None


def test_a_content_folder_from_before_the_tiers_uses_the_packaged_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("settings.toml", "channels.toml", "needs.toml"):
        (tmp_path / name).write_bytes((data_dir() / name).read_bytes())
    monkeypatch.setenv("LOBBY_DATA", str(tmp_path))
    data_dir.cache_clear()
    vip_catalogue.cache_clear()
    try:
        tiers = vip_catalogue()
    finally:
        data_dir.cache_clear()
        vip_catalogue.cache_clear()
    assert [t.id for t in tiers.tier][:1] == ["gold"]


def test_a_tier_must_route_to_a_channel_of_the_branch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("settings.toml", "channels.toml", "needs.toml", "vip.toml"):
        (tmp_path / name).write_bytes((data_dir() / name).read_bytes())
    text = (tmp_path / "vip.toml").read_text(encoding="utf-8")
    (tmp_path / "vip.toml").write_text(
        text.replace('wealth = "wealth" }', 'wealth = "vip_room" }', 1), encoding="utf-8"
    )
    monkeypatch.setenv("LOBBY_DATA", str(tmp_path))
    data_dir.cache_clear()
    vip_catalogue.cache_clear()
    try:
        with pytest.raises(ContentError) as caught:
            vip_catalogue()
    finally:
        data_dir.cache_clear()
        vip_catalogue.cache_clear()
    assert "routing.wealth: 'vip_room' is not a channel" in str(caught.value.params["problem"])
    assert caught.value.params["line"] == 19  # the gold tier's routing


@pytest.mark.parametrize(
    "broken",
    [
        {"cash": "priority", "counter": "priority"},  # no wealth
        {"cash": "priority", "counter": "priority", "wealth": "wealth", "loans": "cash"},
    ],
)
def test_a_tier_routes_every_kind_of_need_and_nothing_else(broken: dict[str, str]) -> None:
    tier = {"id": "gold", "label": {"zh": "金卡", "en": "Gold"}, "routing": broken}
    with pytest.raises(ValidationError, match="routing needs exactly cash, counter, wealth"):
        VipCatalogue.model_validate({"version": 1, "tier": [tier]})


def test_a_vip_is_routed_by_the_need_not_sent_to_the_wealth_zone() -> None:
    # covers: R2.5, R2.6 — issue 31.3: a VIP withdrawing cash was sent to the wealth zone
    withdraw = NEEDS.by_id("cash_withdrawal")
    chosen = route(withdraw, ["vip"], lobby(), {}, vip=GOLD)
    assert (chosen.channel, chosen.reason) == ("priority", "vip_cash")
    transfer = route(NEEDS.by_id("transfer"), ["vip"], lobby(), {}, vip=GOLD)
    assert (transfer.channel, transfer.reason) == ("priority", "vip_counter")
    wealth = route(NEEDS.by_id("wealth_consultation"), ["vip"], lobby(), {}, vip=GOLD)
    assert (wealth.channel, wealth.reason) == ("wealth", "vip_wealth")
    # The priority window closed: the cash counter, never a machine nor the wealth zone.
    closed = route(withdraw, ["vip"], lobby(priority=None), {}, vip=GOLD)
    assert closed.channel == "cash"
    # The cash counter idle and the window's queue long: the counter, sooner.
    sooner = route(withdraw, ["vip"], lobby(cash=0.0, priority=25.0), {}, vip=GOLD)
    assert (sooner.channel, sooner.reason) == ("cash", "vip_counter_sooner")


def wealth_managers_on_duty(store: Store, settings: Settings) -> str:
    """Two wealth managers on the roster; the second by name is the one on duty now (with a
    teller at each counter, so the windows are open by the same plan)."""
    on_roster(store, "An", "wealth_manager")
    bo = on_roster(store, "Bo", "wealth_manager").id
    for post in ("cash", "non_cash", "priority"):
        teller = on_roster(store, f"Teller {post}").id
        duty.set_duty(store, settings, DAY, teller, post, time(8, 30), time(17, 30), None)
    duty.set_duty(store, settings, DAY, bo, "wealth", time(8, 30), time(17, 30), None)
    return bo


def test_a_vip_walk_in_tells_the_wealth_manager_on_duty(
    store: Store, settings: Settings
) -> None:  # covers: R2.5, R1.6
    bo = wealth_managers_on_duty(store, settings)
    saved = walk_in(store, settings, "cash_withdrawal", ["vip"], tier="platinum")
    (task,) = open_tasks(store)
    assert task.owner == bo  # on duty by the plan, not the first on the roster
    assert task.due_at is not None  # unanswered in 5 minutes: overdue
    assert (task.due_at - task.created_at).total_seconds() == 5 * 60
    said = task_text(task)
    assert said == f"{saved.ticket}: a Platinum VIP is here (Priority window) — greet them"
    assert one_row(store, "SELECT channel FROM arrivals")[0] == "priority"


def test_an_appointment_checked_in_tells_the_wealth_manager_on_duty(
    store: Store, settings: Settings
) -> None:  # covers: R1.6
    bo = wealth_managers_on_duty(store, settings)
    meeting = dayplan.add_appointment(
        store, settings, DAY, time(10, 30), "Card replaced", False, "Zhang Wei"
    )
    saved = walk_in(store, settings, "card_services", [], appointment_id=meeting)
    (task,) = open_tasks(store)
    assert task.owner == bo
    said = task_text(task)
    assert said.startswith(f"{saved.ticket}: appointment of Z** checked in, Card replaced")
    assert "Zhang" not in said and "Zhang" not in task.what  # the masked reference only


def test_a_vip_appointment_missed_opens_a_follow_up_for_the_wealth_manager(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R1.6
    bo = wealth_managers_on_duty(store, settings)
    dayplan.add_appointment(store, settings, DAY, time(11, 0), "Deposit maturing", True, "Wang")
    dayplan.add_appointment(store, settings, DAY, time(11, 0), "Card replaced", False, "Li")
    clock.advance(hours=1)  # 11:30: both past their grace
    assert dayplan.mark_no_shows(store, settings) == 2
    (task,) = open_tasks(store)  # the VIP only
    assert task.owner == bo and task.source == "appointment"
    assert task_text(task) == (
        "VIP appointment at 11:00 with W** missed (Deposit maturing) — call back and rebook"
    )
