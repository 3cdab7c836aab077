"""The `lobby` command as a person types it: one clear line for every mistake, files untouched."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from lobby_tui import __version__
from lobby_tui.store.migrations import SCHEMA_VERSION
from tests.helpers.cli import Ran, digest, lobby, lobby_process, one_clear_line

# Builds demo data on the test day: CI runs it again on other days (issue 32).
pytestmark = pytest.mark.dated


def test_version_and_help() -> None:
    assert lobby("--version").stdout.strip() == f"lobby {__version__}"
    help_text = lobby("--help").stdout
    for word in ("--db", "--lang", "demo", "verify"):
        assert word in help_text


def test_the_real_entry_exits_as_the_command_says(tmp_path: Path) -> None:
    # The rest of this file runs `lobby` in-process (tests/helpers/cli.py); this is the
    # process a person starts, its output and exit codes from the real entry.
    version = lobby_process("--version")
    assert (version.returncode, version.stdout.strip()) == (0, f"lobby {__version__}")
    missing = lobby_process("verify", "--db", str(tmp_path / "none.db"))
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    bad = lobby_process("--lang", "fr")
    assert bad.returncode == 2 and "fr" in bad.stderr


def test_demo_writes_a_private_sound_database(tmp_path: Path) -> None:  # covers: R6.2, R6.4
    db = tmp_path / "demo.db"
    result = lobby("demo", "--db", str(db), "--no-ui")
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    conn = sqlite3.connect(db)
    statuses = {row[0] for row in conn.execute("SELECT DISTINCT status FROM arrivals")}
    assert {"waiting", "called", "done", "left"} <= statuses
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    verified = lobby("verify", "--db", str(db))
    assert verified.returncode == 0
    assert verified.stdout.startswith("OK:")


def test_demo_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    rows = []
    for name in ("a.db", "b.db"):
        assert lobby("demo", "--db", str(tmp_path / name), "--no-ui", "--seed", "3").returncode == 0
        conn = sqlite3.connect(tmp_path / name)
        rows.append(
            conn.execute(
                "SELECT ticket, need, channel, status, arrived_at FROM arrivals ORDER BY ticket"
            ).fetchall()
        )
        conn.close()
    assert rows[0] == rows[1] and len(rows[0]) > 24


def test_demo_never_writes_into_a_database_with_data(tmp_path: Path) -> None:
    db = tmp_path / "real.db"
    assert lobby("demo", "--db", str(db), "--no-ui").returncode == 0
    before = digest(db)
    line = one_clear_line(lobby("demo", "--db", str(db), "--no-ui"))
    assert "already holds data" in line
    assert digest(db) == before


def test_verify_reports_a_tampered_journal(tmp_path: Path) -> None:
    db = tmp_path / "lobby.db"
    assert lobby("demo", "--db", str(db), "--no-ui").returncode == 0
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET at = '2020-01-01T00:00:00Z' WHERE seq = 5")
    conn.close()
    result = lobby("verify", "--db", str(db))
    assert result.returncode == 1
    assert "event #5" in result.stdout and "Traceback" not in result.stderr


def test_verify_in_chinese(tmp_path: Path) -> None:
    db = tmp_path / "lobby.db"
    assert lobby("demo", "--db", str(db), "--no-ui").returncode == 0
    assert lobby("verify", "--db", str(db), "--lang", "zh").stdout.startswith("正常")


@pytest.mark.parametrize("command", [["verify"], []])
def test_not_sqlite_file(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "notes.txt"
    db.write_text("not a database")
    line = one_clear_line(lobby(*command, "--db", str(db)))
    assert "not a lobby database" in line
    assert db.read_text() == "not a database"


def test_missing_folder(tmp_path: Path) -> None:
    line = one_clear_line(lobby("--db", str(tmp_path / "nope" / "x.db")))
    assert "does not exist" in line
    assert not (tmp_path / "nope").exists()


def test_verify_does_not_create_a_missing_file(tmp_path: Path) -> None:
    line = one_clear_line(lobby("verify", "--db", str(tmp_path / "x.db")))
    assert "no database" in line
    assert not (tmp_path / "x.db").exists()


def test_too_new_database_in_the_users_language(tmp_path: Path) -> None:
    db = tmp_path / "future.db"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    before = digest(db)
    line = one_clear_line(lobby("--db", str(db), env={"LANG": "zh_CN.UTF-8"}))
    assert "更新版本" in line
    assert digest(db) == before


def test_corrupt_database(tmp_path: Path) -> None:
    db = tmp_path / "lobby.db"
    assert lobby("demo", "--db", str(db), "--no-ui").returncode == 0
    data = bytearray(db.read_bytes())
    data[4096 * 2 : 4096 * 6] = b"\xde\xad" * (4096 * 2)  # scribble over some pages
    db.write_bytes(bytes(data))
    before = digest(db)
    result = lobby("verify", "--db", str(db))
    assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
    assert digest(db) == before


def test_lobby_db_names_the_real_database_and_the_demo_leaves_it_alone(tmp_path: Path) -> None:
    real = tmp_path / "real.db"
    assert lobby("demo", "--db", str(real), "--no-ui").returncode == 0
    before = digest(real)
    assert lobby("verify", env={"LOBBY_DB": str(real)}).returncode == 0
    line = one_clear_line(lobby("demo", "--no-ui", env={"LOBBY_DB": str(real)}))
    assert "--no-ui needs --db" in line
    assert digest(real) == before


def test_the_start_up_path_stays_light() -> None:
    # Start-up pays only for the dashboard (the plain `lobby` start does not even load the
    # command-line library): what a later screen needs (pydantic for the
    # content catalogues, sqlite-utils) is imported when that screen is first shown.
    # bench/startup.py measures the time; this guards the cause of the regressions seen.
    probe = (
        "import sys\n"
        "import lobby_tui.start, lobby_tui.app\n"
        "from lobby_tui.services import lobby, settings, shift\n"
        "heavy = sorted(m for m in ('pydantic', 'sqlite_utils', 'click') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


# The report, the export and the demo's history (issue 8) ------------------------------


@pytest.fixture(scope="module")
def history_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database with five days of history, written once for the tests below."""
    db = tmp_path_factory.mktemp("history") / "lobby.db"
    result = lobby("demo", "--db", str(db), "--no-ui", "--days", "5", "--per-day", "60")
    assert result.returncode == 0, result.stderr
    assert "History written: 5 days" in result.stdout
    # Piped, a long command prints its own lines only: no progress bar, no control codes.
    assert len(result.stdout.splitlines()) == 2 and "\x1b" not in result.stdout + result.stderr
    return db


def yesterday(db: Path) -> str:
    conn = sqlite3.connect(db)
    day = conn.execute("SELECT MAX(business_day) FROM shifts WHERE closed_at IS NOT NULL")
    value = str(day.fetchone()[0])
    conn.close()
    return value


def test_report_in_three_formats_that_agree(history_db: Path) -> None:  # covers: R6.2
    import csv
    import io
    import json

    day = yesterday(history_db)
    before = digest(history_db)
    out = {
        fmt: lobby(
            "report", "--db", str(history_db), "--date", day, "--format", fmt, "--lang", "en"
        )
        for fmt in ("json", "csv", "md")
    }
    for result in out.values():
        assert result.returncode == 0 and result.stderr == ""
    data = json.loads(out["json"].stdout)
    assert data["date"] == day and data["arrivals"]["total"] > 0
    rows = {
        (r["section"], r["key"]): r["value"] for r in csv.DictReader(io.StringIO(out["csv"].stdout))
    }
    assert rows[("arrivals", "total")] == str(data["arrivals"]["total"])
    assert rows[("arrivals", "wait_min.median")] == str(data["arrivals"]["wait_min"]["median"])
    assert rows[("complaints", "received")] == str(data["complaints"]["received"])
    assert rows[("report", "date")] == day
    assert f"| Arrivals | {data['arrivals']['total']} |" in out["md"].stdout
    assert f"| Rounds done | {data['rounds']['done']} |" in out["md"].stdout
    assert digest(history_db) == before  # reading wrote nothing


def test_report_of_today_opens_no_shift_and_a_period_in_chinese(history_db: Path) -> None:
    import json

    conn = sqlite3.connect(history_db)
    shifts = conn.execute("SELECT COUNT(*) FROM shifts").fetchone()[0]
    result = lobby("report", "--db", str(history_db), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert conn.execute("SELECT COUNT(*) FROM shifts").fetchone()[0] == shifts
    conn.close()
    today = json.loads(result.stdout)["date"]
    first = (date.fromisoformat(today) - timedelta(days=5)).isoformat()
    period = lobby(
        "report", "--db", str(history_db), "--from", first, "--to", today, "--lang", "zh"
    )
    assert period.returncode == 0 and f"至 {today}" in period.stdout and "## 客流" in period.stdout


def test_the_month_consumer_protection_print(history_db: Path) -> None:  # covers: R4.4
    import json

    before = digest(history_db)
    month = yesterday(history_db)[:7]
    result = lobby("report", "--db", str(history_db), "--month", month, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["month"] == month and data["complaints"]["received"] > 0
    assert set(data["complaints"]["by_channel"]) >= {"in_person", "nfra_12378", "hotline"}
    # covers: R5.4, R3.3 — fraud and service quality print in the same month, with the
    # day report's keys (one definition each)
    day = json.loads(lobby("report", "--db", str(history_db), "--format", "json").stdout)
    assert set(data["protection"]) == set(day["protection"])
    assert set(data["quality"]) == set(day["quality"])
    assert data["quality"]["satisfaction_rated"] > 0 and data["quality"]["counter_returns"] > 0
    zh = lobby("report", "--db", str(history_db), "--month", month, "--lang", "zh")
    assert zh.returncode == 0 and "# 消费者权益保护月报" in zh.stdout and "## 投诉" in zh.stdout
    assert "## 防诈骗、反洗钱与大额现金" in zh.stdout and "## 服务质量" in zh.stdout
    assert "返工率（÷ 办结） | " in zh.stdout and "%" in zh.stdout.split("返工率")[1].split("\n")[0]
    assert digest(history_db) == before  # reading wrote nothing
    for args, words in (
        (["--month", "2026-13"], "is not a month"),
        (["--month", "2026-11", "--date", "2026-11-02"], "either --month"),
        (["--month", "2099-01"], "has not come yet"),
    ):
        assert words in one_clear_line(lobby("report", "--db", str(history_db), *args))


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--date", "2026-13-01"], "is not a date"),
        (["--date", "28/11/2026"], "YYYY-MM-DD"),
        (["--date", "2999-01-01"], "choose a date from 2000-01-01 to 2099-12-31"),
        (["--date", "2099-01-01"], "has not come yet"),
        (["--date", "0001-01-01"], "choose a date from"),
        (["--from", "2026-11-20"], "both --from and --to"),
        (["--from", "2026-11-20", "--to", "2026-11-10"], "starts after it ends"),
        (["--date", "2026-11-20", "--from", "2026-11-20", "--to", "2026-11-21"], "either --date"),
    ],
)
def test_report_bad_dates_in_one_line(history_db: Path, args: list[str], words: str) -> None:
    assert words in one_clear_line(lobby("report", "--db", str(history_db), "--lang", "en", *args))


def test_report_bad_date_in_chinese(history_db: Path) -> None:
    line = one_clear_line(
        lobby("report", "--db", str(history_db), "--date", "昨天", "--lang", "zh")
    )
    assert "不是日期" in line


def test_report_needs_an_existing_database(tmp_path: Path) -> None:
    line = one_clear_line(lobby("report", "--db", str(tmp_path / "none.db")))
    assert "no database" in line and not (tmp_path / "none.db").exists()


def test_export_masks_personal_fields_unless_asked(history_db: Path, tmp_path: Path) -> None:
    import json

    # The history's days and today: this morning's demo complaints are always there, so the
    # check never depends on the day's random draw.
    day = (date.fromisoformat(yesterday(history_db)) + timedelta(days=1)).isoformat()
    first = (date.fromisoformat(day) - timedelta(days=6)).isoformat()
    masked, full = tmp_path / "masked", tmp_path / "full"
    result = lobby(
        "export", "--db", str(history_db), "--from", first, "--to", day, "--out", str(masked)
    )
    assert result.returncode == 0, result.stderr
    assert "masked" in result.stdout
    assert lobby(
        "export", "--db", str(history_db), "--from", first, "--to", day, "--out", str(full),
        "--include-personal", typed="Wang Fang\n2580\n",  # the demo's supervisor vouches
    ).returncode == 0  # fmt: skip
    manifest = json.loads((masked / "manifest.json").read_text())
    assert manifest["personal"] == "masked" and manifest["from"] == first
    assert "complaint_search" in manifest["skipped"] and "drafts" in manifest["skipped"]
    assert "settings" in manifest["tables"] and "complaint_search" not in manifest["tables"]
    assert stat.S_IMODE((masked / "complaints.csv").stat().st_mode) == 0o600

    def read(folder: Path, table: str) -> list[dict[str, Any]]:
        lines = (folder / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines]

    hidden, shown = read(masked, "complaints"), read(full, "complaints")
    assert hidden and len(hidden) == len(shown) == manifest["tables"]["complaints"]["rows"]
    for column in ("customer_name", "customer_phone"):
        given = [c[column] for c in shown if c[column] is not None]
        assert given and "***" not in given  # real values in the full copy
        assert [c[column] for c in hidden if c[column] is not None] == ["***"] * len(given)
    for table, column in (("appointments", "who"), ("arrivals", "note")):
        given = [r[column] for r in read(full, table) if r[column] is not None]
        assert [r[column] for r in read(masked, table) if r[column] is not None] == (
            ["***"] * len(given)
        )
    # The period: only its days' arrivals, counted the same in CSV and JSON Lines.
    days = {a["business_day"] for a in read(masked, "arrivals")}
    assert min(days) >= first and max(days) <= day
    csv_rows = (masked / "arrivals.csv").read_text(encoding="utf-8").count("\n") - 1
    assert csv_rows == manifest["tables"]["arrivals"]["rows"]


def test_export_refuses_a_folder_with_files(history_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    line = one_clear_line(
        lobby("export", "--db", str(history_db), "--from", "2026-01-01", "--to", "2026-01-02",
              "--out", str(out))
    )  # fmt: skip
    assert "not empty" in line
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_demo_history_is_deterministic_and_verifies(tmp_path: Path) -> None:
    # covers: R6.2 — the same seed, the same rows (ids too); the journal stays sound.
    # Today's morning is written through the services, so its ids are fresh each time.
    past = "(SELECT id FROM {} WHERE business_day < ?)"
    queries = {
        "arrivals": "SELECT * FROM arrivals WHERE business_day < ? ORDER BY id",
        "rounds": "SELECT * FROM rounds WHERE business_day < ? ORDER BY id",
        "care": f"SELECT * FROM care_actions WHERE arrival_id IN {past.format('arrivals')}"
        " ORDER BY id",
        "complaints": "SELECT * FROM complaints WHERE business_day < ? ORDER BY id",
        "updates": "SELECT * FROM complaint_updates WHERE complaint_id IN"
        f" {past.format('complaints')} ORDER BY id",
        "incidents": "SELECT * FROM incidents WHERE business_day < ? ORDER BY id",
        "shifts": "SELECT * FROM shifts WHERE business_day < ? ORDER BY id",
    }
    written = []
    for name in ("a.db", "b.db"):
        db = tmp_path / name
        result = lobby(
            "demo", "--db", str(db), "--no-ui", "--days", "3", "--per-day", "40", "--seed", "11"
        )
        assert result.returncode == 0, result.stderr
        assert lobby("verify", "--db", str(db)).returncode == 0
        conn = sqlite3.connect(db)
        today = conn.execute("SELECT MAX(business_day) FROM shifts").fetchone()[0]
        written.append({k: conn.execute(q, (today,)).fetchall() for k, q in queries.items()})
        conn.close()
    assert written[0] == written[1]
    assert len(written[0]["arrivals"]) > 60 and len(written[0]["shifts"]) == 3


def test_an_export_that_fails_half_way_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lobby_tui.services import export as export_service
    from lobby_tui.services.settings import load_settings
    from lobby_tui.store import FixedClock, StoreError, open_store
    from tests.helpers.clock import MORNING

    store = open_store(tmp_path / "d.db", FixedClock(MORNING))
    calls = []

    def failing(folder: Path, table: str, *args: object) -> None:
        calls.append(table)
        if len(calls) == 3:
            raise StoreError("db.corrupt", path="d.db")
        (folder / f"{table}.csv").write_text("x")

    monkeypatch.setattr(export_service, "_write", failing)
    out = tmp_path / "out"
    with pytest.raises(StoreError):
        export_service.export(store, load_settings(store), MORNING.date(), MORNING.date(), out)
    store.close()
    # Neither the folder asked for nor a partial one beside it: only the database remains.
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("d.db")] == []


def test_export_tells_its_progress_table_by_table(tmp_path: Path) -> None:
    from lobby_tui.services import export as export_service
    from lobby_tui.services.settings import load_settings
    from lobby_tui.store import FixedClock, open_store
    from tests.helpers.clock import MORNING

    store = open_store(tmp_path / "d.db", FixedClock(MORNING))
    told: list[tuple[int, int]] = []
    done = export_service.export(
        store, load_settings(store), MORNING.date(), MORNING.date(), tmp_path / "out",
        progress=lambda *a: told.append(a),
    )  # fmt: skip
    store.close()
    assert told == [(n, done.tables) for n in range(1, done.tables + 1)] and done.tables > 10


@pytest.mark.parametrize(
    ("argv", "plain"),
    [
        ([], (None, None)),
        (["--db", "x.db"], (Path("x.db"), None)),
        (["--lang=zh", "--db=x.db"], (Path("x.db"), "zh")),
        (["--lang", "fr"], None),  # click says what is wrong
        (["--db"], None),
        (["--db", "a", "--db", "b"], None),
        (["demo"], None),
        (["--help"], None),
        (["--version"], None),
    ],
)
def test_the_plain_start_is_told_apart(
    argv: list[str], plain: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lobby_tui.start import plain_start

    monkeypatch.delenv("LOBBY_DB", raising=False)
    assert plain_start(argv) == plain


def test_a_bad_language_is_still_explained() -> None:
    result = lobby("--lang", "fr")
    assert result.returncode != 0 and "fr" in result.stderr


def test_export_with_personal_data_needs_a_supervisors_pin(tmp_path: Path) -> None:
    # covers: R6.5 — typed on the terminal (not a flag), refused otherwise, recorded
    import sqlite3

    db = tmp_path / "lobby.db"
    assert lobby("demo", "--no-ui", "--db", str(db), "--lang", "en").returncode == 0

    def export(out: str, typed: str) -> Ran:
        return lobby("export", "--db", str(db), "--from", "2020-01-01", "--to", "2030-12-31",
                     "--out", str(tmp_path / out), "--include-personal", typed=typed)  # fmt: skip

    for typed, said in (
        ("", "Only a signed-in supervisor"),  # nothing typed
        ("Li Ming\n1234\n", "Only a signed-in supervisor"),  # not a supervisor
        ("Wang Fang\n9999\n", "Wrong PIN"),
    ):
        refused = export("refused", typed)
        assert refused.returncode == 1, refused.stdout
        assert "Export with personal data refused" in refused.stderr and said in refused.stderr
        assert not (tmp_path / "refused").exists()
        assert "2580" not in refused.stdout + refused.stderr
    done = export("given", "Wang Fang\n2580\n")
    assert done.returncode == 0, done.stderr
    assert "2580" not in done.stdout  # hidden as typed
    staff = (tmp_path / "given" / "staff.csv").read_text()
    assert "Wang Fang" in staff and "scrypt$" not in staff  # the PIN's hash never leaves
    conn = sqlite3.connect(db)
    kind, actor, payload = conn.execute(
        "SELECT kind, actor, payload FROM events ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    boss = conn.execute("SELECT id FROM staff WHERE name = 'Wang Fang'").fetchone()[0]
    conn.close()
    assert kind == "export.personal" and actor == boss
    assert '"from":"2020-01-01"' in payload and '"personal_rows":{' in payload
