"""Pure: a User-Agent header in words a person recognises ("Firefox on Windows")."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
_BROWSERS = (
    ("Edge", re.compile(r"\bEdg(?:e|A|iOS)?/")),
    ("Opera", re.compile(r"\b(?:OPR|Opera)/")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/")),
    ("Firefox", re.compile(r"\b(?:Firefox|FxiOS)/")),
    ("Chrome", re.compile(r"\b(?:Chrome|CriOS)/")),
    ("Safari", re.compile(r"\bSafari/")),
)
_SYSTEMS = (
    ("Android", re.compile(r"\bAndroid\b")),
    ("iPhone", re.compile(r"\biPhone\b")),
    ("iPad", re.compile(r"\biPad\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("macOS", re.compile(r"\bMac OS X\b|\bMacintosh\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("Linux", re.compile(r"\bLinux\b")),
)


@dataclass(frozen=True)
class Device:
    browser: str  # "" when not recognised
    system: str  # "" when not recognised


def describe(user_agent: str | None) -> Device:
    ua = user_agent or ""
    browser = next((name for name, pattern in _BROWSERS if pattern.search(ua)), "")
    system = next((name for name, pattern in _SYSTEMS if pattern.search(ua)), "")
    return Device(browser=browser, system=system)
