"""Tasks (issue 15): what a task says — a key and its parameters, read in the reader's
language, saying what to do — when it falls due, and the one list of open tasks."""

from __future__ import annotations

from datetime import UTC, date, time, timedelta
from zoneinfo import ZoneInfo

from lobby_tui.content import checklist_template
from lobby_tui.domain.checklist import Answer
from lobby_tui.domain.settings import Settings
from lobby_tui.domain.tasks import TaskText, due_by_opening
from lobby_tui.i18n import set_language
from lobby_tui.services import checklist, rounds, tasks
from lobby_tui.services.shift import open_shift_today
from lobby_tui.store import FixedClock, Store, new_id
from tests.helpers.app import one_row
from tests.helpers.clock import local

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 28)


def test_found_before_closing_it_is_due_at_the_day_s_opening() -> None:  # covers: R1.3
    assert due_by_opening(local(8, 40), time(9), time(17), SHANGHAI) == local(9)
    # Found during the day it is already late: due at opening, so overdue at once.
    assert due_by_opening(local(10, 5), time(9), time(17), SHANGHAI) == local(9)


def test_found_after_closing_it_is_due_at_the_next_opening() -> None:  # covers: R1.3
    tomorrow = DAY + timedelta(days=1)
    assert due_by_opening(local(17, 0), time(9), time(17), SHANGHAI) == local(9, 0, tomorrow)
    assert due_by_opening(local(18, 10), time(9), time(17), SHANGHAI) == local(9, 0, tomorrow)


def test_a_shortage_found_after_closing_is_not_overdue_and_says_what_to_do(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R1.3
    clock.set(local(18, 10).astimezone(UTC))
    template = checklist_template()
    item = template.item("deposit_slips")
    checklist.answer_item(
        store,
        settings,
        day=DAY,
        shift_id=open_shift_today(store, settings).id,
        template=template,
        item=item,
        label=item.label.en,
        answer=None,
        count=12,
        note="asked the stores",
    )
    [task] = tasks.open_tasks(store)
    assert task.due_at == local(9, 0, DAY + timedelta(days=1))
    assert not task.overdue(clock.now())
    assert tasks.task_text(task) == (
        "Restock Deposit slips (sheets): 12 left, minimum 50 (asked the stores)"
    )
    set_language("zh")
    assert tasks.task_text(task) == "补足存款凭条（张）：仅剩 12，最低 50（asked the stores）"
    row = one_row(store, "SELECT what, what_key, what_params FROM tasks")
    assert row["what_key"] == "task.checklist.shortage"
    assert row["what"].startswith("Restock Deposit slips")  # readable with sqlite3 too
    assert '"count": 12' in row["what_params"] and '"minimum": 50' in row["what_params"]


def test_an_older_task_keeps_its_text(store: Store) -> None:
    with store.unit_of_work() as uow:  # as written before tasks had a key
        uow.insert(
            "tasks",
            {
                "id": new_id(),
                "source": "checklist",
                "what": "取款凭条：已向库房申领",
                "status": "open",
                "created_at": uow.now,
            },
        )
    [task] = tasks.open_tasks(store)
    assert task.text is None and tasks.task_text(task) == "取款凭条：已向库房申领"
    # An unknown key (a newer version wrote it) also falls back to the text as written.
    unknown = TaskText("task.from_the_future", {"x": 1})
    assert tasks.say(unknown, "as written") == "as written"


def test_a_round_s_problem_says_what_to_put_right_in_either_language(
    store: Store, settings: Settings
) -> None:  # covers: R3.1
    shift = open_shift_today(store, settings)
    walked = rounds.start_round(store, settings, DAY, shift.id)
    opened = rounds.complete_round(
        store,
        walked.id,
        {"crowding": "busy", "seating": "problem", "tidiness": "ok", "devices": "problem"},
        "two chairs broken",
        shift.id,
        settings=settings,
    )
    assert opened == 2
    said = [tasks.task_text(t) for t in tasks.open_tasks(store)]
    assert sorted(said) == [
        "Check the devices in the hall: two chairs broken",
        "Sort out the seating in the waiting area: two chairs broken",
    ]
    set_language("zh")
    assert sorted(tasks.task_text(t) for t in tasks.open_tasks(store)) == [
        "整理等候区座椅：two chairs broken",
        "检查大厅设备：two chairs broken",
    ]


def test_a_device_task_names_the_device_and_what_is_wrong(store: Store, settings: Settings) -> None:
    # covers: R1.2
    tasks.report_device_fault(
        store,
        settings,
        shift_id=None,
        device_key="sst_3",
        channel="self_service",
        label={"zh": "自助终端 3 号", "en": "Self-service terminal 3"},
        note="touch screen frozen",
    )
    [task] = tasks.open_tasks(store)
    assert tasks.task_text(task) == "Have Self-service terminal 3 repaired: touch screen frozen"
    assert tasks.device_name(task) == "Self-service terminal 3: touch screen frozen"
    set_language("zh")
    assert tasks.task_text(task) == "报修自助终端 3 号：touch screen frozen"
    assert tasks.device_name(task) == "自助终端 3 号：touch screen frozen"


def test_a_checklist_answer_re_given_rewrites_the_task_s_key(
    store: Store, settings: Settings
) -> None:  # covers: R1.3
    template = checklist_template()
    item = template.item("sst_1")
    shift = open_shift_today(store, settings)
    for note in ("no paper", "no network"):
        checklist.answer_item(
            store,
            settings,
            day=DAY,
            shift_id=shift.id,
            template=template,
            item=item,
            label=item.label.en,
            answer=Answer.PROBLEM,
            note=note,
        )
    [task] = tasks.open_tasks(store)
    assert tasks.task_text(task) == "Have Self-service terminal 1 repaired: no network"
