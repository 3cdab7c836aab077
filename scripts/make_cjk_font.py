"""Rebuild the Chinese web font `lobby serve` ships (R6.3, R6.6): a subset of Noto Sans
Mono CJK SC (SIL Open Font License 1.1) as woff2, so a browser on a machine with no CJK
font (a bare Linux kiosk) still draws the app's Chinese, and no font is fetched from
anywhere but the serving machine.

The characters: every one the app can show (the catalogs, the content's labels, the guide),
the GB2312 level-1 hanzi (3,755, the common ones: names, addresses, what a customer says),
ASCII and the CJK punctuation and full-width forms.

A build step, not the app's: it needs fontTools and brotli (`pip install fonttools brotli`)
and Debian's fonts-noto-cjk; the app itself only serves the result.

    python scripts/make_cjk_font.py [--source PATH]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "lobby_tui" / "serve" / "static" / "fonts"
FONT_NAME = "LobbyCJKMono-Regular.woff2"
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FACE = "Noto Sans Mono CJK SC"


def gb2312_level1() -> set[str]:
    """Rows 16-55 of GB2312: the 3,755 level-1 hanzi, in EUC-CN (row + 0xA0)."""
    found: set[str] = set()
    for row in range(16, 56):
        for cell in range(1, 95):
            try:
                found.add(bytes([row + 0xA0, cell + 0xA0]).decode("gb2312"))
            except UnicodeDecodeError:
                continue  # row 55 ends early
    return found


def app_text() -> str:
    """Every text the app shows in Chinese, as written in the checkout."""
    files = [ROOT / "lobby_tui" / "i18n" / "zh_CN.py"]
    files += sorted((ROOT / "data").glob("*.toml"))
    files += sorted((ROOT / "docs" / "guide").glob("*.md"))
    return "".join(path.read_text(encoding="utf-8") for path in files)


def characters() -> str:
    chars = set(app_text()) | gb2312_level1()
    chars |= {chr(c) for c in range(0x20, 0x7F)}  # ASCII
    chars |= {chr(c) for c in range(0x3000, 0x3040)}  # CJK punctuation
    chars |= {chr(c) for c in range(0xFF01, 0xFF5F)}  # full-width forms
    chars |= set("·—–…“”‘’、。，：；！？（）【】《》￥×÷±≤≥→←↑↓")
    return "".join(sorted(c for c in chars if c.isprintable() and c != "\n"))


def face_number(source: Path) -> int:
    from fontTools.ttLib import TTCollection

    for index, font in enumerate(TTCollection(str(source)).fonts):
        if font["name"].getDebugName(1) == FACE:
            return index
    raise SystemExit(f"{FACE} is not in {source}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    text_file = OUT / ".chars.txt"
    text_file.write_text(characters(), encoding="utf-8")
    try:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "fontTools.subset",
                str(args.source),
                f"--font-number={face_number(args.source)}",
                f"--text-file={text_file}",
                "--flavor=woff2",
                "--layout-features=*",
                "--no-hinting",
                "--desubroutinize",
                f"--output-file={OUT / FONT_NAME}",
            ],
            check=True,
        )
    finally:
        text_file.unlink(missing_ok=True)
    print(f"{OUT / FONT_NAME}: {(OUT / FONT_NAME).stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
