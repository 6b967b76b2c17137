"""Server-side SVG charts (pygal) that a screen reader can name.

Each chart is an <svg role="img"> whose first child is a <title> (the chart's name) and a
<desc> (what it shows); the numbers themselves are in the data table the page puts under it.
No script is loaded from anywhere: the page works offline and without JavaScript.

The page's Content-Security-Policy refuses inline scripts and styles without its nonce: pygal's
configuration script (for a tooltip script we never load) is left out, its tooltip is hidden by
an attribute rather than a style="", and its <style> gets the request's nonce when the page is
rendered (`{{ chart|chart_svg:request.csp_nonce }}`, see `with_nonce`).
"""

from __future__ import annotations

import html
import re
import uuid
from dataclasses import dataclass

import pygal
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

# DSFR's illustrative palette, readable on white.
PALETTE = ("#000091", "#c9191e", "#18753c", "#b34000", "#695240", "#6a6af4", "#a558a0", "#009081")
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#161616",
    foreground_strong="#161616",
    foreground_subtle="#666666",
    colors=PALETTE,
    font_family="Marianne, Arial, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    title_font_size=16,
    value_font_size=12,
    tooltip_font_size=13,
)


@dataclass(frozen=True)
class Chart:
    title: str
    svg: SafeString


def _config(title: str, **options) -> dict:
    return {
        "title": title,
        "style": STYLE,
        "js": [],  # no remote tooltip script: offline, and the table carries the values
        "disable_xml_declaration": True,
        "height": options.pop("height", 340),
        "width": 860,
        "legend_at_bottom": True,
        "truncate_legend": 40,
        "truncate_label": 28,
        "print_values": False,
        "no_data_text": "Aucune donnée",
        "show_minor_x_labels": True,
        **options,
    }


STYLE_TAG = '<style type="text/css">'
SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)


def with_nonce(svg: str, nonce: str) -> SafeString:
    """The chart's SVG whose <style> carries the page's Content-Security-Policy nonce."""
    tag = f'<style type="text/css" nonce="{html.escape(nonce)}">'
    return mark_safe(svg.replace(STYLE_TAG, tag))  # noqa: S308 — a chart's own SVG, escaped nonce


def _accessible(svg: str, title: str, description: str) -> SafeString:
    svg = SCRIPT.sub("", svg).replace('style="opacity: 0"', 'opacity="0"')
    ident = f"chart-{uuid.uuid4().hex[:10]}"
    head = (
        f'<title id="{ident}-t">{html.escape(title)}</title>'
        f'<desc id="{ident}-d">{html.escape(description)}</desc>'
    )
    svg = re.sub(
        r"<svg\b([^>]*)>",
        lambda m: f'<svg{m.group(1)} role="img" aria-labelledby="{ident}-t {ident}-d">{head}',
        svg,
        count=1,
    )
    return mark_safe(svg)  # noqa: S308 — pygal escapes every label and value it writes


def bars(
    title: str,
    labels: list[str],
    series: dict[str, list[float | None]],
    *,
    description: str,
    horizontal: bool = False,
    stacked: bool = False,
    unit: str = "",
    integer: bool = False,
) -> Chart:
    """A bar chart: one group per label, one bar (or stack part) per series.

    `integer`: the values are counts, so the axis shows whole numbers only.
    """
    kind = {
        (False, False): pygal.Bar,
        (True, False): pygal.HorizontalBar,
        (False, True): pygal.StackedBar,
        (True, True): pygal.HorizontalStackedBar,
    }[(horizontal, stacked)]
    height = max(340, 26 * len(labels) * max(1, len(series)) + 120) if horizontal else 340
    chart = kind(
        **_config(title, height=min(height, 1400), x_label_rotation=0 if horizontal else 30),
        value_formatter=lambda v: f"{v:g}{unit}",
    )
    if integer and labels:
        chart.y_labels = _whole_ticks(series, stacked=stacked)
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, values)
    return Chart(title, _accessible(chart.render(is_unicode=True), title, description))


def _whole_ticks(series: dict[str, list[float | None]], *, stacked: bool) -> list[int]:
    columns = list(zip(*series.values(), strict=True)) if series else []
    sizes = [sum(v or 0 for v in c) if stacked else max((v or 0 for v in c), default=0)
             for c in columns]  # fmt: skip
    top = int(max(sizes, default=0)) or 1
    step = max(1, -(-top // 8))
    return list(range(0, top + step, step))


def lines(
    title: str,
    labels: list[str],
    series: dict[str, list[float | None]],
    *,
    description: str,
    unit: str = "",
) -> Chart:
    """A line chart over time: one line per series."""
    chart = pygal.Line(
        **_config(title, x_label_rotation=30, show_minor_x_labels=len(labels) <= 26),
        x_labels_major_every=max(1, len(labels) // 12),
        value_formatter=lambda v: f"{v:g}{unit}",
        allow_interruptions=True,
    )
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, values)
    return Chart(title, _accessible(chart.render(is_unicode=True), title, description))
