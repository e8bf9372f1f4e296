"""Start pages: each role lands on what it needs first."""
