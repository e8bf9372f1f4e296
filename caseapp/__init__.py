"""Lotse: case management, volunteer matching and referral routing for integration offices."""

__version__ = "0.1.0"
