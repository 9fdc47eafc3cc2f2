from datetime import datetime

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.catalogue import catalogue
from app.diagnostics.progress import measure_progress
from app.diagnostics.services import (
    CAMPAIGN_ZONE,
    load_answers,
    questionnaire_of,
    start_diagnostic,
)
from app.organisations.attributes import DEPARTEMENTS, LEGAL_FORMS, SECTORS, SIZE_BANDS

bp = Blueprint("dashboard", __name__)


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return render_template("dashboard/welcome.html")
    if current_user.is_admin:
        return redirect(url_for("admin.users"))
    if current_user.is_platform:
        return redirect(url_for("platform.organisations"))
    organisation = current_user.organisation
    if organisation is None:
        return render_template("dashboard/no_organisation.html")
    rows = []
    for diagnostic in organisation.diagnostics:
        questionnaire = questionnaire_of(diagnostic)
        answers, _comments = load_answers(diagnostic, questionnaire)
        rows.append(
            (diagnostic, questionnaire, measure_progress(questionnaire, answers))
        )

    in_progress = {
        d.questionnaire_id for d in organisation.diagnostics if not d.is_submitted
    }
    campaign = datetime.now(CAMPAIGN_ZONE).year
    submitted_this_campaign = {
        d.questionnaire_id
        for d in organisation.diagnostics
        if d.is_submitted and d.campaign == campaign
    }
    return render_template(
        "dashboard/index.html",
        organisation=organisation,
        rows=rows,
        in_progress=in_progress,
        submitted_this_campaign=submitted_this_campaign,
        campaign=campaign,
        questionnaires=catalogue().current(),
        labels={
            "legal_form": LEGAL_FORMS,
            "sector": SECTORS,
            "size_band": SIZE_BANDS,
            "departement": {code: name for code, (name, _) in DEPARTEMENTS.items()},
        },
    )


@bp.post("/diagnostics")
@login_required
def start():
    if not current_user.can_edit:
        abort(403)
    try:
        questionnaire = catalogue().latest(request.form.get("questionnaire_id", ""))
    except LookupError:
        abort(404)
    diagnostic = start_diagnostic(
        current_user.organisation, questionnaire, current_user
    )
    return redirect(url_for("wizard.resume", public_id=diagnostic.public_id))
