"""Plotly figures of a diagnostic's results, as JSON data for the page script."""

from typing import Any

import plotly.graph_objects as go

from scoring import DiagnosticResult


def theme_chart(result: DiagnosticResult, levels: list) -> dict[str, Any]:
    """Return a radar chart of the theme scores, 0 to 100, with level rings."""
    themes = [theme for theme in result.themes if theme.score is not None]
    labels = [theme.title for theme in themes]
    scores = [float(theme.score) for theme in themes]  # type: ignore[arg-type]
    levels_text = [theme.level.name for theme in themes]  # type: ignore[union-attr]

    figure = go.Figure()
    figure.add_trace(
        go.Scatterpolar(
            r=scores + scores[:1],
            theta=labels + labels[:1],
            customdata=levels_text + levels_text[:1],
            fill="toself",
            name="Score",
            hovertemplate="%{theta}<br>%{r:.1f} / 100 — %{customdata}<extra></extra>",
            line={"color": "#1f6f5c"},
        )
    )
    figure.update_layout(
        polar={
            "radialaxis": {
                "range": [0, 100],
                "tickvals": [float(level.min_score) for level in levels[1:]],
                "ticktext": [level.name for level in levels[1:]],
            }
        },
        showlegend=False,
        margin={"l": 70, "r": 70, "t": 30, "b": 30},
        separators=", ",
        template="none",
        font={"family": "system-ui, sans-serif", "size": 13},
    )
    return figure.to_plotly_json()
