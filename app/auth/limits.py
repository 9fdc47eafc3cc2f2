"""Limits on sign-in attempts and reset requests, counted in the database.

Counts live in the database, not in a worker's memory, so that they hold across
gunicorn workers and restarts. Attempts are keyed by the e-mail address typed,
lower-cased, rather than by account, so that a limit reached never reveals
whether an account uses that address.
"""

import math
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from app.extensions import db
from app.models import AuditEvent, LoginAttempt

ACCOUNT_FAILURE_LIMIT = 5
ADDRESS_FAILURE_LIMIT = 20
FAILURE_WINDOW = timedelta(minutes=15)
ATTEMPT_RETENTION = timedelta(days=1)

# Longer values are cut to the columns' sizes. An e-mail longer than 254
# characters matches no account, and an IPv6 address with a zone may pass 45.
EMAIL_KEY_LENGTH = 254
ADDRESS_KEY_LENGTH = 45

RESET_REQUEST_ACTION = "password_reset_requested"
ADDRESS_RESET_LIMIT = 5
RESET_WINDOW = timedelta(hours=1)


class LimitReached(Exception):
    """Too many recent attempts: the next one is allowed after ``wait``."""

    def __init__(self, scope: str, wait: timedelta) -> None:
        super().__init__(scope, wait)
        self.scope = scope  # "account" or "address", for logs and audit only
        self.wait = wait

    @property
    def minutes(self) -> int:
        """Return the wait in whole minutes, rounded up, at least 1."""
        return max(1, math.ceil(self.wait.total_seconds() / 60))


def check_sign_in_allowed(email: str, address: str | None, now: datetime) -> None:
    """Raise LimitReached if the e-mail or the address failed too often lately.

    NOTE: the count is read before the attempt is recorded, so requests sent in
    parallel to several workers can each pass the check: a burst may exceed the
    limit by about the number of requests in flight.
    """
    email, address = _keys(email, address)
    since = now - FAILURE_WINDOW
    failures = select(LoginAttempt.created_at).where(
        LoginAttempt.succeeded.is_(False), LoginAttempt.created_at > since
    )
    limits = [("account", LoginAttempt.email == email, ACCOUNT_FAILURE_LIMIT)]
    if address is not None:
        limits.append(
            ("address", LoginAttempt.address == address, ADDRESS_FAILURE_LIMIT)
        )

    for scope, criterion, limit in limits:
        times = _latest_times(failures.where(criterion), LoginAttempt.created_at, limit)
        if len(times) >= limit:
            # The limit-th latest failure is the one whose leaving the window
            # brings the count under the limit again.
            raise LimitReached(scope, times[limit - 1] + FAILURE_WINDOW - now)


def record_sign_in_attempt(
    email: str, address: str | None, succeeded: bool, now: datetime
) -> int:
    """Add an attempt to the session and delete attempts older than a day.

    Returns the number of failures for the e-mail within the window, this one
    included, so that the caller can log when the limit is reached. The
    caller's commit stores the change.
    """
    email, address = _keys(email, address)
    db.session.add(
        LoginAttempt(email=email, address=address, succeeded=succeeded, created_at=now)
    )
    db.session.execute(
        delete(LoginAttempt).where(LoginAttempt.created_at < now - ATTEMPT_RETENTION)
    )
    statement = select(func.count()).where(
        LoginAttempt.email == email,
        LoginAttempt.succeeded.is_(False),
        LoginAttempt.created_at > now - FAILURE_WINDOW,
    )
    return db.session.scalar(statement)


def check_reset_request_allowed(address: str | None, now: datetime) -> None:
    """Raise LimitReached if the address asked for too many reset links lately.

    Requests are counted from the audit trail, where each one is recorded with
    the address it came from, whether or not an account matched.
    """
    if address is None:
        return
    address = address[:ADDRESS_KEY_LENGTH]
    statement = select(AuditEvent.created_at).where(
        AuditEvent.action == RESET_REQUEST_ACTION,
        AuditEvent.address == address,
        AuditEvent.created_at > now - RESET_WINDOW,
    )
    times = _latest_times(statement, AuditEvent.created_at, ADDRESS_RESET_LIMIT)
    if len(times) >= ADDRESS_RESET_LIMIT:
        wait = times[ADDRESS_RESET_LIMIT - 1] + RESET_WINDOW - now
        raise LimitReached("address", wait)


def _latest_times(statement, column, limit: int) -> list[datetime]:
    return list(db.session.scalars(statement.order_by(column.desc()).limit(limit)))


def _keys(email: str, address: str | None) -> tuple[str, str | None]:
    if address is not None:
        address = address[:ADDRESS_KEY_LENGTH]
    return email[:EMAIL_KEY_LENGTH], address
