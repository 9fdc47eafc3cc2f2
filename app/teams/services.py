"""Organisation members: invitations, roles, removal and leaving.

An organisation always keeps at least one pilot: no change may remove the last.
"""

import logging
from datetime import timedelta

from sqlalchemy import func, select

from app.audit.services import record_event
from app.auth.services import EmailTaken, find_user, normalize_email
from app.extensions import db
from app.models import Invitation, Organisation, Role, User
from app.models.base import utcnow
from app.tokens import new_token, token_digest

logger = logging.getLogger(__name__)

INVITATION_LIFETIME = timedelta(days=7)


class TeamError(Exception):
    """A change to the team that its rules forbid."""


class LastPilot(TeamError):
    """The change would leave the organisation without a pilot."""


class InvitationUnusable(TeamError):
    """The invitation link is unknown, expired, revoked or already used."""


class AlreadyMember(TeamError):
    """The person already belongs to an organisation."""


def members_of(organisation: Organisation) -> list[User]:
    statement = (
        select(User)
        .where(User.organisation_id == organisation.id)
        .order_by(User.created_at)
    )
    return list(db.session.scalars(statement))


def open_invitations(organisation: Organisation) -> list[Invitation]:
    now = utcnow()
    statement = (
        select(Invitation)
        .where(
            Invitation.organisation_id == organisation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .order_by(Invitation.created_at)
    )
    return list(db.session.scalars(statement))


def create_invitation(
    inviter: User, role: Role, email: str | None = None
) -> tuple[Invitation, str]:
    """Create an invitation to the inviter's organisation; return it and its token.

    The token is returned once and never stored: only its digest is.
    """
    token = new_token()
    invitation = Invitation(
        organisation_id=inviter.organisation_id,
        role=role,
        email=normalize_email(email) if email else None,
        token_digest=token_digest(token),
        created_by_id=inviter.id,
        expires_at=utcnow() + INVITATION_LIFETIME,
    )
    db.session.add(invitation)
    db.session.flush()
    record_event(
        "invitation_created", actor=inviter, target=invitation.public_id, role=role
    )
    db.session.commit()
    logger.info(
        "invitation %s to organisation %s created by user %s",
        invitation.id,
        invitation.organisation_id,
        inviter.id,
    )
    return invitation, token


def find_open_invitation(token: str) -> Invitation | None:
    """Return the invitation of a link if it can still be used."""
    statement = select(Invitation).where(Invitation.token_digest == token_digest(token))
    invitation = db.session.scalar(statement)
    if invitation is None or not invitation.is_open(utcnow()):
        return None
    return invitation


def accept_invitation(
    token: str,
    *,
    user: User | None = None,
    email: str | None = None,
    password: str | None = None,
) -> User:
    """Join the invitation's organisation, as a signed-in user or a new account."""
    invitation = find_open_invitation(token)
    if invitation is None:
        raise InvitationUnusable(token_digest(token)[:8])
    if user is None:
        if find_user(email or "") is not None:
            raise EmailTaken(email)
        user = User(email=normalize_email(email or ""))
        user.set_password(password or "")
        db.session.add(user)
    elif user.organisation_id is not None or user.is_platform:
        raise AlreadyMember(user.id)

    user.organisation_id = invitation.organisation_id
    user.role = invitation.role
    invitation.accepted_at = utcnow()
    db.session.flush()
    invitation.accepted_by_id = user.id
    record_event(
        "invitation_accepted", actor=user, target=invitation.public_id, role=user.role
    )
    db.session.commit()
    logger.info(
        "user %s joined organisation %s as %s", user.id, user.organisation_id, user.role
    )
    return user


def revoke_invitation(invitation: Invitation, actor: User) -> None:
    invitation.revoked_at = utcnow()
    record_event("invitation_revoked", actor=actor, target=invitation.public_id)
    db.session.commit()
    logger.info("invitation %s revoked by user %s", invitation.id, actor.id)


def change_role(member: User, role: Role, actor: User) -> None:
    """Give a member another role, keeping at least one pilot."""
    if member.role == Role.PILOT and role != Role.PILOT:
        _check_other_pilot(member)
    previous = member.role
    member.role = role
    record_event(
        "role_changed",
        actor=actor,
        target=member.public_id,
        previous=previous,
        role=role,
    )
    db.session.commit()
    logger.info(
        "user %s role changed from %s to %s by user %s",
        member.id,
        previous,
        role,
        actor.id,
    )


def remove_member(member: User, actor: User) -> None:
    """Take a member out of the organisation; the account stays, without one."""
    _detach(member, actor, "member_removed")


def leave_organisation(member: User) -> None:
    _detach(member, member, "member_left")


def _detach(member: User, actor: User, action: str) -> None:
    if member.role == Role.PILOT:
        _check_other_pilot(member)
    organisation_id = member.organisation_id
    record_event(
        action, actor=actor, organisation_id=organisation_id, target=member.public_id
    )
    member.organisation_id = None
    member.role = Role.READER
    # Raising the version ends the member's open sessions.
    member.session_version += 1
    db.session.commit()
    logger.info(
        "user %s left organisation %s (%s by user %s)",
        member.id,
        organisation_id,
        action,
        actor.id,
    )


def _check_other_pilot(member: User) -> None:
    statement = (
        select(func.count())
        .select_from(User)
        .where(
            User.organisation_id == member.organisation_id,
            User.role == Role.PILOT,
            User.id != member.id,
        )
    )
    if not db.session.scalar(statement):
        raise LastPilot(member.id)
