"""A plausible morning for the demo lobby: written through the same services as real work,
in time order, so the journal reads like a real day."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from lobby_tui.content import channels, load_toml
from lobby_tui.demo.morning_complaints import today_complaint_actions, write_past_complaints
from lobby_tui.domain.day import at_local
from lobby_tui.domain.rounds import Care
from lobby_tui.domain.settings import Settings
from lobby_tui.domain.waits import band
from lobby_tui.services.arrivals import NewArrival, move_arrival, record_arrival
from lobby_tui.services.counter import call_to, free_window
from lobby_tui.services.dayplan import counters_now
from lobby_tui.services.quality import help_at_machine, rate_service, return_form
from lobby_tui.services.rounds import complete_round, give_care, start_round
from lobby_tui.services.shift import open_shift_today
from lobby_tui.services.triage import move_channel
from lobby_tui.store import FixedClock, Store, StoreError

DEMO_TIME = time(10, 30)  # the demo lobby is always mid-morning, whatever the real hour
PRIORITY_FLAGS = ("elderly", "disabled", "pregnant")
DEMO_BRANCH_ID = "0101"  # the demo branch's code at head office (settings.branch_id)


def demo_start(day: date, settings: Settings) -> datetime:
    return at_local(day, DEMO_TIME, settings.timezone)


@dataclass
class _Walkin:
    at: datetime
    need: str
    channel: str
    flags: tuple[str, ...]
    triage_seconds: float
    called_at: datetime | None = None
    done_at: datetime | None = None
    left_at: datetime | None = None
    quoted_min: int | None = None


def _quote(walkins: list[_Walkin], service_min: dict[str, float], counters: dict[str, int]) -> None:
    """What each walk-in was told: the wait rule on the floor they found (R2.7)."""
    from lobby_tui.domain.waits import Visit, floor_at, wait_min

    visits = [
        Visit(
            w.channel,
            service_min[w.need],
            bool(set(w.flags) & set(PRIORITY_FLAGS)),
            w.at,
            w.called_at,
            w.done_at or w.left_at,
        )
        for w in walkins
    ]
    for w, visit in zip(walkins, visits, strict=True):
        floor = floor_at(w.at, visits, counters)
        waited = wait_min(floor[w.channel], priority=visit.priority)
        w.quoted_min = None if waited is None else round(waited)


def _morning(rng: random.Random, day: date, settings: Settings, now: datetime) -> list[_Walkin]:
    needs = load_toml("needs.toml")["need"]
    weights = [n["share"] for n in needs]
    opened = at_local(day, settings.opening_time, settings.timezone)
    # A queue at the door, a steady trickle, then the mid-morning rush building up.
    times: list[datetime] = []
    minute = -3.0
    while True:
        rate = 0.85 if minute >= 40 else 0.45  # arrivals per minute
        minute += rng.expovariate(rate)
        at = opened + timedelta(minutes=minute)
        if at >= now - timedelta(minutes=1):
            break
        times.append(at)
    counters = {c.key: c.counters for c in channels()}
    free_at: dict[str, list[datetime]] = {k: [opened] * n for k, n in counters.items()}
    walkins: list[_Walkin] = []
    for at in times:
        need = rng.choices(needs, weights)[0]
        flags: tuple[str, ...] = ()
        if rng.random() < 0.1:
            flags = (rng.choice(PRIORITY_FLAGS),)
        channel = need["channel"]
        if flags:
            channel = "priority"
        elif need["machine"] and rng.random() < 0.45:
            channel = "self_service"
        w = _Walkin(at, need["id"], channel, flags, round(rng.uniform(7, 42), 1))
        slots = free_at[channel]
        slot = min(range(len(slots)), key=slots.__getitem__)
        start = max(at + timedelta(seconds=40), slots[slot])
        wait_min = (start - at).total_seconds() / 60
        # The longer the queue, the likelier a walk-away before being called.
        if wait_min > 12 and rng.random() < min(0.6, wait_min / 40):
            w.left_at = at + timedelta(minutes=rng.uniform(8, min(wait_min, 20)))
        else:
            service = timedelta(minutes=need["service_min"] * rng.uniform(0.6, 1.5))
            w.called_at = start
            w.done_at = start + service
            slots[slot] = w.done_at
        walkins.append(w)
    _quote(walkins, {n["id"]: n["service_min"] for n in needs}, counters)
    return walkins


# What the demo manager wrote, in the language the demo is shown in.
DEMO_TEXT = {
    "zh": {
        "sst_3": "触摸屏无响应，已报修",
        "slips": "已向库房申领",
        "signer": "王经理",
        "misroute": "客户其实要取现金",
        "vip": "理财产品到期续作",
        "company": "企业开户",
        "payroll": "代发工资",
        "cash_ready": "现金已清点备妥，放在现金柜台",
        "fraud_note": "老年客户欲向“安全账户”转账 5 万元",
        "fraud_why": "转给“公安”提供的安全账户，说是保护存款",
        "family": "女儿赶到网点",
        "fraud_done": "客户被劝阻，已与家属一同离开",
        "suspicious": "男子在自助区徘徊，多次靠近取款客户",
    },
    "en": {
        "sst_3": "touch screen frozen, engineer called",
        "slips": "requested from stores",
        "signer": "Manager Wang",
        "misroute": "actually needs cash",
        "vip": "Wealth review: deposit maturing",
        "company": "Company account opening",
        "payroll": "Payroll withdrawal",
        "cash_ready": "Cash counted and ready at the cash counter",
        "fraud_note": "elderly customer about to send 50,000 to a 'safe account'",
        "fraud_why": "to a 'police' safe account, to 'protect' her savings",
        "family": "daughter came to the branch",
        "fraud_done": "customer convinced, left with the family",
        "suspicious": "man loitering in self-service, keeps approaching customers",
    },
}
SHORT_COUNTS = {"withdrawal_slips": 23}  # the shortage of the morning


def _demo_checklist(
    store: Store, settings: Settings, day: date, shift_id: str, clock: FixedClock, lang: str
) -> None:
    """The morning's checklist: done by 08:55, one terminal down, withdrawal slips short."""
    from lobby_tui.content import checklist_template
    from lobby_tui.domain.checklist import Answer
    from lobby_tui.services.checklist import answer_item, sign_off
    from lobby_tui.services.dayplan import add_appointment, add_cash_movement

    text = DEMO_TEXT[lang]
    template = checklist_template()
    clock.set(at_local(day, time(8, 33), settings.timezone))
    for item in template.items():
        clock.advance(seconds=50)
        answer = Answer.PROBLEM if item.key == "sst_3" else Answer.OK
        note = (
            text["sst_3"]
            if item.key == "sst_3"
            else (text["slips"] if item.key in SHORT_COUNTS else None)
        )
        count = SHORT_COUNTS.get(item.key, 80) if item.kind == "count" else None
        answer_item(
            store,
            settings,
            day=day,
            shift_id=shift_id,
            template=template,
            item=item,
            label=item.label.text(lang),
            answer=answer,
            count=count,
            note=note,
        )
    clock.advance(minutes=1)
    add_appointment(store, settings, day, time(11, 0), text["vip"], True, "Wang")
    add_appointment(store, settings, day, time(14, 30), text["company"], False)
    add_cash_movement(store, settings, day, time(10, 45), 500_000, text["payroll"])
    clock.advance(minutes=1)
    sign_off(store, day=day, template=template, name=text["signer"])


def _cash_ready(
    store: Store, settings: Settings, day: date, lang: str
) -> list[tuple[datetime, Callable[[], None]]]:
    """The payroll withdrawal's cash, counted and ready before its task falls due."""
    from lobby_tui.services.tasks import resolve_task

    found = store.query_one("SELECT task_id FROM cash_movements WHERE task_id IS NOT NULL")
    if found is None:
        return []
    task_id = str(found[0])
    return [
        (
            at_local(day, time(9, 40), settings.timezone),
            lambda: resolve_task(store, task_id, DEMO_TEXT[lang]["cash_ready"]),
        )
    ]


# The morning's rounds (start, end) as local times: the 09:45 round was missed.
DEMO_ROUNDS = (
    (time(9, 14), time(9, 20)),
    (time(9, 31), time(9, 36)),
    (time(10, 5), time(10, 11)),
    (time(10, 22), time(10, 27)),
)


def _round_steps(
    walkins: list[_Walkin], day: date, settings: Settings, now: datetime
) -> list[tuple[datetime, int, int, str]]:
    """Rounds, and the care given on them to whoever was waiting then (R3)."""
    steps: list[tuple[datetime, int, int, str]] = []
    for start_t, end_t in DEMO_ROUNDS:
        start = at_local(day, start_t, settings.timezone)
        end = at_local(day, end_t, settings.timezone)
        if end > now:
            continue
        steps.append((start, 2, -1, "round_start"))
        steps.append((end, 3, -1, "round_end"))
        moment = start + timedelta(minutes=2)
        waiting = [
            (i, w)
            for i, w in enumerate(walkins)
            if w.at < moment and (w.called_at or w.left_at or now) > moment + timedelta(minutes=3)
        ]
        for n, (i, w) in enumerate(waiting):
            at = moment + timedelta(seconds=20 * n)
            if (at - w.at) >= timedelta(minutes=settings.wait_amber_min):
                steps.append((at, 2, i, "care:apology"))
                steps.append((at + timedelta(seconds=5), 2, i, "care:water"))
            elif w.channel == "self_service":
                steps.append((at, 2, i, "care:self_service"))
            elif n % 3 == 0:
                steps.append((at, 2, i, "care:form_check"))
            if n == 1:
                steps.append((at + timedelta(seconds=10), 2, i, "care:interest"))
    return steps


def _demo_incidents(
    store: Store, settings: Settings, day: date, shift_id: str, lang: str
) -> list[tuple[datetime, Callable[[], object]]]:
    """A handled fraud intervention and an open suspicious-person flag (R5), as actions at
    their times, replayed in order with the rest of the morning."""
    from lobby_tui.content import fraud_script, incident_catalogue
    from lobby_tui.domain.fraud import CaseTyped
    from lobby_tui.services import incidents

    text = DEMO_TEXT[lang]
    catalogue = incident_catalogue()
    script = fraud_script()
    parties = {p.id: p.label.text(lang) for p in catalogue.party}
    ids: dict[str, str] = {}

    def at(hour: int, minute: int) -> datetime:
        return at_local(day, time(hour, minute), settings.timezone)

    def flag(name: str, type_id: str, zone: str, severity: str | None, note: str) -> None:
        ids[name] = incidents.raise_incident(
            store,
            catalogue,
            day=day,
            shift_id=shift_id,
            type_id=type_id,
            zone=zone,
            severity=severity,
            note=note,
            settings=settings,
        )

    def tick(name: str, type_id: str, step: int) -> None:
        label = catalogue.of(type_id).steps[step].text(lang)
        incidents.tick_step(store, ids[name], step, label)

    def tell(name: str, party: str, when: datetime, note: str = "") -> None:
        incidents.escalate(
            store, ids[name], party=party, label=parties[party], told_at=when, note=note
        )

    answers = {
        q.id: (
            text["fraud_why"]
            if q.open
            else "yes"
            if q.id in ("phone", "secret", "safe_account")
            else "no"
        )
        for q in script.question
    }
    actions: list[tuple[datetime, Callable[[], object]]] = [
        (at(9, 40), lambda: incidents.remind(store, day=day, shift_id=shift_id, kind="belongings")),
        (at(9, 47), lambda: incidents.remind(store, day=day, shift_id=shift_id, kind="pin")),
        (at(9, 52), lambda: flag("fraud", "fraud", "counters", "high", text["fraud_note"])),
        (at(9, 53), lambda: tick("fraud", "fraud", 0)),
        (at(9, 55), lambda: tick("fraud", "fraud", 1)),
        (at(9, 57), lambda: tell("fraud", "antifraud", at(9, 57))),
        (at(9, 58), lambda: tick("fraud", "fraud", 2)),
        (at(9, 59), lambda: tell("fraud", "family", at(9, 58), text["family"])),
        (
            at(10, 6),
            lambda: incidents.record_fraud(
                store,
                script,
                ids["fraud"],
                answers=answers,
                outcome="prevented",
                settings=settings,
                case=CaseTyped(
                    amount_at_risk="50000",
                    payee="safe_account",
                    channel="phone",
                    stop_payment=True,
                    reported=("96110",),
                    receipt_no="96110-0931",
                ),  # fmt: skip
            ),
        ),
        (
            at(10, 12),
            lambda: incidents.set_status(store, ids["fraud"], "resolved", text["fraud_done"]),
        ),
        (
            at(10, 18),
            lambda: incidents.remind(store, day=day, shift_id=shift_id, kind="belongings"),
        ),
        (
            at(10, 24),
            lambda: flag("suspicious", "suspicious", "self_service", None, text["suspicious"]),
        ),
        (at(10, 25), lambda: tell("suspicious", "security", at(10, 25))),
        (at(10, 26), lambda: tick("suspicious", "suspicious", 0)),
    ]
    return actions


def _quality_steps(
    walkins: list[_Walkin], now: datetime, rng: random.Random
) -> list[tuple[datetime, int, int, str]]:
    """The morning's service quality (issue 20), from its own random stream: a form or two
    sent back by the counter, ratings at done (some skipped), machine help in the hall."""
    steps: list[tuple[datetime, int, int, str]] = []
    for i, w in enumerate(walkins):
        if w.called_at is None or w.done_at is None or w.done_at > now:
            continue
        back = w.called_at + timedelta(minutes=1)
        if back < w.done_at and rng.random() < 0.08:
            steps.append((back, 2, i, "returned"))
        draw = rng.random()
        if draw < 0.6:  # rated, or (0) skipped
            score = rng.choices((0, 3, 4, 5), (0.25, 0.1, 0.3, 0.35))[0]
            steps.append((w.done_at, 2, i, f"rated:{score}"))
    served = [i for i, w in enumerate(walkins) if w.at + timedelta(minutes=5) < now]
    for i in served[3::12]:  # now and then, someone without a ticket at the machines
        steps.append((walkins[i].at + timedelta(minutes=2), 3, i, "hall_help"))
    return steps


def channel_of(store: Store, arrival_id: str) -> str:
    return str(store.rows("SELECT channel FROM arrivals WHERE id = ?", (arrival_id,))[0][0])


def write_demo_morning(
    store: Store,
    settings: Settings,
    day: date,
    seed: int = 7,
    lang: str = "zh",
    past_complaints: bool = True,
) -> int:
    """Fill an empty database with this morning's lobby; returns the number of arrivals.
    `past_complaints`: the complaints of earlier days still being handled (not wanted when
    a synthetic history, which has its own, is written for those days)."""
    if store.query_one("SELECT 1 FROM arrivals LIMIT 1") is not None:
        raise StoreError("demo.not_empty", path=str(store.path))
    now = demo_start(day, settings)
    rng = random.Random(seed)
    prefixes = {c.key: c.prefix for c in channels()}
    real_clock = store.clock
    clock = FixedClock(at_local(day, time(8, 31), settings.timezone))
    store.clock = clock
    try:
        if past_complaints:
            write_past_complaints(store, settings, day, clock, lang)
        clock.set(at_local(day, time(8, 31), settings.timezone))
        shift = open_shift_today(store, settings)
        _demo_checklist(store, settings, day, shift.id, clock, lang)
        walkins = _morning(rng, day, settings, now)
        steps: list[tuple[datetime, int, int, str]] = []  # (when, order, walk-in, what)
        # A customer sent to the non-cash counter who turns out to need cash: the morning's
        # mis-route, fixed a minute later while they still wait.
        misrouted = next(
            (
                i
                for i, w in enumerate(walkins)
                if w.channel == "non_cash"
                and w.called_at
                and w.called_at - w.at > timedelta(minutes=3)
                and w.at + timedelta(minutes=1) < now
            ),
            None,
        )
        if misrouted is not None:
            steps.append((walkins[misrouted].at + timedelta(minutes=1), 1, misrouted, "move"))
        for i, w in enumerate(walkins):
            steps.append((w.at, 0, i, "arrive"))
            for when, what in ((w.called_at, "called"), (w.done_at, "done"), (w.left_at, "left")):
                if when is not None and when <= now:
                    steps.append((when, 1, i, what))
        steps += _round_steps(walkins, day, settings, now)
        steps += _quality_steps(walkins, now, random.Random(f"{seed}:quality"))
        scheduled = _demo_incidents(store, settings, day, shift.id, lang)
        scheduled += today_complaint_actions(store, settings, day, shift.id, lang)
        scheduled += _cash_ready(store, settings, day, lang)
        steps += [(when, 4, n, "scheduled") for n, (when, _action) in enumerate(scheduled)]
        ids: dict[int, str] = {}
        round_id: str | None = None
        for when, _order, i, what in sorted(steps):
            clock.set(when)
            w = walkins[i]
            if what == "arrive":
                ids[i], _ticket = record_arrival(
                    store,
                    NewArrival(
                        shift_id=shift.id,
                        business_day=day.isoformat(),
                        need=w.need,
                        channel=w.channel,
                        suggested_channel=w.channel,
                        ticket_prefix=prefixes[w.channel],
                        priority=bool(w.flags),
                        flags=w.flags,
                        triage_seconds=w.triage_seconds,
                        quoted_wait_min=w.quoted_min,
                        quoted_band=None if w.quoted_min is None else band(w.quoted_min),
                    ),
                )
            elif what == "move":
                move_channel(store, ids[i], "cash", DEMO_TEXT[lang]["misroute"])
            elif what == "round_start":
                round_id = start_round(store, settings, day, shift.id).id
            elif what == "round_end" and round_id:
                complete_round(
                    store,
                    round_id,
                    {"crowding": "busy", "seating": "ok", "tidiness": "ok", "devices": "ok"},
                    settings=settings,
                )
                round_id = None
            elif what == "returned":
                return_form(store, ids[i])
            elif what.startswith("rated:"):
                score = int(what.removeprefix("rated:"))
                rate_service(store, ids[i], score or None)
            elif what == "hall_help":
                help_at_machine(store, day, round_id)
            elif what == "scheduled":
                scheduled[i][1]()
            elif what.startswith("care:"):
                kind = Care(what.removeprefix("care:"))
                give_care(
                    store,
                    round_id=round_id,
                    arrival_id=ids[i],
                    kind=kind,
                    product="wealth" if kind == Care.INTEREST else None,
                    consent=True if kind == Care.INTEREST else None,
                )
            elif what == "called":  # as a window calls: at the first free one serving them
                number = free_window(
                    store, day, channel_of(store, ids[i]), counters_now(store, day)
                )
                if number is None:
                    move_arrival(store, ids[i], what)
                else:
                    call_to(store, day, ids[i], number)
            else:
                move_arrival(store, ids[i], what)
    finally:
        store.clock = real_clock
    return len(walkins)
