"""`lobby serve`: the app in a browser on a second device (R6.6).

Each browser tab is its own `lobby` process (`session.py`) on the serving machine, on the
same SQLite file as the tablet: the one commit path, WAL, the sign-in of the staff roster.
textual-serve is an optional extra, imported by this command only."""
