"""Small bar charts as inline SVG, made here so reports need no JavaScript and no files.

The same markup shows in a browser, in a saved HTML report and in WeasyPrint's
PDF. Labels are scraped values (place names, years), so every one is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from homeward.article import Place

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


def year_histogram(
    bars: Sequence[tuple[str, int, str, bool]], width: int = 260, height: int = 90
) -> Markup:
    """Columns per year (label, count, link, active); each column links to the filter."""
    if not bars:
        return Markup("")
    largest = max(count for _, count, _, _ in bars) or 1
    step = width / len(bars)
    column = max(2.0, step - 2)
    plot = height - 18
    parts = [
        Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" class="histogram" role="img" '
            'viewBox="0 0 {w} {h}" aria-label="Articles by year mentioned">'
        ).format(w=width, h=height)
    ]
    for index, (label, count, href, active) in enumerate(bars):
        bar = max(2, round(plot * count / largest))
        x = round(index * step, 1)
        parts.append(
            Markup(
                '<a href="{href}"><title>{label}: {count}</title>'
                '<rect class="{cls}" x="{x}" y="{y}" width="{cw}" height="{bh}"/></a>'
            ).format(
                href=href,
                label=label,
                count=count,
                cls="bar active" if active else "bar",
                x=x,
                y=plot - bar,
                cw=round(column, 1),
                bh=bar,
            )
        )
    first, last = bars[0][0], bars[-1][0]
    parts.append(
        Markup(
            '<text x="0" y="{ty}" font-size="11">{first}</text>'
            '<text x="{w}" y="{ty}" font-size="11" text-anchor="end">{last}</text></svg>'
        ).format(ty=height - 3, first=first, last=last, w=width)
    )
    return Markup("").join(parts)


def place_map(places: Sequence[Place], width: int = 320, height: int = 200) -> Markup:
    """The resolved places as dots on a small longitude/latitude sketch (no map tiles:
    nothing is fetched from outside, and it prints)."""
    located = [p for p in places if p.lat is not None and p.lon is not None]
    if not located:
        return Markup("")
    lats = [p.lat for p in located if p.lat is not None]
    lons = [p.lon for p in located if p.lon is not None]
    pad = 2.0
    south, north = min(lats) - pad, max(lats) + pad
    west, east = min(lons) - pad * 2, max(lons) + pad * 2
    span_x, span_y = max(east - west, 1e-6), max(north - south, 1e-6)
    margin = 24

    def x_of(lon: float) -> float:
        return round(margin + (lon - west) / span_x * (width - 2 * margin), 1)

    def y_of(lat: float) -> float:
        return round(margin + (north - lat) / span_y * (height - 2 * margin), 1)

    parts = [
        Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" class="place-map" role="img" '
            'viewBox="0 0 {w} {h}" aria-label="Places on a longitude/latitude sketch">'
            '<rect class="sea" x="0" y="0" width="{w}" height="{h}"/>'
        ).format(w=width, h=height)
    ]
    for place in located:
        assert place.lat is not None and place.lon is not None
        cx, cy = x_of(place.lon), y_of(place.lat)
        parts.append(
            Markup(
                '<circle class="dot" cx="{cx}" cy="{cy}" r="4"><title>{name}</title></circle>'
                '<text x="{tx}" y="{ty}" font-size="10">{name}</text>'
            ).format(cx=cx, cy=cy, tx=cx + 6, ty=cy + 3, name=place.name)
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
