"""Each bundle's arrivals, summed up as they are loaded, so a year's network report reads
thousands of rows per branch rather than every walk-in of the year.

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


def summary_inserts(dialect: str, identities: str) -> list[str]:
    """INSERTs that sum up the arrivals of `identities` (a query or table of branch_id,
    tablet_id, bundle_day) into the summary tables."""
    rows = _arrivals(dialect, identities)
    key = "branch_id, tablet_id, bundle_day, business_day"
    return [
        f"INSERT INTO arrival_days SELECT {key}, count(*),"
        " count(*) FILTER (WHERE status = 'done'),"
        " count(*) FILTER (WHERE status = 'left'),"
        " count(*) FILTER (WHERE w IS NULL AND status IN ('left', 'not_seen')),"
        " count(*) FILTER (WHERE w IS NOT NULL AND told_i IS NOT NULL),"
        " count(*) FILTER (WHERE w IS NOT NULL AND told_i IS NOT NULL AND had_i > told_i)"
        f" FROM ({rows}) r GROUP BY {key}",
        f"INSERT INTO arrival_needs SELECT {key}, need, count(*),"
        " count(*) FILTER (WHERE channel = 'self_service')"
        f" FROM ({rows}) r GROUP BY {key}, need",
        f"INSERT INTO arrival_waits SELECT {key}, w, count(*)"
        f" FROM ({rows}) r WHERE w IS NOT NULL GROUP BY {key}, w",
    ]
