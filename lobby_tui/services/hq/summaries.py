"""Each bundle's arrivals and rounds, summed up as they are loaded, so a year's network report
reads thousands of rows per branch rather than every walk-in and round of the year.

What is summed is what no setting changes: counts by status, the quote kept or broken (the
bands are fixed, domain/waits.band), arrivals per need, and each called wait to the second
(a histogram: the day's walk-ins called after the same wait share one row). What a setting
changes is left to the report, which applies the branch's newest settings: the red mark
counts the histogram's waits at or below it, the machine list picks the needs. The histogram
keeps every wait, so the median and the 90th percentile come out exactly as `domain/kpis.py`
computes them from the walk-ins themselves (network.waits_sql; the test compares them).

Both engines run the same statements, inside the transaction that loads the bundle's rows
(warehouse.load), and a re-issued bundle's summaries go with its rows.
"""

from __future__ import annotations

from functools import partial

from lobby_tui.domain.waits import BANDS

# domain/waits.band: the band a wait of whole seconds falls in (below 5, 10, 20 minutes).
BAND_LIMITS_SECONDS = (300, 600, 1200)


def band_sql(seconds: str) -> str:
    """The index in BANDS of the band a wait falls in (tested against domain/waits.band)."""
    cases = " ".join(
        f"WHEN {seconds} < {limit} THEN {i}" for i, limit in enumerate(BAND_LIMITS_SECONDS)
    )
    return f"CASE {cases} ELSE {len(BAND_LIMITS_SECONDS)} END"


def told_sql(column: str) -> str:
    cases = " ".join(f"WHEN '{name}' THEN {i}" for i, name in enumerate(BANDS))
    return f"CASE {column} {cases} END"


def secs(dialect: str, expr: str) -> str:
    """An instant as seconds since the epoch: the one function the two engines spell apart."""
    return f"epoch({expr})" if dialect == "duckdb" else f"extract(epoch FROM {expr})"


# The summary tables: after the bundle's identity (warehouse.IDENTITY), the arrivals'
# business day, then the figures. Names and types as warehouse.WColumn takes them.
# What tells one row from another after the identity: SUMMARY_KEYS.
SUMMARY_KEYS = {
    "arrival_days": ("business_day",),
    "arrival_needs": ("business_day", "need"),
    "arrival_waits": ("business_day", "wait_s"),
    "round_days": (),
}
SUMMARY_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "arrival_days": (
        ("business_day", "DATE"),
        ("arrivals", "BIGINT"),
        ("done", "BIGINT"),
        ("walkaways", "BIGINT"),
        ("uncalled", "BIGINT"),  # left or not seen without being called
        ("quoted", "BIGINT"),  # called, and told a band
        ("longer", "BIGINT"),  # of those, called after a later band than the one told
    ),
    "arrival_needs": (
        ("business_day", "DATE"),
        ("need", "TEXT"),
        ("arrivals", "BIGINT"),
        ("self_service", "BIGINT"),
    ),
    "arrival_waits": (
        ("business_day", "DATE"),
        ("wait_s", "BIGINT"),  # called − arrived, whole seconds
        ("n", "BIGINT"),
    ),
    "round_days": (("missed", "BIGINT"),),  # the day is the bundle's
}


def _arrivals(dialect: str, identities: str) -> str:
    """The arrivals of the given identities, with each one's wait and bands."""
    called, arrived = secs(dialect, "a.called_at"), secs(dialect, "a.arrived_at")
    wait = f"CASE WHEN a.called_at IS NOT NULL THEN CAST({called} - {arrived} AS BIGINT) END"
    return (
        f"SELECT x.*, {told_sql('x.quoted_band')} AS told_i, {band_sql('x.w')} AS had_i FROM ("
        f"SELECT a.branch_id, a.tablet_id, a.bundle_day, a.business_day, a.status, a.channel,"
        f" a.need, a.quoted_band, {wait} AS w FROM arrivals a"
        f" JOIN ({identities}) i ON i.branch_id = a.branch_id AND i.tablet_id = a.tablet_id"
        f" AND i.bundle_day = a.bundle_day) x"
    )


def summary_inserts(dialect: str, identities: str) -> dict[str, str]:
    """INSERTs that sum up the arrivals and rounds of `identities` (a query or table of
    branch_id, tablet_id, bundle_day) into the summary tables, by table; their `bundles`
    rows first."""
    rows = _arrivals(dialect, identities)
    key = "branch_id, tablet_id, bundle_day, business_day"
    return {
        "arrival_days": f"INSERT INTO arrival_days SELECT {key}, count(*),"
        " count(*) FILTER (WHERE status = 'done'),"
        " count(*) FILTER (WHERE status = 'left'),"
        " count(*) FILTER (WHERE w IS NULL AND status IN ('left', 'not_seen')),"
        " count(*) FILTER (WHERE w IS NOT NULL AND told_i IS NOT NULL),"
        " count(*) FILTER (WHERE w IS NOT NULL AND told_i IS NOT NULL AND had_i > told_i)"
        f" FROM ({rows}) r GROUP BY {key}",
        "arrival_needs": f"INSERT INTO arrival_needs SELECT {key}, need, count(*),"
        " count(*) FILTER (WHERE channel = 'self_service')"
        f" FROM ({rows}) r GROUP BY {key}, need",
        "arrival_waits": f"INSERT INTO arrival_waits SELECT {key}, w, count(*)"
        f" FROM ({rows}) r WHERE w IS NOT NULL GROUP BY {key}, w",
        "round_days": f"INSERT INTO round_days {_rounds_missed(dialect, identities)}",
    }


def _rounds_missed(dialect: str, identities: str) -> str:
    """Rounds missed per tablet and day, by kpis' round rule (domain/rounds.tally_day): due
    from opening or the day's first use (shift opened or round started), every interval
    after the last one started, none after closing. Read under the bundle's own settings and
    hours (the `bundles` row, loaded first): a day's tally is what its tablet showed, and no
    later setting or report period changes it (a period ends at a day's end, after closing).
    """
    s = partial(secs, dialect)
    same = "USING (branch_id, tablet_id, bundle_day)"
    mine = (
        f"JOIN ({identities}) i ON i.branch_id = {{t}}.branch_id"
        f" AND i.tablet_id = {{t}}.tablet_id AND i.bundle_day = {{t}}.bundle_day"
    )
    return f"""
WITH days AS (
  SELECT b.branch_id, b.tablet_id, b.bundle_day, b.round_interval_min * 60 AS step,
    {s("b.opening_at")} AS open_s, {s("b.closing_at")} AS close_s,
    LEAST({s("b.closing_at")}, {s("b.day_end")}) AS until_s
  FROM bundles b {mine.format(t="b")}
), uses AS (
  SELECT h.branch_id, h.tablet_id, h.bundle_day, min(h.opened_at) AS t0
  FROM shifts h {mine.format(t="h")} GROUP BY 1, 2, 3
  UNION ALL
  SELECT r.branch_id, r.tablet_id, r.bundle_day, min(r.started_at)
  FROM rounds r {mine.format(t="r")} GROUP BY 1, 2, 3
), first_use AS (
  SELECT branch_id, tablet_id, bundle_day, {s("min(t0)")} AS fu FROM uses GROUP BY 1, 2, 3
), live AS (
  SELECT d.*, CASE WHEN f.fu <= d.open_s THEN d.open_s
    ELSE d.open_s + floor((f.fu - d.open_s) / d.step) * d.step END AS begin_s
  FROM days d JOIN first_use f {same}
), starts AS (
  SELECT l.branch_id, l.tablet_id, l.bundle_day, l.step, l.begin_s, {s("r.started_at")} AS st,
    GREATEST({s("r.started_at")}, l.begin_s) AS anchor
  FROM live l JOIN rounds r {same}
  WHERE l.begin_s < l.close_s AND {s("r.started_at")} < l.close_s
    AND {s("r.started_at")} <= l.until_s
), lasts AS (
  SELECT branch_id, tablet_id, bundle_day, max(anchor) AS anchor FROM starts GROUP BY 1, 2, 3
), gaps AS (
  SELECT branch_id, tablet_id, bundle_day, step, st - lag(anchor, 1, begin_s) OVER (
    PARTITION BY branch_id, tablet_id, bundle_day ORDER BY st) AS gap FROM starts
  UNION ALL
  SELECT l.branch_id, l.tablet_id, l.bundle_day, l.step, l.until_s - coalesce(z.anchor, l.begin_s)
  FROM live l LEFT JOIN lasts z {same} WHERE l.begin_s < l.close_s
)
SELECT branch_id, tablet_id, bundle_day,
  CAST(sum(CASE WHEN gap > 2 * step
    THEN ceil((gap - 2 * step) / CAST(step AS DOUBLE PRECISION)) ELSE 0 END) AS BIGINT)
FROM gaps GROUP BY branch_id, tablet_id, bundle_day
"""
