"""Password reset without a mail server: requests, limits and the reset page."""

import hashlib
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth import resets
from app.auth.resets import create_reset_link_token
from app.extensions import db
from app.models import AuditEvent, PasswordResetToken, User

NEW_PASSWORD = "une-nouvelle-phrase-secrete"
SAME_ANSWER = "Si un compte utilise l'adresse"
UNKNOWN = "personne@regie-breil.example"


def ask_reset(client, email: str):
    return client.post("/forgot-password", data={"email": email})


def set_password(client, path: str, password: str, confirm: str | None = None):
    data = {"password": password, "confirm": password if confirm is None else confirm}
    return client.post(path, data=data)


@pytest.fixture
def reset_path(account):
    """Return the path of a fresh reset link for the account."""
    return lambda: f"/reset-password/{create_reset_link_token(account)}"


@pytest.fixture
def age_audit_events():
    def move(delta: timedelta) -> None:
        db.session.rollback()
        for event in db.session.scalars(select(AuditEvent)):
            event.created_at -= delta
        db.session.commit()

    return move


def test_login_links_to_reset(client):
    page = client.get("/login").text

    assert 'href="/forgot-password"' in page
    assert "Mot de passe oublié ?" in page


def test_forgot_page_renders(client, page_text):
    response = client.get("/forgot-password")

    assert response.status_code == 200
    assert 'name="email"' in response.text
    assert "valable une heure" in page_text(response)


def test_same_answer_for_unknown_email(client, account, page_text):
    known = ask_reset(client, account.email)
    known_page = page_text(client.get(known.location))
    unknown = ask_reset(client, UNKNOWN)
    unknown_page = page_text(client.get(unknown.location))

    assert known.status_code == unknown.status_code == 302
    assert known.location == unknown.location == "/login"
    assert f"{SAME_ANSWER} {account.email}" in known_page
    assert known_page.replace(account.email, "EMAIL") == unknown_page.replace(
        UNKNOWN, "EMAIL"
    )


def test_invalid_email_named(client, form_errors):
    response = ask_reset(client, "pas-une-adresse")

    assert response.status_code == 200
    errors = form_errors(response.text)
    assert "nom@exemple.org" in errors["Adresse électronique de votre compte"]


def test_request_creates_token(client, account, reset_tokens):
    ask_reset(client, " Pilote@Regie-Breil.example")

    tokens = reset_tokens(account)
    assert len(tokens) == 1
    lifetime = tokens[0].expires_at - tokens[0].created_at
    assert timedelta(minutes=59) < lifetime <= timedelta(hours=1)
    assert tokens[0].used_at is None


def test_request_audited(client, account, audit_rows):
    ask_reset(client, account.email)
    ask_reset(client, UNKNOWN)

    rows = audit_rows("password_reset_requested")
    assert [row.details for row in rows] == [
        {"email": account.email},
        {"email": UNKNOWN},
    ]
    assert rows[0].organisation_id == account.organisation_id
    assert rows[1].organisation_id is None
    assert rows[0].address == "127.0.0.1"


def test_without_mail_server_link_not_shown(client, account, caplog, reset_tokens):
    with caplog.at_level(logging.WARNING, logger="app.auth.views"):
        response = ask_reset(client, account.email)
    page = client.get(response.location).text

    assert "/reset-password/" not in page
    warnings = [r for r in caplog.records if r.name == "app.auth.views"]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    message = warnings[0].getMessage()
    assert "no mail server is configured (AUTODIAG_SMTP_HOST)" in message
    assert "autodiag user reset-password EMAIL" in message
    assert account.email not in message
    assert "/reset-password/" not in caplog.text
    assert len(reset_tokens(account)) == 1


def test_unknown_email_logs_no_warning(client, account, caplog):
    with caplog.at_level(logging.INFO):
        ask_reset(client, UNKNOWN)

    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert UNKNOWN not in caplog.text


def test_address_limit_on_requests(client, account, page_text):
    for _ in range(5):
        assert ask_reset(client, UNKNOWN).status_code == 302
        client.get("/login")  # shows, so drops, the flashed message

    response = ask_reset(client, account.email)

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "3600"
    page = page_text(response)
    assert "Trop de demandes de réinitialisation" in page
    assert "réessayez dans 60 minutes." in page
    assert SAME_ANSWER not in page


def test_address_limit_per_address(client, client_from, account, reset_tokens):
    for _ in range(5):
        ask_reset(client, UNKNOWN)

    response = ask_reset(client_from("192.0.2.10"), account.email)

    assert response.status_code == 302
    assert len(reset_tokens(account)) == 1


def test_address_limit_ends_after_hour(client, account, age_audit_events):
    for _ in range(5):
        ask_reset(client, UNKNOWN)
    age_audit_events(timedelta(minutes=61))

    response = ask_reset(client, account.email)

    assert response.status_code == 302


def test_blocked_request_not_recorded(client, account, audit_rows, reset_tokens):
    for _ in range(5):
        ask_reset(client, UNKNOWN)

    ask_reset(client, account.email)

    assert len(audit_rows("password_reset_requested")) == 5
    assert reset_tokens(account) == []


def test_account_limit_is_silent(client_from, account, reset_tokens, page_text):
    for number in range(3):
        ask_reset(client_from(f"192.0.2.{number}"), account.email)
    client = client_from("192.0.2.99")

    response = ask_reset(client, account.email)

    assert response.status_code == 302
    assert SAME_ANSWER in page_text(client.get("/login"))
    assert len(reset_tokens(account)) == 3


def test_token_digest_only_stored(account, reset_tokens):
    token = create_reset_link_token(account)

    stored = reset_tokens(account)[0]
    assert stored.token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(
        {column: getattr(stored, column) for column in stored.__table__.columns.keys()}
    )
    assert len(token) >= 43


def test_reset_page_renders(client, reset_path, page_text):
    response = client.get(reset_path())

    assert response.status_code == 200
    assert "Choisir un nouveau mot de passe" in page_text(response)
    assert 'name="confirm"' in response.text


def test_reset_sets_password(client, account, reset_path, page_text, stored):
    response = set_password(client, reset_path(), NEW_PASSWORD)

    assert response.status_code == 302
    assert response.location == "/"
    assert "Votre mot de passe est changé" in page_text(client.get("/"))
    user = stored(User, account.id)
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password("mot-de-passe-solide")


def test_reset_signs_in(client, account, reset_path, is_signed_in):
    set_password(client, reset_path(), NEW_PASSWORD)

    assert is_signed_in(client)


def test_reset_ends_other_sessions(
    app, client, account, password, reset_path, is_signed_in, stored
):
    other = app.test_client()
    other.post("/login", data={"email": account.email, "password": password})
    assert is_signed_in(other)
    version = account.session_version

    set_password(client, reset_path(), NEW_PASSWORD)

    response = other.get("/account")
    assert response.status_code == 302
    assert response.location.startswith("/login")
    assert stored(User, account.id).session_version == version + 1


def test_token_not_in_request_log(client, reset_path, caplog):
    path = reset_path()
    token = path.rsplit("/", 1)[1]

    with caplog.at_level(logging.INFO, logger="autodiag.requests"):
        client.get(path)
        set_password(client, path, NEW_PASSWORD)

    records = [r for r in caplog.records if r.name == "autodiag.requests"]
    assert [r.path for r in records] == ["/reset-password/[secret]"] * 2
    assert token not in caplog.text


def test_reset_audited(client, account, reset_path, audit_rows):
    set_password(client, reset_path(), NEW_PASSWORD)

    rows = audit_rows("password_reset")
    assert len(rows) == 1
    assert rows[0].actor_id == account.id
    assert NEW_PASSWORD not in repr(rows[0].details)


def test_token_single_use(client, account, reset_path, page_text):
    path = reset_path()
    set_password(client, path, NEW_PASSWORD)
    client.post("/logout")

    again = set_password(client, path, "encore-une-autre-phrase")
    opened = client.get(path)

    for response in (again, opened):
        assert response.status_code == 404
        assert "Ce lien de réinitialisation ne fonctionne plus" in page_text(response)
        assert 'href="/forgot-password"' in response.text
    login = client.post(
        "/login", data={"email": account.email, "password": "encore-une-autre-phrase"}
    )
    assert login.status_code == 200


def test_reset_spends_other_tokens(client, account, reset_path, reset_tokens):
    first, second = reset_path(), reset_path()

    set_password(client, second, NEW_PASSWORD)

    assert all(token.used_at is not None for token in reset_tokens(account))
    assert client.get(first).status_code == 404


def test_expired_token_rejected(client, account, reset_path, reset_tokens, page_text):
    path = reset_path()
    token = reset_tokens(account)[0]
    token.expires_at = token.created_at - timedelta(seconds=1)
    db.session.commit()

    response = client.get(path)

    assert response.status_code == 404
    assert "n'est valable qu'une heure" in page_text(response)


def test_expired_token_cannot_post(client, account, reset_path, reset_tokens, stored):
    path = reset_path()
    token = reset_tokens(account)[0]
    token.expires_at = token.created_at
    db.session.commit()

    response = set_password(client, path, NEW_PASSWORD)

    assert response.status_code == 404
    assert not stored(User, account.id).check_password(NEW_PASSWORD)


@pytest.mark.parametrize("token", ["inconnu", "x" * 43, "a" * 500])
def test_unknown_token_rejected(client, account, token):
    response = client.get(f"/reset-password/{token}")

    assert response.status_code == 404
    assert 'href="/forgot-password"' in response.text


@pytest.mark.parametrize(
    ("password", "confirm", "label", "message"),
    [
        ("court", None, "Nouveau mot de passe", "Mot de passe trop court"),
        ("motdepasse123", None, "Nouveau mot de passe", "plus courants"),
        (
            "pilote@regie-breil.example",
            None,
            "Nouveau mot de passe",
            "ne doit pas reprendre votre adresse électronique",
        ),
        (
            "regie de quartier du breil",
            None,
            "Nouveau mot de passe",
            "ne doit pas contenir le nom de votre organisation",
        ),
        (
            NEW_PASSWORD,
            "autre-chose-tapee",
            "Confirmez le nouveau mot de passe",
            "Les deux mots de passe diffèrent.",
        ),
    ],
)
def test_reset_password_rules(
    client,
    account,
    reset_path,
    reset_tokens,
    form_errors,
    password,
    confirm,
    label,
    message,
):
    response = set_password(client, reset_path(), password, confirm)

    assert response.status_code == 200
    errors = form_errors(response.text)
    assert list(errors) == [label]
    assert message in errors[label]
    assert reset_tokens(account)[0].used_at is None


def test_second_claim_rejected(account):
    token = create_reset_link_token(account)
    resets.reset_password(token, NEW_PASSWORD)

    with pytest.raises(resets.ResetTokenUnusable):
        resets.reset_password(token, "encore-une-autre-phrase")


def test_platform_account_can_reset(client, reset_tokens, stored):
    user = User(email="equipe@cress.example", role="staff", organisation_id=None)
    user.set_password("premier-mot-de-passe")
    db.session.add(user)
    db.session.commit()
    token = create_reset_link_token(user)

    response = set_password(client, f"/reset-password/{token}", NEW_PASSWORD)

    assert response.status_code == 302
    assert stored(User, user.id).check_password(NEW_PASSWORD)


def test_reset_row_kept_for_audit(client, account, reset_path):
    set_password(client, reset_path(), NEW_PASSWORD)

    db.session.rollback()
    assert db.session.scalar(select(PasswordResetToken)).used_at is not None
