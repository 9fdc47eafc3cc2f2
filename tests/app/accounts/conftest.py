"""Members signed in on one or more clients, and reading what pages show."""

import html
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, User

# The password of the members that the shared make_member fixture creates.
MEMBER_PASSWORD = "correct-horse-battery"


@pytest.fixture
def member(make_member):
    """The pilot of "Les Jardins partagés", not signed in."""
    return make_member("Les Jardins partagés")


@pytest.fixture
def signed_in(app, member):
    """Return a function that makes a client signed in as the member."""

    def make(password: str = MEMBER_PASSWORD):
        client = app.test_client()
        response = client.post(
            "/login", data={"email": member.email, "password": password}
        )
        assert response.status_code == 302
        return client

    return make


@pytest.fixture
def stored_user():
    """Return a function that reads a user as committed by the requests."""

    def read(user_id: int) -> User:
        db.session.rollback()
        return db.session.get(User, user_id)

    return read


@pytest.fixture
def audit_rows():
    """Return a function that lists the committed audit rows of an action."""

    def read(action: str) -> list[AuditEvent]:
        db.session.rollback()
        statement = select(AuditEvent).filter_by(action=action).order_by(AuditEvent.id)
        return list(db.session.scalars(statement))

    return read


@pytest.fixture
def page_text():
    """Return a function that gives a response's HTML with entities decoded."""
    return lambda response: html.unescape(response.text)


@pytest.fixture
def form_errors():
    """Return a function that maps each field label to its error messages."""

    def read(page: str) -> dict[str, list[str]]:
        errors = {}
        rows = re.findall(r'<div class="form-row has-error">(.*?)</div>', page, re.S)
        for row in rows:
            label = re.search(r"<label[^>]*>(.*?)</label>", row, re.S).group(1)
            messages = re.findall(r'<p class="field-error"[^>]*>(.*?)</p>', row, re.S)
            errors[html.unescape(label.strip())] = [
                html.unescape(message) for message in messages
            ]
        return errors

    return read
