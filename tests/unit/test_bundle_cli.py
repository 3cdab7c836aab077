"""`lobby bundle` (issue 18): a closed day of the demo branch as head office's bundle, in
either language; an open day, or a branch without its code, refused with nothing written."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from lobby_tui.services.bundle import check_bundle
from lobby_tui.store import open_store, wall_clock
from tests.helpers.cli import lobby, one_clear_line
from tests.helpers.clock import TEST_DAY

# Builds demo data on the test day: CI runs it again on other days (issue 32).
pytestmark = pytest.mark.dated


def _today() -> str:
    # The demo's day: the commands run from 10:30 on the test day (tests/conftest.py).
    return TEST_DAY.isoformat()


def _yesterday() -> str:
    return (TEST_DAY - timedelta(days=1)).isoformat()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("bundle") / "lobby.db"
    result = lobby("demo", "--db", str(db), "--no-ui", "--days", "2", "--per-day", "60")
    assert result.returncode == 0, result.stderr
    return db


def test_bundle_a_closed_day_of_the_demo(demo_db: Path) -> None:  # covers: R6.6
    day = _yesterday()
    result = lobby("bundle", "--db", str(demo_db), "--date", day)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Bundle of {day} written: {demo_db.parent / 'bundles'}")
    folder = Path(lines[0].split(": ", 1)[1])
    manifest = check_bundle(folder)
    assert manifest.branch_id == "0101" and manifest.business_day.isoformat() == day
    for table, entry in manifest.tables.items():
        assert f"  {table}: {entry.rows}" in lines
    total = sum(e.rows for e in manifest.tables.values())
    assert lines[-1].startswith(f"{total} rows in {len(manifest.tables)} files")
    assert manifest.tables["arrivals"].rows > 20


def test_an_open_day_is_refused_in_either_language(demo_db: Path) -> None:  # covers: R6.6
    before = sorted(p.name for p in (demo_db.parent / "bundles").glob("*"))
    result = lobby("bundle", "--db", str(demo_db), "--date", _today())
    assert result.returncode != 0
    assert "is still open" in one_clear_line(result) and "Nothing was written" in result.stderr
    result = lobby("bundle", "--db", str(demo_db), "--date", _today(), "--lang", "zh")
    assert "尚未结束" in one_clear_line(result)
    assert sorted(p.name for p in (demo_db.parent / "bundles").glob("*")) == before
    assert "needs --date" in one_clear_line(lobby("bundle", "--db", str(demo_db), "--lang", "en"))


def test_a_branch_without_its_code_is_told_how_to_set_it(tmp_path: Path) -> None:
    # covers: R6.6
    db = tmp_path / "lobby.db"
    open_store(db, wall_clock()).close()
    line = one_clear_line(lobby("bundle", "--db", str(db), "--date", _yesterday()))
    assert 'branch_id = "0101"' in line and "settings.toml" in line and "no bundle" in line
    line = one_clear_line(lobby("bundle", "--db", str(db), "--date", _yesterday(), "--lang", "zh"))
    assert "尚未设置 branch_id" in line and 'branch_id = "0101"' in line
    assert not (tmp_path / "bundles").exists()
