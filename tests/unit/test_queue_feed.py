"""The branch's own ticket machine feeds in (R2.12, issue 28): a vendor's log read through
the mapping — imported, imported again (nothing changes), followed across a rotation, a bad
line refused with its number, a triaged ticket joined to the machine's, a ticket nobody
triaged still a walk-in — and the day's report the same as the day keyed by hand."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lobby_tui.cli import cli
from lobby_tui.domain.queue_feed import FeedError, FeedMapping, mapping_from, read_line
from lobby_tui.domain.settings import Settings
from lobby_tui.i18n import set_language, t
from lobby_tui.services import counter
from lobby_tui.services import queue_feed as feed
from lobby_tui.services.arrivals import NewArrival, record_arrival
from lobby_tui.services.report import day_report
from lobby_tui.store import FixedClock, Store, open_store

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "queue_feed"
DAY = date(2026, 11, 28)  # the samples' day, and the `clock` fixture's
ROW = ("ticket, status, channel, need, window_no, arrived_at, called_at, done_at, left_at,"
       " no_show, source")  # fmt: skip


def vendor_a() -> FeedMapping:
    return feed.load_mapping()  # data/queue_feed.toml: Chinese columns, local times


def vendor_b() -> FeedMapping:
    return feed.load_mapping(SAMPLES / "vendor_b.toml")  # JSON Lines, UTC, windows "W01"


def rows(store: Store) -> list[tuple[Any, ...]]:
    return store.rows(f"SELECT {ROW} FROM arrivals WHERE business_day = ? ORDER BY ticket",
                      (DAY.isoformat(),))  # fmt: skip


def events(store: Store) -> int:
    return int(store.rows("SELECT count(*) FROM events")[0][0])


def utc(hh_mm_ss: str) -> str:
    """09:03:00 in Shanghai on DAY as stored (UTC)."""
    local = datetime.fromisoformat(f"{DAY}T{hh_mm_ss}+08:00")
    return local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_days_csv_with_chinese_columns_and_local_times(
    store: Store, settings: Settings
) -> None:  # covers: R2.12
    result = feed.import_file(store, SAMPLES / "vendor_a.csv", vendor_a(), settings.timezone)
    assert (result.added, result.joined, result.updated) == (8, 0, 0)
    [(line, refused)] = result.refused
    assert line == 8 and refused.key == "feed.bad_time"  # A004's called time: the 8th line
    assert (
        t(refused.key, **refused.params)
        == "叫号时间: 'not a time' is not a time in the mapping's format"
    )
    got = {r[0]: r[1:] for r in rows(store)}
    assert "A004" not in got  # nothing of a refused line
    assert got["A001"] == ("done", "cash", "cash_withdrawal", 1, utc("09:01:10"), utc("09:03:00"),
                           utc("09:09:00"), None, None, "machine")  # fmt: skip
    assert got["A003"][:4] == ("left", "cash", "cash_withdrawal", 2) and got["A003"][8] == 1
    assert got["B002"][:2] == ("waiting", "non_cash")  # issued, not yet called
    assert got["B003"][:4] == ("called", "non_cash", "transfer", 5)
    assert got["V001"][1] == "priority" and got["W001"][3] == 8
    started = store.rows("SELECT started_at FROM arrivals WHERE ticket = 'A001'")[0][0]
    assert started == utc("09:03:40")


def test_the_same_file_twice_changes_nothing(store: Store, settings: Settings) -> None:
    # covers: R2.12
    path = SAMPLES / "vendor_a.csv"
    feed.import_file(store, path, vendor_a(), settings.timezone)
    before, journal = rows(store), events(store)
    again = feed.import_file(store, path, vendor_a(), settings.timezone)
    assert (again.added, again.joined, again.updated, again.unchanged) == (0, 0, 0, 8)
    assert rows(store) == before and events(store) == journal  # not one event more


def test_two_vendors_shapes_of_one_day_give_the_same_walk_ins(
    tmp_path: Path, clock: FixedClock, settings: Settings
) -> None:  # covers: R2.12
    stores = [open_store(tmp_path / f"{name}.db", clock) for name in ("a", "b")]
    try:
        feed.import_file(stores[0], SAMPLES / "vendor_a.csv", vendor_a(), settings.timezone)
        result = feed.import_file(stores[1], SAMPLES / "vendor_b.jsonl", vendor_b(),
                                  settings.timezone)  # fmt: skip
        assert [line for line, _ in result.refused] == [9]  # "this line is not JSON"
        assert result.added == 8 and result.updated >= 4  # a ticket over many lines
        assert rows(stores[0]) == rows(stores[1])
    finally:
        for store in stores:
            store.close()


def test_a_ticket_triaged_then_called_is_one_walk_in(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R2.12
    clock.set(datetime.fromisoformat(f"{DAY}T09:00:40+08:00"))
    triaged = NewArrival(None, DAY.isoformat(), "cash_deposit", "cash", "A", ticket="A001",
                         quoted_band="lt5", quoted_wait_min=3)  # fmt: skip
    record_arrival(store, triaged)
    clock.set(datetime.fromisoformat(f"{DAY}T10:30:00+08:00"))
    result = feed.import_file(store, SAMPLES / "vendor_a.csv", vendor_a(), settings.timezone)
    assert (result.added, result.joined) == (7, 1)
    got = {r[0]: r[1:] for r in rows(store)}
    # The manager's need and band stay; the machine's call and service times join them.
    assert got["A001"][:4] == ("done", "cash", "cash_deposit", 1) and got["A001"][-1] is None
    assert store.rows("SELECT count(*) FROM arrivals WHERE ticket = 'A001'")[0][0] == 1
    figures = day_report(store, settings, DAY, "en").to_json_dict()["arrivals"]
    assert figures["sources"] == {"triaged": 1, "joined": 1, "machine_only": 7}
    assert figures["total"] == 8


def test_a_number_triaged_long_before_is_another_customer(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R2.12
    clock.set(datetime.fromisoformat(f"{DAY}T08:30:00+08:00"))
    record_arrival(store, NewArrival(None, DAY.isoformat(), "cash_deposit", "cash", "A",
                                     ticket="A002"))  # fmt: skip
    result = feed.import_file(store, SAMPLES / "vendor_a.csv", vendor_a(), settings.timezone)
    clash = [(line, e.key, e.params) for line, e in result.refused if e.key == "feed.ticket_clash"]
    assert clash == [(3, "feed.ticket_clash", {"ticket": "A002", "at": "08:30", "minutes": 15})]
    assert store.rows("SELECT status FROM arrivals WHERE ticket = 'A002'")[0][0] == "waiting"


def test_a_line_that_fails_halfway_leaves_nothing_of_itself(
    store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:  # covers: R2.12
    real = feed._progress

    def failing(uow: Any, row: Any, line: Any) -> bool:
        if line.ticket == "B001":  # after its walk-in and event were written
            raise FeedError("feed.called_without_window")
        return real(uow, row, line)

    monkeypatch.setattr(feed, "_progress", failing)
    result = feed.import_file(store, SAMPLES / "vendor_a.csv", vendor_a(), settings.timezone)
    assert sorted(line for line, _ in result.refused) == [4, 8]
    assert "B001" not in {r[0] for r in rows(store)} and result.added == 7
    issued = store.rows("SELECT payload FROM events WHERE kind = 'arrival.issued'")
    assert len(issued) == 7 and not any('"B001"' in str(p) for (p,) in issued)


def test_following_a_log_across_a_rotation_and_a_truncation(
    tmp_path: Path, store: Store, settings: Settings
) -> None:  # covers: R2.12
    lines = (SAMPLES / "vendor_a.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    log = tmp_path / "calls.csv"
    follower = feed.Follower(log, vendor_a())
    seen: list[tuple[int, Any]] = []

    def look() -> list[int]:
        lines = follower.look()
        seen.extend(lines)
        return [n for n, _ in lines]

    assert look() == []  # no log yet
    log.write_text(header + body[0] + body[1][:10], encoding="utf-8")  # a line half-written
    assert look() == [2]
    with log.open("a", encoding="utf-8") as fh:
        fh.write(body[1][10:] + body[2])
    assert look() == [3, 4]
    with log.open("a", encoding="utf-8") as fh:  # written just before the machine rotates
        fh.write(body[3])
    log.rename(tmp_path / "calls.csv.1")
    assert look() == [5]  # the old file's last line, before the new one appears
    log.write_text(header + body[4] + body[5], encoding="utf-8")
    assert look() == [2, 3]  # the new file from its start
    log.write_text(header + body[6] + body[0], encoding="utf-8")  # truncated, written again
    assert look() == [2, 3]
    follower.close()
    result = feed.apply_lines(store, vendor_a(), settings.timezone, seen)
    assert {r[0] for r in rows(store)} == {"A001", "A002", "B001", "V001", "A003", "B002"}
    assert [e.key for _, e in result.refused] == ["feed.bad_time"]  # A004
    assert (result.added, result.unchanged) == (6, 1)  # A001 read again after the truncation


def test_the_day_keyed_by_hand_and_the_day_from_the_machine_report_alike(
    tmp_path: Path, settings: Settings
) -> None:  # covers: R2.12
    log = [  # ticket, queue, issued, called, window, served to (None: a no-show)
        ("A001", "A", "09:01:00", "09:03:00", 1, "09:09:00"),
        ("A002", "A", "09:02:00", "09:10:00", 1, "09:15:00"),
        ("B001", "B", "09:04:00", "09:05:00", 4, "09:20:00"),
        ("A003", "A", "09:08:00", "09:16:00", 2, None),
        ("B002", "B", "09:09:00", "09:40:00", 5, "09:50:00"),
    ]
    shanghai = datetime.fromisoformat(f"{DAY}T09:00:00+08:00").tzinfo
    at = {text: datetime.fromisoformat(f"{DAY}T{text}").replace(tzinfo=shanghai)
          for row in log for text in row[2:6:1] if isinstance(text, str)}  # fmt: skip
    moments = sorted(
        [(at[r[2]], "arrive", r) for r in log]
        + [(at[r[3]], "call", r) for r in log]
        + [(at[r[5]] if r[5] else at[r[3]] + timedelta(minutes=2), "end", r) for r in log]
    )
    clock = FixedClock(moments[0][0])
    by_hand = open_store(tmp_path / "hand.db", clock)
    machine = open_store(tmp_path / "machine.db", clock)
    try:
        channel = {"A": ("cash", "cash_withdrawal"), "B": ("non_cash", "transfer")}
        for when, what, (ticket, code, *_rest) in moments:
            clock.set(when)
            number = next(r[4] for r in log if r[0] == ticket)
            if what == "arrive":
                ch, need = channel[code]
                record_arrival(by_hand, NewArrival(None, DAY.isoformat(), need, ch, code,
                                                   ticket=ticket))  # fmt: skip
            elif what == "call":
                arrival = by_hand.rows("SELECT id FROM arrivals WHERE ticket = ?", (ticket,))
                counter.call_to(by_hand, DAY, str(arrival[0][0]), number)
            elif next(r[5] for r in log if r[0] == ticket):
                counter.done(by_hand, DAY, number)
            else:
                counter.recall(by_hand, DAY, number)
                counter.no_show(by_hand, DAY, number)
        csv_log = tmp_path / "day.csv"
        csv_log.write_text(
            "票号,取号时间,业务类型,叫号时间,窗口,开始办理,办结时间,过号,转移至\n"
            + "".join(
                f"{tk},{DAY} {iss},{code},{DAY} {call},{win}号窗口,,"
                f"{f'{DAY} {end}' if end else ''},{'' if end else '是'},\n"
                for tk, code, iss, call, win, end in log
            ),
            encoding="utf-8",
        )
        clock.set(datetime.fromisoformat(f"{DAY}T17:30:00+08:00"))
        feed.import_file(machine, csv_log, vendor_a(), settings.timezone)
        keyed = day_report(by_hand, settings, DAY, "en").to_json_dict()["arrivals"]
        fed = day_report(machine, settings, DAY, "en").to_json_dict()["arrivals"]
        assert keyed.pop("sources") == {"triaged": 5, "joined": 0, "machine_only": 0}
        assert fed.pop("sources") == {"triaged": 0, "joined": 0, "machine_only": 5}
        for figures in (keyed, fed):  # what only the manager's triage can know
            for key in ("triage_seconds_median", "triage_within_target"):
                figures.pop(key)
        assert keyed == fed
        assert (keyed["served"], keyed["walkaways"]) == (4, 1)
    finally:
        by_hand.close()
        machine.close()


# The mapping ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"format": "xml"}, "feed.bad_format"),
        ({"time": {"zone": "Mars/Olympus"}}, "feed.bad_zone"),
        ({"queues": {"A": {"channel": "nowhere", "need": "transfer"}}}, "feed.bad_queue"),
        ({"queues": {"A": {"channel": "cash", "need": "nothing"}}}, "feed.bad_queue_need"),
        ({"queues": {}}, "feed.no_queues"),
        ({"columns": {"ticket": "票号", "queue": "业务类型"}}, "feed.column_missing_in_mapping"),
        ({"columns": {"ticket": "a", "issued_at": "b", "queue": "c", "age": "d"}},
         "feed.unknown_field"),
        ({"windows": {"W1": 0}}, "feed.bad_window_map"),
        ({"match_minutes": -1}, "feed.bad_match_minutes"),
        ({"encoding": "klingon"}, "feed.bad_encoding"),
    ],
)  # fmt: skip
def test_a_bad_mapping_is_refused_with_what_is_wrong(change: dict[str, Any], key: str) -> None:
    # covers: R2.12
    import tomllib

    from lobby_tui.content import data_dir

    raw = tomllib.loads((data_dir() / "queue_feed.toml").read_text(encoding="utf-8"))
    raw.update(change)
    with pytest.raises(FeedError) as refused:
        needs = {"transfer", "cash_withdrawal", "wealth_consultation"}
        mapping_from(raw, {"cash", "non_cash", "priority", "wealth"}, needs)
    assert refused.value.key == key
    assert t(key, **refused.value.params) != key  # said in words


def test_lines_that_cannot_have_happened_are_refused() -> None:  # covers: R2.12
    mapping = vendor_a()
    good = {"票号": "A001", "取号时间": "2026-11-28 09:00:00", "业务类型": "A"}
    assert read_line(good, mapping).issued_at == datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
    for change, key in (
        ({"叫号时间": "2026-11-28 08:59:00", "窗口": "1号窗口"}, "feed.times_out_of_order"),
        ({"叫号时间": "2026-11-28 09:05:00"}, "feed.called_without_window"),
        ({"业务类型": "Z"}, "feed.unknown_queue"),
        ({"票号": ""}, "feed.empty_field"),
        ({"过号": "maybe"}, "feed.bad_flag"),
        ({"叫号时间": "2026-11-28 09:05:00", "窗口": "柜台"}, "feed.unknown_window"),
        ({"叫号时间": "2026-11-28 09:05:00", "窗口": "1", "办结时间": "2026-11-28 09:09:00",
          "过号": "是"}, "feed.served_and_no_show"),
    ):  # fmt: skip
        with pytest.raises(FeedError) as refused:
            read_line({**good, **change}, mapping)
        assert refused.value.key == key, change


def test_a_gb18030_export(tmp_path: Path, store: Store, settings: Settings) -> None:
    # covers: R2.12
    text = (SAMPLES / "vendor_a.csv").read_text(encoding="utf-8")
    exported = tmp_path / "export.csv"
    exported.write_bytes(text.encode("gb18030"))
    utf8 = feed.load_mapping()
    with pytest.raises(Exception) as wrong:
        feed.import_file(store, exported, utf8, settings.timezone)
    assert getattr(wrong.value, "key", "") == "feed.bad_encoding_file"
    mapping = tmp_path / "gb.toml"
    shutil.copy(Path(__file__).resolve().parents[2] / "data" / "queue_feed.toml", mapping)
    mapping.write_text(mapping.read_text(encoding="utf-8").replace(
        'encoding = "utf-8"', 'encoding = "gb18030"'), encoding="utf-8")  # fmt: skip
    result = feed.import_file(store, exported, feed.load_mapping(mapping), settings.timezone)
    assert result.added == 8


# The command line -------------------------------------------------------------------------


def test_lobby_queue_import_says_what_it_did_and_each_refused_line(tmp_path: Path) -> None:
    # covers: R2.12
    db = tmp_path / "lobby.db"
    log = tmp_path / "calls.csv"
    log.write_text(
        (SAMPLES / "vendor_a.csv").read_text(encoding="utf-8").replace("2026-11-28", "2026-12-07"),
        encoding="utf-8",
    )  # the conftest's LOBBY_NOW day
    runner = CliRunner()  # click 8.2+: stderr kept apart, and in .output as well
    first = runner.invoke(cli, ["--lang", "en", "queue", "import", str(log), "--db", str(db)])
    set_language("en")
    assert first.exit_code == 0, first.output
    assert t("cli.queue_done", added=8, joined=0, updated=0, unchanged=0, refused=1) in first.output
    assert first.stderr.startswith("line 8: 叫号时间: 'not a time'")
    again = runner.invoke(cli, ["--lang", "zh", "queue", "import", str(log), "--db", str(db)])
    set_language("zh")
    assert t("cli.queue_done", added=0, joined=0, updated=0, unchanged=8, refused=1) in again.output
    bad = tmp_path / "bad.toml"
    bad.write_text('version = 1\nformat = "xml"\n', encoding="utf-8")
    refused = runner.invoke(cli, ["--lang", "en", "queue", "import", str(log), "--db", str(db),
                                  "--mapping", str(bad)])  # fmt: skip
    set_language("en")
    assert refused.exit_code == 1
    assert str(bad) in refused.output and 'format must be "csv" or "jsonl"' in refused.output


@pytest.mark.dated  # builds demo data on the test day: CI runs it again on other days
def test_the_demo_plays_a_vendor_shaped_log(tmp_path: Path) -> None:
    # covers: R2.12
    db = tmp_path / "demo.db"
    made = CliRunner().invoke(
        cli, ["--lang", "en", "demo", "--no-ui", "--queue-feed", "--db", str(db)]
    )
    set_language("en")
    assert made.exit_code == 0, made.output
    log = tmp_path / "demo-queue-feed.csv"
    assert f"The ticket machine's log: {log}" in made.output
    again = CliRunner().invoke(cli, ["--lang", "en", "queue", "import", str(log), "--db", str(db)])
    assert "0 new from the machine, 0 joined" in again.output  # read once already
    store = open_store(db, FixedClock(datetime(2026, 12, 7, 2, 30, tzinfo=UTC)))
    try:
        machine_only = store.rows("SELECT count(*) FROM arrivals WHERE source = 'machine'")
        joined = store.rows("SELECT count(*) FROM arrivals WHERE machine_issued_at IS NOT NULL"
                            " AND source IS NULL")  # fmt: skip
    finally:
        store.close()
    assert machine_only[0][0] == 6 and joined[0][0] > 20


def test_follow_reads_on_across_a_rotation_until_stopped(tmp_path: Path, db_path: Path) -> None:
    # covers: R2.12
    import threading
    import time

    from lobby_tui.store import wall_clock

    lines = (SAMPLES / "vendor_a.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    log = tmp_path / "calls.csv"
    log.write_text(lines[0] + lines[1], encoding="utf-8")
    store = open_store(db_path, wall_clock())
    reader = open_store(db_path, wall_clock())
    stop = threading.Event()
    told: list[feed.FeedResult] = []
    mapping = vendor_a()
    zone = load_settings_zone(store)
    runner = threading.Thread(
        target=lambda: told.append(
            feed.follow(store, log, mapping, zone, done=stop.is_set, said=lambda r: None,
                        every=0.05)
        )
    )  # fmt: skip
    runner.start()

    def tickets() -> set[str]:
        return {str(r[0]) for r in reader.rows("SELECT ticket FROM arrivals")}

    def until(wanted: set[str]) -> set[str]:
        deadline = time.monotonic() + 20  # a bound, not a measurement
        while not wanted <= tickets() and time.monotonic() < deadline:
            time.sleep(0.02)
        return tickets()

    try:
        assert until({"A001"}) == {"A001"}
        with log.open("a", encoding="utf-8") as fh:
            fh.write(lines[2])
        log.rename(tmp_path / "calls.csv.1")  # the machine rotates its log mid-day
        log.write_text(lines[0] + lines[3] + lines[4], encoding="utf-8")
        assert until({"A001", "A002", "B001", "V001"}) == {"A001", "A002", "B001", "V001"}
    finally:
        stop.set()
        runner.join(timeout=20)
        store.close()
        reader.close()
    assert told and told[0].added == 4


def load_settings_zone(store: Store) -> Any:
    from lobby_tui.services.settings import load_settings

    return load_settings(store).timezone
