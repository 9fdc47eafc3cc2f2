"""The audit trail: who did what, when, recorded in the caller's transaction."""

from typing import Any

from flask import has_request_context, request

from app.extensions import db
from app.models import AuditEvent, User


def record_event(
    action: str,
    *,
    actor: User | None = None,
    organisation_id: int | None = None,
    target: str | None = None,
    **details: Any,
) -> AuditEvent:
    """Add an event to the session; the caller's commit stores it.

    ``details`` must hold no secret: no password, token or answer.
    """
    if organisation_id is None and actor is not None:
        organisation_id = actor.organisation_id
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        organisation_id=organisation_id,
        target=target,
        address=request.remote_addr if has_request_context() else None,
        details=details,
    )
    db.session.add(event)
    return event
