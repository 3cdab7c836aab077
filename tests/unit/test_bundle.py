"""Day bundles for head office (issue 18): what leaves the tablet, and the checks that make
head office believe it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from lobby_tui.demo.history import write_history
from lobby_tui.demo.morning import write_demo_morning
from lobby_tui.domain.bundle import (
    ALLOWED,
    CASE_TABLES,
    DAY_TABLES,
    FORMAT,
    BundleRefused,
    Chain,
    chain_problem,
    manifest_from_json,
    open_day_reason,
)
from lobby_tui.domain.day import business_day, day_bounds_utc
from lobby_tui.domain.privacy import PERSONAL
from lobby_tui.services.bundle import (
    check_bundle,
    offline_duckdb,
    read_manifest,
    tablet_id,
    write_bundle,
)
from lobby_tui.services.settings import load_settings, save_setting
from lobby_tui.services.shift import hand_over, open_shift_today
from lobby_tui.store import FixedClock, Store, StoreError, open_store, parse_iso
from lobby_tui.store.migrations import SCHEMA_VERSION
from tests.helpers.bundles import leaks, parquet_rows, personal_values
from tests.helpers.floor import settle_the_queue

DAY = date(2026, 11, 28)
MORNING = datetime(2026, 11, 28, 2, 30, tzinfo=UTC)  # 10:30 in Shanghai
NEXT_MORNING = MORNING + timedelta(days=1)


@dataclass
class Tablet:
    store: Store
    clock: FixedClock


def _tablet(path: Path, seed: int = 7, history: int = 2) -> Tablet:
    """A demo morning on DAY (through the services: a real journal) and `history` days of
    synthetic history before it; the branch code set; the clock the next morning."""
    clock = FixedClock(MORNING)
    store = open_store(path, clock)
    settings = load_settings(store)
    write_demo_morning(store, settings, DAY, seed=seed, past_complaints=not history)
    if history:
        write_history(store, settings, DAY, days=history, per_day=120, seed=seed)
    save_setting(store, "branch_id", "0101")
    clock.set(NEXT_MORNING)
    return Tablet(store, clock)


@pytest.fixture
def tablet(tmp_path: Path) -> Iterator[Tablet]:
    made = _tablet(tmp_path / "lobby.db")
    yield made
    made.store.close()


# The allow-list -----------------------------------------------------------------------------


def test_the_allow_list_holds_no_personal_field_and_only_real_columns(store: Store) -> None:
    # covers: R6.6
    for table, columns in ALLOWED.items():
        real = {r[1] for r in store.query(f"PRAGMA table_info({table})")}
        assert real, table
        names = {c.name for c in columns}
        assert not names & set(PERSONAL.get(table, ())), table
        # No names and no free text: those columns exist, and stay on the tablet.
        assert not names & {"note", "description", "payload", "script", "label", "who",
                            "opened_by", "closed_by", "owner", "extended_by", "flags",
                            "cues", "customer_name", "customer_phone", "wants"}, table  # fmt: skip
        for column in columns:
            if column.sql == column.name:
                assert column.name in real, (table, column.name)
            else:  # a number taken out of a payload, never the payload itself
                assert "payload" in column.sql and column.name not in real
    assert "staff" not in ALLOWED and "drafts" not in ALLOWED and "journal_key" not in ALLOWED


# Pure rules ---------------------------------------------------------------------------------


def test_which_day_can_be_bundled() -> None:  # covers: R6.6
    today = date(2026, 11, 28)
    assert open_day_reason(today - timedelta(days=1), today, 1, 0) is None  # past: closed
    assert open_day_reason(today, today, 1, 0) == "day_open"
    assert open_day_reason(today, today, 0, 0) == "day_open"  # nothing happened yet
    assert open_day_reason(today, today, 1, 2) == "day_open"  # a shift still open
    assert open_day_reason(today, today, 0, 2) is None  # the last handover done
    assert open_day_reason(today + timedelta(days=1), today, 0, 0) == "future_day"


def test_chain_links_checked() -> None:  # covers: R6.6
    events = [(5, "a", "b"), (6, "b", "c"), (7, "c", "d")]
    assert chain_problem(events, Chain("d", "a", 3)) is None
    assert chain_problem(events, Chain("d", "a", 2)) == ("chain_count",
                                                        {"found": 3, "expected": 2})  # fmt: skip
    assert chain_problem(events, Chain("d", "x", 3)) == ("chain_first", {"seq": 5})
    assert chain_problem([events[0], (6, "z", "c"), events[2]], Chain("d", "a", 3)) == (
        "chain_link", {"seq": 6})  # fmt: skip
    assert chain_problem([events[0], events[2]], Chain("d", "a", 2)) == ("chain_link", {"seq": 7})
    assert chain_problem(events, Chain("e", "a", 3)) == ("chain_head", {"seq": 7})
    assert chain_problem([], Chain("d", None, 0)) is None  # a day without events


def test_a_manifest_of_another_format_is_refused() -> None:  # covers: R6.6
    with pytest.raises(BundleRefused) as refused:
        manifest_from_json({"format": "lobby-bundle/9"})
    assert refused.value.reason_key == "unknown_format"
    with pytest.raises(BundleRefused) as refused:
        manifest_from_json({"format": FORMAT, "branch_id": "0101"})
    assert refused.value.reason_key == "bad_manifest"


# A demo day's bundle ------------------------------------------------------------------------


def _sqlite_counts(store: Store, day: date) -> dict[str, int]:
    """The day's rows counted straight from SQLite, table by table (the rules of the
    contract written out again, not the service's queries)."""
    start, end = (t.strftime("%Y-%m-%dT%H:%M:%SZ") for t in day_bounds_utc(day, _zone(store)))
    d = day.isoformat()

    def n(sql: str, *params: str) -> int:
        row = store.query_one(sql, params)
        assert row is not None
        return int(row[0])

    counts = {
        t: n(f"SELECT count(*) FROM {t} WHERE business_day = ?", d)
        for t in (
            "shifts",
            "checklist_runs",
            "arrivals",
            "rounds",
            "appointments",
            "cash_movements",
            "counter_plans",
            "enquiries",
            "reminders",
        )  # fmt: skip
    }
    counts["checklist_answers"] = n(
        "SELECT count(*) FROM checklist_answers a JOIN checklist_runs r ON r.id = a.run_id"
        " WHERE r.business_day = ?", d)  # fmt: skip
    counts["tasks"] = n("SELECT count(*) FROM tasks WHERE created_at >= ? AND created_at < ?",
                        start, end)  # fmt: skip
    counts["care_actions"] = n("SELECT count(*) FROM care_actions WHERE at >= ? AND at < ?",
                               start, end)  # fmt: skip
    touched = (
        "SELECT c.id FROM complaints c WHERE c.business_day = ? OR c.updated_at BETWEEN ? AND ?"
        " OR EXISTS (SELECT 1 FROM complaint_updates u WHERE u.complaint_id = c.id"
        " AND u.at >= ? AND u.at < ?)"
    )
    p = (d, start, end, start, end)
    counts["complaints"] = n(f"SELECT count(*) FROM ({touched})", *p)
    counts["complaint_updates"] = n(
        f"SELECT count(*) FROM complaint_updates WHERE complaint_id IN ({touched})", *p
    )
    incidents = (
        "SELECT i.id FROM incidents i WHERE i.business_day = ? OR i.resolved_at BETWEEN ? AND ?"
        " OR EXISTS (SELECT 1 FROM incident_updates u WHERE u.incident_id = i.id"
        " AND u.at >= ? AND u.at < ?)"
    )
    counts["incidents"] = n(f"SELECT count(*) FROM ({incidents})", *p)
    counts["incident_updates"] = n(
        f"SELECT count(*) FROM incident_updates WHERE incident_id IN ({incidents})", *p
    )
    counts["events"] = n("SELECT count(*) FROM events WHERE at >= ? AND at < ?", start, end)
    return counts


def _zone(store: Store) -> Any:
    return load_settings(store).timezone


def test_a_demo_day_bundle_counts_digests_and_chain(tablet: Tablet) -> None:  # covers: R6.6
    store = tablet.store
    folder = write_bundle(store, DAY)
    assert folder.parent == store.path.parent / "bundles"
    assert folder.name == f"lobby-0101-2026-11-28-{tablet_id(store)[:8]}"
    assert folder.stat().st_mode & 0o777 == 0o700
    assert folder.parent.stat().st_mode & 0o777 == 0o700
    assert all(f.stat().st_mode & 0o777 == 0o600 for f in folder.iterdir())
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no leftovers

    manifest = check_bundle(folder)
    assert manifest == read_manifest(folder)
    assert manifest.branch_id == "0101" and manifest.business_day == DAY
    assert manifest.branch_name == {"zh_CN": "示范支行", "en": "Demo Branch"}
    assert manifest.schema_version == SCHEMA_VERSION and manifest.zone == "Asia/Shanghai"
    assert manifest.settings["red_min"] == 15 and "cash_withdrawal" in manifest.settings[
        "machine_needs"]  # fmt: skip
    assert set(manifest.tables) == set(DAY_TABLES) | set(CASE_TABLES) | {"events"}

    expected = _sqlite_counts(store, DAY)
    assert expected["arrivals"] > 20 and expected["events"] > 50  # a real day, not an empty one
    for table, entry in manifest.tables.items():
        rows = parquet_rows(folder / f"{table}.parquet")
        assert entry.rows == len(rows) == expected[table], table
        assert entry.columns == tuple(c.name for c in ALLOWED[table])
    arrivals = {r["id"] for r in parquet_rows(folder / "arrivals.parquet")}
    assert arrivals == {r[0] for r in store.query(
        "SELECT id FROM arrivals WHERE business_day = ?", (DAY.isoformat(),))}  # fmt: skip

    # The chain: the journal's last hash at the day's end, the day's events linked up to it.
    start, end = (t.strftime("%Y-%m-%dT%H:%M:%SZ") for t in day_bounds_utc(DAY, _zone(store)))
    last = store.query_one("SELECT hash FROM events WHERE at < ? ORDER BY seq DESC LIMIT 1",
                           (end,))  # fmt: skip
    before = store.query_one("SELECT hash FROM events WHERE at < ? ORDER BY seq DESC LIMIT 1",
                             (start,))  # fmt: skip
    assert last is not None
    assert manifest.chain.head == last[0]
    tip = store.query_one("SELECT hash FROM events ORDER BY seq DESC LIMIT 1")
    assert tip is not None and tip[0] != last[0]  # the next morning wrote on: not in the day
    # The demo morning's first event is the journal's first: it follows the genesis hash.
    assert manifest.chain.first_prev == (before[0] if before else "0" * 64)
    events = parquet_rows(folder / "events.parquet")
    assert events[-1]["hash"] == manifest.chain.head
    assert set(events[0]) == {"seq", "id", "at", "kind", "entity", "entity_id", "prev_hash",
                              "hash"}  # no payload, no actor  # fmt: skip


def test_callback_answers_leave_as_numbers_only(tmp_path: Path) -> None:
    # covers: R6.6, R4.6
    made = _tablet(tmp_path / "lobby.db", history=12)  # long enough for callbacks to fall due
    store = made.store
    try:
        # The history's callbacks reached their customer; one that did not is made here, as
        # the manager records it, so both kinds of answer go through the bundle.
        from lobby_tui.services.complaints.lifecycle import record_callback

        waiting = store.query("SELECT id FROM complaints WHERE status = 'resolved' LIMIT 1")
        assert waiting, "the history leaves a resolved complaint waiting for its callback"
        record_callback(store, waiting[0][0], reached=False, solved=None, satisfaction=None)
        made.clock.set(NEXT_MORNING + timedelta(days=1))  # that day closed: it may leave
        said = {r[0]: (r[1], json.loads(r[2])) for r in store.query(
            "SELECT id, at, payload FROM complaint_updates WHERE kind = 'callback'")}  # fmt: skip
        assert {p.get("reached") for _at, p in said.values()} == {True, False}
        days = {business_day(parse_iso(at), _zone(store)) for at, _p in said.values()}
        callbacks = [
            u
            for day in days
            for u in parquet_rows(write_bundle(store, day) / "complaint_updates.parquet")
            if u["kind"] == "callback"
        ]
    finally:
        store.close()
    assert {u["id"] for u in callbacks} == set(said)
    for update in callbacks:
        payload = said[update["id"]][1]
        assert update["reached"] == (1 if payload.get("reached") is True else 0)
        assert update["satisfaction"] == payload.get("satisfaction")


def test_no_personal_data_in_any_file(tablet: Tablet) -> None:  # covers: R6.6, R6.5
    store = tablet.store
    personal = personal_values(store)
    customers = {r[0] for r in store.query("SELECT customer_name FROM complaints")}
    phones = {r[0] for r in store.query("SELECT customer_phone FROM complaints") if r[0]}
    assert customers and phones and personal >= phones  # the scan has something to find
    for day in (DAY, DAY - timedelta(days=1)):
        assert leaks(write_bundle(store, day), personal) == set()


def test_the_scan_finds_a_name_put_on_the_allow_list(
    tablet: Tablet, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The scan above can fail: a personal column added to the allow-list is found at once.
    from lobby_tui.domain import bundle as rules
    from lobby_tui.services import bundle as service

    leaky = {**rules.CASE_TABLES}
    leaky["complaints"] = (*leaky["complaints"], rules.Column("customer_phone", "customer_phone"))
    monkeypatch.setattr(service, "CASE_TABLES", leaky)
    folder = write_bundle(tablet.store, DAY)
    assert leaks(folder, personal_values(tablet.store))
    # …and head office refuses such a bundle outright.
    with pytest.raises(BundleRefused) as refused:
        check_bundle(folder)
    assert refused.value.reason_key == "column_not_allowed"


# Refusals -----------------------------------------------------------------------------------


def _edit_manifest(folder: Path, change: Any) -> None:
    path = folder / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def bundle(tablet: Tablet) -> Path:
    return write_bundle(tablet.store, DAY)


def _refused(folder: Path) -> BundleRefused:
    with pytest.raises(BundleRefused) as refused:
        check_bundle(folder)
    return refused.value


def test_a_tampered_file_is_refused(bundle: Path) -> None:  # covers: R6.6
    file = bundle / "arrivals.parquet"
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    file.write_bytes(bytes(data))
    refused = _refused(bundle)
    assert (refused.reason_key, refused.params) == ("digest", {"table": "arrivals"})


def test_a_changed_manifest_is_refused(bundle: Path) -> None:  # covers: R6.6
    _edit_manifest(bundle, lambda m: m["tables"]["arrivals"].update(rows=3))
    refused = _refused(bundle)
    assert refused.reason_key == "rows" and refused.params["expected"] == 3


def test_a_missing_or_extra_file_or_unknown_format_is_refused(bundle: Path) -> None:
    # covers: R6.6
    (bundle / "notes.txt").write_text("hello", encoding="utf-8")
    assert (_refused(bundle).reason_key, _refused(bundle).params) == (
        "extra_file", {"file": "notes.txt"})  # fmt: skip
    (bundle / "notes.txt").unlink()
    (bundle / "rounds.parquet").unlink()
    assert _refused(bundle).params == {"file": "rounds.parquet"}
    _edit_manifest(bundle, lambda m: m.update(format="lobby-bundle/2"))
    assert _refused(bundle).reason_key == "unknown_format"
    shutil.rmtree(bundle)
    assert _refused(bundle).reason_key == "not_a_bundle"


def test_a_broken_chain_is_refused(bundle: Path) -> None:  # covers: R6.6
    # An event's hash changed, and the file's digest made to match: only the links tell.
    events = bundle / "events.parquet"
    rows = parquet_rows(events)
    middle = rows[len(rows) // 2]["seq"]
    duck = offline_duckdb()
    try:
        duck.execute(
            "COPY (SELECT * REPLACE (CASE WHEN seq = ? THEN repeat('0', 64) ELSE hash END AS"
            f" hash) FROM read_parquet('{events}') ORDER BY seq) TO '{events}.new'"
            " (FORMAT parquet)",
            [middle],
        )
    finally:
        duck.close()
    Path(f"{events}.new").replace(events)
    _edit_manifest(bundle, lambda m: m["tables"]["events"].update(sha256=_sha(events)))
    refused = _refused(bundle)
    assert (refused.reason_key, refused.params) == ("chain_link", {"seq": middle + 1})


def test_a_head_that_is_not_the_days_last_event_is_refused(bundle: Path) -> None:
    # covers: R6.6
    _edit_manifest(bundle, lambda m: m["chain"].update(head="f" * 64))
    assert _refused(bundle).reason_key == "chain_head"


# Which day, which branch, which tablet --------------------------------------------------------


def test_an_open_day_is_refused_and_nothing_written(tmp_path: Path) -> None:  # covers: R6.6
    clock = FixedClock(MORNING)
    store = open_store(tmp_path / "lobby.db", clock)
    try:
        settings = load_settings(store)
        write_demo_morning(store, settings, DAY)
        save_setting(store, "branch_id", "0101")
        with pytest.raises(StoreError) as refused:
            write_bundle(store, DAY, tmp_path / "out")
        assert (refused.value.key, refused.value.params) == ("bundle.day_open",
                                                            {"day": "2026-11-28"})  # fmt: skip
        with pytest.raises(StoreError) as refused:
            write_bundle(store, DAY + timedelta(days=1), tmp_path / "out")
        assert refused.value.key == "bundle.future_day"
        assert not (tmp_path / "out").exists()
        # The day's last handover after closing time closes it: today can be bundled.
        shift = open_shift_today(store, settings)
        clock.set(MORNING + timedelta(hours=8))  # 18:30
        settle_the_queue(store, DAY)
        assert hand_over(store, settings, shift.id, "王明", "") is None
        folder = write_bundle(store, DAY, tmp_path / "out")
        assert check_bundle(folder).chain.events > 0
    finally:
        store.close()


def test_no_branch_id_says_how_to_set_it(tmp_path: Path) -> None:  # covers: R6.6
    from lobby_tui.i18n import set_language, t

    clock = FixedClock(NEXT_MORNING)
    store = open_store(tmp_path / "lobby.db", clock)
    try:
        with pytest.raises(StoreError) as refused:
            write_bundle(store, DAY, tmp_path / "out")
        assert refused.value.key == "bundle.no_branch"
        assert str(refused.value.params["path"]).endswith("settings.toml")
        assert not (tmp_path / "out").exists()
        assert store.settings().get("tablet_id") is None  # nothing written at all
        for lang, words in (("en", 'branch_id = "0101"'), ("zh", 'branch_id = "0101"')):
            set_language(lang)
            assert words in t("error.bundle.no_branch", path="/x/settings.toml")
    finally:
        store.close()


def test_a_rebundled_day_replaces_the_earlier_folder(tablet: Tablet) -> None:  # covers: R6.6
    first = write_bundle(tablet.store, DAY)
    created = read_manifest(first).created_at
    tablet.clock.set(NEXT_MORNING + timedelta(hours=1))
    again = write_bundle(tablet.store, DAY)
    assert again == first and read_manifest(again).created_at != created
    assert [p.name for p in again.parent.iterdir()] == [again.name]
    check_bundle(again)


def test_two_tablets_of_one_branch_never_collide(tmp_path: Path) -> None:  # covers: R6.6
    a = _tablet(tmp_path / "a.db", seed=7, history=0)
    b = _tablet(tmp_path / "b.db", seed=8, history=0)
    try:
        out = tmp_path / "bundles"
        one, two = write_bundle(a.store, DAY, out), write_bundle(b.store, DAY, out)
    finally:
        a.store.close()
        b.store.close()
    first, second = check_bundle(one), check_bundle(two)
    assert first.branch_id == second.branch_id == "0101"
    assert first.tablet_id != second.tablet_id and one != two
    for table in first.tables:
        ids_one = {r["id"] for r in parquet_rows(one / f"{table}.parquet")}
        ids_two = {r["id"] for r in parquet_rows(two / f"{table}.parquet")}
        assert not ids_one & ids_two, table


def test_the_tablet_id_is_made_once(tablet: Tablet) -> None:  # covers: R6.6
    made = tablet_id(tablet.store)
    assert made == tablet_id(tablet.store) == tablet.store.settings()["tablet_id"]
    assert read_manifest(write_bundle(tablet.store, DAY)).tablet_id == made


def test_a_value_that_does_not_fit_its_column_fails_cleanly(tablet: Tablet) -> None:
    # covers: R6.6 — a hand-edited row (text where seconds belong): said, nothing left behind
    store = tablet.store
    store.conn.execute(
        "UPDATE arrivals SET triage_seconds = 'slow' WHERE id = (SELECT id FROM arrivals"
        " WHERE business_day = ? LIMIT 1)",
        (DAY.isoformat(),),
    )
    out = store.path.parent / "bundles"
    with pytest.raises(StoreError) as failed:
        write_bundle(store, DAY, out)
    assert failed.value.key == "bundle.write_failed"
    assert list(out.iterdir()) == []


def test_columns_keep_their_types_for_the_engine(bundle: Path) -> None:  # covers: R6.6
    duck = offline_duckdb()
    try:
        types = {
            table: dict(
                (r[0], r[1])
                for r in duck.execute(
                    "SELECT name, type FROM parquet_schema(?) WHERE type IS NOT NULL",
                    [str(bundle / f"{table}.parquet")],
                ).fetchall()
            )
            for table in ("arrivals", "complaint_updates", "incidents")
        }
    finally:
        duck.close()
    assert types["arrivals"]["triage_seconds"] == "DOUBLE"
    assert types["arrivals"]["quoted_wait_min"] == "INT64"
    assert types["arrivals"]["arrived_at"] == "BYTE_ARRAY"  # text: ISO instants, as stored
    assert types["complaint_updates"]["reached"] == "INT64"
    assert types["incidents"]["type"] == "BYTE_ARRAY"


def test_duckdb_never_fetches_an_extension() -> None:  # covers: R6.6 — offline at run time
    duck = offline_duckdb()
    try:
        for name in ("autoinstall_known_extensions", "autoload_known_extensions"):
            row = duck.execute(f"SELECT current_setting('{name}')").fetchone()
            assert row is not None and row[0] is False, name
        # Parquet and JSON are built in: both work with install and load off.
        loaded = {r[0] for r in duck.execute(
            "SELECT extension_name FROM duckdb_extensions() WHERE loaded").fetchall()}  # fmt: skip
        assert {"parquet", "json"} <= loaded
    finally:
        duck.close()
