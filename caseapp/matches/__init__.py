"""The matching workflow: waiting requests, rounds, proposals, matches (Flask and database side).

The optimisation itself is pure code in caseapp.matches.engine; this package loads its inputs from
the database, stores what a round proposed and carries a match through its life.
"""
