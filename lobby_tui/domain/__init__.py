"""Pure rules of the lobby: no I/O, no Textual, no SQLite."""
