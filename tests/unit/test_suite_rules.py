"""Rules the suite keeps about itself (issue 32): no test reads the real date, and no test
asserts how long something took. A suite that passes on the 3rd and fails on the 7th, or
on a busy machine and not on a quiet one, is red for everyone; time belongs in bench/.
And no test module imports another (or the conftest): what tests share is in tests/helpers/,
so a helper changed for one file cannot quietly change another file's tests (issue 29)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
# Calls that read a clock: the date's (datetime.now, date.today) or a stopwatch's.
WALL = {("datetime", "now"), ("datetime", "utcnow"), ("date", "today"), ("time", "time")}
STOPWATCH = {("time", "perf_counter"), ("time", "monotonic"), ("time", "perf_counter_ns")}


def _called(node: ast.AST) -> set[tuple[str, str]]:
    """(object, attribute) of every call under `node`, like ("time", "perf_counter")."""
    found = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
            owner = call.func.value
            if isinstance(owner, ast.Name):
                found.add((owner.id, call.func.attr))
    return found


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _arithmetic_on_time(node: ast.AST, timed: set[str]) -> bool:
    """A stopwatch's reading, or sums and differences of one (not a call given one)."""
    if isinstance(node, ast.BinOp):
        return _arithmetic_on_time(node.left, timed) or _arithmetic_on_time(node.right, timed)
    if isinstance(node, ast.UnaryOp):
        return _arithmetic_on_time(node.operand, timed)
    if isinstance(node, ast.Name):
        return node.id in timed
    return bool(isinstance(node, ast.Call) and _called(node) & STOPWATCH)


def timed_asserts(source: str) -> list[int]:
    """Lines of asserts on a stopwatch's reading, directly or through a name set from one."""
    tree = ast.parse(source)
    timed: set[str] = set()
    for _ in range(3):  # took = now() - started; slow = took > 1 …
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
                value = node.value
                if value is None:
                    continue
                if _arithmetic_on_time(value, timed):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    timed |= {n for t in targets for n in _names(t)}
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Assert)
        and (_called(node.test) & STOPWATCH or _names(node.test) & timed)
    ]


def test_the_rule_finds_a_timed_assert() -> None:
    assert timed_asserts("t0 = time.perf_counter()\nf()\nassert time.perf_counter() - t0 < 1") == [
        3
    ]
    assert timed_asserts("a = time.monotonic()\ntook = time.monotonic() - a\nassert took < 2") == [
        3
    ]
    assert timed_asserts("deadline = time.monotonic() + 5\nassert rows == 3") == []
    bounded = "t0 = time.monotonic()\npage = open_page(deadline=t0 + 60)\nassert page.text"
    assert timed_asserts(bounded) == []


def test_no_test_asserts_how_long_something_took() -> None:
    found = {
        f"{path.relative_to(TESTS)}:{line}"
        for path in TESTS.rglob("*.py")
        for line in timed_asserts(path.read_text(encoding="utf-8"))
    }
    assert found == set(), "time belongs in bench/, not in an assert"


def test_no_test_reads_the_real_date() -> None:
    """The clock tests build (FixedClock, or LOBBY_NOW for the commands they start) is the
    only date a test sees."""
    found = {
        f"{path.relative_to(TESTS)}: {owner}.{attr}"
        for path in TESTS.rglob("*.py")
        for owner, attr in _called(ast.parse(path.read_text(encoding="utf-8"))) & WALL
    }
    assert found == set()


def imported_test_modules(source: str) -> set[str]:
    """The test modules and conftests `source` imports (`tests.ui.test_app`, …)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            last = name.split(".")[-1]
            if name.startswith("tests.") and (last.startswith("test_") or last == "conftest"):
                found.add(name)
    return found


def test_the_rule_finds_a_test_module_imported() -> None:
    assert imported_test_modules("from tests.ui.test_app import screen_text") == {
        "tests.ui.test_app"
    }
    assert imported_test_modules("from tests.ui import test_app") == {"tests.ui.test_app"}
    assert imported_test_modules("def f():\n    from tests.conftest import MORNING") == {
        "tests.conftest"
    }
    assert imported_test_modules("from tests.helpers.screen import screen_text") == set()


def test_no_test_module_imports_another() -> None:
    found = {
        f"{path.relative_to(TESTS)}: {name}"
        for path in TESTS.rglob("*.py")
        for name in imported_test_modules(path.read_text(encoding="utf-8"))
    }
    assert found == set(), "shared helpers live in tests/helpers/"
