import html
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from app.diagnostics.services import start_diagnostic
from app.extensions import db
from app.models import User


def sign_in(client, email: str, password: str, next_url: str | None = None):
    url = "/login" if next_url is None else f"/login?next={quote(next_url, safe='')}"
    return client.post(url, data={"email": email, "password": password})


def is_signed_in(client) -> bool:
    # The session cookie is the truth: the app context of a test outlives its
    # requests, so the user Flask-Login caches in g could hide a lost session.
    with client.session_transaction() as session:
        has_user = "_user_id" in session
    shows_user = "Se déconnecter" in client.get("/").text
    assert has_user == shows_user
    return has_user


def test_login_page_renders(client):
    response = client.get("/login")

    assert response.status_code == 200
    assert 'name="email"' in response.text
    assert 'name="password"' in response.text


def test_login_goes_to_dashboard(client, account, password):
    response = sign_in(client, account.email, password)

    assert response.status_code == 302
    assert response.location == "/"
    assert "Régie de quartier du Breil" in client.get("/").text


def test_login_records_time(client, account, password):
    sign_in(client, account.email, password)

    db.session.rollback()
    assert db.session.get(User, account.id).last_login_at is not None


def test_login_ignores_email_case(client, account, password):
    response = sign_in(client, "  PILOTE@Regie-Breil.example ", password)

    assert response.status_code == 302
    assert is_signed_in(client)


@pytest.mark.parametrize(
    ("email", "typed_password"),
    [
        ("pilote@regie-breil.example", "mauvais-mot-de-passe"),
        ("inconnu@regie-breil.example", "mot-de-passe-solide"),
    ],
)
def test_login_failure_message(client, account, email, typed_password):
    response = sign_in(client, email, typed_password)

    assert response.status_code == 200
    assert "Adresse ou mot de passe incorrect." in html.unescape(response.text)
    assert not is_signed_in(client)


def test_login_failure_keeps_email(client, account):
    response = sign_in(client, account.email, "mauvais-mot-de-passe")

    assert f'value="{account.email}"' in response.text
    assert "mauvais-mot-de-passe" not in response.text


def test_logout_rejects_get(client, account, password):
    sign_in(client, account.email, password)

    response = client.get("/logout")

    assert response.status_code == 405
    assert is_signed_in(client)


def test_logout_by_post(client, account, password):
    sign_in(client, account.email, password)

    response = client.post("/logout")

    assert response.status_code == 302
    assert response.location == "/login"
    assert not is_signed_in(client)


def test_logout_when_anonymous(client):
    response = client.post("/logout")

    assert response.status_code == 302
    assert urlsplit(response.location).path == "/login"


def test_next_path_followed(client, account, password):
    response = sign_in(client, account.email, password, "/diagnostics/abc/resume")

    assert response.status_code == 302
    assert response.location == "/diagnostics/abc/resume"


def test_next_keeps_query_string(client, account, password):
    target = "/diagnostics/abc/steps/emploi?from=review#q-emploi_effectif"

    response = sign_in(client, account.email, password, target)

    assert response.location == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "http://evil.example/diagnostics",
        "//evil.example",
        "//evil.example/diagnostics/abc/resume",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "evil.example",
        "",
    ],
)
def test_unsafe_next_goes_to_dashboard(client, account, password, target):
    response = sign_in(client, account.email, password, target)

    assert response.status_code == 302
    assert response.location == "/"


def test_protected_page_returns_after_login(client, account, password, questionnaire):
    diagnostic = start_diagnostic(account.organisation, questionnaire, account)
    step = f"/diagnostics/{diagnostic.public_id}/steps/ethique"

    redirect = client.get(step)
    next_url = parse_qs(urlsplit(redirect.location).query)["next"][0]
    response = sign_in(client, account.email, password, next_url)

    assert response.location == step
    assert client.get(step).status_code == 200


def test_protected_page_asks_to_sign_in(client, account, questionnaire):
    diagnostic = start_diagnostic(account.organisation, questionnaire, account)

    response = client.get(
        f"/diagnostics/{diagnostic.public_id}/review", follow_redirects=True
    )

    assert response.request.path == "/login"
    assert "Connectez-vous pour accéder à cette page." in response.text
