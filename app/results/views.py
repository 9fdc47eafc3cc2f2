from pathlib import Path

import plotly
from flask import Blueprint, render_template, send_from_directory
from flask_login import login_required

from app.diagnostics.access import own_diagnostic_or_404
from app.diagnostics.services import load_answers, questionnaire_of
from app.results.charts import theme_chart
from scoring import score_diagnostic

bp = Blueprint("results", __name__)
PLOTLY_DIRECTORY = Path(plotly.__file__).parent / "package_data"


@bp.get("/diagnostics/<public_id>/results")
@login_required
def show(public_id: str):
    diagnostic = own_diagnostic_or_404(public_id)
    questionnaire = questionnaire_of(diagnostic)
    answers, _comments = load_answers(diagnostic, questionnaire)
    # TODO: show the result stored at submission for submitted diagnostics;
    # recomputing it only matches while the scoring rules stay unchanged.
    result = score_diagnostic(questionnaire, answers)

    return render_template(
        "results/show.html",
        diagnostic=diagnostic,
        questionnaire=questionnaire,
        result=result,
        chart=theme_chart(result, questionnaire.levels),
        themes_by_id={theme.id: theme for theme in questionnaire.themes},
        question_ids={question.id for question in questionnaire.questions()},
    )


@bp.get("/vendor/plotly.min.js")
def plotly_js():
    # Served from the installed plotly package, so the page needs no other host.
    return send_from_directory(PLOTLY_DIRECTORY, "plotly.min.js", max_age=86400)
