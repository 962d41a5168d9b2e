"""Bar charts drawn on the server as SVG: readable without JavaScript, no third-party code. Each chart
has a title and a description for screen readers, each bar a <title> with its value, and the same
figures are always in a table next to it (the chart is never the only way to read them)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, PLOT_HEIGHT = 720, 184
LEFT, TOP = 40, 16
LABEL_ANGLE = 40  # degrees: month names ("septembre 2026") fit under their group, and inside the picture
CHAR_WIDTH = 6.4  # px, the axis font (11 px) on average


def _n(value: float) -> str:
    return f"{value:.1f}"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
) -> SafeString:
    """Grouped bars: one group per label, one bar per series (CSS classes series-0, series-1...: the
    series are told apart by pattern and a legend, not by colour alone)."""
    peak = max([1, *[v for _name, values in series for v in values]])
    # Room for the slanted labels: below the plot for the longest, on the left for the first one.
    longest = max((len(str(label)) for label in labels), default=0) * CHAR_WIDTH
    sin, cos = math.sin(math.radians(LABEL_ANGLE)), math.cos(math.radians(LABEL_ANGLE))
    bottom = math.ceil(longest * sin) + 24
    first_group = (WIDTH - LEFT - 10) / max(len(labels), 1)
    left = max(LEFT, math.ceil(longest * cos - first_group / 2) + 6)
    height = TOP + PLOT_HEIGHT + bottom
    plot_width, plot_height = WIDTH - left - 10, PLOT_HEIGHT
    group = plot_width / max(len(labels), 1)
    bar = max(min(group * 0.8 / max(len(series), 1), 40), 2)
    parts: list[SafeString] = []
    for tick in (0, peak / 2, peak):
        y = TOP + plot_height - tick / peak * plot_height
        parts.append(
            format_html(
                '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>',
                left,
                WIDTH - 10,
                _n(y),
                _n(y),
                left - 4,
                _n(y + 4),
                round(tick),
            )
        )
    for index, label in enumerate(labels):
        x0 = left + index * group + (group - bar * len(series)) / 2
        for number, (name, values) in enumerate(series):
            value = values[index]
            h = value / peak * plot_height
            parts.append(
                format_html(
                    '<rect class="bar series-{}" x="{}" y="{}" width="{}" height="{}">'
                    "<title>{} — {}: {}</title></rect>",
                    number,
                    _n(x0 + number * bar),
                    _n(TOP + plot_height - h),
                    _n(bar),
                    _n(h),
                    label,
                    name,
                    value,
                )
            )
        parts.append(
            format_html(
                '<text class="axis" x="{}" y="{}" text-anchor="end" transform="rotate(-{} {} {})">{}</text>',
                _n(left + index * group + group / 2),
                TOP + plot_height + 14,
                LABEL_ANGLE,
                _n(left + index * group + group / 2),
                TOP + plot_height + 14,
                label,
            )
        )
    legend = format_html_join(
        "",
        '<li><svg class="swatch" viewBox="0 0 14 14" aria-hidden="true" focusable="false">'
        '<rect class="bar series-{}" width="14" height="14"/></svg> {}</li>',
        ((number, name) for number, (name, _values) in enumerate(series)),
    )
    return format_html(
        '<figure class="chart"><svg viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>'
        '<figcaption><ul class="chart-legend">{}</ul></figcaption></figure>',
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        SafeString("".join(parts)),
        legend,
    )
