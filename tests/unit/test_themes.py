"""High contrast keeps every text at WCAG AA (4.5:1) against what it is drawn on, measured
from the theme's own colours and the variables Textual derives from them (issue 15)."""

from __future__ import annotations

import pytest
from rich.color import Color as RichColor
from textual.filter import dim_color

from lobby_tui.themes import AA, HIGH_CONTRAST, HIGH_CONTRAST_ANSI, HIGH_CONTRAST_DIM, contrast

COLOURS = HIGH_CONTRAST.to_color_system().generate()
GROUNDS = ("background", "surface", "panel")
# Text colours the widgets use: the theme's own, the muted text of labels and inactive tabs,
# placeholders ($text-disabled), the footer's key, the cursor row, and the colours the
# screens take from the theme for waits and alerts (screens.base.wait_style, dashboard).
TEXTS = (
    "foreground",
    "text-muted",
    "text-disabled",
    "footer-key-foreground",
    "accent",
    "primary",
    "success",
    "warning",
    "error",
    "text-primary",
    "text-success",
    "text-warning",
    "text-error",
)


def test_contrast_follows_wcag() -> None:
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21)
    assert contrast("#777777", "#777777") == 1
    assert contrast("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)  # AA's grey


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("ground", GROUNDS)
def test_every_text_colour_reads_on_every_ground(text: str, ground: str) -> None:
    assert contrast(COLOURS[text], COLOURS[ground]) >= AA, (text, ground)


def test_the_cursor_row_reads() -> None:
    for prefix in ("block-cursor", "block-cursor-blurred"):
        assert contrast(COLOURS[f"{prefix}-foreground"], COLOURS[f"{prefix}-background"]) >= AA
    assert contrast(COLOURS["foreground"], COLOURS["block-hover-background"]) >= AA


def test_named_colours_and_faint_text_read_on_white() -> None:
    white = RichColor.from_rgb(255, 255, 255)
    palette = HIGH_CONTRAST_ANSI.ansi_colors
    for number in [*range(7), *range(8, 15)]:  # all but white, which is for coloured grounds
        colour = palette[number]
        assert contrast(colour.hex, "#FFFFFF") >= AA, (number, colour.hex)
        faint = dim_color(white, RichColor.from_rgb(*colour), HIGH_CONTRAST_DIM)
        assert contrast(faint.get_truecolor().hex, "#FFFFFF") >= AA, (number, colour.hex)
