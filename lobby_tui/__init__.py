"""lobby_tui — the bank branch lobby manager's floor tool."""

__version__ = "0.1.0"
