"""`lobby hq report`: the network's figures, per branch and in all, computed by the engine in
SQL — the same definitions as the branch's own report (domain/kpis.py, services/report.py):

- wait = called − arrived in whole seconds; the median interpolates (the mean of the middle
  two, as kpis.median), the 90th percentile is the nearest rank (the first value with at
  least 90 % at or below it, as kpis.percentile), both read off the waits summed up per day
  as the bundles were loaded (summaries.py: every wait is kept, so both are exact);
- service level = called within the branch's red mark ÷ (called + left or not seen without
  being called);
- walk-away rate = left ÷ arrivals; self-service diversion = routed to self-service ÷
  arrivals whose need a machine can do (the branch's list, from its bundles);
- waited longer than told = called customers whose wait fell in a later band than the one
  told (domain/waits.band) ÷ called customers who were told one;
- rounds missed = kpis' round rule (domain/rounds.tally_day) per tablet and day: due from
  opening or the day's first use, every interval after the last started, none after closing;
- complaints received in the period; open and overdue at the cut (the end of the last day in
  the branch's zone), by their status history as it stood then; overdue = past the tighter of
  the regulator's deadline and the date promised;
- incidents raised in the period by type, and open at the cut.

A network figure pools every branch's rows (rates over all arrivals, not a mean of branch
rates): it is the same query grouped by nothing (GROUPING SETS). Case rows (complaints and
incidents) are each branch's rows as its newest bundle had them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from lobby_tui.domain.complaints import PROFILES
from lobby_tui.domain.day import day_bounds_utc
from lobby_tui.services.bundle import LOCALES  # the manifest names the branch per locale
from lobby_tui.services.hq.summaries import secs
from lobby_tui.services.hq.warehouse import Warehouse
from lobby_tui.services.report import SETTLED

TOP = 10


@dataclass(frozen=True)
class Rules:
    """What a branch's figures are computed under, from its newest bundle up to the period."""

    branch_id: str
    name: dict[str, str]
    zone: str
    red_min: int
    profile: str
    machine_needs: tuple[str, ...]
    cut: datetime  # the end of the period's last day in the branch's zone (UTC, naive)


@dataclass
class Figures:
    """One branch's figures, or the network's (branch_id None)."""

    branch_id: str | None
    name: str = ""
    arrivals: int = 0
    served: int = 0
    walkaways: int = 0
    walkaway_rate: float | None = None
    self_service_rate: float | None = None
    wait_median: float | None = None  # minutes
    wait_p90: float | None = None
    service_level: float | None = None
    quote_longer_rate: float | None = None
    rounds_missed: int = 0
    complaints_received: int = 0
    complaints_open: int = 0
    complaints_overdue: int = 0
    incidents_total: int = 0
    incidents_open: int = 0
    incidents_by_type: dict[str, int] = field(default_factory=dict)

    def to_json_dict(self) -> dict[str, Any]:
        """The keys of the branch report's JSON (`lobby report --format json`), where they
        exist there, rounded as it rounds."""
        share, tenth = _share, _tenth
        return {
            "arrivals": {
                "total": self.arrivals,
                "served": self.served,
                "walkaways": self.walkaways,
                "walkaway_rate": share(self.walkaway_rate),
                "self_service_rate": share(self.self_service_rate),
                "wait_min": {"median": tenth(self.wait_median), "p90": tenth(self.wait_p90)},
                "service_level": share(self.service_level),
                "quote_longer_rate": share(self.quote_longer_rate),
            },
            "rounds": {"missed": self.rounds_missed},
            "complaints": {
                "received": self.complaints_received,
                "open": self.complaints_open,
                "overdue": self.complaints_overdue,
            },
            "incidents": {
                "total": self.incidents_total,
                "by_type": dict(sorted(self.incidents_by_type.items())),
                "open": self.incidents_open,
            },
        }


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _tenth(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# The league tables: each figure, and which way is worse.
WORST: dict[str, tuple[Callable[[Figures], float | int | None], bool]] = {
    "wait_median": (lambda f: _tenth(f.wait_median), True),
    "wait_p90": (lambda f: _tenth(f.wait_p90), True),
    "service_level": (lambda f: _share(f.service_level), False),
    "walkaway_rate": (lambda f: _share(f.walkaway_rate), True),
    "self_service_rate": (lambda f: _share(f.self_service_rate), False),
    "quote_longer_rate": (lambda f: _share(f.quote_longer_rate), True),
    "rounds_missed": (lambda f: f.rounds_missed, True),
    "complaints_overdue": (lambda f: f.complaints_overdue, True),
    "complaints_open": (lambda f: f.complaints_open, True),
    "incidents_total": (lambda f: f.incidents_total, True),
}


@dataclass(frozen=True)
class NetworkReport:
    first_day: date
    last_day: date
    network: Figures
    branches: list[Figures]  # by branch id

    def worst(self, top: int = TOP) -> dict[str, list[tuple[str, float | int]]]:
        """Per figure, the `top` worst branches (ties by branch id); a branch with nothing to
        measure on a figure is not ranked on it."""
        out: dict[str, list[tuple[str, float | int]]] = {}
        for key, (value_of, higher_is_worse) in WORST.items():
            valued = [
                (b.branch_id or "", v) for b in self.branches if (v := value_of(b)) is not None
            ]
            valued.sort(key=lambda bv: (-bv[1] if higher_is_worse else bv[1], bv[0]))
            out[key] = valued[:top]
        return out

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "from": self.first_day.isoformat(),
            "to": self.last_day.isoformat(),
            "network": {"branches": len(self.branches), **self.network.to_json_dict()},
            "branches": [
                {"branch_id": b.branch_id, "branch": b.name, **b.to_json_dict()}
                for b in self.branches
            ],
            "worst": {
                key: [{"branch_id": b, "value": v} for b, v in ranked]
                for key, ranked in self.worst().items()
            },
        }


def branch_rules(wh: Warehouse, first: date, last: date) -> list[Rules]:
    """Every branch with a bundle in the period, under its newest bundle's settings."""
    rows = wh.query(
        "SELECT branch_id, branch_name, zone, red_min, complaint_profile, settings FROM ("
        " SELECT b.*, row_number() OVER (PARTITION BY branch_id"
        " ORDER BY bundle_day DESC, created_at DESC) AS n FROM bundles b"
        " WHERE bundle_day <= ? AND branch_id IN"
        " (SELECT branch_id FROM bundles WHERE bundle_day BETWEEN ? AND ?)) x"
        " WHERE n = 1 ORDER BY branch_id",
        (last, first, last),
    )
    out = []
    for branch, name, zone, red, profile, settings in rows:
        _, end = day_bounds_utc(last, ZoneInfo(zone))
        needs = json.loads(settings).get("machine_needs") or []
        out.append(
            Rules(
                branch,
                json.loads(name),
                zone,
                int(red),
                str(profile),
                tuple(str(n) for n in needs),
                end.astimezone(UTC).replace(tzinfo=None),
            )
        )
    return out


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _rules_cte(rules: Iterable[Rules]) -> str:
    rows = ", ".join(
        f"({_lit(r.branch_id)}, CAST({_epoch(r.cut)} AS BIGINT),"
        f" CAST({r.red_min * 60} AS BIGINT),"
        f" CAST({PROFILES.get(r.profile, PROFILES['nfra']).days} AS BIGINT))"
        for r in rules
    )
    return f"rules(branch_id, cut_s, red_s, profile_days) AS (VALUES {rows})"


def _epoch(naive_utc: datetime) -> int:
    return int(naive_utc.replace(tzinfo=UTC).timestamp())


NO_MATCH = "(NULL, NULL)"


def _machine_cte(rules: Iterable[Rules]) -> str:
    rows = [f"({_lit(r.branch_id)}, {_lit(n)})" for r in rules for n in r.machine_needs]
    rows += [NO_MATCH]  # VALUES may not be empty
    return f"machine(branch_id, need) AS (VALUES {', '.join(rows)})"


def _day(d: date) -> str:
    return f"DATE '{d.isoformat()}'"


def _profile_days(column: str) -> str:
    cases = " ".join(f"WHEN {_lit(name)} THEN {p.days}" for name, p in PROFILES.items())
    return f"CASE {column} {cases} ELSE r.profile_days END"


def _held(table: str, *columns: str) -> str:
    """Each case's rows as the newest bundle holding them has them (warehouse.current_tables,
    kept as bundles load)."""
    picked = ", ".join(f'"{c}"' for c in ("branch_id", "id", *columns))
    return f'SELECT {picked} FROM "{table}_now"'


COMPLAINT_READ = (
    "business_day",
    "received_at",
    "resolved_at",
    "closed_at",
    "decision_due_at",
    "profile",
    "promised_by",
    "referral_due_at",
)


def _in_period(alias: str, first: date, last: date) -> str:
    return f"{alias}.business_day BETWEEN {_day(first)} AND {_day(last)}"


def arrivals_sql(rules: list[Rules], first: date, last: date) -> str:
    """Counts from the arrivals' day summaries (summaries.py)."""
    return f"""
WITH {_rules_cte(rules)}
SELECT d.branch_id, GROUPING(d.branch_id) AS network,
  sum(d.arrivals), sum(d.done), sum(d.walkaways), sum(d.uncalled), sum(d.quoted), sum(d.longer)
FROM arrival_days d JOIN rules r ON r.branch_id = d.branch_id
WHERE {_in_period("d", first, last)}
GROUP BY GROUPING SETS ((d.branch_id), ())
"""


def machine_sql(rules: list[Rules], first: date, last: date) -> str:
    """Arrivals whose need a machine can do (by the branch's newest list), and of those the
    ones routed to self-service."""
    return f"""
WITH {_rules_cte(rules)}, {_machine_cte(rules)}
SELECT n.branch_id, GROUPING(n.branch_id) AS network, sum(n.arrivals), sum(n.self_service)
FROM arrival_needs n JOIN rules r ON r.branch_id = n.branch_id
JOIN machine m ON m.branch_id = n.branch_id AND m.need = n.need
WHERE {_in_period("n", first, last)}
GROUP BY GROUPING SETS ((n.branch_id), ())
"""


def waits_sql(rules: list[Rules], first: date, last: date) -> str:
    """From the waits' histogram: called, called within the branch's red mark, the median
    (the mean of the values at 0-based ranks ⌊(N−1)/2⌋ and ⌊N/2⌋, as kpis.median) and the 90th
    percentile (the smallest wait with at least 90 % at or below it, as kpis.percentile). The
    value at rank k is the smallest wait whose running count `upto` passes k: rank ⌊(N−1)/2⌋
    is passed when 2·upto ≥ N, rank ⌊N/2⌋ when 2·upto > N (for odd N the two are one). The
    network's histogram is summed from the branches' (a plain GROUP BY, which PostgreSQL runs
    in parallel where GROUPING SETS would not), and the branches' rules are joined to the
    summed rows, not to every day's (every branch with waits in the period has a bundle in
    it, so is in the rules)."""
    return f"""
WITH {_rules_cte(rules)},
by_branch AS (
  SELECT b.branch_id, b.wait_s, b.n, CASE WHEN b.wait_s <= r.red_s THEN b.n ELSE 0 END AS within
  FROM (
    SELECT w.branch_id, w.wait_s, CAST(sum(w.n) AS BIGINT) AS n FROM arrival_waits w
    WHERE {_in_period("w", first, last)} GROUP BY w.branch_id, w.wait_s
  ) b JOIN rules r ON r.branch_id = b.branch_id
), hist AS (
  SELECT branch_id, 0 AS network, wait_s, n, within FROM by_branch
  UNION ALL
  SELECT NULL, 1, wait_s, CAST(sum(n) AS BIGINT), CAST(sum(within) AS BIGINT)
  FROM by_branch GROUP BY wait_s
), running AS (
  SELECT hist.*,
    sum(n) OVER (PARTITION BY network, branch_id ORDER BY wait_s ROWS UNBOUNDED PRECEDING) AS upto,
    sum(n) OVER (PARTITION BY network, branch_id) AS called
  FROM hist
)
SELECT branch_id, network, max(called), sum(within),
  (min(wait_s) FILTER (WHERE 2 * upto >= called)
   + min(wait_s) FILTER (WHERE 2 * upto > called)) / 2.0,
  min(wait_s) FILTER (WHERE 10 * upto >= 9 * called)
FROM running GROUP BY branch_id, network
"""


def rounds_sql(rules: list[Rules], first: date, last: date) -> str:
    """Rounds missed, as each day's tablet tallied them (summaries._rounds_missed)."""
    return f"""
WITH {_rules_cte(rules)}
SELECT d.branch_id, GROUPING(d.branch_id) AS network, sum(d.missed)
FROM round_days d JOIN rules r ON r.branch_id = d.branch_id
WHERE d.bundle_day BETWEEN {_day(first)} AND {_day(last)}
GROUP BY GROUPING SETS ((d.branch_id), ())
"""


def complaints_sql(rules: list[Rules], first: date, last: date, dialect: str) -> str:
    s = partial(secs, dialect)
    settled = ", ".join(_lit(x) for x in SETTLED)
    return f"""
WITH {_rules_cte(rules)},
held AS ({_held("complaints", *COMPLAINT_READ)}),
upd AS ({_held("complaint_updates", "complaint_id", "at", "recorded_at", "to_status")}),
hist AS (
  SELECT u.branch_id, u.complaint_id, u."at", u.to_status IN ({settled}) AS settled,
    row_number() OVER (PARTITION BY u.branch_id, u.complaint_id ORDER BY u."at", u.recorded_at) AS n
  FROM upd u JOIN rules r ON r.branch_id = u.branch_id
  WHERE u.to_status IS NOT NULL AND {s('u."at"')} <= r.cut_s
), marks AS (
  SELECT branch_id, complaint_id, max(n) AS last_n,
    coalesce(max(n) FILTER (WHERE NOT settled), 0) AS open_n
  FROM hist GROUP BY 1, 2
), as_of_cut AS (
  SELECT m.branch_id, m.complaint_id, CASE WHEN m.last_n > m.open_n THEN h."at" END AS settled_at
  FROM marks m LEFT JOIN hist h ON h.branch_id = m.branch_id
    AND h.complaint_id = m.complaint_id AND h.n = m.open_n + 1
), cases AS (
  SELECT c.branch_id, c.business_day, r.cut_s, {s("c.received_at")} AS recv_s,
    CASE WHEN k.complaint_id IS NOT NULL THEN {s("k.settled_at")}
      ELSE {s("coalesce(c.resolved_at, c.closed_at)")} END AS settled_s,
    coalesce({s("c.decision_due_at")},
      {s("c.received_at")} + 86400 * {_profile_days("c.profile")}) AS due_s,
    {s("c.promised_by")} AS promised_s, {s("c.referral_due_at")} AS referral_s
  FROM held c JOIN rules r ON r.branch_id = c.branch_id
  LEFT JOIN as_of_cut k ON k.branch_id = c.branch_id AND k.complaint_id = c.id
), judged AS (
  SELECT cases.*, recv_s < cut_s AND (settled_s IS NULL OR settled_s >= cut_s) AS still_open
  FROM cases
)
SELECT branch_id, GROUPING(branch_id) AS network,
  count(*) FILTER (WHERE business_day BETWEEN {_day(first)} AND {_day(last)}),
  count(*) FILTER (WHERE still_open),
  count(*) FILTER (WHERE still_open AND cut_s > LEAST(due_s, promised_s, referral_s))
FROM judged GROUP BY GROUPING SETS ((branch_id), ())
"""


def incidents_sql(rules: list[Rules], first: date, last: date, dialect: str) -> str:
    s = partial(secs, dialect)
    return f"""
WITH {_rules_cte(rules)},
held AS ({_held("incidents", "type", "business_day", "raised_at", "resolved_at")}),
judged AS (
  SELECT i.branch_id, i.type, i.business_day BETWEEN {_day(first)} AND {_day(last)} AS raised,
    {s("i.raised_at")} < r.cut_s
      AND (i.resolved_at IS NULL OR {s("i.resolved_at")} >= r.cut_s) AS still_open
  FROM held i JOIN rules r ON r.branch_id = i.branch_id
)
SELECT branch_id, GROUPING(branch_id) AS network, type, count(*) FILTER (WHERE raised),
  count(*) FILTER (WHERE still_open)
FROM judged GROUP BY GROUPING SETS ((branch_id, type), (type))
"""


def _rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def _minutes(seconds: Any) -> float | None:
    return None if seconds is None else float(seconds) / 60


def network_report(wh: Warehouse, first: date, last: date, lang: str = "zh") -> NetworkReport:
    rules = branch_rules(wh, first, last)
    figures: dict[str | None, Figures] = {None: Figures(None)}
    for r in rules:
        named = r.name.get(LOCALES.get(lang, lang)) or r.name.get(lang)
        figures[r.branch_id] = Figures(r.branch_id, named or next(iter(r.name.values()), ""))
    if rules:
        _fill(wh, rules, first, last, figures)
    branches = [figures[r.branch_id] for r in rules]
    return NetworkReport(first, last, figures[None], branches)


def _key(row: tuple[Any, ...]) -> str | None:
    return None if row[1] else row[0]


def queries(rules: list[Rules], first: date, last: date, dialect: str) -> dict[str, str]:
    """The report's queries, by what each reads (bench/hq.py times them one by one)."""
    return {
        "arrivals": arrivals_sql(rules, first, last),
        "machine": machine_sql(rules, first, last),
        "waits": waits_sql(rules, first, last),
        "rounds": rounds_sql(rules, first, last),
        "complaints": complaints_sql(rules, first, last, dialect),
        "incidents": incidents_sql(rules, first, last, dialect),
    }


def _fill(
    wh: Warehouse, rules: list[Rules], first: date, last: date, figures: dict[str | None, Figures]
) -> None:
    sql = queries(rules, first, last, wh.dialect)
    uncalled: dict[str | None, int] = {}
    for row in wh.query(sql["arrivals"]):
        f = figures[_key(row)]
        total, done, left, uncalled[f.branch_id], quoted, longer = (int(x or 0) for x in row[2:8])
        f.arrivals, f.served, f.walkaways = total, done, left
        f.walkaway_rate = _rate(left, total)
        f.quote_longer_rate = _rate(longer, quoted)
    for row in wh.query(sql["machine"]):
        figures[_key(row)].self_service_rate = _rate(int(row[3] or 0), int(row[2] or 0))
    for row in wh.query(sql["waits"]):
        f = figures[_key(row)]
        called, within = int(row[2]), int(row[3])
        f.wait_median, f.wait_p90 = _minutes(row[4]), _minutes(row[5])
        f.service_level = _rate(within, called + uncalled.get(f.branch_id, 0))
    for f in figures.values():  # arrivals, none of them called: nothing within the mark
        if f.service_level is None and uncalled.get(f.branch_id):
            f.service_level = 0.0
    for row in wh.query(sql["rounds"]):
        figures[_key(row)].rounds_missed = int(row[2] or 0)
    for row in wh.query(sql["complaints"]):
        f = figures[_key(row)]
        f.complaints_received, f.complaints_open, f.complaints_overdue = (int(x) for x in row[2:5])
    for row in wh.query(sql["incidents"]):
        f = figures[_key(row)]
        raised, still_open = int(row[3]), int(row[4])
        if raised:
            f.incidents_by_type[str(row[2])] = raised
        f.incidents_total += raised
        f.incidents_open += still_open
