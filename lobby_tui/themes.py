"""The app's two looks: a calm default, and high contrast for a bright lobby or a dim screen."""

from __future__ import annotations

from textual.theme import Theme

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
    panel="#D9D9D9",
    success="#006B2D",
    warning="#8F4A00",
    error="#B00000",
    dark=False,
)

BY_SETTING = {"default": DEFAULT.name, "high-contrast": HIGH_CONTRAST.name}
