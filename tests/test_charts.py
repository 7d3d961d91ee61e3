"""Charts of coverage over time (exports/charts.py): true time axes with the empty periods
kept, labelled ticks, accessible SVG with a table fallback, colours that can be seen."""

from __future__ import annotations

import itertools
import re
from datetime import date
from xml.etree import ElementTree

import pytest

from exports.charts import (
    AXIS_COLOUR,
    BAR_COLOUR,
    MAX_BARS,
    Bar,
    chart_table,
    column_chart,
    date_bars,
    describe,
    time_unit,
    with_links,
    year_bars,
)

SVG = "{http://www.w3.org/2000/svg}"


def contrast_on_white(colour: str) -> float:
    """WCAG 2.x contrast ratio of an sRGB colour against white."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 1.05 / (luminance + 0.05)


@pytest.mark.parametrize("colour", [BAR_COLOUR, AXIS_COLOUR])
def test_colours_have_3_to_1_contrast_on_white(colour):
    assert contrast_on_white(colour) >= 3.0  # WCAG 1.4.11 non-text contrast
    assert contrast_on_white("#7fa7bd") < 3.0  # the old histogram colour the issue measured


@pytest.mark.parametrize(
    "first, last, unit",
    [
        (date(2026, 1, 1), date(2026, 1, 1), "day"),
        (date(2026, 1, 1), date(2026, 3, 3), "day"),  # 62 days
        (date(2026, 1, 1), date(2026, 3, 4), "week"),
        (date(2026, 1, 1), date(2026, 7, 1), "week"),
        (date(2026, 1, 1), date(2026, 9, 1), "month"),
        (date(2021, 1, 1), date(2025, 12, 31), "month"),
        (date(2016, 1, 1), date(2026, 1, 1), "year"),
    ],
)
def test_the_unit_is_chosen_by_the_span(first, last, unit):
    assert time_unit(first, last) == unit


def test_date_bars_keep_empty_periods_and_cross_the_year():
    unit, bars = date_bars({date(2025, 6, 30): 2, date(2026, 2, 10): 1, date(2026, 2, 28): 4})
    assert unit == "month"
    assert [(b.label, b.count) for b in bars] == [
        ("2025-06", 2),
        ("2025-07", 0),
        ("2025-08", 0),
        ("2025-09", 0),
        ("2025-10", 0),
        ("2025-11", 0),
        ("2025-12", 0),
        ("2026-01", 0),
        ("2026-02", 5),
    ]
    assert bars[6].start == date(2025, 12, 1) and bars[6].end == date(2025, 12, 31)
    assert bars[-1].end == date(2026, 2, 28)
    _, forced = date_bars({date(2025, 11, 30): 2, date(2026, 1, 2): 1}, unit="month")
    assert [b.label for b in forced] == ["2025-11", "2025-12", "2026-01"]


def test_week_bars_start_on_monday_and_say_so():
    unit, bars = date_bars({date(2026, 1, 1): 1, date(2026, 3, 31): 1})  # a Thursday
    assert unit == "week"
    assert bars[0].start == date(2025, 12, 29) and bars[0].end == date(2026, 1, 4)
    assert bars[0].label == "2025-12-29" and bars[0].name == "week of 2025-12-29"
    assert all(b.start.weekday() == 0 for b in bars) and sum(b.count for b in bars) == 2
    assert bars[-1].start <= date(2026, 3, 31) <= bars[-1].end


def test_day_bars_and_a_long_span_as_years():
    _, days = date_bars({date(2026, 2, 10): 1, date(2026, 2, 12): 3})
    assert [(b.label, b.count) for b in days] == [
        ("2026-02-10", 1),
        ("2026-02-11", 0),
        ("2026-02-12", 3),
    ]
    unit, years = date_bars({date(2003, 5, 1): 1, date(2026, 2, 10): 2})
    assert unit == "year" and len(years) == 24 and years[0].label == "2003"
    assert [b.count for b in years if b.count] == [1, 2]


def test_year_bars_are_a_true_axis():
    bars = year_bars({1986: 1, 2021: 2, 2023: 4})
    assert len(bars) == 2023 - 1986 + 1
    assert [b.label for b in bars if b.count] == ["1986", "2021", "2023"]
    assert bars[1].label == "1987" and bars[1].count == 0


def test_a_far_outlier_year_bins_instead_of_a_thousand_bars():
    bars = year_bars({1200: 1, 2020: 3, 2023: 1})
    assert len(bars) <= MAX_BARS
    assert bars[0].label.startswith("1200–") and bars[-1].count == 4
    assert sum(b.count for b in bars) == 5
    assert "one bar per 20 years" in describe(bars)


def test_links_go_on_bars_that_have_articles():
    bars = with_links(year_bars({2020: 1, 2022: 2}), lambda b: f"/search?year={b.start.year}")
    assert [b.href for b in bars] == ["/search?year=2020", None, "/search?year=2022"]


def parse(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(str(markup))


def test_column_chart_is_accessible_svg_with_labelled_ticks():
    _, bars = date_bars({date(2026, 1, d): d for d in (1, 5, 20)})
    markup = column_chart(bars, chart_id="c1", title="Articles <by> day", description="d & e")
    svg = parse(markup)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c1-title" and svg.get("aria-describedby") == "c1-desc"
    assert svg.find(f"{SVG}title").text == "Articles <by> day"
    assert svg.find(f"{SVG}desc").text == "d & e"
    rects = [r for r in svg.iter(f"{SVG}rect")]
    assert len(rects) == 3 and {r.get("fill") for r in rects} == {BAR_COLOUR}
    heights = [float(r.get("height")) for r in rects]
    assert heights[2] == max(heights) and heights[0] < heights[1]
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert "2026-01-01" in labels and "20" in labels and "0" in labels
    assert len([label for label in labels if re.fullmatch(r"2026-01-\d\d", label)]) >= 3
    xs = [float(r.get("x")) for r in rects]
    step = (xs[1] - xs[0]) / 4  # 1st to 5th January: four days apart
    assert xs[2] - xs[1] == pytest.approx(15 * step, abs=0.5)  # the empty days keep their place


def test_tick_labels_do_not_overlap_and_stay_inside():
    _, bars = date_bars({date(2026, 1, 1): 1, date(2026, 3, 3): 1})  # 62 day bars
    svg = parse(column_chart(bars, chart_id="c", title="t", description="d", width=400))
    ticks = [t for t in svg.iter(f"{SVG}text") if t.text and t.text.startswith("2026")]
    assert 2 <= len(ticks) < len(bars)
    xs = [float(t.get("x")) for t in ticks]
    assert all(b - a >= 10 * 6 for a, b in itertools.pairwise(xs))
    assert all(0 <= x <= 400 for x in xs)


def test_year_ticks_fall_on_round_years():
    bars = year_bars({1986: 1, 2021: 2, 2023: 4})
    svg = parse(column_chart(bars, chart_id="y", title="t", description="d"))
    labels = [t.text for t in svg.iter(f"{SVG}text") if t.text and len(t.text) == 4]
    assert labels == [str(year) for year in range(1990, 2024, 5)]


def test_linked_chart_is_a_group_of_named_links_and_escapes_hrefs():
    bars = with_links(
        year_bars({2020: 1, 2021: 3}), lambda b: f'/search?year={b.start.year}&q="x"<y>'
    )
    markup = str(column_chart(bars, chart_id="y", title="Years", description="d"))
    assert '"x"<y>' not in markup and "&amp;q=&#34;x&#34;&lt;y&gt;" in markup
    svg = parse(markup)
    assert svg.get("role") == "group"  # links inside role=img could not be reached
    links = list(svg.iter(f"{SVG}a"))
    assert [a.get("aria-label") for a in links] == ["2020: 1", "2021: 3"]
    assert links[0].get("href") == '/search?year=2020&q="x"<y>'


def test_chart_table_is_the_same_numbers_escaped():
    bars = [
        Bar("<b>2020</b>", date(2020, 1, 1), date(2020, 12, 31), 2, href="/s?y=2020&a=1"),
        Bar("2021", date(2021, 1, 1), date(2021, 12, 31), 0),
        Bar("2022", date(2022, 1, 1), date(2022, 12, 31), 5),
    ]
    table = parse(chart_table(bars, caption="Years", period="Year"))
    assert table.find("caption").text == "Years"
    rows = [(r.find("th"), r.find("td").text) for r in table.find("tbody")]
    assert [td for _, td in rows] == ["2", "5"]
    link = rows[0][0].find("a")
    assert link.get("href") == "/s?y=2020&a=1" and link.text == "<b>2020</b>"
    assert table.find("thead/tr/th").get("scope") == "col"


def test_no_data():
    assert date_bars({}) == ("day", [])
    assert year_bars({}) == []
    assert "no data" in column_chart([], chart_id="e", title="Empty", description="")
    assert chart_table([], caption="c", period="p") == ""
