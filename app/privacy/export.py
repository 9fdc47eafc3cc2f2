"""The document that an organisation downloads with every piece of its data.

Each section lists rows of one table. Members, invitations and diagnostics
carry their public id, because audit events name them by it in ``target``.
Password hashes, session versions and token digests are never included.
"""

import json
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.catalogue import catalogue
from app.diagnostics.answers import decode
from app.extensions import db
from app.models import Answer, AuditEvent, Diagnostic, Invitation, Organisation, User
from app.models.base import utcnow
from app.organisations.attributes import (
    DEPARTEMENTS,
    LEGAL_FORMS,
    SECTORS,
    SIZE_BANDS,
)
from app.wizard.display import answer_text
from questionnaires import Question, Questionnaire

EXPORT_FORMAT = "autodiag-organisation-data"
EXPORT_FORMAT_VERSION = 1
SLUG_MAX_LENGTH = 50
# NFKD decomposition leaves these ligatures whole, so they are spelt out first.
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def build_export(organisation: Organisation) -> dict[str, Any]:
    """Collect the organisation's data as JSON-ready values, except dates."""
    diagnostics = _diagnostics_of(organisation)
    invitations = _invitations_of(organisation)
    events = _events_of(organisation)
    emails = _emails_of_people(diagnostics, invitations, events)

    return {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": utcnow(),
        "organisation": _organisation_data(organisation),
        "members": [_member_data(member) for member in _members_of(organisation)],
        "invitations": [_invitation_data(item, emails) for item in invitations],
        "diagnostics": [_diagnostic_data(item, emails) for item in diagnostics],
        "audit_events": [_event_data(event, emails) for event in events],
    }


def dump_export(document: dict[str, Any]) -> bytes:
    """Encode the document as indented UTF-8 JSON."""
    text = json.dumps(document, ensure_ascii=False, indent=2, default=_json_value)
    return text.encode("utf-8")


def export_filename(organisation: Organisation, day: date) -> str:
    """Return a file name such as autodiag-les-jardins-partages-2026-12-04.json."""
    return f"autodiag-{slugify(organisation.name)}-{day.isoformat()}.json"


def slugify(text: str) -> str:
    """Return lowercase ASCII words joined by hyphens, or "organisation" if none."""
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:SLUG_MAX_LENGTH].rstrip("-") or "organisation"


def _json_value(value: Any) -> Any:
    # Decimals become strings so that no digit is lost to float rounding.
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def _members_of(organisation: Organisation) -> list[User]:
    statement = (
        select(User)
        .where(User.organisation_id == organisation.id)
        .order_by(User.created_at, User.id)
    )
    return list(db.session.scalars(statement))


def _invitations_of(organisation: Organisation) -> list[Invitation]:
    statement = (
        select(Invitation)
        .where(Invitation.organisation_id == organisation.id)
        .order_by(Invitation.created_at, Invitation.id)
    )
    return list(db.session.scalars(statement))


def _diagnostics_of(organisation: Organisation) -> list[Diagnostic]:
    statement = (
        select(Diagnostic)
        .where(Diagnostic.organisation_id == organisation.id)
        .order_by(Diagnostic.created_at, Diagnostic.id)
    )
    return list(db.session.scalars(statement))


def _events_of(organisation: Organisation) -> list[AuditEvent]:
    statement = (
        select(AuditEvent)
        .where(AuditEvent.organisation_id == organisation.id)
        .order_by(AuditEvent.created_at, AuditEvent.id)
    )
    return list(db.session.scalars(statement))


def _emails_of_people(
    diagnostics: list[Diagnostic],
    invitations: list[Invitation],
    events: list[AuditEvent],
) -> dict[int, str]:
    """Return the e-mail of every account that the rows name, by user id."""
    ids = {event.actor_id for event in events}
    ids |= {item.submitted_by_id for item in diagnostics}
    ids |= {row.updated_by_id for item in diagnostics for row in item.answers}
    ids |= {item.created_by_id for item in invitations}
    ids |= {item.accepted_by_id for item in invitations}
    ids.discard(None)
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.email).where(User.id.in_(ids)))
    return {user_id: email for user_id, email in rows}


def _organisation_data(organisation: Organisation) -> dict[str, Any]:
    departement = DEPARTEMENTS.get(organisation.departement)
    return {
        "name": organisation.name,
        "legal_form": organisation.legal_form,
        "legal_form_label": LEGAL_FORMS.get(organisation.legal_form),
        "sector": organisation.sector,
        "sector_label": SECTORS.get(organisation.sector),
        "size_band": organisation.size_band,
        "size_band_label": SIZE_BANDS.get(organisation.size_band),
        "departement": organisation.departement,
        "departement_name": departement.name if departement else None,
        "region": departement.region if departement else None,
        "siren": organisation.siren,
        "created_at": organisation.created_at,
    }


def _member_data(member: User) -> dict[str, Any]:
    return {
        "public_id": member.public_id,
        "email": member.email,
        "role": member.role,
        "created_at": member.created_at,
        "last_login_at": member.last_login_at,
    }


def _invitation_data(invitation: Invitation, emails: dict[int, str]) -> dict[str, Any]:
    return {
        "public_id": invitation.public_id,
        "role": invitation.role,
        "email": invitation.email,
        "status": _invitation_status(invitation),
        "created_at": invitation.created_at,
        "created_by": emails.get(invitation.created_by_id),
        "expires_at": invitation.expires_at,
        "accepted_at": invitation.accepted_at,
        "accepted_by": emails.get(invitation.accepted_by_id),
        "revoked_at": invitation.revoked_at,
    }


def _invitation_status(invitation: Invitation) -> str:
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    return "open" if invitation.is_open(utcnow()) else "expired"


def _diagnostic_data(diagnostic: Diagnostic, emails: dict[int, str]) -> dict[str, Any]:
    questionnaire = questionnaire_or_none(diagnostic)
    return {
        "public_id": diagnostic.public_id,
        "campaign": diagnostic.campaign,
        "questionnaire": {
            "id": diagnostic.questionnaire_id,
            "version": diagnostic.questionnaire_version,
            "title": questionnaire.title if questionnaire else None,
        },
        "status": diagnostic.status,
        "created_at": diagnostic.created_at,
        "updated_at": diagnostic.updated_at,
        "submitted_at": diagnostic.submitted_at,
        "submitted_by": emails.get(diagnostic.submitted_by_id),
        "answers": [
            _answer_data(row, questionnaire, emails)
            for row in _ordered_answers(diagnostic, questionnaire)
        ],
        "result": diagnostic.result,
    }


def questionnaire_or_none(diagnostic: Diagnostic) -> Questionnaire | None:
    # A questionnaire version removed from the installation leaves its
    # diagnostics without labels, but their stored answers are still exported.
    try:
        return catalogue().get(
            diagnostic.questionnaire_id, diagnostic.questionnaire_version
        )
    except LookupError:
        return None


def _ordered_answers(
    diagnostic: Diagnostic, questionnaire: Questionnaire | None
) -> list[Answer]:
    """Return the rows in the wizard's question order, unknown questions last."""
    order: dict[str, int] = {}
    if questionnaire is not None:
        order = {q.id: index for index, q in enumerate(questionnaire.questions())}
    return sorted(
        diagnostic.answers,
        key=lambda row: (order.get(row.question_id, len(order)), row.question_id),
    )


def _answer_data(
    row: Answer, questionnaire: Questionnaire | None, emails: dict[int, str]
) -> dict[str, Any]:
    question = question_or_none(questionnaire, row.question_id)
    return {
        "question_id": row.question_id,
        "question_label": question.label if question else None,
        "value": row.value,
        "value_text": _value_text(question, row),
        "special": row.special,
        "comment": row.comment,
        "updated_at": row.updated_at,
        "updated_by": emails.get(row.updated_by_id),
    }


def question_or_none(
    questionnaire: Questionnaire | None, question_id: str
) -> Question | None:
    if questionnaire is None:
        return None
    try:
        return questionnaire.question(question_id)
    except KeyError:
        return None


def _value_text(question: Question | None, row: Answer) -> str | None:
    """Return the answer as the wizard shows it, or None without one."""
    if question is None:
        return None
    value = decode(question, row)
    return None if value is None else answer_text(question, value)


def _event_data(event: AuditEvent, emails: dict[int, str]) -> dict[str, Any]:
    return {
        "action": event.action,
        "created_at": event.created_at,
        "actor": emails.get(event.actor_id),
        "target": event.target,
        "details": event.details,
        "address": event.address,
    }
