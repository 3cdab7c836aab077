"""Rules of the opening checklist: the template, shortages, devices over time, the forecast."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lobby_tui.content import ContentError, checklist_template, data_dir, load_validated, locate
from lobby_tui.domain.checklist import (
    Answer,
    Given,
    Template,
    check_answer,
    forecast_peaks,
    missing_for_sign_off,
)
from lobby_tui.domain.devices import DeviceFault, channels_out, devices_out
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.parse import parse_count

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 28, 0, 30, tzinfo=UTC)  # 08:30 in the branch


def test_the_shipped_template_covers_every_opening_duty() -> None:  # covers: R1.1-R1.7
    template = checklist_template()
    assert {s.requirement for s in template.section} == {f"R1.{n}" for n in range(1, 8)}
    devices = {d.key for d in template.devices()}
    assert {"ticket_machine", "sst_1", "led_screen"} <= devices
    assert all(i.minimum for i in template.items() if i.kind == "count")
    assert len(template.items()) == 28  # with the aids for older customers (issue 20)


def test_a_count_below_its_minimum_is_a_shortage() -> None:  # covers: R1.3
    slips = checklist_template().item("deposit_slips")
    assert slips.minimum == 50
    assert check_answer(slips, None, 49, None) == Answer.PROBLEM
    assert check_answer(slips, None, 50, None) == Answer.OK
    assert check_answer(slips, Answer.NA, None, None) == Answer.NA
    with pytest.raises(Invalid) as caught:
        check_answer(slips, Answer.OK, None, None)
    assert (caught.value.field, caught.value.key) == ("count", "count_missing")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "count_missing"),
        ("-3", "count_not_number"),
        ("twelve", "count_not_number"),
        ("4.5", "count_not_number"),
    ],
)
def test_bad_counts_name_the_count_field(text: str, key: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_count(text)
    assert (caught.value.field, caught.value.key) == ("count", key)


def test_a_check_needs_an_answer_and_a_short_note() -> None:
    seats = checklist_template().item("seating")
    with pytest.raises(Invalid, match="answer_missing"):
        check_answer(seats, None, None, None)
    with pytest.raises(Invalid) as caught:
        check_answer(seats, Answer.OK, None, "x" * 501)
    assert caught.value.field == "note"


def test_sign_off_waits_for_every_required_item() -> None:  # covers: R1.1
    template = checklist_template()
    given = {i.key: Given(i.key, Answer.OK) for i in template.items()}
    assert missing_for_sign_off(template, given) == []
    del given["dress"]
    assert [i.key for i in missing_for_sign_off(template, given)] == ["dress"]


def test_devices_go_out_and_come_back_over_the_day() -> None:  # covers: R1.2
    faults = [
        DeviceFault("sst_1", "self_service", T0, T0 + timedelta(hours=2)),
        DeviceFault("sst_2", "self_service", T0 + timedelta(minutes=40), None),
        DeviceFault("sst_3", "self_service", T0 + timedelta(minutes=70), None),
        DeviceFault("ticket_machine", None, T0 + timedelta(hours=3), None),
    ]
    by_channel = {"self_service": ["sst_1", "sst_2", "sst_3"]}
    assert devices_out(faults, T0 - timedelta(minutes=1)) == {}
    assert set(devices_out(faults, T0 + timedelta(minutes=45))) == {"sst_1", "sst_2"}
    # One terminal of three still works: the area is open.
    assert channels_out(by_channel, faults, T0 + timedelta(minutes=45)) == {}
    # All three down: the area is out of service since the last one failed.
    at = T0 + timedelta(minutes=80)
    assert channels_out(by_channel, faults, at) == {"self_service": T0 + timedelta(minutes=70)}
    # Terminal 1 repaired at 10:30: the area is back.
    assert channels_out(by_channel, faults, T0 + timedelta(hours=2)) == {}
    assert set(devices_out(faults, T0 + timedelta(hours=4))) == {"sst_2", "sst_3", "ticket_machine"}


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def test_forecast_averages_the_weekdays_that_have_history() -> None:  # covers: R1.6
    today = date(2026, 11, 28)
    weeks = [today - timedelta(weeks=n) for n in range(1, 5)]
    history = {
        weeks[0]: [_local(weeks[0], 9)] * 4 + [_local(weeks[0], 10)] * 10,
        weeks[1]: [_local(weeks[1], 9)] * 2
        + [_local(weeks[1], 10)] * 8
        + [_local(weeks[1], 11)] * 9,
        weeks[2]: [],  # a holiday: not counted as a day of zero arrivals
        weeks[3]: [],
    }
    forecast = forecast_peaks(history, 9, 12)
    assert forecast.days == 2
    assert forecast.per_hour == [3.0, 9.0, 4.5, 0.0]
    assert forecast.peaks == [10]  # 11:00 at 4.5 is below 80 % of 9
    assert forecast.has_history


def test_forecast_says_honestly_when_there_is_no_history() -> None:
    forecast = forecast_peaks({date(2026, 11, 21): []}, 9, 17)
    assert not forecast.has_history and forecast.peaks == []


BAD_ITEM = """key = "opening"
version = 1

[[section]]
key = "hall"
label = { zh = "厅堂", en = "Hall" }

  [[section.item]]
  key = "seating"
  kind = "check"
  label = { zh = "座椅", en = "Seats" }

  [[section.item]]
  key = "slips"
  kind = "count"
  label = { zh = "凭条", en = "Slips" }
"""


def test_a_bad_template_names_the_file_line_and_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # covers: R1.3 — a count without its minimum
    for name in ("settings.toml", "channels.toml", "needs.toml"):
        (tmp_path / name).write_bytes((data_dir() / name).read_bytes())
    (tmp_path / "checklist.toml").write_text(BAD_ITEM, encoding="utf-8")
    monkeypatch.setenv("LOBBY_DATA", str(tmp_path))
    data_dir.cache_clear()
    try:
        with pytest.raises(ContentError) as caught:
            load_validated("checklist.toml", Template)
    finally:
        data_dir.cache_clear()
    assert caught.value.key == "content.bad_value"
    assert caught.value.params["line"] == 13  # the [[section.item]] of "slips"
    assert "minimum" in str(caught.value.params["problem"])
    assert str(caught.value.params["file"]).endswith("checklist.toml")


def test_locate_finds_the_offending_field() -> None:
    text = (data_dir() / "checklist.toml").read_text(encoding="utf-8")
    lines = text.splitlines()
    line = locate(text, ("section", 2, "item", 1, "minimum"))
    assert lines[line - 1].strip() == "minimum = 50"
    assert "withdrawal_slips" in lines[line - 3]
    raw = tomllib.loads(text)
    assert raw["section"][2]["item"][1]["key"] == "withdrawal_slips"
