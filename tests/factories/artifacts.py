"""Where tests leave files for people to look at (PDFs, screenshots): test-artifacts/ at the
repository root."""

from __future__ import annotations

from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
