"""Platform accounts (staff, reviewers, admins) and reading the audit trail."""

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select

from app.audit.services import record_event
from app.auth.services import EmailTaken, find_user, normalize_email
from app.extensions import db
from app.models import AuditEvent, PlatformRole, User

logger = logging.getLogger(__name__)
PARIS = ZoneInfo("Europe/Paris")
AUDIT_PAGE_SIZE = 100


def create_platform_user(
    email: str, role: PlatformRole, actor: User | None = None
) -> tuple[User, str]:
    """Create a platform account with a random first password; return both."""
    if find_user(email) is not None:
        raise EmailTaken(email)
    password = secrets.token_urlsafe(12)
    user = User(email=normalize_email(email), role=role, organisation_id=None)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record_event("platform_user_created", actor=actor, target=user.public_id, role=role)
    db.session.commit()
    logger.info("platform user %s created with role %s", user.id, role)
    return user, password


def platform_users() -> list[User]:
    roles = list(PlatformRole.__members__.values())
    statement = select(User).where(User.role.in_(roles)).order_by(User.email)
    return list(db.session.scalars(statement))


def change_platform_role(user: User, role: PlatformRole, actor: User) -> None:
    previous = user.role
    user.role = role
    user.session_version += 1
    record_event(
        "role_changed", actor=actor, target=user.public_id, previous=previous, role=role
    )
    db.session.commit()
    logger.info(
        "platform user %s role changed to %s by user %s", user.id, role, actor.id
    )


@dataclass(frozen=True)
class AuditFilter:
    """Criteria of the audit log page; None leaves a criterion out."""

    action: str | None = None
    email: str | None = None
    organisation_id: int | None = None
    since: date | None = None
    until: date | None = None


def audit_events(criteria: AuditFilter, page: int = 1) -> list[AuditEvent]:
    """Return one page of matching events, newest first."""
    statement = _filtered(select(AuditEvent), criteria)
    statement = (
        statement.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * AUDIT_PAGE_SIZE)
        .limit(AUDIT_PAGE_SIZE)
    )
    return list(db.session.scalars(statement))


def audit_actions() -> list[str]:
    statement = select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    return list(db.session.scalars(statement))


def _filtered(statement: Select, criteria: AuditFilter) -> Select:
    if criteria.action:
        statement = statement.where(AuditEvent.action == criteria.action)
    if criteria.organisation_id:
        statement = statement.where(
            AuditEvent.organisation_id == criteria.organisation_id
        )
    if criteria.email:
        actor = find_user(criteria.email)
        statement = statement.where(AuditEvent.actor_id == (actor.id if actor else -1))
    if criteria.since:
        start = datetime.combine(criteria.since, time(), PARIS)
        statement = statement.where(AuditEvent.created_at >= start)
    if criteria.until:
        end = datetime.combine(criteria.until + timedelta(days=1), time(), PARIS)
        statement = statement.where(AuditEvent.created_at < end)
    return statement
