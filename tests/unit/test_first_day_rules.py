"""Rules a branch would catch on its first day (issue 31): each case as the audit found it,
replayed against the rule that must hold."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from lobby_tui.content import complaint_catalogue
from lobby_tui.domain.complaints import PROFILES, Intake, check_extension
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.settings import Settings
from lobby_tui.i18n import t
from lobby_tui.services import complaints as service
from lobby_tui.store import FixedClock, Store


def take(store: Store, settings: Settings) -> str:
    """A complaint received now, under the branch's profile (NFRA: 15 days)."""
    case = Intake(
        received_at=store.clock.now(),
        via="in_person",
        category="waiting_time",
        severity="medium",
        description="排队一个多小时，没有人解释原因",
        subject="等候太久",
    )
    complaint_id, _ = service.take_complaint(store, settings, complaint_catalogue(), case,
                                             shift_id=None)  # fmt: skip
    return complaint_id


# 1. An overdue complaint cannot be extended after the fact (R4.4) ---------------------------


def test_an_extension_after_the_limit_in_force_is_refused(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R4.4
    complaint_id = take(store, settings)
    received = store.clock.now()
    clock.advance(days=20)  # day 20 of a case under the 15-day limit: overdue
    with pytest.raises(Invalid) as refused:
        service.extend(store, complaint_id, "Branch head Li", "complex", told_how="phone")
    assert (refused.value.key, refused.value.params) == ("extension_too_late", {"days": 15})
    assert t("invalid.extension_too_late", days=15).startswith("Too late to extend")
    case = service.get(store, complaint_id)
    assert case.extensions == 0 and case.decision_due_at == received + timedelta(days=15)
    assert case.urgency(clock.now(), settings.complaint_soon_days).name == "OVERDUE"


def test_an_extension_before_the_limit_and_a_further_one_before_the_next(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R4.4
    complaint_id = take(store, settings)
    clock.advance(days=14)
    service.extend(store, complaint_id, "Branch head Li", "complex", told_how="phone")
    clock.advance(days=17)  # day 31: past the extended 30 days
    with pytest.raises(Invalid, match="extension_too_late") as refused:
        service.extend(store, complaint_id, "Zhao", "ruling", told_how="letter",
                       approver_level="head_office")  # fmt: skip
    assert refused.value.params == {"days": 30}


def test_the_rule_itself_names_the_limit_in_force() -> None:  # covers: R4.4
    nfra = PROFILES["nfra"]
    received = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    on_time = received + timedelta(days=15)  # the last moment of the limit
    assert check_extension(nfra, 0, "Li", "complex", "phone", received_at=received,
                           now=on_time).step == 1  # fmt: skip
    with pytest.raises(Invalid, match="extension_too_late"):
        check_extension(nfra, 0, "Li", "complex", "phone", received_at=received,
                        now=on_time + timedelta(seconds=1))  # fmt: skip


# 2. Large cash: foreign currency from USD 10,000; single or cumulative in the day (R5.4) ----


def test_foreign_cash_is_large_from_ten_thousand_dollars_and_the_day_adds_up() -> None:
    # covers: R5.4, R2.5
    from lobby_tui.content import cash_rates
    from lobby_tui.domain.cash import is_large_cash, large_cash_at_triage

    rates = cash_rates()
    assert is_large_cash("7100 USD", 50000, rates) is False  # the audit's case
    assert is_large_cash("7100 USD", 50000, rates, earlier="3000 USD") is True  # the day's
    assert is_large_cash("7100 USD", 50000, rates, earlier="30000") is False  # other kind
    assert is_large_cash("30000", 50000, rates, earlier="25000") is True
    assert is_large_cash("30000", 50000, rates, earlier="2000 USD") is False
    assert is_large_cash("5000 USD", 50000, rates, foreign_usd=5000) is True  # a setting
    with pytest.raises(Invalid) as caught:
        large_cash_at_triage("cash", "30000", 50000, rates, earlier="some")
    assert (caught.value.field, caught.value.key) == ("cash_earlier", "amount_not_a_number")


# 6. A moment not of today shows its date (R5.1) -----------------------------------------


def test_a_moment_of_another_day_is_dated() -> None:  # covers: R5.1
    from zoneinfo import ZoneInfo

    from lobby_tui.domain.day import when

    zone = ZoneInfo("Asia/Shanghai")
    now = datetime(2026, 11, 28, 2, 30, tzinfo=UTC)  # 10:30 there
    assert when(datetime(2026, 11, 28, 1, 0, tzinfo=UTC), zone, now) == "09:00"
    assert when(datetime(2026, 11, 24, 5, 15, tzinfo=UTC), zone, now) == "11-24 13:15"
    # 23:30 UTC on the 27th is already the 28th in Shanghai: today, no date.
    assert when(datetime(2026, 11, 27, 23, 30, tzinfo=UTC), zone, now) == "07:30"
    assert when(datetime(2025, 12, 30, 2, 0, tzinfo=UTC), zone, now) == "2025-12-30 10:00"


# 10. The wall says a round is late as the lobby does (R3.1) ------------------------------


def test_the_wall_says_the_round_is_late_in_the_lobbys_words(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R3.1
    from rich.console import Console

    from lobby_tui.content import channels
    from lobby_tui.domain.day import local
    from lobby_tui.domain.rounds import minutes_late
    from lobby_tui.serve.wall import wall_text
    from lobby_tui.services.lobby import read_lobby
    from lobby_tui.services.rounds import complete_round, start_round

    now = clock.now()
    clock.set(datetime.fromisoformat("2026-11-28T09:52:00+08:00"))  # a round at 09:52 …
    day = date(2026, 11, 28)
    complete_round(store, start_round(store, settings, day, None).id, {}, settings=settings)
    clock.set(now)  # … and none since: the 10:07 one is late at 10:30
    kinds = channels()
    lobby = read_lobby(store, settings, [c.key for c in kinds])
    assert lobby.next_round_at is not None
    late = minutes_late(lobby.next_round_at, lobby.now)
    due = local(lobby.next_round_at, settings.timezone).strftime("%H:%M")
    assert late > 0
    console = Console(width=100, record=True)
    console.print(wall_text(lobby, settings, "en", kinds))
    wall = console.export_text()
    said = f"Due since {due} — {late} min late"
    assert said in wall
    assert t("dash.round.overdue", time=due, minutes=late).startswith(said)  # the lobby's words


# 15. The demo agrees with itself -----------------------------------------------------------


@pytest.mark.dated  # builds the demo on the test day: CI runs it again on other days
def test_the_demos_sign_in_gives_a_pin_for_everyone_it_lists_and_duty_is_on_the_roster(
    tmp_path: Path,
) -> None:  # covers: R6.5, R1.6
    from click.testing import CliRunner

    from lobby_tui.cli import cli
    from lobby_tui.domain.day import business_day
    from lobby_tui.i18n import set_language
    from lobby_tui.screens.signin import demo_hint
    from lobby_tui.services.duty import duty_plan
    from lobby_tui.services.settings import load_settings
    from lobby_tui.services.staff import roster
    from lobby_tui.store import open_store, wall_clock

    db = tmp_path / "demo.db"
    made = CliRunner().invoke(cli, ["--lang", "en", "demo", "--no-ui", "--db", str(db)])
    assert made.exit_code == 0, made.output
    set_language("en")
    hint = demo_hint().replace("\u00a0", " ")
    store = open_store(db, wall_clock(), create=False)
    try:
        listed = [p.name for p in roster(store, active_only=True)]
        day = business_day(store.clock.now(), load_settings(store).timezone)
        on_duty = {d.duty.staff_id for d in duty_plan(store, day)}
        ids = {p.id for p in roster(store, active_only=True)}
    finally:
        store.close()
    assert len(listed) == 9
    assert [name for name in listed if name not in hint] == []
    assert on_duty and on_duty <= ids


# 7. The day plan: machines in service, and each hour's own need (R1.6) ---------------------


def test_the_day_plan_says_each_hours_own_need_and_staffing() -> None:  # covers: R1.6
    from lobby_tui.content import channels
    from lobby_tui.domain.staffing import HourNeed
    from lobby_tui.screens.checklist.forecast import short_text

    cash = [HourNeed(10, "cash", 30, 4, 4, 1), HourNeed(11, "cash", 30, 4, 4, 1),
            HourNeed(14, "cash", 20, 4, 3, 2)]  # fmt: skip
    said = short_text({"cash": cash}, channels(), "en")
    assert said == ["Cash counter 10:00–11:00 needs 4, 1 on duty",
                    "Cash counter 14:00 needs 3, 2 on duty"]  # fmt: skip


def test_the_day_plan_counts_the_machines_in_service(store: Store, settings: Settings) -> None:
    # covers: R1.6, R1.2
    from lobby_tui.content import checklist_template
    from lobby_tui.services.dayplan import counters_by_hour
    from lobby_tui.services.tasks import report_device_fault

    machines = [d for d in checklist_template().devices() if d.channel == "self_service"]
    day = date(2026, 11, 28)
    assert {h["self_service"] for h in counters_by_hour(store, day).values()} == {len(machines)}
    broken = machines[0]
    report_device_fault(store, settings, shift_id=None, device_key=broken.key,
                        channel=broken.channel, label={"en": "ATM", "zh": "ATM"})  # fmt: skip
    by_hour = counters_by_hour(store, day)
    assert {h["self_service"] for h in by_hour.values()} == {len(machines) - 1}


# 13. Chinese at 80 columns: a short word stays whole; brackets are Chinese (R6.3) ----------


def test_a_short_chinese_word_is_never_split_across_lines() -> None:  # covers: R6.3
    from rich.console import Console
    from rich.text import Text

    from lobby_tui import line_breaks

    line_breaks.apply()

    def wrapped(text: str, width: int) -> list[str]:
        return [line.plain.rstrip() for line in Text(text).wrap(Console(width=200), width)]

    # The audit's cases: 巡/视 in the round box, 犹/豫 in triage's legend, 窗/口5.
    assert wrapped("下次应于 10:37 巡视。按 F4 开始巡视。", 34) == [
        "下次应于 10:37 巡视。按 F4", "开始巡视。"]  # fmt: skip
    assert wrapped("P存折 C银行卡 B公文包 S径直 U犹豫", 30)[-1] == "U犹豫"
    windows = wrapped("各窗口： 窗口4 B016 · 窗口5 B019", 22)
    assert any(line.startswith("窗口5") for line in windows), windows
    # A long run still flows: a line is not left half empty.
    assert wrapped("理财收益与宣传不符，客户要求赔偿", 20)[0] == "理财收益与宣传不符，"


def test_chinese_says_its_brackets_in_full_width() -> None:  # covers: R6.3
    from lobby_tui.i18n import set_language

    set_language("zh")
    try:
        assert t("dash.incident_severity", label="可疑人员", severity="中") == "可疑人员（中）"
        assert t("ui.in_brackets", text="爽约") == "（爽约）"
    finally:
        set_language("en")
