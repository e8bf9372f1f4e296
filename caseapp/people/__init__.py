"""Persons, households, cases, consultations, aid and duplicate detection."""
