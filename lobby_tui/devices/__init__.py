"""The hall's hardware, each behind one small interface (DESIGN.md): the ticket printer."""
