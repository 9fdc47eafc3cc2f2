"""A step sent after the session ended keeps what was typed through sign-in."""

import html
import re

import pytest

from app.diagnostics.services import start_diagnostic

TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def token_of(page: str) -> str:
    return TOKEN.search(page).group(1)


@pytest.fixture
def app(make_app, fast_password_hashing):
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def expired(client, make_member, questionnaire):
    """A step page opened while signed in, whose session then ended."""
    member = make_member()
    diagnostic = start_diagnostic(member.user.organisation, questionnaire, member.user)
    page = client.get("/login").text
    client.post(
        "/login",
        data={
            "email": member.email,
            "password": "correct-horse-battery",
            "csrf_token": token_of(page),
        },
    )
    url = f"/diagnostics/{diagnostic.public_id}/steps/ethique"
    step_token = token_of(client.get(url).text)
    client.delete_cookie("session")
    return member, url, step_token


def typed(token: str) -> dict:
    return {
        "csrf_token": token,
        "shown": "eth_valeurs_ecrites",
        "eth_valeurs_ecrites": "valeurs_implicites",
        "comment-eth_valeurs_ecrites": "Tapé <avant> la fin de session",
        "action": "save_and_leave",
    }


def test_step_after_session_end_asks_sign_in(client, expired):
    _member, url, token = expired

    response = client.post(url, data=typed(token))

    assert response.status_code == 401
    page = html.unescape(response.text)
    assert "Votre session a pris fin" in page
    assert 'value="Tapé <avant> la fin de session"' in page
    assert 'name="eth_valeurs_ecrites" value="valeurs_implicites"' in page


def test_sign_in_again_saves_step(client, expired, questionnaire):
    member, url, token = expired
    sign_in_page = client.post(url, data=typed(token)).text
    data = typed(token_of(sign_in_page))
    data["reauth-email"] = member.email
    data["reauth-password"] = "correct-horse-battery"

    response = client.post(url, data=data)

    assert response.status_code == 302
    rows = {
        row.question_id: row for row in member.user.organisation.diagnostics[0].answers
    }
    assert rows["eth_valeurs_ecrites"].comment == "Tapé <avant> la fin de session"


def test_wrong_password_keeps_typing(client, expired):
    member, url, token = expired
    sign_in_page = client.post(url, data=typed(token)).text
    data = typed(token_of(sign_in_page))
    data["reauth-email"] = member.email
    data["reauth-password"] = "not-the-password"

    response = client.post(url, data=data)

    assert response.status_code == 401
    page = html.unescape(response.text)
    assert "Adresse ou mot de passe incorrect." in page
    assert 'value="Tapé <avant> la fin de session"' in page


def test_anonymous_get_redirects_to_login(client, expired):
    _member, url, _token = expired

    response = client.get(url)

    assert response.status_code == 302
    assert response.location.startswith("/login?next=")
