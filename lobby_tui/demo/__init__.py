"""The demo lobby: this morning's floor (`morning`) and a synthetic past (`history`).

Not a use case: the demo is a client of the services, as the command line is. It writes
through them (or, for the history's bulk rows, through the store), and no service imports it.
"""
