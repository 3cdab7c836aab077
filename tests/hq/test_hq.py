"""Head office (issue 18): day bundles of generated branches taken into DuckDB and into
PostgreSQL — counts, idempotency, replacement, a tampered bundle refused while the others
load, two tablets of one branch adding up, and the network report agreeing with each
branch's own `lobby report`."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

import pytest

from lobby_tui.domain.waits import BANDS, band
from lobby_tui.services.hq.ingest import ingest
from lobby_tui.services.hq.network import NetworkReport, network_report
from lobby_tui.services.hq.summaries import band_sql
from lobby_tui.services.hq.warehouse import Warehouse, all_tables, open_warehouse, row_tables
from tests.helpers.cli import lobby
from tests.helpers.hq import Estate

# Builds demo data on the test day: CI runs it again on other days (issue 32).
pytestmark = pytest.mark.dated


@pytest.fixture(params=["duckdb", "postgres"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "duckdb":
        return str(tmp_path / "hq.duckdb")
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def warehouse(target: str) -> Iterator[Warehouse]:
    wh = open_warehouse(target)
    yield wh
    wh.close()


def manifest_rows(folders: list[Path]) -> dict[str, int]:
    total: dict[str, int] = {}
    for folder in folders:
        for name, entry in json.loads((folder / "manifest.json").read_text())["tables"].items():
            total[name] = total.get(name, 0) + entry["rows"]
    return total


def counts(wh: Warehouse) -> dict[str, int]:
    return {t.name: int(wh.query(f'SELECT count(*) FROM "{t.name}"')[0][0]) for t in all_tables()}


def dump(wh: Warehouse) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in key order."""
    out = {}
    for t in all_tables():
        order = ", ".join(f'"{k}"' for k in t.key)
        out[t.name] = wh.query(f'SELECT * FROM "{t.name}" ORDER BY {order}')
    return out


def test_counts(estate: Estate, warehouse: Warehouse) -> None:  # covers: R6.6
    summary = ingest(estate.bundles, warehouse)
    assert (summary.loaded, summary.replaced, summary.refused) == (len(estate.bundles), 0, [])
    held = counts(warehouse)
    expected = manifest_rows(estate.bundles)
    assert {t.name: held[t.name] for t in row_tables()} == expected
    assert held["bundles"] == len(estate.bundles) == 4 * 3
    assert expected["arrivals"] > 4 * 3 * 20  # the figures below measure something
    assert summary.rows == sum(expected.values())


def test_idempotent(estate: Estate, warehouse: Warehouse) -> None:  # covers: R6.6
    ingest(estate.bundles, warehouse)
    before = dump(warehouse)
    again = ingest([*estate.bundles, estate.bundles[0]], warehouse)
    assert (again.loaded, again.replaced, again.rows) == (0, 0, 0)
    assert again.unchanged == len(estate.bundles) + 1
    assert dump(warehouse) == before


def test_reissued_bundle_replaces_in_place(
    estate: Estate, warehouse: Warehouse, tmp_path: Path
) -> None:  # covers: R6.6
    from lobby_tui.services.bundle import write_bundle
    from lobby_tui.store import open_store, wall_clock

    ingest(estate.bundles, warehouse)
    tablet = estate.of("A01")[0]
    copy = tmp_path / "a01.db"
    shutil.copy(tablet.db, copy)
    day = estate.last.isoformat()
    with sqlite3.connect(copy) as conn:  # the day corrected on the tablet after it was sent
        (arrival_id,) = conn.execute(
            "SELECT id FROM arrivals WHERE business_day = ? AND status = 'done' LIMIT 1", (day,)
        ).fetchone()
        conn.execute("DELETE FROM care_actions WHERE arrival_id = ?", (arrival_id,))
        conn.execute("DELETE FROM arrivals WHERE id = ?", (arrival_id,))
    store = open_store(copy, wall_clock())
    try:
        reissued = write_bundle(store, estate.last, tmp_path / "again")
    finally:
        store.close()
    before = counts(warehouse)
    summary = ingest([reissued], warehouse)
    assert (summary.loaded, summary.replaced, summary.unchanged) == (0, 1, 0)
    after = counts(warehouse)
    assert after["arrivals"] == before["arrivals"] - 1
    assert after["bundles"] == before["bundles"]
    assert not warehouse.query("SELECT 1 FROM arrivals WHERE id = ?", (arrival_id,))
    # The older bundle of that identity given again is left out: the newer stays.
    older = ingest([b for b in tablet.bundles if b.name == reissued.name], warehouse)
    assert (older.older, older.loaded, older.replaced) == (1, 0, 0)
    assert counts(warehouse) == after


def tamper(bundle: Path, into: Path) -> Path:
    """A copy of the bundle with one byte of its arrivals changed."""
    copy = into / bundle.name
    shutil.copytree(bundle, copy)
    data = bytearray((copy / "arrivals.parquet").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (copy / "arrivals.parquet").write_bytes(bytes(data))
    return copy


def test_tampered_bundle_refused_the_rest_load(
    estate: Estate, warehouse: Warehouse, tmp_path: Path
) -> None:  # covers: R6.6
    bad = tamper(estate.of("B02")[0].bundles[1], tmp_path)
    good = [b for b in estate.bundles if b.name != bad.name]
    summary = ingest([bad, *good], warehouse)
    assert [(r.folder.name, r.reason_key) for r in summary.refused] == [(bad.name, "digest")]
    assert summary.loaded == len(good)
    held = counts(warehouse)
    assert held["bundles"] == len(good)
    assert held["arrivals"] == manifest_rows(good)["arrivals"]


def branch_json(db: Path, estate: Estate) -> dict[str, Any]:
    result = lobby(
        "report", "--db", str(db), "--from", estate.first.isoformat(),
        "--to", estate.last.isoformat(), "--format", "json", "--lang", "en",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def same_keys(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    """The branch report's values under the keys the network report has."""
    return {
        k: same_keys(v, theirs[k]) if isinstance(v, dict) and k != "by_type" else theirs[k]
        for k, v in ours.items()
    }


def test_report_agrees_with_each_branch(
    estate: Estate, warehouse: Warehouse
) -> None:  # covers: R6.6
    ingest(estate.bundles, warehouse)
    made = network_report(warehouse, estate.first, estate.last, "en")
    by_id = {b.branch_id or "": b for b in made.branches}
    assert sorted(by_id) == ["A01", "B02", "C03"]
    for branch in ("A01", "B02"):
        (tablet,) = estate.of(branch)
        ours = by_id[branch].to_json_dict()
        assert ours == same_keys(ours, branch_json(tablet.db, estate))
        assert ours["arrivals"]["total"] > 0 and ours["arrivals"]["wait_min"]["p90"] is not None
    # Two tablets of one branch add up, and the network is every branch added up.
    one, two = (branch_json(t.db, estate) for t in estate.of("C03"))
    c03 = by_id["C03"].to_json_dict()
    for section, key in ADDITIVE:
        assert c03[section][key] == one[section][key] + two[section][key], (section, key)
    network = made.network.to_json_dict()
    assert network["complaints"]["received"] > 0 and network["incidents"]["total"] > 0
    for section, key in ADDITIVE:
        assert network[section][key] == sum(b.to_json_dict()[section][key] for b in made.branches)
    kinds = {k for b in made.branches for k in b.incidents_by_type}
    assert network["incidents"]["by_type"] == {
        k: sum(b.incidents_by_type.get(k, 0) for b in made.branches) for k in sorted(kinds)
    }


ADDITIVE = (
    ("arrivals", "total"),
    ("arrivals", "served"),
    ("arrivals", "walkaways"),
    ("rounds", "missed"),
    ("complaints", "received"),
    ("complaints", "open"),
    ("complaints", "overdue"),
    ("incidents", "total"),
    ("incidents", "open"),
)


def test_worst_ten_ranks_the_worse_way() -> None:  # covers: R6.6
    from datetime import date

    from lobby_tui.services.hq.network import Figures

    branches = [Figures(f"B{n:02}", service_level=n / 20, wait_p90=float(n)) for n in range(12)]
    branches.append(Figures("NONE"))  # nothing measured: not ranked
    made = NetworkReport(date(2026, 1, 1), date(2026, 1, 31), Figures(None), branches)
    worst = made.worst()
    assert [b for b, _v in worst["service_level"]] == [f"B{n:02}" for n in range(10)]
    assert [b for b, _v in worst["wait_p90"]] == [f"B{n:02}" for n in range(11, 1, -1)]


def test_band_in_sql_is_the_domain_band() -> None:  # covers: R6.6
    from lobby_tui.services.bundle import offline_duckdb

    duck = offline_duckdb()
    try:
        got = duck.execute(f"SELECT w, {band_sql('w')} FROM range(0, 3601) t(w) ORDER BY w")
        assert [BANDS[i] for _w, i in got.fetchall()] == [band(w / 60) for w in range(3601)]
    finally:
        duck.close()


def test_commands_in_both_languages(estate: Estate, tmp_path: Path) -> None:  # covers: R6.6
    target = str(tmp_path / "hq.duckdb")
    bad = tamper(estate.of("A01")[0].bundles[0], tmp_path)
    good = [str(b) for b in estate.bundles if b.name != bad.name]
    zh = lobby("hq", "ingest", str(bad), *good, "--into", target, "--lang", "zh")
    assert zh.returncode == 1
    assert "Traceback" not in zh.stderr and "已拒收" in zh.stderr and bad.name in zh.stderr
    assert f"已汇入 {len(good)} 个数据包" in zh.stdout
    en = lobby("hq", "ingest", *good, "--into", target, "--lang", "en")
    assert en.returncode == 0, en.stderr
    assert f"0 bundles loaded, 0 replaced, {len(good)} unchanged" in en.stdout
    period = ("--from", estate.first.isoformat(), "--to", estate.last.isoformat())
    md = lobby("hq", "report", *period, "--from-db", target, "--lang", "en")
    assert md.returncode == 0, md.stderr
    assert "# Network report" in md.stdout and "The ten worst branches: Service level" in md.stdout
    csv_out = lobby("hq", "report", *period, "--from-db", target, "--format", "csv")
    assert csv_out.stdout.splitlines()[0].startswith("branch_id,branch,arrivals,wait_median")
    assert len(csv_out.stdout.splitlines()) == 1 + 3 + 1  # header, three branches, the network
    missing = lobby("hq", "report", *period, "--from-db", str(tmp_path / "none.duckdb"))
    assert missing.returncode != 0 and "Traceback" not in missing.stderr


def test_batch_check_refuses_as_check_bundle_does(
    estate: Estate, tmp_path: Path
) -> None:  # covers: R6.6
    """The checks made in groups give each bundle the verdict of the contract's own check."""
    from lobby_tui.domain.bundle import BundleRefused
    from lobby_tui.services.bundle import check_bundle
    from lobby_tui.services.hq.ingest import IngestSummary
    from lobby_tui.services.hq.ingest import ingest as take_in

    source = estate.of("B02")[0].bundles[-1]

    def edited(name: str, change: Any) -> Path:
        folder = tmp_path / name / source.name
        shutil.copytree(source, folder)
        change(folder)
        return folder

    def manifest(folder: Path, edit: Any) -> None:
        data = json.loads((folder / "manifest.json").read_text())
        edit(data)
        (folder / "manifest.json").write_text(json.dumps(data))

    def more_rows(data: dict[str, Any]) -> None:
        data["tables"]["arrivals"]["rows"] += 1

    (tmp_path / "digest").mkdir()
    cases = [
        tamper(source, tmp_path / "digest"),
        edited("missing", lambda f: (f / "rounds.parquet").unlink()),
        edited("extra", lambda f: (f / "notes.txt").write_text("x")),
        edited("rows", lambda f: manifest(f, more_rows)),
        edited("format", lambda f: manifest(f, lambda d: d.update(format="lobby-bundle/9"))),
    ]
    expected = []
    for case in cases:
        with pytest.raises(BundleRefused) as refused:
            check_bundle(case)
        expected.append(refused.value.reason_key)
    wh = open_warehouse(str(tmp_path / "w.duckdb"))
    try:
        summary: IngestSummary = take_in(cases, wh)
    finally:
        wh.close()
    assert [r.reason_key for r in summary.refused] == expected
    assert expected == ["digest", "missing_file", "extra_file", "rows", "unknown_format"]


def test_waits_from_the_histogram_are_the_domain_figures(
    warehouse: Warehouse,
) -> None:  # covers: R6.6
    """The median and 90th percentile the engine takes from the summed waits are kpis.median
    and kpis.percentile of the waits themselves: odd and even counts, ties, one wait only,
    and the network pooling every branch's waits, each branch under its own red mark."""
    import random
    from collections import Counter
    from datetime import date, datetime

    from lobby_tui.domain.kpis import median, percentile
    from lobby_tui.services.hq.network import Rules, waits_sql

    warehouse.create_schema()
    rnd = random.Random(18)
    day = date(2026, 11, 2)
    waits: dict[str, list[int]] = {
        "ODD": [rnd.choice([0, 60, 61, 300, 599, 600, 1800]) for _ in range(41)],
        "EVEN": [rnd.randint(0, 3000) for _ in range(200)],
        "ONE": [437],
        "TWO": [10, 11],
    }
    red = {"ODD": 10, "EVEN": 15, "ONE": 5, "TWO": 20}
    for branch, values in waits.items():
        for wait_s, n in Counter(values).items():
            warehouse.query(
                "INSERT INTO arrival_waits VALUES (?, 'T', ?, ?, ?, ?)",
                (branch, day, day, wait_s, n),
            )
    cut = datetime(2026, 11, 2, 16)
    rules = [Rules(b, {"en": b}, "Asia/Shanghai", red[b], "nfra", (), cut) for b in waits]
    got = {
        (None if row[1] else row[0]): row[2:] for row in warehouse.query(waits_sql(rules, day, day))
    }
    every = [w for values in waits.values() for w in values]
    cases: list[tuple[str | None, list[int]]] = [*waits.items(), (None, every)]
    for who, values in cases:
        called, within, mid, p90 = got[who]
        assert int(called) == len(values), who
        assert float(mid) == median(values), who
        assert float(p90) == percentile(values, 0.9), who
        if who is not None:  # the network's within: each branch under its own mark (below)
            assert int(within) == sum(w <= red[who] * 60 for w in values), who
    assert int(got[None][1]) == sum(w <= red[b] * 60 for b, values in waits.items() for w in values)


def test_a_warehouse_from_before_the_summaries_gets_them(
    estate: Estate, target: str
) -> None:  # covers: R6.6
    """A warehouse whose bundles were taken in before the arrivals were summed up: opening it
    makes the summaries from the arrivals held, and its report stays what it was."""
    from lobby_tui.services.hq.warehouse import SUMMARIES

    wh = open_warehouse(target)
    try:
        ingest(estate.bundles, wh)
        before = network_report(wh, estate.first, estate.last, "en").to_json_dict()
        for table in SUMMARIES:
            wh.query(f'DROP TABLE "{table.name}"')
    finally:
        wh.close()
    wh = open_warehouse(target)
    try:
        again = ingest(estate.bundles, wh)  # creates the schema: the summaries come back
        assert again.unchanged == len(estate.bundles)
        assert network_report(wh, estate.first, estate.last, "en").to_json_dict() == before
        assert int(wh.query("SELECT count(*) FROM arrival_days")[0][0]) > 0
    finally:
        wh.close()


def newest_copies(wh: Warehouse, table: str) -> list[tuple[Any, ...]]:
    """The definition the `_now` tables keep: per case, the rows of the newest bundle that
    holds it (by when the bundles were made, then by day)."""
    from lobby_tui.services.hq.warehouse import row_tables

    (t,) = [t for t in row_tables() if t.name == table]
    names = ", ".join(f'x."{c.name}"' for c in t.columns)
    return sorted(
        wh.query(
            f"SELECT {names} FROM (SELECT t.*, row_number() OVER (PARTITION BY t.branch_id,"
            f' t.id ORDER BY b.created_at DESC, t.bundle_day DESC) AS k FROM "{table}" t'
            f" JOIN bundles b ON b.branch_id = t.branch_id AND b.tablet_id = t.tablet_id"
            f" AND b.bundle_day = t.bundle_day) x WHERE x.k = 1"
        ),
        key=repr,
    )


def test_current_cases_follow_every_load_and_reissue(
    estate: Estate, warehouse: Warehouse, tmp_path: Path
) -> None:  # covers: R6.6
    """The cases' current rows, kept batch by batch as bundles load (small batches here) and
    when a re-issued bundle no longer holds an update, are each case's rows in the newest
    bundle holding them: the report reads them instead of sorting every copy."""
    from lobby_tui.domain.bundle import CASE_TABLES
    from lobby_tui.services.bundle import write_bundle
    from lobby_tui.store import open_store, wall_clock

    ingest(estate.bundles, warehouse, batch_rows=300)

    def same() -> None:
        for table in CASE_TABLES:
            held = sorted(warehouse.query(f'SELECT * FROM "{table}_now"'), key=repr)
            assert held == newest_copies(warehouse, table), table
            assert held, table  # the estate has cases of every kind

    same()
    day = estate.last.isoformat()
    earlier = "SELECT id FROM complaints WHERE business_day < ? ORDER BY id LIMIT 1"
    tablet = next(
        t for t in estate.tablets if sqlite3.connect(t.db).execute(earlier, (day,)).fetchone()
    )
    copy = tmp_path / "tablet.db"
    shutil.copy(tablet.db, copy)
    with sqlite3.connect(copy) as conn:
        # A case bundled on an earlier day and again on the last, changed since: the copy in
        # the re-issued bundle is the one held. And an update of the day taken back.
        (case_id,) = conn.execute(earlier, (day,)).fetchone()
        (severity,) = conn.execute(
            "SELECT CASE severity WHEN 'critical' THEN 'low' ELSE 'critical' END"
            " FROM complaints WHERE id = ?",
            (case_id,),
        ).fetchone()
        conn.execute(  # noon of the last day in Shanghai: touched then, so bundled again
            "UPDATE complaints SET severity = ?, updated_at = ? WHERE id = ?",
            (severity, f"{day}T04:00:00Z", case_id),
        )
        gone = conn.execute(
            "SELECT id FROM complaint_updates WHERE substr(at, 1, 10) <= ? ORDER BY at DESC",
            (day,),
        ).fetchone()
        assert gone is not None
        conn.execute("DELETE FROM complaint_updates WHERE id = ?", gone)
    store = open_store(copy, wall_clock())
    try:
        reissued = write_bundle(store, estate.last, tmp_path / "again")
    finally:
        store.close()
    assert ingest([reissued], warehouse).replaced == 1
    same()
    held = warehouse.query("SELECT severity FROM complaints_now WHERE id = ?", (case_id,))
    assert held == [(severity,)]


def unreadable(bundle: Path, into: Path) -> Path:
    """A copy of the bundle whose arrivals' pages do not read while its footer does, with
    the manifest's digest made to match (as a tablet that wrote a bad file would send it):
    it passes the check, and only loading it finds the fault."""
    import hashlib

    copy = into / bundle.name
    shutil.copytree(bundle, copy)
    path = copy / "arrivals.parquet"
    data = bytearray(path.read_bytes())
    start, end = 8, len(data) // 2  # past the magic, short of the footer at the end
    data[start:end] = bytes([0xA5]) * (end - start)
    path.write_bytes(bytes(data))
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["tables"]["arrivals"]["sha256"] = hashlib.sha256(bytes(data)).hexdigest()
    (copy / "manifest.json").write_text(json.dumps(manifest))
    return copy


def test_a_bundle_whose_pages_do_not_read_is_refused_the_rest_load(
    estate: Estate, warehouse: Warehouse, tmp_path: Path
) -> None:  # covers: R6.6
    bad = unreadable(estate.of("B02")[0].bundles[1], tmp_path)
    good = [b for b in estate.bundles if b.name != bad.name]
    summary = ingest([*good[:3], bad, *good[3:]], warehouse)  # one batch, the bad one inside
    assert [(r.folder.name, r.reason_key) for r in summary.refused] == [(bad.name, "not_loaded")]
    assert summary.refused[0].params["detail"]
    assert (summary.loaded, summary.rows) == (len(good), sum(manifest_rows(good).values()))
    held = counts(warehouse)
    assert held["bundles"] == len(good)
    assert {t.name: held[t.name] for t in row_tables()} == manifest_rows(good)


def test_a_referral_past_its_own_deadline_is_overdue_at_head_office_too(
    estate: Estate, warehouse: Warehouse, tmp_path: Path
) -> None:  # covers: R6.6, R4.4
    """A regulator's referral undecided past its letter's deadline (the 15 days still
    running) is overdue in the branch's own report and in head office's alike."""
    from lobby_tui.content import complaint_catalogue
    from lobby_tui.domain.complaints import Intake
    from lobby_tui.services.bundle import write_bundle
    from lobby_tui.services.complaints import take_complaint
    from lobby_tui.services.settings import load_settings
    from lobby_tui.store import FixedClock, open_store, wall_clock

    (tablet,) = estate.of("A01")
    copy = tmp_path / "tablet.db"
    shutil.copy(tablet.db, copy)
    day = estate.last.isoformat()
    regulator_due = (estate.last + timedelta(days=15)).isoformat()  # still running
    # The case is taken here, on the last day, not hoped for from the demo's random draw.
    morning = datetime.combine(estate.last, dtime(1, 0), UTC)  # 09:00 in Shanghai
    store = open_store(copy, FixedClock(morning))
    try:
        taken = Intake(
            received_at=morning, via="in_person", category="waiting_time", severity="medium",
            description="Queued an hour", subject="Waiting",
        )  # fmt: skip
        case_id, _case = take_complaint(
            store, load_settings(store), complaint_catalogue(), taken, shift_id=None
        )
    finally:
        store.close()
    with sqlite3.connect(copy) as conn:
        conn.execute(  # received that morning, the letter's deadline that noon, undecided
            "UPDATE complaints SET received_via = 'nfra_12378', referral_ref = '12378-1',"
            " business_day = ?, received_at = ?, referral_due_at = ?, decision_due_at = ?,"
            " promised_by = NULL, status = 'new', outcome = NULL, resolved_at = NULL,"
            " closed_at = NULL, updated_at = ? WHERE id = ?",
            (day, f"{day}T01:00:00Z", f"{day}T04:00:00Z", f"{regulator_due}T01:00:00Z",
             f"{day}T04:30:00Z", case_id),
        )  # fmt: skip
        conn.execute(
            "DELETE FROM complaint_updates WHERE complaint_id = ? AND to_status IS NOT NULL",
            (case_id,),
        )
    store = open_store(copy, wall_clock())
    try:  # every day's bundle again, from the copy
        days = [
            estate.first + timedelta(days=n) for n in range((estate.last - estate.first).days + 1)
        ]
        reissued = [write_bundle(store, d, tmp_path / "again") for d in days]
    finally:
        store.close()
    ingest(reissued, warehouse)
    made = network_report(warehouse, estate.first, estate.last, "en")
    ours = made.branches[0].to_json_dict()["complaints"]
    theirs = branch_json(copy, estate)["complaints"]
    assert ours["overdue"] == theirs["overdue"] >= 1
    assert (ours["open"], ours["received"]) == (theirs["open"], theirs["received"])


def test_a_warehouse_from_before_a_new_column_gets_it(
    estate: Estate, target: str
) -> None:  # covers: R6.6
    wh = open_warehouse(target)
    try:
        ingest(estate.bundles, wh)
        before = network_report(wh, estate.first, estate.last, "en").to_json_dict()
        for table in ("complaints", "complaints_now"):
            wh.query(f'ALTER TABLE "{table}" DROP COLUMN referral_due_at')
    finally:
        wh.close()
    wh = open_warehouse(target)
    try:
        again = ingest(estate.bundles, wh)  # creates the schema: the column comes back
        assert again.unchanged == len(estate.bundles)
        held = wh.query('SELECT count(referral_due_at), count(*) FROM "complaints"')
        assert held[0][1] > 0 and held[0][0] == 0  # the rows held before: NULL there
        after = network_report(wh, estate.first, estate.last, "en").to_json_dict()
        assert (
            after["network"]["complaints"]["received"]
            == before["network"]["complaints"]["received"]
        )
    finally:
        wh.close()
