"""Posts without a CSRF token, on an app that checks them as in production."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, User

from .conftest import csrf_token


@pytest.fixture
def app(extra_questionnaires, make_app, fast_password_hashing):
    return make_app(WTF_CSRF_ENABLED=True, SMTP_HOST="")


def exports_recorded() -> int:
    db.session.rollback()
    statement = select(func.count()).where(AuditEvent.action == "data_exported")
    return db.session.scalar(statement)


def test_download_without_token_rejected(pilot_client):
    response = pilot_client.post("/organisation/data/download")

    assert response.status_code == 400
    assert exports_recorded() == 0


def test_download_with_token_accepted(pilot_client):
    token = csrf_token(pilot_client.get("/organisation/data").text)

    response = pilot_client.post(
        "/organisation/data/download", data={"csrf_token": token}
    )

    assert response.status_code == 200
    assert exports_recorded() == 1


def test_deletion_without_token_rejected(pilot_client, jardins):
    data = {"name": jardins.name, "password": jardins.pilot.password}

    response = pilot_client.post("/organisation/delete", data=data)

    assert response.status_code == 400
    db.session.rollback()
    count = select(func.count()).where(User.email.in_(jardins.emails))
    assert db.session.scalar(count) == 3
