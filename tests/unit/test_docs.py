"""The documents: the guide ships with the package and is found where a wheel puts it; its
sections are where the app sends the manager; the README stays a front door."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest

from lobby_tui.content import GUIDE_FILES, GUIDE_IN_WHEEL, guide_dir, guide_file
from lobby_tui.screens.guide import SECTIONS, anchors

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def test_the_wheel_carries_the_guide_inside_the_package() -> None:
    """pyproject's force-include puts docs/guide where content.guide_dir looks first."""
    build = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    included = build["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert included["docs/guide"] == f"lobby_tui/{GUIDE_IN_WHEEL}"


def test_an_installed_package_finds_its_own_guide(tmp_path: Path) -> None:
    """Laid out as a wheel installs it (site-packages/lobby_tui/_guide/), with no checkout
    beside it: found there, in each language."""
    package = tmp_path / "site-packages" / "lobby_tui"
    shutil.copytree(ROOT / "docs" / "guide", package / GUIDE_IN_WHEEL)
    assert guide_dir(package) == package / GUIDE_IN_WHEEL
    assert guide_file("zh", package) == package / GUIDE_IN_WHEEL / "zh_CN.md"
    assert guide_file("en", package) == package / GUIDE_IN_WHEEL / "en.md"


def test_a_checkout_finds_docs_guide_and_nothing_is_found_without_one(tmp_path: Path) -> None:
    assert guide_dir() == ROOT / "docs" / "guide"
    package = tmp_path / "lobby_tui"
    package.mkdir()
    assert guide_dir(package) is None and guide_file("en", package) is None
    (package / GUIDE_IN_WHEEL).mkdir()
    (package / GUIDE_IN_WHEEL / "en.md").write_text("# Guide\n", encoding="utf-8")
    assert guide_file("zh", package) == package / GUIDE_IN_WHEEL / "en.md"  # English, then


@pytest.mark.parametrize("language", list(GUIDE_FILES))
def test_every_place_has_its_section_in_both_guides(language: str) -> None:
    path = guide_file(language)
    assert path is not None
    text = path.read_text(encoding="utf-8")
    found = anchors(text)
    assert set(SECTIONS.values()) <= set(found), set(SECTIONS.values()) - set(found)
    # Links inside the guide go to its own anchors only: the app ships nothing else.
    for target in re.findall(r"\]\(([^)]*)\)", text):
        assert target.startswith("#") and target[1:] in found, target


def test_both_guides_have_the_same_sections_in_the_same_order() -> None:
    orders = {}
    for language, name in GUIDE_FILES.items():
        found = anchors((ROOT / "docs" / "guide" / name).read_text(encoding="utf-8"))
        orders[language] = sorted(found, key=lambda anchor: found[anchor])
    assert orders["en"] == orders["zh"]


def test_the_readme_is_a_front_door() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150, len(lines)


def quick_start_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def test_the_quick_start_is_exactly_two_commands_the_ci_checks() -> None:  # covers: R6.4
    """One installs and opens the demo, one installs the test extras and runs the suite
    (.ci/run runs that one as written)."""
    commands = quick_start_commands()
    assert len(commands) == 2, commands
    demo, suite = commands
    assert "pip install -e ." in demo and "lobby demo" in demo
    assert "'.[test]'" in suite and suite.endswith(".venv/bin/pytest")
    assert suite in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "page",
    ["README.md", "CONTRIBUTING.md", "CHANGELOG.md", "docs/benchmarks.md",
     *(str(p.relative_to(ROOT)) for p in sorted((ROOT / "docs" / "operators").glob("*.md")))],
)  # fmt: skip
def test_the_pages_link_to_files_that_exist(page: str) -> None:
    path = ROOT / page
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8")):
        assert (path.parent / target).exists(), target


@pytest.mark.parametrize("language", list(GUIDE_FILES))
def test_the_guide_draws_no_stray_markup(language: str) -> None:
    """A `**` that Markdown cannot close (in Chinese, `**登记。**先`) is drawn as stars."""
    from markdown_it import MarkdownIt

    path = guide_file(language)
    assert path is not None
    tokens = MarkdownIt("gfm-like").parse(path.read_text(encoding="utf-8"))
    stray = [
        child.content
        for token in tokens
        if token.type == "inline"
        for child in token.children or []
        if child.type == "text" and ("**" in child.content or "`" in child.content)
    ]
    assert stray == []
