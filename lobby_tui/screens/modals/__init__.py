"""Dialogs shown over a place: confirm, the customer slip, the flag."""
