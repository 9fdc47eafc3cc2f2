"""The account page: what it shows, changing the password, ending sessions."""

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.admin.services import create_platform_user
from app.extensions import db
from app.models import LoginAttempt, PlatformRole, Role, User

from .conftest import MEMBER_PASSWORD

NEW_PASSWORD = "une-nouvelle-phrase-secrete"


def change(client, current: str, new: str, confirm: str | None = None):
    data = {
        "current_password": current,
        "password": new,
        "confirm": new if confirm is None else confirm,
    }
    return client.post("/account/password", data=data)


def goes_to_login(client) -> bool:
    response = client.get("/account")
    return response.status_code == 302 and response.location.startswith("/login")


def test_settings_need_sign_in(client):
    response = client.get("/account")

    assert response.status_code == 302
    assert response.location == "/login?next=%2Faccount"


def test_settings_show_account(signed_in, member, page_text):
    page = page_text(signed_in().get("/account"))

    assert "<h1>Mon compte</h1>" in page
    summary = page.split('<dl id="account-summary">')[1].split("</dl>")[0]
    assert member.email in summary
    assert "Les Jardins partagés" in summary
    assert "Pilote" in summary
    assert "Se déconnecter de tous les appareils" in page
    assert 'name="current_password"' in page


def test_nav_links_to_settings(signed_in):
    page = signed_in().get("/").text

    assert 'href="/account"' in page
    assert "Mon compte" in page


def test_settings_show_contributor_role(app, member, page_text):
    user = User(
        email="contributrice@example.org",
        organisation_id=member.organisation_id,
        role=Role.CONTRIBUTOR,
    )
    user.set_password(MEMBER_PASSWORD)
    db.session.add(user)
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": MEMBER_PASSWORD})

    page = page_text(client.get("/account"))

    assert "Contributeur" in page


def test_settings_for_platform_account(app, page_text):
    user, password = create_platform_user("equipe@cress.example", PlatformRole.STAFF)
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": password})

    response = client.get("/account")

    assert response.status_code == 200
    page = page_text(response)
    assert "compte de la plateforme" in page
    assert "Équipe régionale" in page


def test_settings_without_organisation(app, member, page_text):
    user = member.user
    user.organisation_id = None
    user.role = Role.READER
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": member.email, "password": MEMBER_PASSWORD})

    page = page_text(client.get("/account"))

    summary = page.split('<dl id="account-summary">')[1].split("</dl>")[0]
    assert "lien d'invitation" in summary
    assert "Aucun" in summary
    assert "Lecteur" not in summary


def test_change_password(signed_in, member, stored_user, page_text):
    client = signed_in()

    response = change(client, MEMBER_PASSWORD, NEW_PASSWORD)

    assert response.status_code == 302
    assert response.location == "/account"
    assert "Mot de passe changé." in page_text(client.get("/account"))
    user = stored_user(member.user_id)
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(MEMBER_PASSWORD)


def test_change_keeps_current_session(signed_in):
    client = signed_in()

    change(client, MEMBER_PASSWORD, NEW_PASSWORD)

    assert client.get("/account").status_code == 200


def test_change_ends_other_sessions(signed_in, member, stored_user):
    client = signed_in()
    other = signed_in()
    version = stored_user(member.user_id).session_version

    change(client, MEMBER_PASSWORD, NEW_PASSWORD)

    assert goes_to_login(other)
    assert stored_user(member.user_id).session_version == version + 1


def test_new_password_signs_in(app, signed_in, member):
    change(signed_in(), MEMBER_PASSWORD, NEW_PASSWORD)
    client = app.test_client()

    old = client.post(
        "/login", data={"email": member.email, "password": MEMBER_PASSWORD}
    )
    new = client.post("/login", data={"email": member.email, "password": NEW_PASSWORD})

    assert old.status_code == 200
    assert new.status_code == 302


def test_change_renews_remember_cookie(app, member):
    client = app.test_client()
    client.post(
        "/login",
        data={"email": member.email, "password": MEMBER_PASSWORD, "remember": "y"},
    )
    old_cookie = client.get_cookie("remember_token").value

    change(client, MEMBER_PASSWORD, NEW_PASSWORD)

    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    assert cookie.value != old_cookie
    client.delete_cookie("session")
    assert client.get("/account").status_code == 200


def test_change_without_remember_sets_no_cookie(signed_in):
    client = signed_in()

    change(client, MEMBER_PASSWORD, NEW_PASSWORD)

    assert client.get_cookie("remember_token") is None


def test_change_audited(signed_in, member, audit_rows):
    change(signed_in(), MEMBER_PASSWORD, NEW_PASSWORD)

    rows = audit_rows("password_changed")
    assert len(rows) == 1
    assert rows[0].actor_id == member.user_id
    assert rows[0].organisation_id == member.organisation_id
    assert NEW_PASSWORD not in repr(rows[0].details)


def test_change_logged_without_secret(signed_in, member, caplog):
    client = signed_in()

    with caplog.at_level(logging.INFO, logger="app.accounts.services"):
        change(client, MEMBER_PASSWORD, NEW_PASSWORD)

    assert f"password of user {member.user_id} changed" in caplog.text
    assert NEW_PASSWORD not in caplog.text
    assert MEMBER_PASSWORD not in caplog.text


def test_wrong_current_password(signed_in, member, stored_user, form_errors):
    client = signed_in()

    response = change(client, "pas-le-bon-mot-de-passe", NEW_PASSWORD)

    assert response.status_code == 200
    errors = form_errors(response.text)
    assert list(errors) == ["Mot de passe actuel"]
    assert errors["Mot de passe actuel"] == [
        "Mot de passe actuel incorrect : saisissez celui qui vous sert à vous "
        "connecter."
    ]
    assert stored_user(member.user_id).check_password(MEMBER_PASSWORD)
    assert client.get("/account").status_code == 200


def test_wrong_current_password_counts_as_failure(signed_in, member, audit_rows):
    change(signed_in(), "pas-le-bon-mot-de-passe", NEW_PASSWORD)

    db.session.rollback()
    attempt = db.session.scalar(select(LoginAttempt).filter_by(succeeded=False))
    assert attempt.email == member.email
    assert len(audit_rows("password_change_failed")) == 1


def test_wrong_current_password_limited(signed_in, member, stored_user, form_errors):
    client = signed_in()
    for _ in range(5):
        change(client, "pas-le-bon-mot-de-passe", NEW_PASSWORD)

    response = change(client, MEMBER_PASSWORD, NEW_PASSWORD)

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "900"
    errors = form_errors(response.text)
    assert errors["Mot de passe actuel"] == [
        "Trop de mots de passe incorrects : réessayez dans 15 minutes."
    ]
    assert stored_user(member.user_id).check_password(MEMBER_PASSWORD)


def test_limit_from_sign_in_applies(app, signed_in, member):
    client = signed_in()
    attacker = app.test_client()
    for _ in range(5):
        attacker.post("/login", data={"email": member.email, "password": "essai-1234"})

    response = change(client, MEMBER_PASSWORD, NEW_PASSWORD)

    assert response.status_code == 429


def test_limit_window_passes(signed_in, member):
    client = signed_in()
    for _ in range(5):
        change(client, "pas-le-bon-mot-de-passe", NEW_PASSWORD)
    db.session.rollback()
    for attempt in db.session.scalars(select(LoginAttempt)):
        attempt.created_at -= timedelta(minutes=16)
    db.session.commit()

    response = change(client, MEMBER_PASSWORD, NEW_PASSWORD)

    assert response.status_code == 302


@pytest.mark.parametrize(
    ("new", "confirm", "label", "message"),
    [
        ("court", None, "Nouveau mot de passe", "Mot de passe trop court"),
        ("azertyuiop", None, "Nouveau mot de passe", "plus courants"),
        ("member1@example.org", None, "Nouveau mot de passe", "adresse électronique"),
        (
            "les jardins partagés 2026",
            None,
            "Nouveau mot de passe",
            "ne doit pas contenir le nom de votre organisation",
        ),
        (
            MEMBER_PASSWORD,
            None,
            "Nouveau mot de passe",
            "Choisissez un nouveau mot de passe, différent de l'actuel.",
        ),
        (
            NEW_PASSWORD,
            "une-autre-phrase",
            "Confirmez le nouveau mot de passe",
            "Les deux mots de passe diffèrent.",
        ),
    ],
)
def test_new_password_rules(
    signed_in, member, stored_user, form_errors, new, confirm, label, message
):
    client = signed_in()

    response = change(client, MEMBER_PASSWORD, new, confirm)

    assert response.status_code == 200
    errors = form_errors(response.text)
    assert list(errors) == [label]
    assert any(message in error for error in errors[label])
    assert stored_user(member.user_id).check_password(MEMBER_PASSWORD)


def test_missing_current_password(signed_in, form_errors):
    response = change(signed_in(), "", NEW_PASSWORD)

    assert list(form_errors(response.text)) == ["Mot de passe actuel"]


def test_end_all_sessions(signed_in, member, stored_user, page_text):
    client = signed_in()
    other = signed_in()
    version = stored_user(member.user_id).session_version

    response = client.post("/account/sessions/end")

    assert response.status_code == 302
    assert response.location == "/login"
    assert "déconnecté de tous vos appareils" in page_text(client.get("/login"))
    assert goes_to_login(client)
    assert goes_to_login(other)
    assert stored_user(member.user_id).session_version == version + 1


def test_end_all_sessions_audited(signed_in, member, audit_rows):
    signed_in().post("/account/sessions/end")

    rows = audit_rows("sessions_ended")
    assert len(rows) == 1
    assert rows[0].actor_id == member.user_id


def test_sign_in_after_ending_sessions(app, signed_in, member):
    signed_in().post("/account/sessions/end")
    client = app.test_client()

    response = client.post(
        "/login", data={"email": member.email, "password": MEMBER_PASSWORD}
    )

    assert response.status_code == 302
    assert client.get("/account").status_code == 200


def test_end_sessions_rejects_get(signed_in):
    response = signed_in().get("/account/sessions/end")

    assert response.status_code == 405


def test_end_sessions_needs_sign_in(client):
    response = client.post("/account/sessions/end")

    assert response.status_code == 302
    assert response.location.startswith("/login")
