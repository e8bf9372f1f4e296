"""Charts drawn on the server as inline SVG (no script, no library, no third-party request).

Two kinds: horizontal bars for the categories of one period, and columns over time for a
single figure. Right to left (Arabic) mirrors them: labels on the right, bars growing to the
left, time running from right to left; numbers stay left to right. The SVG uses presentation
attributes only (the CSP allows no inline style), and is hidden from screen readers because
the table under it carries the same figures.

Pure: labels and already formatted numbers in, markup out.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
BAR_HEIGHT = 18
ROW = 26
LABEL_WIDTH = 210
VALUE_ROOM = 70
COLOUR = "#0b4f6c"
MUTED = "#6c757d"
GRID = "#dee2e6"


@dataclass(frozen=True)
class Item:
    label: str
    value: float | None  # None: hidden or empty
    text: str  # the value as shown ("1.234", "<5", "–")


def scale(items: list[Item], length: float) -> list[float]:
    """Bar lengths proportional to the largest shown value (0 for hidden ones)."""
    top = max((i.value for i in items if i.value), default=0)
    return [length * (i.value or 0) / top if top else 0.0 for i in items]


def _text(x, y, content, *, anchor="start", rtl=False, ltr_island=False, fill="#212529", size=12):
    direction = "ltr" if ltr_island or not rtl else "rtl"
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{fill}" '
        f'text-anchor="{anchor}" direction="{direction}">{escape(content)}</text>'
    )


def bars(items: list[Item], *, rtl: bool = False, title: str = "") -> Markup:
    """Horizontal bars, one per category."""
    height = max(len(items), 1) * ROW + 8
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    lengths = scale(items, room)
    parts = []
    for i, (item, length) in enumerate(zip(items, lengths, strict=True)):
        y = 4 + i * ROW
        mid = y + BAR_HEIGHT / 2 + 4
        if rtl:
            label_x, start = WIDTH - 4, WIDTH - LABEL_WIDTH
            bar_x, value_x, value_anchor = start - length, start - length - 6, "end"
            parts.append(_text(label_x, mid, item.label, anchor="start", rtl=True))
        else:
            start = LABEL_WIDTH
            bar_x, value_x, value_anchor = start, start + length + 6, "start"
            parts.append(_text(LABEL_WIDTH - 8, mid, item.label, anchor="end"))
        if length:
            parts.append(
                f'<rect x="{bar_x:.1f}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
                f'fill="{COLOUR}"/>'
            )
        parts.append(
            _text(
                value_x,
                mid,
                item.text,
                anchor=value_anchor,
                rtl=rtl,
                ltr_island=True,
                fill=COLOUR if item.value is not None else MUTED,
            )
        )
    axis_x = WIDTH - LABEL_WIDTH if rtl else LABEL_WIDTH
    parts.append(f'<line x1="{axis_x}" y1="0" x2="{axis_x}" y2="{height - 4}" stroke="{GRID}"/>')
    return _svg(height, parts, title)


def columns(items: list[Item], *, rtl: bool = False, title: str = "") -> Markup:
    """Columns over time, earliest first in reading direction (from the right in Arabic)."""
    height = 200
    base = height - 28
    room = base - 22
    count = max(len(items), 1)
    slot = (WIDTH - 20) / count
    width = min(slot * 0.6, 48)
    lengths = scale(items, room)
    parts = [f'<line x1="10" y1="{base}" x2="{WIDTH - 10}" y2="{base}" stroke="{GRID}"/>']
    order = list(zip(items, lengths, strict=True))
    if rtl:
        order.reverse()
    for i, (item, length) in enumerate(order):
        centre = 10 + slot * i + slot / 2
        if length:
            parts.append(
                f'<rect x="{centre - width / 2:.1f}" y="{base - length:.1f}" '
                f'width="{width:.1f}" height="{length:.1f}" fill="{COLOUR}"/>'
            )
        parts.append(
            _text(
                centre,
                base - length - 5,
                item.text,
                anchor="middle",
                ltr_island=True,
                fill=COLOUR if item.value is not None else MUTED,
                size=11,
            )
        )
        parts.append(_text(centre, base + 16, item.label, anchor="middle", rtl=rtl, size=11))
    return _svg(height, parts, title)


def _svg(height: int, parts: list[str], title: str) -> Markup:
    # Every text in `parts` and the title went through escape(); the rest is numbers.
    return Markup(  # noqa: S704
        f'<svg class="report-chart" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMidYMin meet" '
        f'aria-hidden="true" focusable="false" font-family="DejaVu Sans, sans-serif">'
        f"<title>{escape(title)}</title>{''.join(parts)}</svg>"
    )
