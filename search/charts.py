"""Small bar charts as inline SVG, made here so reports need no JavaScript and no files.

The same markup shows in a browser, in a saved HTML report and in WeasyPrint's
PDF. Labels are scraped values (place names, years), so every one is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

BAR_HEIGHT = 16
GAP = 6
LABEL_WIDTH = 150
COUNT_WIDTH = 56
LABEL_CHARS = 22


def bar_chart(title: str, rows: Sequence[tuple[str, int]], width: int = 600) -> Markup:
    """Horizontal bars, one per (label, count), longest bar = largest count."""
    if not rows:
        return Markup('<p class="chart-empty">{}: no data.</p>').format(title)
    largest = max(count for _, count in rows) or 1
    plot = width - LABEL_WIDTH - COUNT_WIDTH
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            'width="{w}" height="{h}" viewBox="0 0 {w} {h}" aria-label="{t}">'
            "<title>{t}</title>"
        ).format(w=width, h=height, t=title)
    ]
    for index, (label, count) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        bar = max(1, round(plot * count / largest))
        text_y = y + BAR_HEIGHT - 4
        shown = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
        parts.append(
            Markup(
                '<text x="{lx}" y="{ty}" text-anchor="end" font-size="12">{label}</text>'
                '<rect x="{x}" y="{y}" width="{bar}" height="{bh}" fill="#2f6f8f"/>'
                '<text x="{cx}" y="{ty}" font-size="12">{count}</text>'
            ).format(
                lx=LABEL_WIDTH - 8,
                ty=text_y,
                label=shown,
                x=LABEL_WIDTH,
                y=y,
                bar=bar,
                bh=BAR_HEIGHT,
                cx=LABEL_WIDTH + bar + 6,
                count=count,
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
