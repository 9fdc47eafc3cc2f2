"""Download of an organisation's data and deletion of its account.

Deletion removes every person's data and keeps submitted diagnostics only as
anonymous statistics, all in one transaction:

- member accounts, their password reset tokens and the sign-in attempts made
  with their e-mail addresses are deleted;
- invitations are deleted, whatever their state;
- diagnostics in progress are deleted with their answers;
- submitted diagnostics keep their stored result and their choice, yes/no,
  scale and number answers, but lose comments, text answers and the ids of the
  people who answered or submitted;
- the organisation row keeps its legal form, sector, size band and département,
  and gets a neutral name, no SIREN and ``anonymised_at``;
- audit events of the organisation keep their action, date and target (a
  random public id), but lose actor, address and any e-mail in their details.

References to the deleted accounts from other organisations' rows are cleared
too, so no foreign key breaks.
"""

import json
import logging
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import String, cast, delete, func, or_, select, update

from app.audit.services import record_event
from app.auth.limits import check_sign_in_allowed, record_sign_in_attempt
from app.extensions import db
from app.models import (
    Answer,
    AuditEvent,
    Diagnostic,
    DiagnosticStatus,
    Invitation,
    LoginAttempt,
    Organisation,
    PasswordResetToken,
    User,
)
from app.models.base import utcnow
from app.privacy.export import (
    build_export,
    dump_export,
    export_filename,
    question_or_none,
    questionnaire_or_none,
)
from questionnaires import Questionnaire, QuestionType

logger = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")
# Stored in the database untranslated, so every reader gets the same neutral name.
ANONYMISED_NAME = "Organisation supprimée"
TEXT_TYPES = frozenset({QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT})
# Columns that point at user accounts, with the values that clear them before
# the accounts go. Password reset tokens point at them too, and are deleted.
# A test compares this list with the schema's foreign keys.
CLEARED_USER_REFERENCES = (
    (Answer.updated_by_id, {"updated_by_id": None}),
    (Diagnostic.submitted_by_id, {"submitted_by_id": None}),
    (Invitation.created_by_id, {"created_by_id": None}),
    (Invitation.accepted_by_id, {"accepted_by_id": None}),
    (AuditEvent.actor_id, {"actor_id": None, "address": None}),
)


class DeletionRejected(Exception):
    """The pilot's confirmation does not match, so nothing was deleted."""


class NameMismatch(DeletionRejected):
    """The typed name is not the organisation's."""


class WrongPassword(DeletionRejected):
    """The password is not the pilot's."""


@dataclass(frozen=True)
class DeletionSummary:
    """How many rows of each kind the deletion removed or kept."""

    members_deleted: int
    invitations_deleted: int
    diagnostics_deleted: int
    diagnostics_kept: int


def export_organisation_data(
    organisation: Organisation, user: User
) -> tuple[str, bytes]:
    """Build the organisation's data file and record the download.

    Returns the file name and the UTF-8 JSON content.
    """
    content = dump_export(build_export(organisation))
    filename = export_filename(organisation, datetime.now(PARIS).date())
    record_event("data_exported", actor=user, organisation_id=organisation.id)
    db.session.commit()
    logger.info("organisation %s data exported by user %s", organisation.id, user.id)
    return filename, content


def count_rows(organisation: Organisation) -> dict[str, int]:
    """Count the members and the diagnostics by status, for the deletion page."""
    members = select(func.count()).where(User.organisation_id == organisation.id)
    statuses = (
        select(Diagnostic.status, func.count())
        .where(Diagnostic.organisation_id == organisation.id)
        .group_by(Diagnostic.status)
    )
    by_status = {status: count for status, count in db.session.execute(statuses)}
    return {
        "members": db.session.scalar(members) or 0,
        "in_progress": by_status.get(DiagnosticStatus.IN_PROGRESS, 0),
        "submitted": by_status.get(DiagnosticStatus.SUBMITTED, 0),
    }


def names_match(typed: str, name: str) -> bool:
    """Compare names ignoring case, repeated spaces and Unicode composition."""

    def normalized(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).casefold().split())

    return normalized(typed) == normalized(name)


def delete_organisation(
    organisation: Organisation,
    pilot: User,
    typed_name: str,
    password: str,
    address: str | None,
) -> DeletionSummary:
    """Delete the organisation's account after checking the pilot's confirmation.

    Raises NameMismatch, LimitReached or WrongPassword before any deletion.
    """
    _check_confirmation(organisation, pilot, typed_name, password, address)

    organisation_id, pilot_id = organisation.id, pilot.id
    summary = _erase(organisation)
    event = record_event(
        "organisation_deleted", organisation_id=organisation_id, **vars(summary)
    )
    # The address of the request is the pilot's, so it is not kept either.
    event.address = None
    db.session.commit()
    logger.info(
        "organisation %s deleted by user %s: %s", organisation_id, pilot_id, summary
    )
    return summary


def _check_confirmation(
    organisation: Organisation,
    pilot: User,
    typed_name: str,
    password: str,
    address: str | None,
) -> None:
    """Raise unless the name and password match.

    The password is checked under the sign-in limits, and a wrong one counts
    as a failed sign-in, so that a stolen session cannot guess it faster than
    the sign-in page allows.
    """
    if not names_match(typed_name, organisation.name):
        raise NameMismatch(organisation.id)
    now = utcnow()
    check_sign_in_allowed(pilot.email, address, now)
    if pilot.check_password(password):
        return

    record_sign_in_attempt(pilot.email, address, False, now)
    record_event("organisation_deletion_rejected", actor=pilot)
    db.session.commit()
    logger.info(
        "deletion of organisation %s rejected: wrong password of user %s",
        organisation.id,
        pilot.id,
    )
    raise WrongPassword(pilot.id)


def _erase(organisation: Organisation) -> DeletionSummary:
    """Apply the deletion policy of this module's docstring, without committing."""
    organisation_id = organisation.id
    member_ids, emails = _members_of(organisation_id)
    diagnostics_deleted = _delete_diagnostics_in_progress(organisation_id)
    diagnostics_kept = _anonymise_submitted_diagnostics(organisation_id)
    invitations_deleted = _delete_invitations(organisation_id)
    # Rows that point at the accounts change before the accounts go, because
    # SQLite and PostgreSQL check foreign keys at each statement.
    _clear_references_to(member_ids, emails)
    _anonymise_audit_events(organisation_id, emails)
    db.session.execute(delete(User).where(User.id.in_(member_ids)))
    _anonymise_organisation(organisation)
    return DeletionSummary(
        members_deleted=len(member_ids),
        invitations_deleted=invitations_deleted,
        diagnostics_deleted=diagnostics_deleted,
        diagnostics_kept=diagnostics_kept,
    )


def _members_of(organisation_id: int) -> tuple[list[int], list[str]]:
    statement = select(User.id, User.email).where(
        User.organisation_id == organisation_id
    )
    rows = db.session.execute(statement).all()
    return [row.id for row in rows], [row.email.lower() for row in rows]


def _diagnostic_ids(organisation_id: int, status: DiagnosticStatus):
    return select(Diagnostic.id).where(
        Diagnostic.organisation_id == organisation_id, Diagnostic.status == status
    )


def _delete_diagnostics_in_progress(organisation_id: int) -> int:
    in_progress = _diagnostic_ids(organisation_id, DiagnosticStatus.IN_PROGRESS)
    db.session.execute(delete(Answer).where(Answer.diagnostic_id.in_(in_progress)))
    result = db.session.execute(
        delete(Diagnostic).where(Diagnostic.id.in_(in_progress))
    )
    return result.rowcount


def _anonymise_submitted_diagnostics(organisation_id: int) -> int:
    """Erase comments, text answers and their authors, and count the diagnostics."""
    statement = select(Diagnostic).where(
        Diagnostic.organisation_id == organisation_id,
        Diagnostic.status == DiagnosticStatus.SUBMITTED,
    )
    diagnostics = list(db.session.scalars(statement))
    erased = [row_id for item in diagnostics for row_id in _erased_answer_ids(item)]
    submitted = _diagnostic_ids(organisation_id, DiagnosticStatus.SUBMITTED)

    db.session.execute(delete(Answer).where(Answer.id.in_(erased)))
    db.session.execute(
        update(Answer)
        .where(Answer.diagnostic_id.in_(submitted))
        .values(comment=None, updated_by_id=None)
    )
    db.session.execute(
        update(Diagnostic)
        .where(Diagnostic.id.in_(submitted))
        .values(submitted_by_id=None)
    )
    return len(diagnostics)


def _erased_answer_ids(diagnostic: Diagnostic) -> list[int]:
    questionnaire = questionnaire_or_none(diagnostic)
    return [row.id for row in diagnostic.answers if _is_erased(questionnaire, row)]


def _is_erased(questionnaire: Questionnaire | None, row: Answer) -> bool:
    """Tell whether a row goes, being a text answer or only a comment."""
    if row.special:
        return False
    if row.value is None:
        return True
    question = question_or_none(questionnaire, row.question_id)
    if question is None:
        # Without the question's type, a string may be free text. Choice ids and
        # decimals are strings too, but they go as well rather than risk it.
        return isinstance(row.value, str)
    return question.type in TEXT_TYPES


def _delete_invitations(organisation_id: int) -> int:
    statement = delete(Invitation).where(Invitation.organisation_id == organisation_id)
    return db.session.execute(statement).rowcount


def _clear_references_to(member_ids: list[int], emails: list[str]) -> None:
    """Remove what points at the accounts, in any organisation's rows."""
    for column, values in CLEARED_USER_REFERENCES:
        statement = update(column.class_).where(column.in_(member_ids))
        db.session.execute(statement.values(values))
    db.session.execute(
        delete(PasswordResetToken).where(PasswordResetToken.user_id.in_(member_ids))
    )
    db.session.execute(
        delete(LoginAttempt).where(func.lower(LoginAttempt.email).in_(emails))
    )


def _anonymise_audit_events(organisation_id: int, emails: list[str]) -> None:
    """Clear actor, address and e-mails of the events that name the organisation.

    Events of other organisations or of none are also cleaned when their details
    contain a member's e-mail, as failed sign-ins do.
    """
    details_text = cast(AuditEvent.details, String)
    # Stored JSON writes non-ASCII characters as \u escapes, so an e-mail is
    # searched in both forms.
    needles = set(emails) | {json.dumps(email)[1:-1] for email in emails}
    mentions = [details_text.contains(needle, autoescape=True) for needle in needles]
    statement = select(AuditEvent.id, AuditEvent.details).where(
        or_(AuditEvent.organisation_id == organisation_id, *mentions)
    )
    rows = db.session.execute(statement).all()
    changes = [
        {
            "id": row.id,
            "actor_id": None,
            "address": None,
            "details": _without_emails(row.details or {}),
        }
        for row in rows
    ]
    if changes:
        db.session.execute(update(AuditEvent), changes)


def _without_emails(details: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in details.items() if not _has_email(value)}


def _has_email(value: Any) -> bool:
    # Any "@" counts, so an address typed with a mistake goes too.
    if isinstance(value, str):
        return "@" in value
    if isinstance(value, dict):
        return any(_has_email(key) or _has_email(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_email(item) for item in value)
    return False


def _anonymise_organisation(organisation: Organisation) -> None:
    organisation.name = ANONYMISED_NAME
    organisation.siren = None
    organisation.anonymised_at = utcnow()
