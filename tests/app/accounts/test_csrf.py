"""The account forms on an app that checks CSRF tokens, as in production."""

import re

import pytest

from .conftest import MEMBER_PASSWORD

TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@pytest.fixture
def app(make_app, fast_password_hashing):
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def client(app, member):
    client = app.test_client()
    token = TOKEN.search(client.get("/login").text).group(1)
    data = {"email": member.email, "password": MEMBER_PASSWORD, "csrf_token": token}
    assert client.post("/login", data=data).status_code == 302
    return client


def test_end_sessions_without_token_rejected(client):
    response = client.post("/account/sessions/end")

    assert response.status_code == 400
    assert client.get("/account").status_code == 200


def test_end_sessions_with_token(client):
    token = TOKEN.search(client.get("/account").text).group(1)

    response = client.post("/account/sessions/end", data={"csrf_token": token})

    assert response.status_code == 302
    assert client.get("/account").status_code == 302


def test_change_without_token_rejected(client, stored_user, member):
    data = {
        "current_password": MEMBER_PASSWORD,
        "password": "une-nouvelle-phrase-secrete",
        "confirm": "une-nouvelle-phrase-secrete",
    }

    response = client.post("/account/password", data=data)

    assert response.status_code == 400
    assert stored_user(member.user_id).check_password(MEMBER_PASSWORD)
