"""Outgoing e-mail and SMS: written in the caller's transaction, delivered by a CLI job."""
