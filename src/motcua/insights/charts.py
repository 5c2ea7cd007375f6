"""Trend charts as inline SVG rendered by the server: no JavaScript, no CDN.

The strict CSP forbids ``style`` attributes, so every shape is placed with SVG geometry
attributes and coloured by a class (``static/insights/insights.css``). Every text is
escaped; each bar carries a ``<title>`` (the browser's tooltip) and the page shows the
same figures as a table for screen readers and printing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[tuple[str, int, str], ...]  # (css class, value, tooltip)
    line: Decimal | None = None  # a percentage drawn as a line over the bars


WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 48, 16, 40


def _nice(maximum: int) -> int:
    if maximum <= 0:
        return 1
    step = 10 ** (len(str(maximum)) - 1)
    for factor in (1, 2, 2.5, 5, 10):
        top = int(step * factor)
        if top >= maximum:
            return top
    return maximum


def stacked_bars(bars: list[Bar], *, title: str, line_label: str = "") -> SafeString:
    """Stacked bars (counts, left axis) with an optional percentage line (right axis)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = _nice(max((sum(v for _, v, _ in b.segments) for b in bars), default=0))
    n = max(len(bars), 1)
    slot = plot_w / n
    bar_w = max(slot * 0.6, 2)
    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i in range(5):
        value = top * i // 4
        y = TOP + plot_h - plot_h * i / 4
        out.append(
            f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}"/>'
        )
        out.append(
            f'<text class="axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>'
        )
        if line_label:
            out.append(
                f'<text class="axis" x="{LEFT + plot_w + 6}" y="{y + 4:.1f}">{25 * i}%</text>'
            )
    points = []
    for i, bar in enumerate(bars):
        x = LEFT + slot * i + (slot - bar_w) / 2
        base = TOP + plot_h
        for css, value, tip in bar.segments:
            if value <= 0:
                continue
            h = plot_h * value / top
            base -= h
            out.append(
                f'<rect class="{escape(css)}" x="{x:.1f}" y="{base:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}"><title>{escape(tip)}</title></rect>'
            )
        out.append(
            f'<text class="axis" x="{x + bar_w / 2:.1f}" y="{TOP + plot_h + 16}" '
            f'text-anchor="middle">{escape(bar.label)}</text>'
        )
        if bar.line is not None:
            y = TOP + plot_h - plot_h * float(bar.line) / 100
            points.append((x + bar_w / 2, y, bar.line))
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
        out.append(f'<polyline class="rate" points="{path}"/>')
    for x, y, value in points:
        out.append(
            f'<circle class="rate-dot" cx="{x:.1f}" cy="{y:.1f}" r="3">'
            f"<title>{escape(line_label)}: {value}%</title></circle>"
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 (every value above is escaped or numeric)
