"""Accounts: sign-up and sign-in."""

import logging
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from app.audit.services import record_event
from app.auth.limits import (
    ACCOUNT_FAILURE_LIMIT,
    FAILURE_WINDOW,
    LimitReached,
    check_sign_in_allowed,
    record_sign_in_attempt,
)
from app.extensions import db
from app.models import Organisation, User
from app.models.base import utcnow

logger = logging.getLogger(__name__)
DUMMY_HASH_KEY = "autodiag.dummy_password_hash"

SIGNUP_FIELDS = (
    "name",
    "legal_form",
    "sector",
    "size_band",
    "departement",
    "siren",
    "email",
    "password",
)


class EmailTaken(Exception):
    """An account already uses this e-mail address."""


class SirenTaken(Exception):
    """An organisation already uses this SIREN."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    statement = select(User).where(func.lower(User.email) == normalize_email(email))
    return db.session.scalar(statement)


def register_organisation(
    *,
    name: str,
    legal_form: str,
    sector: str,
    size_band: str,
    departement: str,
    siren: str | None,
    email: str,
    password: str,
) -> User:
    """Create an organisation and its first member, raising if taken."""
    if find_user(email) is not None:
        raise EmailTaken(email)
    if siren and db.session.scalar(select(Organisation).filter_by(siren=siren)):
        raise SirenTaken(siren)

    organisation = Organisation(
        name=name.strip(),
        legal_form=legal_form,
        sector=sector,
        size_band=size_band,
        departement=departement,
        siren=siren or None,
    )
    user = User(email=normalize_email(email), organisation=organisation)
    user.set_password(password)
    db.session.add_all([organisation, user])
    db.session.flush()
    record_event("organisation_registered", actor=user)
    db.session.commit()

    logger.info("organisation %s registered by user %s", organisation.id, user.id)
    return user


def sign_in(email: str, password: str, address: str | None) -> User | None:
    """Return the user if the password matches, recording the attempt.

    Raises LimitReached, without checking the password, after too many recent
    failures for the e-mail or for the address, whether or not an account
    uses that e-mail.
    """
    email = normalize_email(email)
    now = utcnow()
    user = find_user(email)
    organisation_id = user.organisation_id if user else None
    try:
        check_sign_in_allowed(email, address, now)
    except LimitReached as blocked:
        record_event(
            "sign_in_blocked",
            organisation_id=organisation_id,
            email=email,
            limit=blocked.scope,
        )
        db.session.commit()
        logger.info(
            "sign-in rejected: %s limit of failed attempts reached", blocked.scope
        )
        raise

    if user is None:
        # Hashing anyway makes an unknown address as slow to reject as a
        # wrong password, so the response time does not reveal accounts.
        check_password_hash(_dummy_password_hash(), password)
    if user is None or not user.check_password(password):
        failures = record_sign_in_attempt(email, address, False, now)
        record_event("sign_in_failed", organisation_id=organisation_id, email=email)
        db.session.commit()
        logger.info("failed sign-in")
        if failures == ACCOUNT_FAILURE_LIMIT:
            logger.warning(
                "sign-in limit reached for one e-mail address: %s failures "
                "within %s minutes",
                failures,
                FAILURE_WINDOW // timedelta(minutes=1),
            )
        return None

    record_sign_in_attempt(email, address, True, now)
    user.last_login_at = now
    record_event("sign_in", actor=user)
    db.session.commit()
    logger.info("user %s signed in", user.id)
    return user


def _dummy_password_hash() -> str:
    """Return a hash made the way account passwords are, of a random password."""
    extensions = current_app.extensions
    if DUMMY_HASH_KEY not in extensions:
        stand_in = User()
        stand_in.set_password(secrets.token_urlsafe(16))
        extensions[DUMMY_HASH_KEY] = stand_in.password_hash
    return extensions[DUMMY_HASH_KEY]
