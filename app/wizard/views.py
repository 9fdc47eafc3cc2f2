from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.diagnostics.access import own_diagnostic_or_404
from app.diagnostics.answers import decode
from app.diagnostics.progress import (
    first_open_theme,
    measure_progress,
    missing_required,
)
from app.diagnostics.services import (
    MissingRequiredAnswers,
    changed_since,
    load_answers,
    questionnaire_of,
    step_version,
    submit_diagnostic,
)
from app.extensions import csrf, login_manager
from app.wizard.display import answer_text
from app.wizard.forms import build_step_form, comment_name, initial_data
from app.wizard.reauth import sign_in_again
from app.wizard.services import outside_values, process_step
from scoring.visibility import visible_question_ids

bp = Blueprint("wizard", __name__, url_prefix="/diagnostics/<public_id>")


@bp.app_template_test("has_errors")
def has_errors(question, form) -> bool:
    """Tell whether a question's answer or comment field has errors."""
    return bool(form[question.id].errors or form[comment_name(question)].errors)


# The step form checks its own CSRF token, so that a page sent with an expired
# token comes back with everything typed instead of a bare error page. For the
# same reason, a step sent after the session ended asks to sign in again on a
# page that carries what was typed, instead of redirecting and losing it.
@bp.route("/steps/<theme_id>", methods=["GET", "POST"])
@csrf.exempt
def step(public_id: str, theme_id: str):
    if not current_user.is_authenticated:
        if request.method == "GET":
            return login_manager.unauthorized()
        signed_in = sign_in_again()
        if signed_in is not True:
            return signed_in

    diagnostic = own_diagnostic_or_404(public_id)
    questionnaire = questionnaire_of(diagnostic)
    theme = questionnaire.theme(theme_id) or abort(404)
    answers, comments = load_answers(diagnostic, questionnaire)
    form_class = build_step_form(theme.questions)

    if request.method == "POST" and not current_user.can_edit:
        abort(403)
    if request.method == "GET" or diagnostic.is_submitted:
        if request.method == "POST":
            flash(
                _("Ce diagnostic est soumis : ses réponses ne changent plus."), "info"
            )
            return redirect(url_for("results.show", public_id=public_id))
        form = form_class(data=initial_data(theme.questions, answers, comments))
        visible = visible_question_ids(questionnaire, answers)
        return _render_step(diagnostic, questionnaire, theme, form, answers, visible)

    form = form_class()
    # The only validator left on the form itself is its CSRF token.
    if not form.validate():
        flash(
            _("La page a expiré. Vos saisies sont encore là : envoyez-les à nouveau."),
            "error",
        )
        visible = visible_question_ids(questionnaire, answers)
        return _render_step(
            diagnostic, questionnaire, theme, form, answers, visible
        ), 422

    changed = changed_since(diagnostic, theme, form.version.data or "")
    if changed:
        flash(
            _(
                "Ces réponses ont été modifiées ailleurs pendant que vous remplissiez "
                "la page : rien n'a été enregistré. Voyez les changements ci-dessous, "
                "puis envoyez vos réponses à nouveau si elles doivent l'emporter."
            ),
            "error",
        )
        conflicts = _describe_changes(questionnaire, changed)
        visible = visible_question_ids(questionnaire, answers)
        page = _render_step(
            diagnostic, questionnaire, theme, form, answers, visible, conflicts
        )
        return page, 409

    outcome = process_step(
        diagnostic,
        questionnaire,
        theme,
        form,
        answers,
        current_user,
        sent_names=set(request.form),
    )
    action = request.form.get("action", "next")
    if outcome.errors:
        flash(
            _("Les autres réponses sont enregistrées ; corrigez les champs signalés."),
            "error",
        )
        status = 422
    elif outcome.newly_shown and action == "next":
        flash(_("Vos réponses ouvrent de nouvelles questions sur cette page."), "info")
        status = 200
    else:
        return redirect(
            _destination(diagnostic.public_id, questionnaire, theme, action)
        )
    return (
        _render_step(
            diagnostic, questionnaire, theme, form, outcome.answers, outcome.visible
        ),
        status,
    )


def _describe_changes(questionnaire, rows) -> list[dict]:
    changes = []
    for row in rows:
        question = questionnaire.question(row.question_id)
        changes.append(
            {
                "question": question,
                "answer": answer_text(question, decode(question, row)),
                "comment": row.comment,
                "saved_at": row.updated_at,
                "saved_by": row.updated_by.email if row.updated_by else None,
            }
        )
    return changes


def _render_step(
    diagnostic, questionnaire, theme, form, answers, visible, conflicts=()
):
    index = questionnaire.themes.index(theme)
    form.shown.data = " ".join(q.id for q in theme.questions if q.id in visible)
    form.version.data = step_version(diagnostic, theme)
    return render_template(
        "wizard/step.html",
        diagnostic=diagnostic,
        questionnaire=questionnaire,
        theme=theme,
        step_number=index + 1,
        form=form,
        visible=visible,
        progress=measure_progress(questionnaire, answers),
        outside_values=outside_values(theme, answers, visible),
        read_only=diagnostic.is_submitted or not current_user.can_edit,
        conflicts=conflicts,
    )


def _destination(public_id, questionnaire, theme, action: str) -> str:
    index = questionnaire.themes.index(theme)
    if action == "save_and_leave":
        flash(
            _("Vos réponses sont enregistrées. Reprenez quand vous voulez."), "success"
        )
        return url_for("dashboard.index")
    if action.startswith("goto:") and questionnaire.theme(action[5:]) is not None:
        target = questionnaire.theme(action[5:])
    elif action == "previous":
        if index == 0:
            return url_for("dashboard.index")
        target = questionnaire.themes[index - 1]
    elif index + 1 < len(questionnaire.themes):
        target = questionnaire.themes[index + 1]
    else:
        return url_for("wizard.review", public_id=public_id)
    return url_for("wizard.step", public_id=public_id, theme_id=target.id)


@bp.get("/resume")
@login_required
def resume(public_id: str):
    diagnostic = own_diagnostic_or_404(public_id)
    if diagnostic.is_submitted:
        return redirect(url_for("results.show", public_id=public_id))
    questionnaire = questionnaire_of(diagnostic)
    answers, _comments = load_answers(diagnostic, questionnaire)

    theme = first_open_theme(questionnaire, answers)
    if theme is None:
        return redirect(url_for("wizard.review", public_id=public_id))
    return redirect(url_for("wizard.step", public_id=public_id, theme_id=theme.id))


@bp.get("/review")
@login_required
def review(public_id: str):
    diagnostic = own_diagnostic_or_404(public_id)
    if diagnostic.is_submitted:
        return redirect(url_for("results.show", public_id=public_id))
    questionnaire = questionnaire_of(diagnostic)
    answers, _comments = load_answers(diagnostic, questionnaire)

    return render_template(
        "wizard/review.html",
        diagnostic=diagnostic,
        questionnaire=questionnaire,
        missing=missing_required(questionnaire, answers),
        progress=measure_progress(questionnaire, answers),
        theme_progress=_theme_progress(questionnaire, answers),
    )


def _theme_progress(questionnaire, answers):
    visible = visible_question_ids(questionnaire, answers)
    rows = []
    for theme in questionnaire.themes:
        asked = [q for q in theme.questions if q.id in visible]
        answered = sum(q.id in answers for q in asked)
        rows.append((theme, answered, len(asked)))
    return rows


@bp.post("/submit")
@login_required
def submit(public_id: str):
    diagnostic = own_diagnostic_or_404(public_id)
    questionnaire = questionnaire_of(diagnostic)
    if not current_user.can_edit:
        abort(403)
    if not current_user.is_pilot:
        flash(
            _("Seul un pilote de l'organisation peut soumettre le diagnostic."), "error"
        )
        return redirect(url_for("wizard.review", public_id=public_id))
    try:
        submitted = submit_diagnostic(diagnostic, questionnaire, current_user)
    except MissingRequiredAnswers:
        flash(_("Répondez d'abord aux questions obligatoires listées."), "error")
        return redirect(url_for("wizard.review", public_id=public_id))

    if submitted:
        flash(_("Diagnostic soumis. Voici vos résultats."), "success")
    else:
        flash(_("Ce diagnostic était déjà soumis."), "info")
    return redirect(url_for("results.show", public_id=public_id))
