"""The app's two looks: a calm default, and high contrast for a bright lobby or a dim screen.

High contrast keeps every text at 4.5:1 or more against what it is drawn on (WCAG 2.x AA),
placeholders and muted text included; tests/unit/test_themes.py measures it with
`contrast` below, from these colours and from what the screens actually draw."""

from __future__ import annotations

from rich.terminal_theme import TerminalTheme
from textual.theme import Theme

AA = 4.5  # WCAG AA for normal text

DEFAULT = Theme(
    name="lobby",
    primary="#4C8DDB",
    secondary="#7AA6D8",
    accent="#F2B84B",
    foreground="#E6E9EF",
    background="#14181F",
    surface="#1C222B",
    panel="#26303C",
    success="#4CAF7A",
    warning="#F0A030",
    error="#F05454",
    dark=True,
)

HIGH_CONTRAST = Theme(
    name="lobby-high-contrast",
    primary="#0038A8",
    secondary="#00286E",
    accent="#6A00A8",
    foreground="#000000",
    background="#FFFFFF",
    surface="#FFFFFF",
    panel="#E6E6E6",
    success="#006B2D",
    warning="#8F4A00",
    error="#B00000",
    dark=False,
    variables={
        # Textual derives these from the colours above at a fraction of their strength
        # (placeholders, muted labels, disabled text): here they stay dark enough to read.
        "text-muted": "#3D3D3D",
        "text-disabled": "#4D4D4D",
        "input-placeholder": "#4D4D4D",
        "footer-key-foreground": "#6A00A8",
        "footer-description-foreground": "#000000",
        "block-cursor-foreground": "#FFFFFF",
        "block-cursor-background": "#0038A8",
        "block-cursor-blurred-foreground": "#000000",
        "block-cursor-blurred-background": "#C9D6F0",
        "block-hover-background": "#D6D6D6",
    },
)

# What the screens' named colours ("red", "green", "yellow", "blue") become on the light
# theme: Textual's default light palette draws yellow on white at 2.2:1.
_DARK_ON_WHITE = [
    (0, 0, 0),  # black
    (176, 0, 0),  # red: the theme's error
    (0, 107, 45),  # green: its success
    (143, 74, 0),  # yellow: its warning
    (0, 56, 168),  # blue: its primary
    (106, 0, 168),  # magenta: its accent
    (0, 95, 115),  # cyan
    (255, 255, 255),  # white (text on a coloured ground)
]
HIGH_CONTRAST_ANSI = TerminalTheme(
    (255, 255, 255), (0, 0, 0), _DARK_ON_WHITE, [(61, 61, 61), *_DARK_ON_WHITE[1:]]
)

BY_SETTING = {"default": DEFAULT.name, "high-contrast": HIGH_CONTRAST.name}

# Faint text ("dim") drawn as a colour 15% of the way to its background rather than
# left to the terminal, which halves it (black on white: 3.9:1).
HIGH_CONTRAST_DIM = 0.85


def luminance(colour: str) -> float:
    """WCAG relative luminance of a #RRGGBB colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(text: str, ground: str) -> float:
    """WCAG contrast ratio of two #RRGGBB colours, 1 to 21."""
    lighter, darker = sorted((luminance(text), luminance(ground)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
