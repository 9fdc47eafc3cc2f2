"""Sign-in limits: per e-mail and per address, stored in the database."""

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.auth import services
from app.extensions import db
from app.models import LoginAttempt, User

WRONG = "mauvais-mot-de-passe"
BLOCKED = "Trop de tentatives de connexion : réessayez dans"
INCORRECT = "Adresse ou mot de passe incorrect."
# Documentation addresses (RFC 5737), one per simulated computer.
HOME = "192.0.2.10"
OFFICE = "198.51.100.20"


def post_login(client, email: str, password: str):
    return client.post("/login", data={"email": email, "password": password})


def fail(client, email: str, times: int) -> None:
    for _ in range(times):
        response = post_login(client, email, WRONG)
        assert response.status_code == 200


def attempt_count(**criteria) -> int:
    db.session.rollback()
    statement = select(func.count()).select_from(LoginAttempt).filter_by(**criteria)
    return db.session.scalar(statement)


def test_fifth_failure_still_checked(client, account, page_text):
    fail(client, account.email, 4)

    response = post_login(client, account.email, WRONG)

    assert response.status_code == 200
    assert INCORRECT in page_text(response)


def test_account_blocked_after_five_failures(client, account, password, page_text):
    fail(client, account.email, 5)

    response = post_login(client, account.email, password)

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "900"
    page = page_text(response)
    assert f"{BLOCKED} 15 minutes" in page
    assert "Mot de passe oublié ?" in page
    assert INCORRECT not in page
    assert client.get("/account").status_code == 302


def test_blocked_attempt_skips_password_check(client, account, password, monkeypatch):
    fail(client, account.email, 5)

    def forbidden(*args):
        raise AssertionError("the password was checked")

    monkeypatch.setattr(User, "check_password", forbidden)
    monkeypatch.setattr(services, "check_password_hash", forbidden)
    response = post_login(client, account.email, password)

    assert response.status_code == 429


@pytest.mark.parametrize(
    ("elapsed", "shown"),
    [
        (timedelta(minutes=1), "14 minutes"),
        (timedelta(minutes=10), "5 minutes"),
        (timedelta(minutes=14, seconds=30), "1 minute,"),
    ],
)
def test_wait_counts_down(client, account, age_attempts, page_text, elapsed, shown):
    fail(client, account.email, 5)
    age_attempts(elapsed)

    response = post_login(client, account.email, WRONG)

    assert response.status_code == 429
    assert f"{BLOCKED} {shown}" in page_text(response)


def test_block_ends_after_window(client, account, password, age_attempts):
    fail(client, account.email, 5)
    age_attempts(timedelta(minutes=15, seconds=1))

    response = post_login(client, account.email, password)

    assert response.status_code == 302
    assert response.location == "/"


def test_wait_follows_oldest_failure_in_window(
    client, account, age_attempts, page_text
):
    fail(client, account.email, 3)
    age_attempts(timedelta(minutes=10))
    fail(client, account.email, 2)

    response = post_login(client, account.email, WRONG)

    # The block lasts until the first failure leaves the 15-minute window.
    assert f"{BLOCKED} 5 minutes" in page_text(response)


def test_blocked_attempts_not_stored(client, account):
    fail(client, account.email, 5)

    post_login(client, account.email, WRONG)
    post_login(client, account.email, WRONG)

    assert attempt_count(email=account.email) == 5


def test_blocked_attempt_audited(client, account, audit_rows):
    fail(client, account.email, 5)

    post_login(client, "  PILOTE@regie-breil.example", WRONG)

    rows = audit_rows("sign_in_blocked")
    assert len(rows) == 1
    assert rows[0].details == {"email": account.email, "limit": "account"}
    assert rows[0].organisation_id == account.organisation_id
    assert rows[0].actor_id is None
    assert rows[0].address == "127.0.0.1"
    assert len(audit_rows("sign_in_failed")) == 5


def test_limit_reached_logged_once(client, account, caplog):
    with caplog.at_level(logging.INFO, logger="app.auth.services"):
        fail(client, account.email, 5)
        post_login(client, account.email, WRONG)

    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "sign-in limit reached" in warnings[0].getMessage()
    assert account.email not in caplog.text
    assert WRONG not in caplog.text


def test_unknown_email_blocked_alike(client_from, account, page_text):
    known = client_from(HOME)
    unknown = client_from(OFFICE)
    fail(known, account.email, 5)
    fail(unknown, "personne@regie-breil.example", 5)

    known_response = post_login(known, account.email, WRONG)
    unknown_response = post_login(unknown, "personne@regie-breil.example", WRONG)

    assert known_response.status_code == unknown_response.status_code == 429
    assert known_response.headers["Retry-After"] == "900"
    assert unknown_response.headers["Retry-After"] == "900"
    known_page = known_response.text.replace(account.email, "EMAIL")
    unknown_page = unknown_response.text.replace(
        "personne@regie-breil.example", "EMAIL"
    )
    assert known_page == unknown_page


def test_unknown_email_fails_alike(client, account):
    known = post_login(client, account.email, WRONG)
    unknown = post_login(client, "personne@regie-breil.example", WRONG)

    assert known.status_code == unknown.status_code == 200
    known_page = known.text.replace(account.email, "EMAIL")
    assert known_page == unknown.text.replace("personne@regie-breil.example", "EMAIL")


def test_other_email_failures_do_not_block(client, account, password):
    fail(client, "voisin@regie-breil.example", 5)

    response = post_login(client, account.email, password)

    assert response.status_code == 302


def test_email_limit_spans_addresses(client_from, account, password):
    for address in (HOME, OFFICE, "203.0.113.1", "203.0.113.2", "203.0.113.3"):
        fail(client_from(address), account.email, 1)

    response = post_login(client_from("203.0.113.4"), account.email, password)

    assert response.status_code == 429


def test_address_blocked_after_twenty_failures(client_from, account, password):
    home = client_from(HOME)
    for number in range(20):
        fail(home, f"essai{number}@example.org", 1)

    blocked = post_login(home, account.email, password)
    elsewhere = post_login(client_from(OFFICE), account.email, password)

    assert blocked.status_code == 429
    assert elsewhere.status_code == 302


def test_address_block_audited(client_from, account, audit_rows):
    home = client_from(HOME)
    for number in range(20):
        fail(home, f"essai{number}@example.org", 1)

    post_login(home, account.email, WRONG)

    rows = audit_rows("sign_in_blocked")
    assert [row.details["limit"] for row in rows] == ["address"]


def test_nineteen_address_failures_allowed(client_from, account, password):
    home = client_from(HOME)
    for number in range(19):
        fail(home, f"essai{number}@example.org", 1)

    response = post_login(home, account.email, password)

    assert response.status_code == 302


def test_success_recorded_and_clears_nothing(client, account, password):
    fail(client, account.email, 4)
    assert post_login(client, account.email, password).status_code == 302
    client.post("/logout")
    fail(client, account.email, 1)

    response = post_login(client, account.email, password)

    assert response.status_code == 429
    assert attempt_count(email=account.email, succeeded=True) == 1
    assert attempt_count(email=account.email, succeeded=False) == 5


def test_attempt_stores_email_and_address(client_from, account, password):
    post_login(client_from(HOME), " Pilote@Regie-Breil.example ", password)

    db.session.rollback()
    attempt = db.session.scalar(select(LoginAttempt))
    assert attempt.email == account.email
    assert attempt.address == HOME
    assert attempt.succeeded is True


def test_day_old_attempts_deleted(client, account, age_attempts):
    fail(client, account.email, 3)
    age_attempts(timedelta(days=1, minutes=1))

    fail(client, "autre@example.org", 1)

    assert attempt_count() == 1
    assert attempt_count(email="autre@example.org") == 1


def test_recent_attempts_kept(client, account, age_attempts):
    fail(client, account.email, 3)
    age_attempts(timedelta(hours=23))

    fail(client, "autre@example.org", 1)

    assert attempt_count() == 4


def test_overlong_email_rejected_by_form(client, account, form_errors):
    response = post_login(client, "a" * 250 + "@example.org", WRONG)

    assert response.status_code == 200
    assert "Adresse électronique" in form_errors(response.text)
    assert attempt_count() == 0
