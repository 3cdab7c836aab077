"""The head office warehouse: ONE schema, given to DuckDB and to PostgreSQL alike, and how each
engine loads a batch of checked bundles in one transaction.

Every bundle table becomes a table of the same name whose rows carry the bundle's identity
first — branch_id, tablet_id, bundle_day (the business day the bundle is of; a row keeps its
own business_day too, which for a complaint is the day it was received) — then the bundle's
allow-listed columns (domain/bundle.ALLOWED: a column added there is added here). Types come
from the tablet's own schema (the migrations' declared types, as the bundle writer reads
them); instants (`at`, `*_at`, `promised_by`), stored on the tablet as UTC ISO text, become
TIMESTAMP (UTC) so the engine computes waits and deadlines; `business_day` becomes DATE.

`bundles` holds one row per identity: the manifest's figures and the settings the KPI rules
need, with the day's bounds and opening hours already placed in UTC (the zone rules live in
Python, so neither engine needs its own time zone data). `machine_needs` lists, per bundle,
the needs a machine can do (the self-service diversion's denominator).
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lobby_tui.domain.bundle import ALLOWED, CASE_TABLES
from lobby_tui.domain.day import at_local, day_bounds_utc
from lobby_tui.services.bundle import CheckedBundle, offline_duckdb
from lobby_tui.services.hq.summaries import SUMMARY_COLUMNS, SUMMARY_KEYS, summary_inserts
from lobby_tui.store.migrations import MIGRATIONS, statements

if TYPE_CHECKING:
    import duckdb
    import psycopg

IDENTITY = ("branch_id", "tablet_id", "bundle_day")
_SQLITE_TYPES = {"INTEGER": "BIGINT", "REAL": "DOUBLE PRECISION"}


@dataclass(frozen=True)
class WColumn:
    name: str
    type: str  # TEXT, BIGINT, DOUBLE PRECISION, TIMESTAMP, DATE: spelled alike in both engines


@dataclass(frozen=True)
class WTable:
    name: str
    columns: tuple[WColumn, ...]  # the identity first, then the bundle's columns
    key: tuple[str, ...]  # what tells its rows apart (kept by ingest, not by a constraint)

    @property
    def bundle_columns(self) -> tuple[WColumn, ...]:
        return self.columns[len(IDENTITY) :]


def _identity() -> tuple[WColumn, ...]:
    return (
        WColumn("branch_id", "TEXT"),
        WColumn("tablet_id", "TEXT"),
        WColumn("bundle_day", "DATE"),
    )


def is_instant(name: str) -> bool:
    return name == "at" or name.endswith("_at") or name == "promised_by"


@cache
def _declared() -> dict[str, dict[str, str]]:
    """Each tablet table's declared column types, from the migrations themselves."""
    conn = sqlite3.connect(":memory:")
    try:
        for migration in MIGRATIONS:
            for statement in statements(migration):
                conn.execute(statement)
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            t: {str(r[1]): str(r[2]).upper() for r in conn.execute(f'PRAGMA table_info("{t}")')}
            for t in tables
        }
    finally:
        conn.close()


def _type(table: str, name: str, derived: bool) -> str:
    if name == "business_day":
        return "DATE"
    if derived:  # a number the bundle writer took out of a payload
        return "BIGINT"
    declared = _declared().get(table, {}).get(name, "")
    if declared == "TEXT" and is_instant(name):
        return "TIMESTAMP"
    return _SQLITE_TYPES.get(declared, "TEXT")


@cache
def row_tables() -> tuple[WTable, ...]:
    out = []
    for table, columns in ALLOWED.items():
        cols = tuple(WColumn(c.name, _type(table, c.name, c.sql != c.name)) for c in columns)
        key = (*IDENTITY, "seq" if table == "events" else "id")
        out.append(WTable(table, (*_identity(), *cols), key))
    return tuple(out)


BUNDLES = WTable(
    "bundles",
    (
        *_identity(),
        WColumn("created_at", "TIMESTAMP"),
        WColumn("manifest_sha256", "TEXT"),
        WColumn("branch_name", "TEXT"),  # JSON: the name per language
        WColumn("zone", "TEXT"),
        WColumn("schema_version", "BIGINT"),
        WColumn("app_version", "TEXT"),
        WColumn("settings", "TEXT"),  # JSON, as in the manifest
        WColumn("red_min", "BIGINT"),
        WColumn("round_interval_min", "BIGINT"),
        WColumn("complaint_profile", "TEXT"),
        WColumn("day_start", "TIMESTAMP"),  # the business day's bounds in UTC
        WColumn("day_end", "TIMESTAMP"),
        WColumn("opening_at", "TIMESTAMP"),  # the day's opening hours in UTC
        WColumn("closing_at", "TIMESTAMP"),
        WColumn("chain_head", "TEXT"),
        WColumn("events", "BIGINT"),
        WColumn("row_count", "BIGINT"),
        WColumn("ingested_at", "TIMESTAMP"),
    ),
    IDENTITY,
)
MACHINE_NEEDS = WTable(
    "machine_needs", (*_identity(), WColumn("need", "TEXT")), (*IDENTITY, "need")
)
SUMMARIES = tuple(
    WTable(
        name, (*_identity(), *(WColumn(n, t) for n, t in columns)), (*IDENTITY, *SUMMARY_KEYS[name])
    )
    for name, columns in SUMMARY_COLUMNS.items()
)


@cache
def current_tables() -> tuple[WTable, ...]:
    """Per case table (complaints, incidents and their timelines), `<table>_now`: each
    case's rows as the newest bundle holding them has them (a case travels in every bundle of
    a day it was touched on). Kept as bundles load (current_statements), so the report does
    not sort every copy of every case to find the newest."""
    return tuple(
        WTable(f"{t.name}_now", t.columns, ("branch_id", "id"))
        for t in row_tables()
        if t.name in CASE_TABLES
    )


def all_tables() -> tuple[WTable, ...]:
    return (BUNDLES, MACHINE_NEEDS, *row_tables(), *SUMMARIES, *current_tables())


def bundle_tables() -> tuple[WTable, ...]:
    """The tables whose rows belong to one bundle (replaced with it)."""
    return (BUNDLES, MACHINE_NEEDS, *row_tables(), *SUMMARIES)


TOUCHED = "hq_touched"  # per case table, the cases a load changes: (tbl, branch_id, id)


def touched_insert(identities: str) -> list[str]:
    """Record the cases held under `identities` (before their rows are deleted, and after
    the new ones are loaded): theirs are the current rows to make again."""
    return [
        f"INSERT INTO {TOUCHED} SELECT DISTINCT '{t.name}', t.branch_id, t.id FROM \"{t.name}\" t"
        f" JOIN ({identities}) i ON i.branch_id = t.branch_id AND i.tablet_id = t.tablet_id"
        f" AND i.bundle_day = t.bundle_day"
        for t in row_tables()
        if t.name in CASE_TABLES
    ]


def current_statements(touched: str | None = TOUCHED) -> list[str]:
    """Make again the current rows of the touched cases (of every case, given None): out
    with the held ones, in with each case's rows from the newest bundle that holds it (by
    when the bundles were made, then by day). A case no bundle holds any more is gone."""
    out = []
    for now in current_tables():
        table = now.name.removesuffix("_now")
        names = ", ".join(f'x."{c.name}"' for c in now.columns)
        if touched is None:
            chosen, forget = "", f'DELETE FROM "{now.name}"'
        else:
            cases = f"SELECT DISTINCT branch_id, id FROM {touched} WHERE tbl = '{table}'"
            chosen = f" JOIN ({cases}) h ON h.branch_id = t.branch_id AND h.id = t.id"
            forget = (
                f'DELETE FROM "{now.name}" WHERE EXISTS (SELECT 1 FROM {touched} h'
                f" WHERE h.tbl = '{table}' AND h.branch_id = \"{now.name}\".branch_id"
                f' AND h.id = "{now.name}".id)'
            )
        out += [
            forget,
            f'INSERT INTO "{now.name}" SELECT {names} FROM ('
            f"SELECT t.*, row_number() OVER (PARTITION BY t.branch_id, t.id"
            f' ORDER BY b.created_at DESC, t.bundle_day DESC) AS k FROM "{table}" t'
            f" JOIN bundles b ON b.branch_id = t.branch_id AND b.tablet_id = t.tablet_id"
            f" AND b.bundle_day = t.bundle_day{chosen}) x WHERE x.k = 1",
        ]
    return out


def schema_ddl() -> list[str]:
    """The schema, as both engines take it: the one definition.

    No primary key: a row's uniqueness is kept by ingest, which loads and replaces whole
    bundles by their identity (a bundle's own rows carry the tablet's unique ids), and a key's
    index is most of what loading costs (DuckDB's ART index on four text columns, PostgreSQL's
    B-tree). PostgreSQL gets an index on the identity for finding a re-issued bundle's rows
    (index_ddl); DuckDB's zone maps find them, the rows being stored in the order loaded."""
    return [_create(table) for table in all_tables()]


def _create(table: WTable) -> str:
    cols = ", ".join(f'"{c.name}" {c.type}' for c in table.columns)
    return f'CREATE TABLE IF NOT EXISTS "{table.name}" ({cols})'


HELD_COLUMNS = (
    "SELECT table_name, column_name FROM information_schema.columns"
    " WHERE table_schema = current_schema()"
)


def missing_columns(held: Sequence[tuple[Any, ...]]) -> list[str]:
    """A warehouse made before a column was allow-listed (`held`: its tables' columns, as
    HELD_COLUMNS reads them): the column added where the table ends, as the allow-list adds
    new columns last; the rows already held have NULL there, as an older bundle has."""
    have: dict[str, set[str]] = {}
    for table, column in held:
        have.setdefault(str(table), set()).add(str(column))
    return [
        f'ALTER TABLE "{t.name}" ADD COLUMN "{c.name}" {c.type}'
        for t in all_tables()
        if t.name in have
        for c in t.columns
        if c.name not in have[t.name]
    ]


def index_ddl() -> list[str]:
    return [
        f'CREATE INDEX IF NOT EXISTS "{t.name}_identity" ON "{t.name}" (branch_id, bundle_day)'
        for t in all_tables()
    ]


def clearing(batch_table: str) -> list[str]:
    """A re-issued batch: the cases its held bundles had are noted, then their rows go."""
    batch = f"SELECT * FROM {batch_table}"
    return [
        *touched_insert(batch),
        *(_identity_match(t.name, batch_table) for t in bundle_tables()),
    ]


def deriving(dialect: str, batch_table: str) -> list[str]:
    """After a batch's rows are in (its `bundles` rows too): its sums, then the current rows
    of every case it touched."""
    batch = f"SELECT * FROM {batch_table}"
    return [
        *summary_inserts(dialect, batch).values(),
        *touched_insert(batch),
        *current_statements(),
    ]


def _missing_summaries(dialect: str, existing: set[str]) -> list[str]:
    """A warehouse made before a summary or current table (its bundles loaded, that table
    new): the table is filled from the rows held, when the schema is created
    (Warehouse.create_schema)."""
    if "bundles" not in existing:
        return []
    made = summary_inserts(dialect, ALL_IDENTITIES)
    out = [made[t.name] for t in SUMMARIES if t.name not in existing]
    if any(t.name not in existing for t in current_tables()):
        out += current_statements(None)
    return out


ALL_IDENTITIES = "SELECT branch_id, tablet_id, bundle_day FROM bundles"


# A checked bundle, ready to load --------------------------------------------------------


def _naive(at: datetime) -> datetime:
    """An instant as the warehouse keeps it: UTC, without a zone (TIMESTAMP)."""
    return at.astimezone(UTC).replace(tzinfo=None)


def bundle_row(checked: CheckedBundle, now: datetime) -> tuple[Any, ...]:
    """The `bundles` row of a checked bundle: its day placed in UTC by the branch's zone."""
    from datetime import time
    from zoneinfo import ZoneInfo

    m = checked.manifest
    s = m.settings
    zone = ZoneInfo(m.zone)
    start, end = day_bounds_utc(m.business_day, zone)
    opening = at_local(m.business_day, time.fromisoformat(str(s["opening"])), zone)
    closing = at_local(m.business_day, time.fromisoformat(str(s["closing"])), zone)
    created = datetime.fromisoformat(m.created_at.replace("Z", "+00:00"))
    return (
        m.branch_id,
        m.tablet_id,
        m.business_day,
        _naive(created),
        checked.manifest_sha256,
        json.dumps(dict(m.branch_name), ensure_ascii=False, sort_keys=True),
        m.zone,
        m.schema_version,
        m.app_version,
        json.dumps(dict(s), ensure_ascii=False, sort_keys=True),
        int(s["red_min"]),
        int(s["round_interval_min"]),
        str(s["complaint_profile"]),
        _naive(start),
        _naive(end),
        _naive(opening),
        _naive(closing),
        m.chain.head,
        m.chain.events,
        checked.rows,
        _naive(now),
    )


def machine_rows(checked: CheckedBundle) -> list[tuple[Any, ...]]:
    needs = checked.manifest.settings.get("machine_needs") or []
    return [(*checked.identity, str(n)) for n in sorted(set(needs))]


def _q(text: str) -> str:
    return text.replace("'", "''")


def load_select(table: WTable, batch: Sequence[CheckedBundle], batch_table: str) -> list[str]:
    """DuckDB SELECTs that read `table`'s Parquet files of the batch with the identity in front
    and every column cast to its warehouse type (one SELECT per set of columns present: an
    older bundle without a newer allow-listed column gets NULL there)."""
    groups: dict[tuple[str, ...], list[CheckedBundle]] = {}
    for c in batch:
        entry = c.manifest.tables.get(table.name)
        if entry is not None and entry.rows:
            groups.setdefault(entry.columns, []).append(c)
    out = []
    for present, members in groups.items():
        files = ", ".join(f"'{_q(str(m.folder / f'{table.name}.parquet'))}'" for m in members)
        picked = ", ".join(
            f'CAST(p."{c.name}" AS {c.type})' if c.name in present else f"CAST(NULL AS {c.type})"
            for c in table.bundle_columns
        )
        out += [
            f"SELECT f.branch_id, f.tablet_id, f.bundle_day, {picked}"
            f" FROM read_parquet([{files}], filename = true) p"
            f" JOIN {batch_table} f ON p.filename = f.folder || '/{table.name}.parquet'"
        ]
    return out


def _batch_values(batch: Sequence[CheckedBundle]) -> str:
    return ", ".join(
        f"('{_q(str(c.folder))}', '{_q(c.manifest.branch_id)}', '{_q(c.manifest.tablet_id)}',"
        f" DATE '{c.manifest.business_day.isoformat()}')"
        for c in batch
    )


def _identity_match(table: str, batch_table: str) -> str:
    return (
        f'DELETE FROM "{table}" WHERE (branch_id, tablet_id, bundle_day) IN'
        f" (SELECT branch_id, tablet_id, bundle_day FROM {batch_table})"
    )


# The engines --------------------------------------------------------------------------------


@dataclass
class Held:
    """What a warehouse holds of an identity: the manifest's digest and when it was made."""

    manifest_sha256: str
    created_at: datetime


@dataclass
class Warehouse:
    """What ingest and the report need of an engine; DuckDB and PostgreSQL below."""

    target: str
    dialect: str = "duckdb"
    # DuckDB reading the bundles' Parquet, for the check and the load.
    duck: duckdb.DuckDBPyConnection = field(init=False)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def create_schema(self) -> None:
        raise NotImplementedError

    def held(self) -> dict[tuple[str, str, date], Held]:
        rows = self.query(
            "SELECT branch_id, tablet_id, bundle_day, manifest_sha256, created_at FROM bundles"
        )
        return {(r[0], r[1], _day(r[2])): Held(r[3], r[4]) for r in rows}

    def load(self, batch: Sequence[CheckedBundle], replacing: bool, now: datetime) -> None:
        raise NotImplementedError

    @property
    def read_errors(self) -> tuple[type[Exception], ...]:
        """What a load raises when the batch's own files or values may be at fault (a page
        that does not read, a value the engine refuses): ingest then loads the batch's bundles
        one by one and refuses the one at fault. PostgreSQL gone is not among them."""
        import duckdb

        return (duckdb.Error, OSError)  # a page that does not read is a plain duckdb.Error

    def settle(self) -> None:
        """After an ingest that loaded something: whatever the engine needs to plan the
        report's queries on the new rows."""

    def close(self) -> None:
        raise NotImplementedError


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


class DuckWarehouse(Warehouse):
    """A DuckDB file: embedded, nothing to run. It reads the Parquet files itself."""

    def __init__(self, path: str) -> None:
        super().__init__(path, "duckdb")
        self.conn = offline_duckdb(path, bulk=True)
        self.duck = self.conn

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql, list(params)).fetchall()

    def create_schema(self) -> None:
        self.conn.execute("BEGIN")
        try:
            existing = {r[0] for r in self.conn.execute("SHOW TABLES").fetchall()}
            for statement in schema_ddl():
                self.conn.execute(statement)
            for statement in missing_columns(self.conn.execute(HELD_COLUMNS).fetchall()):
                self.conn.execute(statement)
            for statement in _missing_summaries(self.dialect, existing):
                self.conn.execute(statement)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def load(self, batch: Sequence[CheckedBundle], replacing: bool, now: datetime) -> None:
        conn = self.conn
        conn.execute("BEGIN")
        try:
            conn.execute(
                "CREATE OR REPLACE TEMP TABLE hq_batch AS SELECT * FROM (VALUES "
                f"{_batch_values(batch)}) v(folder, branch_id, tablet_id, bundle_day)"
            )
            conn.execute(
                f"CREATE OR REPLACE TEMP TABLE {TOUCHED} (tbl TEXT, branch_id TEXT, id TEXT)"
            )
            for statement in clearing("hq_batch") if replacing else []:
                conn.execute(statement)
            for table in row_tables():
                for select in load_select(table, batch, "hq_batch"):
                    conn.execute(f'INSERT INTO "{table.name}" {select}')
            _insert(conn, BUNDLES, [bundle_row(c, now) for c in batch])
            _insert(conn, MACHINE_NEEDS, [r for c in batch for r in machine_rows(c)])
            for statement in deriving(self.dialect, "hq_batch"):
                conn.execute(statement)
            conn.execute(f"DROP TABLE {TOUCHED}")
            conn.execute("DROP TABLE hq_batch")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.conn.close()


def _insert(conn: Any, table: WTable, rows: list[tuple[Any, ...]]) -> None:
    """All the rows in one statement, a list per column unnested side by side (DuckDB's
    executemany runs one statement per row, and a VALUES list of thousands of parameters
    takes longer to bind than to run)."""
    if not rows:
        return
    lists = ", ".join(f"unnest(CAST(? AS {c.type}[]))" for c in table.columns)
    conn.execute(
        f'INSERT INTO "{table.name}" SELECT {lists}', [list(c) for c in zip(*rows, strict=True)]
    )


class PgWarehouse(Warehouse):
    """PostgreSQL through psycopg 3: DuckDB (in memory) reads the Parquet and writes CSV, which
    is streamed into COPY — the bulk path PostgreSQL is fastest on."""

    CHUNK = 1 << 20

    def __init__(self, url: str) -> None:
        import psycopg

        super().__init__(url, "postgres")
        self.conn: psycopg.Connection[Any] = psycopg.connect(url)
        # The report's sorts and hashes in memory, not in temporary files (4 MB by default);
        # no JIT compiling: it cost a tenth of a second a query and won nothing back here.
        self.conn.execute("SET work_mem = '256MB'")
        self.conn.execute("SET jit = off")
        self.conn.commit()
        self.duck = offline_duckdb(bulk=True)

    @property
    def read_errors(self) -> tuple[type[Exception], ...]:
        import psycopg

        return (*super().read_errors, psycopg.DataError)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.conn.cursor() as cur:
            cur.execute(sql.replace("?", "%s"), list(params) if params else None)
            rows = cur.fetchall() if cur.description is not None else []
        self.conn.commit()  # a read ends its transaction: nothing is held open between calls
        return rows

    def create_schema(self) -> None:
        with self.conn.transaction(), self.conn.cursor() as cur:
            cur.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema()"
            )
            existing = {str(r[0]) for r in cur.fetchall()}
            for statement in (*schema_ddl(), *index_ddl()):
                cur.execute(statement)
            cur.execute(HELD_COLUMNS)
            for statement in missing_columns(cur.fetchall()):
                cur.execute(statement)
            for statement in _missing_summaries(self.dialect, existing):
                cur.execute(statement)

    def load(self, batch: Sequence[CheckedBundle], replacing: bool, now: datetime) -> None:
        duck = self.duck
        scratch = tempfile.mkdtemp(prefix="lobby-hq-")
        try:
            duck.execute(
                "CREATE OR REPLACE TEMP TABLE hq_batch AS SELECT * FROM (VALUES "
                f"{_batch_values(batch)}) v(folder, branch_id, tablet_id, bundle_day)"
            )
            with self.conn.transaction(), self.conn.cursor() as cur:
                cur.execute(
                    "CREATE TEMP TABLE hq_batch (branch_id TEXT, tablet_id TEXT,"
                    " bundle_day DATE) ON COMMIT DROP"
                )
                with cur.copy("COPY hq_batch FROM STDIN") as copy:
                    for c in batch:
                        copy.write_row(c.identity)
                cur.execute(
                    f"CREATE TEMP TABLE {TOUCHED} (tbl TEXT, branch_id TEXT, id TEXT)"
                    " ON COMMIT DROP"
                )
                for statement in clearing("hq_batch") if replacing else []:
                    cur.execute(statement)
                for table in row_tables():
                    names = ", ".join(f'"{c.name}"' for c in table.columns)
                    for n, select in enumerate(load_select(table, batch, "hq_batch")):
                        csv = os.path.join(scratch, f"{table.name}-{n}.csv")
                        duck.execute(f"COPY ({select}) TO '{_q(csv)}' (FORMAT csv, HEADER false)")
                        copy_sql = f'COPY "{table.name}" ({names}) FROM STDIN (FORMAT csv)'
                        with cur.copy(copy_sql) as copy, open(csv, "rb") as fh:
                            while block := fh.read(self.CHUNK):
                                copy.write(block)
                        os.remove(csv)
                for table, rows in (
                    (BUNDLES, [bundle_row(c, now) for c in batch]),
                    (MACHINE_NEEDS, [r for c in batch for r in machine_rows(c)]),
                ):
                    names = ", ".join(f'"{c.name}"' for c in table.columns)
                    with cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                        for row in rows:
                            copy.write_row(row)
                for statement in deriving(self.dialect, "hq_batch"):
                    cur.execute(statement)
        finally:
            duck.execute("DROP TABLE IF EXISTS hq_batch")
            for leftover in Path(scratch).iterdir():
                leftover.unlink()
            os.rmdir(scratch)

    def settle(self) -> None:
        """Fresh statistics: without them, just after a bulk load, the planner takes the new
        tables for empty and a report that takes a second takes a minute."""
        with self.conn.transaction(), self.conn.cursor() as cur:
            for table in all_tables():
                cur.execute(f'ANALYZE "{table.name}"')

    def close(self) -> None:
        self.duck.close()
        self.conn.close()


def is_postgres(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def open_warehouse(target: str) -> Warehouse:
    """A DuckDB file by default; a postgresql:// URL for PostgreSQL."""
    if is_postgres(target):
        return PgWarehouse(target)
    return DuckWarehouse(str(Path(target).expanduser()))
