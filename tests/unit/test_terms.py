"""The words on screen are the branch's words: no requirement IDs, and the terms a Chinese
branch uses (issue 15), in the catalogs and in the content files alike."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lobby_tui.i18n import CATALOGS

DATA = Path(__file__).resolve().parents[2] / "data"
REQUIREMENT_ID = re.compile(r"\bR\d+(\.\d+)?\b")


def display_strings(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """Every string a content file gives the screen, with where it is; `requirement`
    fields trace a check to the spec and are never shown."""
    if isinstance(value, dict):
        for name, inner in value.items():
            if name != "requirement":
                yield from display_strings(inner, f"{key}.{name}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from display_strings(inner, f"{key}[{index}]")
    elif isinstance(value, str):
        yield key, value


def content_strings() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for path in sorted(DATA.glob("*.toml")):
        with path.open("rb") as fh:
            found.extend(
                (f"{path.name}{key}", text) for key, text in display_strings(tomllib.load(fh))
            )
    return found


def every_shown_string() -> list[tuple[str, str]]:
    shown = [
        (f"{lang}:{key}", text)
        for lang, catalog in CATALOGS.items()
        for key, text in catalog.items()
    ]
    return shown + content_strings()


def test_the_scan_reads_the_content_files() -> None:
    assert len(content_strings()) > 100


def test_no_requirement_id_is_ever_shown() -> None:
    assert [
        (where, text) for where, text in every_shown_string() if REQUIREMENT_ID.search(text)
    ] == []


@pytest.mark.parametrize(
    ("wrong", "right"),
    [
        ("客户流失率", "未办理离开"),  # attrition is customers lost for good
        ("流失", "未办理离开"),
        ("日终", "营业结束"),
        ("理财区", "理财专区"),
        ("偷窥", "窥视他人密码"),
        ("诈骗受害人", "疑似受骗客户"),
        ("不到 5 分钟", "5 分钟内"),
        ("当场解决", "现场化解"),
        ("转交", "转办"),
        ("读物", "报刊"),
        ("加窗口", "增开窗口"),
        ("减窗口", "关闭窗口"),
    ],
)
def test_chinese_uses_the_branchs_term(wrong: str, right: str) -> None:
    chinese = [(w, text) for w, text in every_shown_string() if not w.startswith("en:")]
    assert [(where, text) for where, text in chinese if wrong in text and right not in text] == []
    assert any(right in text for _, text in chinese), right


def test_waits_are_told_in_one_unit() -> None:
    # 分钟 everywhere: never 分 alone after a number, in the bands or anywhere else.
    zh = CATALOGS["zh"]
    assert zh["band.lt5"] == "5 分钟内" and zh["band.gt20"] == "20 分钟以上"
    alone = re.compile(r"\d\s*分(?![钟位])")  # 90 分位 is a percentile
    zh = {k: v for k, v in zh.items() if k != "report.score"}  # 满分 5 分: points
    assert [(k, v) for k, v in zh.items() if alone.search(v)] == []


def test_the_terms_the_screens_use() -> None:
    zh = CATALOGS["zh"]
    assert zh["report.arrivals.walkaway_rate"] == "未办理离开率"
    assert zh["report.arrivals.service_level"] == "服务水平（15 分钟内叫号率）"
    assert zh["report.arrivals.quote_hit_rate"] == "等候时间告知准确率"
    assert zh["queue.machines"] == "自助设备 可用 {count} 台"
    assert zh["queue.close_day"] == "营业结束（清空队列）"
    assert (zh["queue.more"], zh["queue.fewer"]) == ("增开窗口", "关闭窗口")
    assert zh["complaint.outcome.on_spot"] == "现场化解"
    assert zh["complaint.escalate"] == "转办"
    assert zh["care.reading"] == "报刊"
    assert zh["rounds.col_care"] == "关怀"
    assert zh["rounds.interest_title"].startswith("潜在需求")
