"""Plotly figures of a diagnostic's results, as JSON data for the page script."""

import html
import textwrap
from typing import Any

from app.formatting import format_number
from questionnaires import Level
from scoring import DiagnosticResult

LEVEL_COLOURS = ("#d9534f", "#f0ad4e", "#5cb85c", "#1f6f5c")
NO_LEVEL_COLOUR = "#c8d0ce"


def theme_chart(result: DiagnosticResult, levels: list[Level]) -> dict[str, Any]:
    """Return a bar chart of the theme scores, 0 to 100, with the level thresholds.

    Themes without a score keep their row, with an empty bar, so the chart and
    the table beside it list the same themes in the same order. The figure is
    written as plain data: building it through plotly.graph_objects validated
    every property and took most of the results page's time.
    """
    themes = list(reversed(result.themes))
    colours = {
        level.id: _colour(index, len(levels)) for index, level in enumerate(levels)
    }
    bar = {
        "type": "bar",
        "orientation": "h",
        "x": [float(t.score) if t.score is not None else 0 for t in themes],
        "y": [_wrap(t.title) for t in themes],
        "marker": {
            "color": [
                colours[t.level.id] if t.level else NO_LEVEL_COLOUR for t in themes
            ]
        },
        "text": [
            f"{format_number(t.score)} · {_plotly_text(t.level.name)}"
            if t.level
            else "pas de niveau"
            for t in themes
        ],
        "textposition": "auto",
        "hoverinfo": "y+text",
        "cliponaxis": False,
    }
    thresholds = [float(level.min_score) for level in levels[1:]]
    layout = {
        "shapes": [
            {
                "type": "line",
                "x0": x,
                "x1": x,
                "xref": "x",
                "y0": 0,
                "y1": 1,
                "yref": "y domain",
                "line": {"dash": "dot", "color": "#5b6b6b", "width": 1},
            }
            for x in thresholds
        ],
        "annotations": [
            {
                "text": _plotly_text(level.name),
                "x": float(level.min_score),
                "xref": "x",
                "xanchor": "center",
                "y": 1,
                "yref": "y domain",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 11},
            }
            for level in levels[1:]
        ],
        "xaxis": {
            "range": [0, 100],
            "title": {"text": "Score sur 100"},
            "fixedrange": True,
        },
        "yaxis": {"automargin": True, "fixedrange": True},
        "margin": {"l": 10, "r": 20, "t": 90, "b": 50},
        "height": 120 + 62 * len(themes),
        "separators": ", ",
        "font": {"family": "system-ui, sans-serif", "size": 12, "color": "#1d2a2a"},
        "showlegend": False,
    }
    return {"data": [bar], "layout": layout}


def _plotly_text(text: str) -> str:
    # Plotly reads labels as a subset of HTML, in which it decodes &amp;, &lt;
    # and &gt; but not &quot;, so quotes stay as they are.
    return html.escape(text, quote=False)


def _wrap(title: str, width: int = 24) -> str:
    return "<br>".join(_plotly_text(line) for line in textwrap.wrap(title, width))


def _colour(index: int, count: int) -> str:
    # Spread the palette over the levels so the top level is always the darkest.
    position = round(index * (len(LEVEL_COLOURS) - 1) / max(count - 1, 1))
    return LEVEL_COLOURS[position]
