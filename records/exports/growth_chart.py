"""Growth chart of a child as an SVG image: the child's measurements over the WHO reference
curves (records/data/who_growth.json, WHO Child Growth Standards 2006, 0 to 5 years)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from records.messages_record import GROWTH_CHART

WHO_FILE = Path(__file__).resolve().parent.parent / "data" / "who_growth.json"
# Percentiles drawn and their z-scores (3rd, 15th, 50th, 85th, 97th).
PERCENTILES = ((3, -1.881), (15, -1.036), (50, 0.0), (85, 1.036), (97, 1.881))
MAX_MONTH = 60
W, H = 720, 480
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 50, 60


@lru_cache(maxsize=1)
def who_tables() -> dict[str, Any]:
    return json.loads(WHO_FILE.read_text(encoding="utf-8"))


def lms_value(indicator: str, sex: str, month: int, z: float) -> float:
    t = who_tables()["indicators"][indicator][sex.upper()[:1]]
    lam, mu, sigma = t["L"][month], t["M"][month], t["S"][month]
    if abs(lam) < 1e-9:
        import math

        return mu * math.exp(sigma * z)
    return mu * (1 + lam * sigma * z) ** (1 / lam)


def growth_svg(indicator: str, sex: str, first_name: str, points: list[tuple[float, float]]) -> str:
    """`indicator` is "weight" (kg) or "height" (cm); `points` are (age in months, value)."""
    if indicator not in ("weight", "height"):
        raise ValueError("indicator must be weight or height")
    # A baby's chart shows the first 2 years, so the points do not crowd in a corner.
    last = max((a for a, _ in points), default=MAX_MONTH)
    span = 24 if last <= 20 else MAX_MONTH
    curves = {
        p: [(m, lms_value(indicator, sex, m, z)) for m in range(span + 1)] for p, z in PERCENTILES
    }
    shown = [(a, v) for a, v in points if 0 <= a <= span]
    lo = min([v for _, v in curves[3]] + [v for _, v in shown])
    hi = max([v for _, v in curves[97]] + [v for _, v in shown])
    lo, hi = max(0.0, lo * 0.95), hi * 1.03

    def x(month: float) -> float:
        return LEFT + month / span * (W - LEFT - RIGHT)

    def y(value: float) -> float:
        return H - BOTTOM - (value - lo) / (hi - lo) * (H - TOP - BOTTOM)

    t = GROWTH_CHART
    title = t[f"{indicator}_title"].format(name=first_name)
    axis = t[f"{indicator}_axis"]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
        f'viewBox="0 0 {W} {H}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{W}" height="{H}" fill="#ffffff"/>',
        f'<text x="{LEFT}" y="30" font-size="20" font-family="sans-serif">{escape(title)}</text>',
    ]
    # Grid: every 6 months, and 5 value lines.
    for m in range(0, span + 1, 3 if span == 24 else 6):
        parts.append(
            f'<line x1="{x(m):.1f}" y1="{TOP}" x2="{x(m):.1f}" y2="{H - BOTTOM}" stroke="#ddd"/>'
            f'<text x="{x(m):.1f}" y="{H - BOTTOM + 18}" font-size="13" text-anchor="middle" '
            f'font-family="sans-serif">{m}</text>'
        )
    for i in range(6):
        v = lo + i * (hi - lo) / 5
        parts.append(
            f'<line x1="{LEFT}" y1="{y(v):.1f}" x2="{W - RIGHT}" y2="{y(v):.1f}" stroke="#eee"/>'
            f'<text x="{LEFT - 8}" y="{y(v) + 4:.1f}" font-size="13" text-anchor="end" '
            f'font-family="sans-serif">{round(v)}</text>'
        )
    parts.append(
        f'<text x="{(LEFT + W - RIGHT) / 2}" y="{H - 20}" font-size="14" text-anchor="middle" '
        f'font-family="sans-serif">{escape(t["age_axis"])}</text>'
        f'<text x="18" y="{(TOP + H - BOTTOM) / 2}" font-size="14" text-anchor="middle" '
        f'font-family="sans-serif" transform="rotate(-90 18 {(TOP + H - BOTTOM) / 2})">'
        f"{escape(axis)}</text>"
    )
    for p, curve in curves.items():
        path = " ".join(f"{x(m):.1f},{y(v):.1f}" for m, v in curve)
        width = 2.5 if p == 50 else 1.2
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="#2a6f97" stroke-width="{width}" '
            f'data-percentile="{p}"/>'
        )
    if shown:
        path = " ".join(f"{x(a):.1f},{y(v):.1f}" for a, v in sorted(shown))
        parts.append(f'<polyline points="{path}" fill="none" stroke="#c0392b" stroke-width="2"/>')
        for a, v in shown:
            parts.append(
                f'<circle cx="{x(a):.1f}" cy="{y(v):.1f}" r="5" fill="#c0392b" class="measure"/>'
            )
    parts.append(
        f'<text x="{LEFT}" y="{H - 4}" font-size="11" font-family="sans-serif">'
        f"{escape(t['source'])}</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts)
