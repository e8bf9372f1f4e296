"""Builders shared by several test modules (one module per area); shared fixtures live in
tests/fixtures and are registered in tests/conftest.py."""
