"""Small bar charts as inline SVG, made here so reports need no JavaScript and no files.

The same markup shows in a browser, in a saved HTML report and in WeasyPrint's
PDF. Labels are scraped values (place names, years), so every one is escaped.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Literal

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


# --- coverage over time: true time axes, empty periods kept ---------------------------------
#
# Pure functions: counts in, `Bar`s out, then markup. The report draws them, and the web
# page (floor 4) can draw the same bars with links that narrow its search
# (`with_links`). A bar for every period between the first and the last, empty ones
# included, so a gap in coverage shows as a gap and not as two bars side by side.

Unit = Literal["day", "week", "month", "year"]

BAR_COLOUR = "#2f6f8f"  # 5.5:1 on white; WCAG 1.4.11 asks 3:1 of a graphical object
AXIS_COLOUR = "#595959"  # 7:1 on white, for the axis, ticks and their labels
MAX_BARS = 62  # more columns than this get too thin to see or to click
DAY_SPAN = 62  # at most this many days: a bar a day
WEEK_SPAN = 26 * 7  # half a year: a bar a week
MONTH_SPAN = 5 * 366  # five years: a bar a month; longer: a bar a year
YEAR_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000)
TICK_FONT = 11
TICK_CHAR_WIDTH = 6.6  # rough width of one tick-label character at TICK_FONT


@dataclass(frozen=True, slots=True)
class Bar:
    """One period and how many articles fall in it; `start` and `end` (inclusive) let a
    caller turn the bar into a filter (`since:`/`until:` or `year:`)."""

    label: str
    start: date
    end: date
    count: int
    href: str | None = None
    long_label: str = ""  # when the tick label alone is unclear: "week of 2026-02-09"

    @property
    def name(self) -> str:
        return self.long_label or self.label


def time_unit(first: date, last: date) -> Unit:
    """The period a bar covers, chosen by the span so that there are at most ~60 bars."""
    days = (last - first).days + 1
    if days <= DAY_SPAN:
        return "day"
    if days <= WEEK_SPAN:
        return "week"
    if days <= MONTH_SPAN:
        return "month"
    return "year"


def period_start(day: date, unit: Unit) -> date:
    """The first day of the period holding `day` (weeks start on Monday, ISO 8601)."""
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return date(day.year, 1, 1)


def next_period(start: date, unit: Unit) -> date:
    if unit == "day":
        return start + timedelta(days=1)
    if unit == "week":
        return start + timedelta(days=7)
    if unit == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1)


def period_label(start: date, unit: Unit) -> str:
    """2026-02-10 (a day or the Monday of a week), 2026-02 (a month), 2026 (a year)."""
    if unit in ("day", "week"):
        return start.isoformat()
    if unit == "month":
        return start.strftime("%Y-%m")
    return str(start.year)


def date_bars(counts: Mapping[date, int], unit: Unit | None = None) -> tuple[Unit, list[Bar]]:
    """Articles by publication day as one bar per period from the first to the last,
    empty periods included; the unit is chosen by the span unless given."""
    if not counts:
        return unit or "day", []
    first, last = min(counts), max(counts)
    chosen = unit or time_unit(first, last)
    if chosen == "year":
        by_year: Counter[int] = Counter()
        for day, count in counts.items():
            by_year[day.year] += count
        return chosen, year_bars(by_year)
    binned: Counter[date] = Counter()
    for day, count in counts.items():
        binned[period_start(day, chosen)] += count
    bars = []
    start = period_start(first, chosen)
    while start <= last:
        following = next_period(start, chosen)
        label = period_label(start, chosen)
        bars.append(
            Bar(
                label,
                start,
                following - timedelta(days=1),
                binned[start],
                long_label=f"week of {label}" if chosen == "week" else "",
            )
        )
        start = following
    return chosen, bars


def year_bars(counts: Mapping[int, int]) -> list[Bar]:
    """A bar per year from the first to the last, empty years included; a span longer
    than MAX_BARS years is binned by 2, 5, 10, … years (labelled 1980–1989)."""
    if not counts:
        return []
    first, last = min(counts), max(counts)
    step = next(s for s in YEAR_STEPS if (last // s - first // s + 1) <= MAX_BARS)
    binned: Counter[int] = Counter()
    for year, count in counts.items():
        binned[year - year % step if step > 1 else year] += count
    low = first - first % step if step > 1 else first
    bars = []
    for begin in range(low, last + 1, step):
        end = begin + step - 1
        label = str(begin) if step == 1 else f"{begin}–{end}"
        bars.append(Bar(label, date(begin, 1, 1), date(end, 12, 31), binned[begin]))
    return bars


def with_links(bars: Sequence[Bar], href: Callable[[Bar], str]) -> list[Bar]:
    """The bars, each with a link from `href` (say, the search narrowed to its period);
    an empty bar gets none, since it would narrow to nothing."""
    return [replace(bar, href=href(bar) if bar.count else None) for bar in bars]


def bar_period(bars: Sequence[Bar]) -> str:
    """What one bar covers: day, week, month, year or "10 years"."""
    if not bars:
        return "day"
    first = bars[0]
    days = (first.end - first.start).days + 1
    if days == 1:
        return "day"
    if days == 7:
        return "week"
    if days <= 31:
        return "month"
    years = first.end.year - first.start.year + 1
    return "year" if years == 1 else f"{years} years"


def summary_facts(bars: Sequence[Bar]) -> dict[str, Any]:
    """What a chart's one-sentence summary says, as values a caller can word in its own
    language: total, first, last, period, most, busiest, empty, periods."""
    busiest = max(bars, key=lambda bar: bar.count)
    return {
        "total": sum(bar.count for bar in bars),
        "first": bars[0].name,
        "last": bars[-1].name,
        "period": bar_period(bars),
        "most": busiest.count,
        "busiest": busiest.name,
        "empty": sum(1 for bar in bars if not bar.count),
        "periods": len(bars),
    }


def describe(bars: Sequence[Bar], noun: str = "articles") -> str:
    """The chart in one sentence, for its <desc> and for readers who cannot see it."""
    if not bars:
        return f"No {noun}."
    facts = summary_facts(bars)
    sentence = (
        f"{facts['total']} {noun} from {facts['first']} to {facts['last']}, one bar per "
        f"{facts['period']}; the most, {facts['most']}, in {facts['busiest']}"
    )
    if facts["empty"]:
        sentence += f"; {facts['empty']} of {facts['periods']} periods have none"
    return sentence + "."


NICE_TICKS = {
    "year": (1, 2, 5, 10, 20, 25, 50, 100),  # in bars: years, or bins of years
    "month": (1, 2, 3, 6, 12, 24),
    "week": (1, 2, 4, 8, 13, 26),
    "day": (1, 2, 7, 14, 28),
}


def tick_every(bars: Sequence[Bar], step: float) -> int:
    """Label every n-th bar, n as small as lets the labels not overlap, rounded up to a
    step a reader counts in (every 5 or 10 years, every 3 or 6 months, every week)."""
    longest = max((len(bar.label) for bar in bars), default=1)
    needed = max(1, math.ceil((longest * TICK_CHAR_WIDTH + 8) / max(step, 0.1)))
    period = bar_period(bars)
    choices = NICE_TICKS.get(period, NICE_TICKS["year"])
    return next((n for n in choices if n >= needed), needed)


def tick_indexes(bars: Sequence[Bar], every: int) -> range:
    """The bars that get a label: every n-th, starting at a round one (a year ending in
    0 or 5, January or July) so the labels read as a scale rather than as samples."""
    period = bar_period(bars)
    if every == 1 or period in ("day", "week"):
        return range(0, len(bars), every)
    if period == "month":
        first = next((i for i, b in enumerate(bars[:every]) if (b.start.month - 1) % every == 0), 0)
    else:  # years, or bins of years: count in bars from a round year
        first = next(
            (
                i
                for i, b in enumerate(bars[:every])
                if (b.start.year // _bin_years(bars)) % every == 0
            ),
            0,
        )
    return range(first, len(bars), every)


def _bin_years(bars: Sequence[Bar]) -> int:
    return bars[0].end.year - bars[0].start.year + 1


def column_chart(
    bars: Sequence[Bar],
    *,
    chart_id: str,
    title: str,
    description: str,
    width: int = 640,
    height: int = 190,
) -> Markup:
    """Vertical bars on a true axis, as SVG with a <title> and a <desc>.

    Without links the chart is one image (role="img"); with links it is a group
    (role="group") of links, since an image's children are hidden from assistive
    technology and a link inside one could not be reached (axe: nested-interactive).
    Pair it with `chart_table`, the same numbers as a table.
    """
    if not bars:
        return Markup('<p class="chart-empty">{}: no data.</p>').format(title)
    left, right, top, bottom = 34, 8, 8, 34
    plot_width, plot_height = width - left - right, height - top - bottom
    largest = max(bar.count for bar in bars) or 1
    step = plot_width / len(bars)
    column = max(1.0, step * 0.8 if step > 4 else step - 0.5)
    linked = any(bar.href for bar in bars)
    parts = [
        Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart time-chart" role="{role}" '
            'id="{id}" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
            'aria-labelledby="{id}-title" aria-describedby="{id}-desc">'
            '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        ).format(
            role="group" if linked else "img",
            id=chart_id,
            w=width,
            h=height,
            title=title,
            desc=description,
        ),
        Markup(
            '<g fill="{c}" font-size="{f}">'
            '<text x="{x}" y="{top}" text-anchor="end" dominant-baseline="hanging">{most}</text>'
            '<text x="{x}" y="{base}" text-anchor="end">0</text></g>'
        ).format(
            c=AXIS_COLOUR, f=TICK_FONT, x=left - 4, top=top, most=largest, base=top + plot_height
        ),
    ]
    base = top + plot_height
    for index, bar in enumerate(bars):
        if not bar.count:
            continue
        tall = max(1.0, plot_height * bar.count / largest)
        x = left + index * step + (step - column) / 2
        rect = Markup(
            '<rect class="bar" x="{x}" y="{y}" width="{w}" height="{h}" fill="{c}"/>'
        ).format(
            x=round(x, 1),
            y=round(base - tall, 1),
            w=round(column, 1),
            h=round(tall, 1),
            c=BAR_COLOUR,
        )
        name = f"{bar.name}: {bar.count}"
        if bar.href:
            parts.append(
                Markup(
                    '<a href="{href}" aria-label="{name}"><title>{name}</title>{rect}</a>'
                ).format(href=bar.href, name=name, rect=rect)
            )
        else:
            parts.append(Markup("<g><title>{name}</title>{rect}</g>").format(name=name, rect=rect))
    parts.append(
        Markup('<line x1="{l}" y1="{b}" x2="{r}" y2="{b}" stroke="{c}" stroke-width="1"/>').format(
            l=left, r=left + plot_width, b=base + 0.5, c=AXIS_COLOUR
        )
    )
    every = tick_every(bars, step)
    shown = tick_indexes(bars, every)
    ticks = [
        Markup('<g fill="{c}" stroke="{c}" font-size="{f}">').format(c=AXIS_COLOUR, f=TICK_FONT)
    ]
    for index in shown:
        centre = round(left + index * step + step / 2, 1)
        label = bars[index].label
        anchor, text_x = _tick_anchor(centre, len(label) * TICK_CHAR_WIDTH, left, width)
        ticks.append(
            Markup(
                '<line x1="{x}" y1="{b}" x2="{x}" y2="{t}"/>'
                '<text x="{tx}" y="{ty}" stroke="none" text-anchor="{a}">{label}</text>'
            ).format(x=centre, b=base, t=base + 4, tx=text_x, ty=base + 17, a=anchor, label=label)
        )
    ticks.append(Markup("</g></svg>"))
    return Markup("").join(parts + ticks)


def _tick_anchor(centre: float, text_width: float, left: int, width: int) -> tuple[str, float]:
    """Centre a tick label under its bar unless that would cut it at either edge."""
    if centre + text_width / 2 > width - 1:
        return "end", width - 1
    if centre - text_width / 2 < 1:
        return "start", max(1.0, round(centre - left / 2, 1))
    return "middle", centre


def chart_table(
    bars: Sequence[Bar], *, caption: str, period: str, noun: str = "Articles"
) -> Markup:
    """The numbers of a chart as a table: the fallback for screen readers, text-only
    browsers and anyone who wants the figures. Lists the periods that have articles."""
    if not bars:
        return Markup("")
    rows = []
    for bar in bars:
        if not bar.count:
            continue
        label = Markup('<a href="{}">{}</a>').format(bar.href, bar.name) if bar.href else bar.name
        rows.append(Markup('<tr><th scope="row">{}</th><td>{}</td></tr>').format(label, bar.count))
    return Markup(
        '<table class="chart-data"><caption>{caption}</caption>'
        '<thead><tr><th scope="col">{period}</th><th scope="col">{noun}</th></tr></thead>'
        "<tbody>{rows}</tbody></table>"
    ).format(caption=caption, period=period, noun=noun, rows=Markup("").join(rows))
