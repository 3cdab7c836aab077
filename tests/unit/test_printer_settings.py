"""The printer setting (R2.11): its four forms, and every bad value refused with the file,
the line and the reason, in the user's language."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lobby_tui import content
from lobby_tui.content import data_dir
from lobby_tui.domain.settings import SettingsError
from lobby_tui.domain.ticket import PrinterSettingError, PrinterTarget, parse_printer
from lobby_tui.i18n import set_language
from lobby_tui.services.settings import load_settings, save_setting
from lobby_tui.start import prepare, settings_problem, user_errors
from lobby_tui.store import FixedClock, Store, open_store

CLOCK = FixedClock(datetime(2026, 12, 7, 2, 30, tzinfo=UTC))


@pytest.fixture
def branch_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A branch's own content folder (LOBBY_DATA), a copy of the packaged one."""
    folder = tmp_path / "content"
    folder.mkdir()
    for source in data_dir().glob("*.toml"):
        (folder / source.name).write_bytes(source.read_bytes())
    monkeypatch.setenv("LOBBY_DATA", str(folder))
    data_dir.cache_clear()
    yield folder
    data_dir.cache_clear()
    content._WARNINGS.clear()


def set_in_file(folder: Path, key: str, toml_value: str) -> int:
    """`key = toml_value` in the branch's settings.toml; the line it is on."""
    path = folder / "settings.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    [at] = [n for n, line in enumerate(lines) if line.startswith(f"{key} =")]
    lines[at] = f"{key} = {toml_value}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return at + 1


@pytest.mark.parametrize(
    ("value", "target"),
    [
        ("none", None),
        ("usb:04b8:0202", PrinterTarget("usb", vendor=0x04B8, product=0x0202)),
        ("USB:0FE6:811E", PrinterTarget("usb", vendor=0x0FE6, product=0x811E)),
        ("net:192.168.1.50:9100", PrinterTarget("net", host="192.168.1.50", port=9100)),
        ("net:printer.branch.local:9100",
         PrinterTarget("net", host="printer.branch.local", port=9100)),
        ("net:[fe80::1]:9100", PrinterTarget("net", host="fe80::1", port=9100)),
        ("file:/dev/usb/lp0", PrinterTarget("file", path="/dev/usb/lp0")),
        ("cups:TICKETS_1", PrinterTarget("cups", queue="TICKETS_1")),
    ],
)  # fmt: skip
def test_the_four_forms_and_none(value: str, target: PrinterTarget | None) -> None:
    # covers: R2.11
    assert parse_printer(value) == target


def test_no_printer_by_default(store: Store) -> None:  # covers: R2.11
    settings = load_settings(store)
    assert settings.printer is None and settings.ticket_languages == ("zh", "en")


BAD = [
    ('"usb:04b8"', "printer.setting.usb", "vendor and product ids", "厂商号和产品号"),
    ('"usb:04g8:0202"', "printer.setting.usb", "hexadecimal", "十六进制"),
    ('"net:192.168.1.50"', "printer.setting.net", "net:HOST:PORT", "net:地址:端口"),
    ('"net:192.168.1.50:99999"', "printer.setting.net", "1 to 65535", "1 到 65535"),
    ('"net::9100"', "printer.setting.net", "net:HOST:PORT", "net:地址:端口"),
    ('"file:dev/usb/lp0"', "printer.setting.file", "whole path", "完整路径"),
    ('"cups:front desk"', "printer.setting.cups", "no spaces", "不含空格"),
    ('"cups:"', "printer.setting.cups", "cups:QUEUE", "cups:队列名"),
    ('"serial:/dev/ttyS0"', "printer.setting.kind", '"none", "usb:VVVV:PPPP"', '"none"、'),
    ('"lp0"', "printer.setting.kind", '"file:/PATH"', '"file:/路径"'),
    ("9100", "printer.setting.type", "in quotes", "须加引号"),
]


@pytest.mark.parametrize(("value", "reason", "english", "chinese"), BAD)
def test_a_bad_printer_is_refused_with_file_line_and_reason(
    branch_content: Path, tmp_path: Path, value: str, reason: str, english: str, chinese: str
) -> None:  # covers: R2.11
    line = set_in_file(branch_content, "printer", value)
    store = open_store(tmp_path / "lobby.db", CLOCK)
    try:
        with pytest.raises(SettingsError) as caught:
            load_settings(store)
    finally:
        store.close()
    error = caught.value
    assert (error.key, error.reason) == ("printer", reason)
    assert error.file == str(branch_content / "settings.toml") and error.line == line
    said = settings_problem(error)
    assert said.startswith(
        f"The setting printer is not valid ({branch_content / 'settings.toml'}, line {line}): "
    )
    assert english in said and value.strip('"') in said
    set_language("zh")
    said = settings_problem(error)
    assert f"设置项 printer 无效（{branch_content / 'settings.toml'} 第 {line} 行）：" in said
    assert chinese in said


def test_bad_ticket_languages_are_refused_the_same_way(
    branch_content: Path, tmp_path: Path
) -> None:  # covers: R2.11
    line = set_in_file(branch_content, "ticket_languages", '["zh", "fr"]')
    store = open_store(tmp_path / "lobby.db", CLOCK)
    try:
        with pytest.raises(SettingsError) as caught:
            load_settings(store)
    finally:
        store.close()
    assert (caught.value.key, caught.value.line) == ("ticket_languages", line)
    assert "a list of zh and en" in settings_problem(caught.value)


def test_the_start_says_it_in_one_line_and_stops(
    branch_content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # covers: R2.11
    line = set_in_file(branch_content, "printer", '"usb:lp0"')
    set_language("zh")  # as `lobby --lang zh` sets it before opening anything (start.main)
    with pytest.raises(SystemExit) as stopped, user_errors():
        prepare(tmp_path / "lobby.db", "zh", CLOCK)
    assert stopped.value.code == 1
    said = capsys.readouterr().err.strip()
    assert said == (
        f"lobby: 设置项 printer 无效（{branch_content / 'settings.toml'} 第 {line} 行）："
        "USB 打印机写作 usb:VVVV:PPPP，厂商号和产品号各为四位十六进制数（lsusb 可查）；"
        "实际为 'usb:lp0'"
    )


def test_a_bad_printer_stored_by_the_app_names_no_file_line(store: Store) -> None:
    # covers: R2.11
    save_setting(store, "printer", "net:nowhere")
    with pytest.raises(SettingsError) as caught:
        load_settings(store)
    assert caught.value.file is None and caught.value.reason == "printer.setting.net"
    assert settings_problem(caught.value).startswith("The setting printer is not valid: ")


def test_parse_printer_says_which_form_was_meant() -> None:  # covers: R2.11
    with pytest.raises(PrinterSettingError) as caught:
        parse_printer("net:host:port")
    assert caught.value.reason == "printer.setting.net"
