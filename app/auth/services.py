"""Accounts: sign-up and sign-in."""

import logging

from sqlalchemy import func, select

from app.audit.services import record_event
from app.extensions import db
from app.models import Organisation, User
from app.models.base import utcnow

logger = logging.getLogger(__name__)

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


def authenticate(email: str, password: str) -> User | None:
    """Return the user if the password matches, recording the sign-in."""
    user = find_user(email)
    if user is None or not user.check_password(password):
        record_event(
            "sign_in_failed",
            organisation_id=user.organisation_id if user else None,
            email=normalize_email(email),
        )
        db.session.commit()
        logger.info("failed sign-in")
        return None

    user.last_login_at = utcnow()
    record_event("sign_in", actor=user)
    db.session.commit()
    logger.info("user %s signed in", user.id)
    return user
