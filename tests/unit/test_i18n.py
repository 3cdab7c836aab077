"""Both catalogs complete, every key the code asks for present, the language chosen in order."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from lobby_tui.app import PLACES
from lobby_tui.i18n import CATALOGS, resolve_language, set_language, t

SOURCE = Path(__file__).resolve().parents[2] / "lobby_tui"


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_catalogs_have_the_same_keys() -> None:
    assert set(CATALOGS["zh"]) == set(CATALOGS["en"])


def test_both_catalogs_fill_the_same_placeholders() -> None:
    for key, english in CATALOGS["en"].items():
        assert placeholders(CATALOGS["zh"][key]) == placeholders(english), key


def test_no_entry_is_empty_and_chinese_is_chinese() -> None:
    for key, text in CATALOGS["zh"].items():
        assert text.strip(), key
    han = re.compile(r"[\u4e00-\u9fff]")
    untranslated = [
        k for k, v in CATALOGS["zh"].items() if not han.search(v) and v == CATALOGS["en"][k]
    ]
    assert untranslated == []


def _keys_in_code() -> tuple[set[str], set[str]]:
    """Literal keys passed to t(), and the constant prefixes of f-string keys."""
    literal: set[str] = set()
    prefixes: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t"):
                continue
            if not node.args:
                continue
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                literal.add(arg.value)
            elif isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant):
                prefixes.add(str(arg.values[0].value))
    return literal, prefixes


def test_every_key_in_the_code_has_an_entry() -> None:
    literal, prefixes = _keys_in_code()
    assert literal, "the scan found no t() calls: the test itself is broken"
    assert sorted(literal - set(CATALOGS["en"])) == []
    for prefix in prefixes:
        assert any(k.startswith(prefix) for k in CATALOGS["en"]), prefix


def _error_keys_raised() -> set[str]:
    keys: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) in {"StoreError", "ContentError"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                keys.add(f"error.{node.args[0].value!s}")
    return keys


def test_every_error_the_code_raises_can_be_said() -> None:
    keys = _error_keys_raised()
    assert "error.db.too_new" in keys  # the scan works
    assert sorted(keys - set(CATALOGS["en"])) == []


def test_every_invalid_input_can_be_said() -> None:
    keys: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "Invalid"
                and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant)
            ):
                keys.add(f"invalid.{node.args[1].value!s}")
    assert "invalid.count_missing" in keys  # the scan works
    assert sorted(keys - set(CATALOGS["en"])) == []


def test_every_place_has_its_names() -> None:
    for place, _key in PLACES:
        for key in (f"place.{place}", f"nav.{place}", f"nav.{place}.tip"):
            assert key in CATALOGS["en"], key


def test_t_fills_placeholders_in_the_current_language() -> None:
    set_language("zh")
    assert t("dash.minutes", n=12) == "12 分钟"
    set_language("en")
    assert t("dash.minutes", n=12) == "12 min"


@pytest.mark.parametrize(
    ("cli", "saved", "env", "expected"),
    [
        ("en", "zh", {"LANG": "zh_CN.UTF-8"}, "en"),
        (None, "zh", {"LANG": "en_US.UTF-8"}, "zh"),
        (None, None, {"LANG": "zh_CN.UTF-8"}, "zh"),
        (None, None, {"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        (None, None, {}, "en"),
    ],
)
def test_language_comes_from_cli_then_settings_then_locale(
    cli: str | None, saved: str | None, env: dict[str, str], expected: str
) -> None:
    assert resolve_language(cli, saved, env) == expected


# What reaches the screen: a literal with words in it here would bypass the catalogs.
UI_SINKS = {
    "Text",
    "Static",
    "Label",
    "Button",
    "notify",
    "update",
    "SystemCommand",
    "append",
    "add_row",
    "Panel",
    "echo",
    "fail",
}
WORDS = re.compile(r"[A-Za-z]{2,}|[\u4e00-\u9fff]")
NOT_WORDS = re.compile(r"\blobby\b")  # the command's own name, the same in every language


def has_words(text: object) -> bool:
    return bool(WORDS.search(NOT_WORDS.sub("", str(text))))


def test_no_visible_string_bypasses_the_catalogs() -> None:
    offenders: list[str] = []
    for path in SOURCE.rglob("*.py"):
        if path.parent.name == "i18n":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name not in UI_SINKS:
                continue
            receiver = getattr(func, "value", None)
            if isinstance(receiver, ast.Name) and receiver.id == "uow":
                continue  # uow.update("arrivals", ...) names a table, not a label
            for arg in node.args[:1]:
                if (
                    isinstance(arg, ast.Constant)
                    and isinstance(arg.value, str)
                    and has_words(arg.value)
                ):
                    offenders.append(f"{path.name}:{node.lineno} {arg.value!r}")
                if isinstance(arg, ast.JoinedStr) and any(
                    isinstance(v, ast.Constant) and has_words(v.value) for v in arg.values
                ):
                    offenders.append(f"{path.name}:{node.lineno} f-string")
    assert offenders == []
