"""feeds: see caseapp/features.py for how this package plugs in."""
