"""Diagnostics: start, save a wizard step, submit. Each call is one transaction."""

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from app.audit.services import record_event
from app.catalogue import catalogue
from app.diagnostics.answers import answers_by_question, comments_by_question, encode
from app.diagnostics.progress import missing_required
from app.extensions import db
from app.models import Answer, Diagnostic, DiagnosticStatus, Organisation, User
from app.models.base import utcnow
from questionnaires import Question, Questionnaire, Theme
from scoring import result_to_dict, score_diagnostic
from scoring.answers import AnswerValue

logger = logging.getLogger(__name__)
CAMPAIGN_ZONE = ZoneInfo("Europe/Paris")
NO_VERSION = "none"


class DiagnosticLocked(Exception):
    """The diagnostic is submitted, so its answers can no longer change."""


class MissingRequiredAnswers(Exception):
    def __init__(self, missing: list[tuple[Theme, Question]]) -> None:
        super().__init__(f"{len(missing)} required answers missing")
        self.missing = missing


def find_diagnostic(public_id: str, organisation_id: int) -> Diagnostic | None:
    """Return the organisation's diagnostic with this public id, if any."""
    statement = select(Diagnostic).where(
        Diagnostic.public_id == public_id,
        Diagnostic.organisation_id == organisation_id,
    )
    return db.session.scalar(statement)


def step_version(diagnostic: Diagnostic, theme: Theme) -> str:
    """Return when the theme's stored answers last changed, or "none"."""
    ids = {question.id for question in theme.questions}
    times = [row.updated_at for row in diagnostic.answers if row.question_id in ids]
    return max(times).isoformat() if times else NO_VERSION


def changed_since(diagnostic: Diagnostic, theme: Theme, version: str) -> list[Answer]:
    """Return the theme's rows saved after a step_version, oldest first.

    A version that is not one step_version returns gives no rows, so a form
    without one is never refused.
    """
    ids = {question.id for question in theme.questions}
    rows = [row for row in diagnostic.answers if row.question_id in ids]
    if version == NO_VERSION:
        return sorted(rows, key=lambda row: row.updated_at)
    try:
        seen = datetime.fromisoformat(version)
    except ValueError:
        return []
    if seen.tzinfo is None:
        return []
    changed = [row for row in rows if row.updated_at > seen]
    return sorted(changed, key=lambda row: row.updated_at)


def questionnaire_of(diagnostic: Diagnostic) -> Questionnaire:
    return catalogue().get(
        diagnostic.questionnaire_id, diagnostic.questionnaire_version
    )


def load_answers(
    diagnostic: Diagnostic, questionnaire: Questionnaire
) -> tuple[dict[str, AnswerValue], dict[str, str]]:
    """Return the diagnostic's answers and comments by question id."""
    rows = list(diagnostic.answers)
    return answers_by_question(questionnaire, rows), comments_by_question(rows)


def start_diagnostic(
    organisation: Organisation, questionnaire: Questionnaire, user: User
) -> Diagnostic:
    """Start a diagnostic, or return the one already in progress."""
    statement = select(Diagnostic).where(
        Diagnostic.organisation_id == organisation.id,
        Diagnostic.questionnaire_id == questionnaire.id,
        Diagnostic.status == DiagnosticStatus.IN_PROGRESS,
    )
    existing = db.session.scalar(statement)
    if existing is not None:
        return existing

    diagnostic = Diagnostic(
        organisation=organisation,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        campaign=datetime.now(CAMPAIGN_ZONE).year,
    )
    db.session.add(diagnostic)
    db.session.commit()
    logger.info("diagnostic %s started by user %s", diagnostic.id, user.id)
    return diagnostic


def save_step(
    diagnostic: Diagnostic,
    questionnaire: Questionnaire,
    values: dict[str, AnswerValue | None],
    comments: dict[str, str | None],
    user: User,
) -> int:
    """Store a step's answers and comments; return how many rows changed.

    ``values`` holds only answers to store: None clears an answer. Comments are
    stored for every question given, asked or not.
    """
    if diagnostic.is_submitted:
        raise DiagnosticLocked(diagnostic.public_id)

    rows = {row.question_id: row for row in diagnostic.answers}
    changed = 0
    for question_id in values.keys() | comments.keys():
        row = rows.get(question_id)
        if row is None:
            row = Answer(question_id=question_id)
        new_value, new_special = row.value, row.special
        if question_id in values:
            new_value, new_special = _stored(questionnaire, question_id, values)
        new_comment = comments.get(question_id, row.comment)

        if (row.value, row.special, row.comment) == (
            new_value,
            new_special,
            new_comment,
        ):
            continue
        if row.id is None and new_value is None and not new_special and not new_comment:
            continue
        row.value, row.special, row.comment = new_value, new_special, new_comment
        row.updated_at, row.updated_by_id = utcnow(), user.id
        if row.id is None:
            diagnostic.answers.append(row)
        changed += 1

    if changed:
        diagnostic.updated_at = utcnow()
    db.session.commit()
    logger.info(
        "diagnostic %s: %d answers saved by user %s", diagnostic.id, changed, user.id
    )
    return changed


def _stored(questionnaire, question_id, values):
    value = values[question_id]
    if value is None:
        return None, None
    return encode(questionnaire.question(question_id), value)


def submit_diagnostic(
    diagnostic: Diagnostic, questionnaire: Questionnaire, user: User
) -> bool:
    """Submit the diagnostic; return False if it was already submitted.

    The status changes in one conditional UPDATE, so two submissions of the
    same form (a double click, two tabs) submit it once.
    """
    if diagnostic.is_submitted:
        return False
    answers, _comments = load_answers(diagnostic, questionnaire)
    missing = missing_required(questionnaire, answers)
    if missing:
        raise MissingRequiredAnswers(missing)

    result = result_to_dict(score_diagnostic(questionnaire, answers))
    now = utcnow()
    statement = (
        update(Diagnostic)
        .where(
            Diagnostic.id == diagnostic.id,
            Diagnostic.status == DiagnosticStatus.IN_PROGRESS,
        )
        .values(
            status=DiagnosticStatus.SUBMITTED,
            submitted_at=now,
            submitted_by_id=user.id,
            updated_at=now,
            result=result,
        )
    )
    updated = db.session.execute(statement).rowcount
    if updated:
        record_event(
            "diagnostic_submitted",
            actor=user,
            organisation_id=diagnostic.organisation_id,
            target=diagnostic.public_id,
        )
    db.session.commit()
    db.session.refresh(diagnostic)
    if updated:
        logger.info("diagnostic %s submitted by user %s", diagnostic.id, user.id)
    return bool(updated)
