"""Password resets: single-use links that let a person choose a new password.

A link carries a random token. Only the token's SHA-256 digest is stored, so
that someone who reads the database cannot use a pending link.
"""

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from app.audit.services import record_event
from app.auth.limits import (
    RESET_REQUEST_ACTION,
    RESET_WINDOW,
    check_reset_request_allowed,
)
from app.auth.services import find_user, normalize_email
from app.extensions import db
from app.models import PasswordResetToken, User
from app.models.base import utcnow
from app.tokens import new_token, token_digest

logger = logging.getLogger(__name__)

RESET_LIFETIME = timedelta(hours=1)
# Links mailed to one account per RESET_WINDOW; further requests send nothing,
# so that nobody can flood a mailbox from many addresses.
ACCOUNT_RESET_LIMIT = 3


class ResetTokenUnusable(Exception):
    """The reset link is unknown, expired or already used."""


def request_password_reset(email: str, address: str | None) -> tuple[User, str] | None:
    """Record a reset request and return the account and a new token, if any.

    Returns None when no account uses the e-mail, or when the account was sent
    ACCOUNT_RESET_LIMIT links within the hour. Raises LimitReached when the
    address made too many requests; such a request is not recorded.
    """
    now = utcnow()
    check_reset_request_allowed(address, now)

    email = normalize_email(email)
    user = find_user(email)
    record_event(
        RESET_REQUEST_ACTION,
        organisation_id=user.organisation_id if user else None,
        email=email,
    )
    if user is None:
        db.session.commit()
        logger.info("password reset requested for an address of no account")
        return None
    if _recent_token_count(user, now) >= ACCOUNT_RESET_LIMIT:
        db.session.commit()
        logger.warning(
            "password reset for user %s not sent: %s links sent within %s minutes",
            user.id,
            ACCOUNT_RESET_LIMIT,
            RESET_WINDOW // timedelta(minutes=1),
        )
        return None

    token = _add_token(user)
    db.session.commit()
    logger.info("password reset link created for user %s", user.id)
    return user, token


def create_reset_link_token(user: User) -> str:
    """Create a reset token for an administrator to pass on; return the token."""
    token = _add_token(user)
    record_event("password_reset_link_created", target=user.public_id)
    db.session.commit()
    logger.info(
        "password reset link for user %s created from the command line", user.id
    )
    return token


def find_usable_token(token: str) -> PasswordResetToken | None:
    """Return the stored token of a link if the link can still be used."""
    statement = select(PasswordResetToken).where(
        PasswordResetToken.token_digest == token_digest(token),
        PasswordResetToken.used_at.is_(None),
        PasswordResetToken.expires_at > utcnow(),
    )
    return db.session.scalar(statement)


def reset_password(token: str, password: str) -> User:
    """Set the new password of the link's account and end all its sessions.

    The link is spent, and so are the account's other pending links. Raises
    ResetTokenUnusable if the link was spent meanwhile, by another request for
    example.
    """
    reset = find_usable_token(token)
    if reset is None or not _claim(reset):
        db.session.rollback()
        raise ResetTokenUnusable(token_digest(token)[:8])

    user = db.session.get(User, reset.user_id)
    db.session.execute(
        update(PasswordResetToken)
        .where(
            PasswordResetToken.user_id == user.id,
            PasswordResetToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    user.set_password(password)
    user.session_version += 1
    record_event("password_reset", actor=user)
    db.session.commit()
    logger.info("password of user %s reset through a reset link", user.id)
    return user


def _claim(reset: PasswordResetToken) -> bool:
    """Mark the token used unless another request did first; tell which."""
    now = utcnow()
    result = db.session.execute(
        update(PasswordResetToken)
        .where(
            PasswordResetToken.id == reset.id,
            PasswordResetToken.used_at.is_(None),
            PasswordResetToken.expires_at > now,
        )
        .values(used_at=now)
    )
    return result.rowcount == 1


def _add_token(user: User) -> str:
    token = new_token()
    db.session.add(
        PasswordResetToken(
            user_id=user.id,
            token_digest=token_digest(token),
            expires_at=utcnow() + RESET_LIFETIME,
        )
    )
    return token


def _recent_token_count(user: User, now: datetime) -> int:
    statement = select(func.count()).where(
        PasswordResetToken.user_id == user.id,
        PasswordResetToken.created_at > now - RESET_WINDOW,
    )
    return db.session.scalar(statement)
