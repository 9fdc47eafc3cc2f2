"""Account settings: changing one's password and ending one's sessions."""

import logging

from app.audit.services import record_event
from app.auth.limits import check_sign_in_allowed, record_sign_in_attempt
from app.extensions import db
from app.models import User
from app.models.base import utcnow

logger = logging.getLogger(__name__)


class WrongPassword(Exception):
    """The current password typed to confirm a change does not match."""


def change_password(
    user: User, current_password: str, new_password: str, address: str | None
) -> None:
    """Replace the user's password and end every session of the user.

    The current password is checked under the sign-in limits, and a wrong one
    counts as a failed sign-in, so that a stolen session cannot be used to
    guess it faster than the sign-in page allows. Raises LimitReached or
    WrongPassword. The caller signs the current session in again.
    """
    now = utcnow()
    check_sign_in_allowed(user.email, address, now)
    if not user.check_password(current_password):
        record_sign_in_attempt(user.email, address, False, now)
        record_event("password_change_failed", actor=user)
        db.session.commit()
        logger.info("password change of user %s rejected: wrong password", user.id)
        raise WrongPassword(user.id)

    user.set_password(new_password)
    user.session_version += 1
    record_event("password_changed", actor=user)
    db.session.commit()
    logger.info("password of user %s changed by user %s", user.id, user.id)


def end_all_sessions(user: User) -> None:
    """End every session of the user, on every device, the current one included."""
    user.session_version += 1
    record_event("sessions_ended", actor=user)
    db.session.commit()
    logger.info("sessions of user %s ended by user %s", user.id, user.id)
