import logging
from datetime import timedelta

import pytest
from sqlalchemy import MetaData, func, select

from app.extensions import db
from app.models import Invitation, Role, User
from app.models.base import utcnow
from app.tokens import token_digest

UNUSABLE = "Ce lien d'invitation ne fonctionne plus"
NEW_ACCOUNT = {
    "email": "Nouvelle@Example.org",
    "password": "une-phrase-de-passe",
    "confirm": "une-phrase-de-passe",
}


def count_users() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(User))


def test_invitation_link_shown_once(pilot_client, shown_links, invitation_of):
    response = pilot_client.post(
        "/team/invitations", data={"role": "contributor", "email": ""}
    )

    assert response.status_code == 302
    assert response.location == "/team"
    page = pilot_client.get("/team")
    links = shown_links(page)
    assert len(links) == 1
    assert links[0].startswith("/invitations/")
    assert page.text.count(links[0]) == 1
    assert "toute personne ayant le lien" in page.text
    assert shown_links(pilot_client.get("/team")) == []
    invitation = invitation_of(links[0])
    assert invitation.role == Role.CONTRIBUTOR
    assert invitation.email is None


def test_invitation_with_email_without_smtp(
    pilot_client, shown_links, invitation_of, page_text
):
    pilot_client.post(
        "/team/invitations", data={"role": "reader", "email": "Lea@Example.org"}
    )

    page = pilot_client.get("/team")
    links = shown_links(page)
    assert len(links) == 1
    assert "Invitation envoyée" not in page_text(page)
    assert "lea@example.org" in page.text
    invitation = invitation_of(links[0])
    assert invitation.email == "lea@example.org"
    assert invitation.role == Role.READER


def test_invitation_invalid_email_rejected(pilot_client, page_text):
    response = pilot_client.post(
        "/team/invitations", data={"role": "reader", "email": "pas-une-adresse"}
    )

    assert response.status_code == 302
    page = pilot_client.get("/team")
    assert "Adresse électronique non valide." in page_text(page)
    assert 'id="invitation-link"' not in page.text
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_accept_page_names_organisation(client, pilot_client, invite, page_text):
    path = invite(pilot_client, "reader")

    response = client.get(path)

    assert response.status_code == 200
    text = page_text(response)
    assert "Rejoindre Les Jardins partagés" in text
    assert "Lecteur : consulte seulement" in text
    assert "Créer mon compte et rejoindre l'équipe" in text


@pytest.mark.parametrize("role", ["pilot", "contributor", "reader"])
def test_new_account_joins_with_role(client, pilot, pilot_client, invite, role):
    path = invite(pilot_client, role)

    response = client.post(path, data=NEW_ACCOUNT)

    assert response.status_code == 302
    assert response.location == "/"
    db.session.rollback()
    user = db.session.scalar(select(User).filter_by(email="nouvelle@example.org"))
    assert user.organisation_id == pilot.organisation_id
    assert user.role == role
    assert user.check_password(NEW_ACCOUNT["password"])
    dashboard = client.get("/")
    assert "<h1>Les Jardins partagés</h1>" in dashboard.text
    assert "Bienvenue dans l&#39;équipe !" in dashboard.text


def test_new_reader_sees_no_start(client, pilot_client, invite):
    client.post(invite(pilot_client, "reader"), data=NEW_ACCOUNT)

    dashboard = client.get("/")

    assert dashboard.status_code == 200
    assert "<h1>Les Jardins partagés</h1>" in dashboard.text
    assert "Commencer un diagnostic" not in dashboard.text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "pas-une-adresse"}, "Adresse électronique non valide."),
        (
            {"password": "court", "confirm": "court"},
            "Mot de passe trop court",
        ),
        (
            {"password": "motdepasse123", "confirm": "motdepasse123"},
            "courant",
        ),
        ({"confirm": "une-autre-phrase"}, "Les deux mots de passe diffèrent."),
    ],
)
def test_join_form_errors(
    client, pilot_client, invite, invitation_of, page_text, changes, message
):
    path = invite(pilot_client)
    users_before = count_users()

    response = client.post(path, data=dict(NEW_ACCOUNT, **changes))

    assert response.status_code == 200
    assert message in page_text(response)
    assert count_users() == users_before
    assert invitation_of(path).accepted_at is None


def test_join_with_email_taken(client, pilot, pilot_client, invite, page_text):
    path = invite(pilot_client)
    users_before = count_users()

    response = client.post(path, data=dict(NEW_ACCOUNT, email=pilot.email.upper()))

    assert response.status_code == 200
    assert "Un compte utilise déjà cette adresse" in page_text(response)
    assert count_users() == users_before


def test_link_works_once(new_client, pilot_client, invite, page_text):
    path = invite(pilot_client)
    new_client().post(path, data=NEW_ACCOUNT)
    second = dict(NEW_ACCOUNT, email="autre@example.org")

    opened = new_client().get(path)
    posted = new_client().post(path, data=second)

    assert opened.status_code == 404
    assert UNUSABLE in page_text(opened)
    assert posted.status_code == 404
    assert UNUSABLE in page_text(posted)
    assert db.session.scalar(select(User).filter_by(email="autre@example.org")) is None


def test_expired_link_fails(client, pilot_client, invite, invitation_of, page_text):
    path = invite(pilot_client)
    invitation = invitation_of(path)
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    users_before = count_users()

    opened = client.get(path)
    posted = client.post(path, data=NEW_ACCOUNT)

    assert opened.status_code == 404
    assert UNUSABLE in page_text(opened)
    assert posted.status_code == 404
    assert count_users() == users_before


def test_expired_link_not_pending(pilot_client, invite, invitation_of):
    path = invite(pilot_client)
    invitation_of(path).expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    page = pilot_client.get("/team")

    assert "Invitations en attente" not in page.text


def test_revoked_link_fails(client, pilot_client, invite, invitation_of, page_text):
    path = invite(pilot_client)
    public_id = invitation_of(path).public_id

    response = pilot_client.post(f"/team/invitations/{public_id}/revoke")

    assert response.status_code == 302
    assert response.location == "/team"
    page = pilot_client.get("/team")
    assert "Invitation annulée : son lien ne fonctionne plus." in page_text(page)
    assert "Invitations en attente" not in page.text
    assert invitation_of(path).revoked_at is not None
    opened = client.get(path)
    assert opened.status_code == 404
    assert UNUSABLE in page_text(opened)
    assert client.post(path, data=NEW_ACCOUNT).status_code == 404


def test_unknown_token_fails(client, page_text):
    response = client.get("/invitations/jeton-inconnu")

    assert response.status_code == 404
    assert UNUSABLE in page_text(response)


def test_signed_in_user_without_organisation_joins(
    new_client, pilot, pilot_client, invite, add_member, invitation_of, page_text
):
    path = invite(pilot_client, "reader")
    loner = add_member(Role.CONTRIBUTOR, organisation_id=None)
    client = new_client(loner)

    page = client.get(path)
    response = client.post(path)

    assert page.status_code == 200
    assert "Rejoindre l'équipe" in page_text(page)
    assert f"connecté en tant que {loner.email}" in page_text(page)
    assert response.status_code == 302
    assert response.location == "/"
    user = loner.stored()
    assert user.organisation_id == pilot.organisation_id
    assert user.role == Role.READER
    assert invitation_of(path).accepted_by_id == loner.user_id
    assert "<h1>Les Jardins partagés</h1>" in client.get("/").text


def test_member_elsewhere_cannot_join(
    new_client, pilot_client, invite, outsider, invitation_of, page_text
):
    path = invite(pilot_client, "pilot")
    client = new_client(outsider)

    response = client.post(path)

    assert response.status_code == 200
    assert "Votre compte appartient déjà à une organisation" in page_text(response)
    user = outsider.stored()
    assert user.organisation_id == outsider.organisation_id
    assert user.role == Role.PILOT
    invitation = invitation_of(path)
    assert invitation.accepted_at is None
    assert invitation.accepted_by_id is None


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.READER])
def test_non_pilot_cannot_invite(new_client, add_member, role):
    client = new_client(add_member(role))

    response = client.post("/team/invitations", data={"role": "pilot", "email": ""})

    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.READER])
def test_non_pilot_cannot_revoke(
    new_client, pilot_client, invite, add_member, invitation_of, role
):
    path = invite(pilot_client)
    public_id = invitation_of(path).public_id
    client = new_client(add_member(role))

    response = client.post(f"/team/invitations/{public_id}/revoke")

    assert response.status_code == 403
    assert invitation_of(path).revoked_at is None


def test_non_pilot_sees_no_invitations(new_client, pilot_client, invite, contributor):
    invite(pilot_client, "reader", "lea@example.org")

    page = new_client(contributor).get("/team")

    assert page.status_code == 200
    assert "Inviter une personne" not in page.text
    assert "lea@example.org" not in page.text


def test_anonymous_cannot_invite(client):
    response = client.post("/team/invitations", data={"role": "pilot", "email": ""})

    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_revoke_elsewhere_not_found(
    new_client, pilot_client, invite, outsider, invitation_of
):
    path = invite(pilot_client)
    public_id = invitation_of(path).public_id

    response = new_client(outsider).post(f"/team/invitations/{public_id}/revoke")

    assert response.status_code == 404
    assert invitation_of(path).revoked_at is None


def test_only_token_digest_stored(pilot_client, invite):
    token = invite(pilot_client, "pilot", "lea@example.org").rsplit("/", 1)[1]

    db.session.rollback()
    invitation = db.session.scalar(select(Invitation))
    assert invitation.token_digest == token_digest(token)
    # Reflection finds every table, including those no model maps.
    tables = MetaData()
    tables.reflect(bind=db.engine)
    for table in tables.sorted_tables:
        for row in db.session.execute(select(table)):
            assert token not in repr(tuple(row)), table.name


def test_token_absent_from_logs(client, pilot_client, invite, caplog):
    path = invite(pilot_client)
    token = path.rsplit("/", 1)[1]
    caplog.set_level(logging.INFO)

    client.get(path)
    client.post(path, data=NEW_ACCOUNT)

    assert caplog.records
    for record in caplog.records:
        assert token not in repr(vars(record)), record.name
