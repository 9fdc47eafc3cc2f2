"""Sign-in without a CSRF token, on an app that checks them as in production."""

import re

import pytest

from app.extensions import db
from app.models import User


@pytest.fixture
def app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


def page_token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_login_without_token_rejected(client, account, password):
    data = {"email": account.email, "password": password}

    response = client.post("/login", data=data)

    assert response.status_code == 400
    with client.session_transaction() as session:
        assert "_user_id" not in session
    db.session.rollback()
    assert db.session.get(User, account.id).last_login_at is None


def test_login_with_token_accepted(client, account, password):
    token = page_token(client.get("/login").text)
    data = {"email": account.email, "password": password, "csrf_token": token}

    response = client.post("/login", data=data)

    assert response.status_code == 302
    with client.session_transaction() as session:
        assert session["_user_id"] == account.get_id()


def test_signup_without_token_rejected(client):
    data = {
        "name": "Atelier vélo",
        "legal_form": "association",
        "sector": "sport_loisirs",
        "size_band": "0",
        "departement": "35",
        "email": "atelier@velo.example",
        "password": "une-phrase-de-passe",
        "confirm": "une-phrase-de-passe",
    }

    response = client.post("/signup", data=data)

    assert response.status_code == 400
    db.session.rollback()
    assert db.session.query(User).count() == 0


def test_logout_without_token_rejected(client, account, password):
    token = page_token(client.get("/login").text)
    client.post(
        "/login",
        data={"email": account.email, "password": password, "csrf_token": token},
    )

    response = client.post("/logout")

    assert response.status_code == 400
    with client.session_transaction() as session:
        assert session["_user_id"] == account.get_id()
