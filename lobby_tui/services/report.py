"""The day's report for the handover and head office (issue 8), and the same for a period.

Read-only: nothing here writes. Every figure comes from the rule in domain/ that the screens
use (kpis, rounds, the complaint clock); this module only gathers the facts. Arrivals, rounds
and checklists come as one rollup a day (services/rollup.py: kept, or counted from the rows
for a day without one, and always for today), merged; complaints, incidents and the rest are
few and read from their rows, in a handful of queries whatever the period's length.

"Open" and "overdue" are judged at the cut: the end of the last day, or now while that day is
still going. Counts of what happened (arrivals, complaints received, incidents raised) cover
the days of the period.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from lobby_tui.domain.complaints import PROFILES, Clock, clock_state, decision_due
from lobby_tui.domain.day import business_day, day_bounds_utc, open_at
from lobby_tui.domain.fraud import AML_TYPE, FraudFigures, fraud_figures
from lobby_tui.domain.kpis import (
    ArrivalFigures,
    CallbackFacts,
    ChecklistFigures,
    ComplaintFacts,
    ComplaintFigures,
    HourFigures,
    IncidentFacts,
    IncidentFigures,
    QualityFigures,
    RoundFigures,
    arrival_figures_from,
    chart_hours,
    checklist_figures_from,
    complaint_figures,
    hourly_figures_from,
    incident_figures,
    quality_figures_from,
)
from lobby_tui.domain.rollup import merge
from lobby_tui.domain.settings import Settings
from lobby_tui.services import rollup
from lobby_tui.services.incident_list import Incident
from lobby_tui.services.reminders import reminders_between
from lobby_tui.services.tasks import Task, tasks_open_at
from lobby_tui.store import Store, iso, parse_iso, parse_iso_or_none


@dataclass(frozen=True)
class OpenComplaint:
    """A complaint still open at the cut, for the handover's list (overdue first)."""

    id: str
    case_no: str
    received_at: datetime
    category: str
    subject: str | None
    status: str  # as it is now (for a past day, it may have moved on since)
    decision_due_at: datetime  # the regulator's clock
    promised_by: datetime | None  # the date promised to the customer
    clock: Clock  # the tightest deadline at the cut: ok, soon, overdue
    referral_due: datetime | None = None  # a regulator's referral: its own reply deadline


@dataclass(frozen=True)
class DayReport:
    """The figures of a day (or of a period: first_day to last_day) and what is still open."""

    first_day: date
    last_day: date
    branch: str
    as_of: datetime  # the cut, in the branch's zone: the end of last_day, or when read
    partial: bool  # last_day was still going when read: open items as of `as_of`
    arrivals: ArrivalFigures
    hourly: list[HourFigures]  # arrivals and mean wait per local hour (a chart; a period pools)
    checklist: ChecklistFigures
    rounds: RoundFigures
    complaints: ComplaintFigures
    incidents: IncidentFigures
    quality: QualityFigures  # counter returns, pre-checks, machine help, ratings (R3.3-R3.5)
    enquiries: int  # questions answered on the floor (R4.2)
    reminders: dict[str, int]  # belongings, pin (R5.1, R5.4)
    open_tasks: list[Task]
    open_complaints: list[OpenComplaint]
    open_incidents: list[Incident]
    red_min: int = 15  # the red wait the service level counts to (settings.wait_red_min)
    # Consumer protection (issue 20): fraud prevented and money saved, AML concerns, large
    # cash; totals only, never an amount per customer.
    protection: FraudFigures = FraudFigures()
    # Where the walk-ins came from (R2.12): triaged by the manager (and of those, joined to
    # the branch's ticket machine), or known only from the machine's log.
    sources: tuple[int, int, int] = (0, 0, 0)
    # The journal's head when read (seq, hash): written down, it is an anchor that
    # `lobby verify --anchor` checks (issue 14). None: an empty journal.
    chain_head: tuple[int, str] | None = None

    @property
    def date(self) -> str:
        """The day, or the period as an ISO 8601 interval: 2026-01-01/2026-12-31."""
        if self.first_day == self.last_day:
            return self.first_day.isoformat()
        return f"{self.first_day.isoformat()}/{self.last_day.isoformat()}"

    def to_json_dict(self) -> dict[str, Any]:
        """The figures head office reads, under exactly the keys in the README."""
        a, c, r, k, i = self.arrivals, self.checklist, self.rounds, self.complaints, self.incidents
        return {
            "date": self.date,
            "branch": self.branch,
            "arrivals": {
                "total": a.total,
                "served": a.served,
                "by_need": dict(sorted(a.by_need.items())),
                "by_channel": dict(sorted(a.by_channel.items())),
                "walkaways": a.walkaways,
                "walkaway_rate": _share(a.walkaway_rate),
                "self_service_rate": _share(a.self_service_rate),
                "wait_min": {
                    "mean": _tenth(a.wait_mean),
                    "median": _tenth(a.wait_median),
                    "p90": _tenth(a.wait_p90),
                    "max": _tenth(a.wait_max),
                },
                "service_level": _share(a.service_level),
                "quote_hit_rate": _share(a.quote_hit_rate),
                "quote_longer_rate": _share(a.quote_longer_rate),
                "quote_shorter_rate": _share(a.quote_shorter_rate),
                "triage_seconds_median": _tenth(a.triage_seconds_median),
                "triage_within_target": _share(a.triage_within_target),
                "sources": dict(
                    zip(("triaged", "joined", "machine_only"), self.sources, strict=True)
                ),
            },
            "checklist": {
                "completed": c.completed,
                "items": c.items,
                "problems": c.problems,
                "tasks_open": c.tasks_open,
            },
            "rounds": {
                "done": r.done,
                "due": r.due,
                "missed": r.missed,
                "apology_rate": _share(r.apology_rate),
            },
            "complaints": {
                "received": k.received,
                "resolved_on_spot": k.resolved_on_spot,
                "open": k.open,
                "overdue": k.overdue,
                "callbacks_done": k.callbacks_done,
                "satisfaction_avg": None
                if k.satisfaction_avg is None
                else round(k.satisfaction_avg, 2),
            },
            "incidents": {
                "total": i.total,
                "by_type": dict(sorted(i.by_type.items())),
                "open": i.open,
            },
            "quality": quality_json(self.quality),
            "protection": protection_json(self.protection),
            "chain_head": None
            if self.chain_head is None
            else {"seq": self.chain_head[0], "hash": self.chain_head[1]},
        }


def quality_json(q: QualityFigures) -> dict[str, Any]:
    """Service quality as `lobby report` gives it (the day's and the month's print)."""
    return {
        "counter_returns": q.counter_returns,
        "rework_rate": _share(q.rework_rate),
        "forms_prechecked": q.forms_prechecked,
        "precheck_share": _share(q.precheck_share),
        "machine_help": q.machine_help,
        "machine_help_hall": q.machine_help_hall,
        "satisfaction_rated": q.satisfaction_rated,
        "satisfaction_skipped": q.satisfaction_skipped,
        "satisfaction_mean": None if q.satisfaction_mean is None else round(q.satisfaction_mean, 2),
        "satisfaction_response_rate": _share(q.satisfaction_response_rate),
    }


def quality_month(
    store: Store, settings: Settings, first_day: date, last_day: date, cut: datetime
) -> dict[str, Any]:
    """The service-quality block of the month's consumer-protection print (issue 20): the
    day report's `quality` figures over the month's days, from their rollups. A builder of
    that print's sections wraps it as its `quality` section (labels:
    report.month.quality.<key>, the same keys as here)."""
    counts = merge(rollup.gather(store, settings, first_day, last_day, cut).days.values())
    return quality_json(quality_figures_from(counts.quality, counts.arrivals.served))


def protection_json(p: FraudFigures) -> dict[str, Any]:
    """The fraud and AML block (issue 20): counts, and the money saved as one total."""
    return {
        "fraud_prevented": p.prevented,
        "fraud_partial": p.partial,
        "fraud_lost": p.lost,
        "money_saved": float(p.money_saved),
        "aml_concerns": p.aml_concerns,
        "large_cash": p.large_cash,
    }


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _tenth(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def day_report(store: Store, settings: Settings, day: date, lang: str = "zh") -> DayReport:
    return period_report(store, settings, day, day, lang)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """A year's facts are some 150,000 acyclic tuples: the cycle collector would walk them
    again and again while they are made — a fifth of a year's report — and find nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def period_report(
    store: Store, settings: Settings, first_day: date, last_day: date, lang: str = "zh"
) -> DayReport:
    """The report of first_day to last_day inclusive (a year's report is one of these)."""
    with _no_cycle_collection():
        return _report(store, settings, first_day, last_day, lang)


def _report(
    store: Store, settings: Settings, first_day: date, last_day: date, lang: str
) -> DayReport:
    zone = settings.timezone
    start, _ = day_bounds_utc(first_day, zone)
    _, end = day_bounds_utc(last_day, zone)
    cut = min(end, store.clock.now())
    span = (first_day.isoformat(), last_day.isoformat())
    # Arrivals, rounds and the checklist: one rollup a day, merged (services/rollup.py).
    counts = merge(rollup.gather(store, settings, first_day, last_day, cut).days.values())
    first_hour, last_hour = chart_hours(settings.opening_time, settings.closing_time)
    tasks = tasks_open_at(store, cut)
    complaints, open_complaints = _complaints(store, settings, span, cut)
    callbacks = _callbacks(store, iso(start), iso(end))
    incidents, open_incidents = _incidents(store, span, cut)
    return DayReport(
        first_day=first_day,
        last_day=last_day,
        branch=settings.branch(lang),
        as_of=cut.astimezone(zone),
        partial=cut < end,
        arrivals=arrival_figures_from(counts.arrivals, settings.wait_red_min),
        hourly=hourly_figures_from(counts.arrivals, first_hour, last_hour),
        checklist=checklist_figures_from(counts.checklist, len(tasks)),
        rounds=counts.rounds,
        complaints=complaint_figures(complaints, callbacks, first_day, last_day, cut),
        incidents=incident_figures(incidents, first_day, last_day, cut),
        quality=quality_figures_from(counts.quality, counts.arrivals.served),
        enquiries=_enquiries(store, span),
        reminders=reminders_between(store, first_day, last_day),
        open_tasks=tasks,
        open_complaints=open_complaints,
        open_incidents=open_incidents,
        chain_head=chain_head(store),
        red_min=settings.wait_red_min,
        protection=protection(store, span),
        sources=_sources(store, span),
    )


def _sources(store: Store, span: tuple[str, str]) -> tuple[int, int, int]:
    """(triaged by the manager, of which joined to the ticket machine, machine only)."""
    row = store.query_one(
        "SELECT COUNT(*) FILTER (WHERE source IS NULL),"
        " COUNT(*) FILTER (WHERE source IS NULL AND machine_issued_at IS NOT NULL),"
        " COUNT(*) FILTER (WHERE source = 'machine')"
        " FROM arrivals WHERE business_day BETWEEN ? AND ?",
        span,
    )
    return (int(row[0]), int(row[1]), int(row[2])) if row else (0, 0, 0)


def chain_head(store: Store) -> tuple[int, str] | None:
    row = store.query_one("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
    return None if row is None else (int(row[0]), str(row[1]))


def _complaints(
    store: Store, settings: Settings, span: tuple[str, str], cut: datetime
) -> tuple[list[ComplaintFacts], list[OpenComplaint]]:
    """The period's complaints and every one not settled by the cut."""
    facts: list[ComplaintFacts] = []
    still_open: list[OpenComplaint] = []
    settled_by_cut = _settled_at_cut(store, cut)
    for row in store.query(
        "SELECT id, case_no, business_day, received_at, outcome, resolved_at, closed_at,"
        " decision_due_at, promised_by, referral_due_at, profile, category, subject, status"
        " FROM complaints"
        " WHERE business_day BETWEEN ? AND ? OR coalesce(resolved_at, closed_at) IS NULL"
        " OR coalesce(resolved_at, closed_at) >= ?",
        (*span, iso(cut)),
    ):
        received = parse_iso(row["received_at"])
        settled = row["resolved_at"] or row["closed_at"]
        if row["id"] in settled_by_cut:  # its history says how it stood at the cut
            settled = settled_by_cut[row["id"]]
        profile = PROFILES.get(row["profile"] or "", PROFILES[settings.complaint_profile])
        due = parse_iso(row["decision_due_at"]) if row["decision_due_at"] else None
        fact = ComplaintFacts(
            business_day=date.fromisoformat(row["business_day"])
            if row["business_day"]
            else business_day(received, settings.timezone),
            received_at=received,
            outcome=row["outcome"],
            settled_at=parse_iso(settled) if settled else None,
            decision_due_at=due or decision_due(profile, received),
            promised_by=parse_iso(row["promised_by"]) if row["promised_by"] else None,
            referral_due=parse_iso_or_none(row["referral_due_at"]),
        )
        facts.append(fact)
        if open_at(fact.received_at, fact.settled_at, cut):
            still_open.append(
                OpenComplaint(
                    row["id"],
                    row["case_no"],
                    received,
                    row["category"],
                    row["subject"],
                    row["status"],
                    fact.decision_due_at,
                    fact.promised_by,
                    clock_state(
                        fact.decision_due_at,
                        fact.promised_by,
                        cut,
                        settings.complaint_soon_days,
                        fact.referral_due,
                    ),
                    fact.referral_due,
                )
            )
    urgency = {Clock.OVERDUE: 0, Clock.SOON: 1, Clock.OK: 2}
    still_open.sort(key=lambda c: (urgency[c.clock], c.received_at))
    return facts, still_open


SETTLED = ("resolved", "callback_done", "closed")


def _settled_at_cut(store: Store, cut: datetime) -> dict[str, str | None]:
    """For each complaint with a recorded status history: when it was settled as it stood at
    the cut, or None if it was open then. A complaint resolved on Monday and reopened on
    Wednesday was settled at Monday's end and open at Wednesday's, whatever it is now."""
    state: dict[str, tuple[str, str | None]] = {}  # complaint: (status, settled at)
    for complaint_id, at, to_status in store.rows(
        "SELECT complaint_id, at, to_status FROM complaint_updates"
        " WHERE to_status IS NOT NULL AND at <= ? ORDER BY at, recorded_at",
        (iso(cut),),
    ):
        before = state.get(complaint_id)
        was_settled = before is not None and before[0] in SETTLED
        if to_status in SETTLED:
            state[complaint_id] = (to_status, before[1] if was_settled and before else at)
        else:
            state[complaint_id] = (to_status, None)
    return {complaint_id: settled for complaint_id, (_s, settled) in state.items()}


def _callbacks(store: Store, start: str, end: str) -> list[CallbackFacts]:
    """Callbacks made in the period; what the customer said is in the update's payload."""
    out: list[CallbackFacts] = []
    for (payload,) in store.query(
        "SELECT payload FROM complaint_updates WHERE kind = 'callback' AND at >= ? AND at < ?",
        (start, end),
    ):
        said = _json_object(payload)
        score = said.get("satisfaction")
        out.append(
            CallbackFacts(said.get("reached") is True, score if isinstance(score, int) else None)
        )
    return out


def _json_object(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}  # a damaged payload says nothing, rather than stopping the report
    return value if isinstance(value, dict) else {}


def _incidents(
    store: Store, span: tuple[str, str], cut: datetime
) -> tuple[list[IncidentFacts], list[Incident]]:
    facts: list[IncidentFacts] = []
    still_open: list[Incident] = []
    for r in store.query(
        "SELECT id, raised_at, type, zone, severity, note, status, resolved_at, resolution_note,"
        " business_day FROM incidents WHERE business_day BETWEEN ? AND ?"
        " OR resolved_at IS NULL OR resolved_at >= ? ORDER BY raised_at DESC",
        (*span, iso(cut)),
    ):
        raised = parse_iso(r[1])
        resolved = parse_iso(r[7]) if r[7] else None
        facts.append(IncidentFacts(date.fromisoformat(r[9]), raised, r[2], resolved))
        if open_at(raised, resolved, cut):
            still_open.append(Incident(r[0], raised, r[2], r[3], r[4], r[5], r[6], resolved, r[8]))
    return facts, still_open


def protection(store: Store, span: tuple[str, str]) -> FraudFigures:
    """Fraud cases raised in the period as each last stands, AML concerns raised, walk-ins
    marked as large cash (domain/fraud.fraud_figures)."""
    last: dict[str, dict[str, Any]] = {}
    for incident_id, payload in store.rows(
        "SELECT u.incident_id, u.payload FROM incident_updates u"
        " JOIN incidents i ON i.id = u.incident_id"
        " WHERE u.kind = 'fraud' AND i.business_day BETWEEN ? AND ?"
        " ORDER BY u.at, u.recorded_at",
        span,
    ):
        last[incident_id] = _json_object(payload)
    aml = store.query_one(
        "SELECT COUNT(*) FROM incidents WHERE type = ? AND business_day BETWEEN ? AND ?",
        (AML_TYPE, *span),
    )
    large = store.query_one(
        "SELECT COUNT(*) FROM arrivals WHERE large_cash = 1 AND business_day BETWEEN ? AND ?",
        span,
    )
    return fraud_figures(last.values(), int(aml[0]) if aml else 0, int(large[0]) if large else 0)


def _enquiries(store: Store, span: tuple[str, str]) -> int:
    row = store.query_one("SELECT COUNT(*) FROM enquiries WHERE business_day BETWEEN ? AND ?", span)
    return int(row[0]) if row else 0


# The month's consumer-protection print (issue 20) ------------------------------------------
# `lobby report --month YYYY-MM` and F7 show it. One section per duty, each built by its own
# function from its own domain rule: complaints below; fraud and quality append theirs to
# MONTH_SECTIONS (kept apart so they merge without touching each other).


@dataclass(frozen=True)
class MonthTable:
    """A count by two lists (root cause by channel): ids, named by report_formats."""

    key: str  # the table's label: report.month.<section>.<key>
    rows: str  # the list naming the rows (root_cause, channel, …)
    cols: str
    row_ids: tuple[str, ...]
    col_ids: tuple[str, ...]
    cells: dict[tuple[str, str], int]

    def to_json_dict(self) -> dict[str, dict[str, int]]:
        return {r: {c: self.cells.get((r, c), 0) for c in self.col_ids} for r in self.row_ids}


@dataclass(frozen=True)
class MonthSection:
    key: str  # complaints, fraud, quality
    figures: dict[str, Any]  # as in the JSON; nested dicts read as dotted keys
    tables: tuple[MonthTable, ...] = ()


@dataclass(frozen=True)
class MonthReport:
    first_day: date
    last_day: date
    branch: str
    as_of: datetime  # the cut, in the branch's zone
    partial: bool  # the month is still going
    sections: tuple[MonthSection, ...]

    @property
    def month(self) -> str:
        return self.first_day.strftime("%Y-%m")

    def to_json_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"month": self.month, "branch": self.branch}
        if self.partial:
            out["as_of"] = self.as_of.isoformat(timespec="minutes")
        for section in self.sections:
            block = dict(section.figures)
            for table in section.tables:
                block[table.key] = table.to_json_dict()
            out[section.key] = block
        return out


@dataclass(frozen=True)
class MonthSpan:
    """What every section builder is given: the month's days, its UTC bounds and the cut."""

    first_day: date
    last_day: date
    start: datetime
    end: datetime
    cut: datetime


MonthBuilder = Callable[[Store, Settings, MonthSpan], MonthSection]


def month_report(
    store: Store, settings: Settings, first_day: date, lang: str = "zh"
) -> MonthReport:
    """The consumer-protection figures of the calendar month that starts on first_day."""
    from lobby_tui.domain.parse import parse_month

    first, last = parse_month(first_day.strftime("%Y-%m"))
    zone = settings.timezone
    start, _ = day_bounds_utc(first, zone)
    _, end = day_bounds_utc(last, zone)
    cut = min(end, store.clock.now())
    span = MonthSpan(first, last, start, end, cut)
    return MonthReport(
        first_day=first,
        last_day=last,
        branch=settings.branch(lang),
        as_of=cut.astimezone(zone),
        partial=cut < end,
        sections=tuple(build(store, settings, span) for build in MONTH_SECTIONS),
    )


def _complaint_month(store: Store, settings: Settings, span: MonthSpan) -> MonthSection:
    """Complaints (R4): by channel and root cause, decided within the deadline in force,
    overdue, and the regulator's referrals against their own deadlines."""
    from lobby_tui.domain.complaint_month import (
        UNRECORDED,
        ComplaintMonthFacts,
        complaint_month,
    )

    facts = [
        ComplaintMonthFacts(
            business_day=date.fromisoformat(day),
            via=str(via),
            decision_due_at=parse_iso(due),
            decided_at=parse_iso(decided) if decided else None,
            referral_due_at=parse_iso(referral_due) if referral_due else None,
            closed_at=parse_iso(closed) if closed else None,
            root_cause=cause,
        )
        for day, via, due, decided, referral_due, closed, cause in store.rows(
            "SELECT c.business_day, c.received_via, c.decision_due_at, d.decided_at,"
            " c.referral_due_at, c.closed_at, c.root_cause FROM complaints c"
            " LEFT JOIN (SELECT complaint_id, MIN(at) AS decided_at FROM complaint_updates"
            "   WHERE to_status IN ('resolved', 'callback_done', 'closed')"
            "   GROUP BY complaint_id) d ON d.complaint_id = c.id"
            " WHERE c.business_day <= ? AND c.decision_due_at IS NOT NULL"
            " AND (c.business_day >= ? OR d.decided_at IS NULL OR d.decided_at >= ?"
            "      OR c.closed_at >= ?)",
            (span.last_day.isoformat(), span.first_day.isoformat(), iso(span.start),
             iso(span.start)),
        )
    ]  # fmt: skip
    month = complaint_month(facts, span.first_day, span.last_day, span.start, span.end, span.cut)
    causes = sorted({cause for cause, _via in month.causes}, key=lambda c: (c == UNRECORDED, c))
    table = MonthTable(
        "root_cause_by_channel",
        "root_cause",
        "channel",
        tuple(causes),
        tuple(month.by_channel),
        dict(month.causes),
    )
    by_cause = {c: sum(n for (k, _v), n in month.causes.items() if k == c) for c in causes}
    return MonthSection(
        "complaints",
        {
            "received": month.received,
            "by_channel": month.by_channel,
            "decided": month.decided,
            "decided_in_time": month.decided_in_time,
            "within_deadline_rate": _share(month.within_deadline_rate),
            "decided_late": month.decided_late,
            "open_overdue": month.open_overdue,
            "referrals": month.referrals,
            "referrals_met": month.referrals_met,
            "referrals_missed": month.referrals_missed,
            "referral_deadline_met_rate": _share(month.referral_deadline_met_rate),
            "closed": month.closed,
            "by_root_cause": by_cause,
        },
        (table,),
    )


def _protection_month(store: Store, settings: Settings, span: MonthSpan) -> MonthSection:
    """Fraud prevented and money saved, AML concerns and large-cash reminders (R5.4): the
    day report's `protection` figures over the month's days."""
    days = (span.first_day.isoformat(), span.last_day.isoformat())
    return MonthSection("protection", protection_json(protection(store, days)))


def _quality_month(store: Store, settings: Settings, span: MonthSpan) -> MonthSection:
    """Rework, forms pre-checked, machine help and ratings (R3.3-R3.5) over the month."""
    return MonthSection(
        "quality", quality_month(store, settings, span.first_day, span.last_day, span.cut)
    )


# Each duty's section, in the order printed.
MONTH_SECTIONS: list[MonthBuilder] = [_complaint_month, _protection_month, _quality_month]
