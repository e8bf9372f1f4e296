"""The audit log: who read or changed which record, when, and why."""
