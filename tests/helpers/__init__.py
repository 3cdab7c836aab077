"""What the tests share: the app as built, the clock, the floor's records, the screen's text,
the command line. Test modules import from here, never from each other (rule in
tests/unit/test_suite_rules.py)."""
