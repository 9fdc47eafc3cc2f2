"""Reset links mailed through an SMTP server that the test runs on 127.0.0.1."""

import logging

import pytest

from app.models import User

NEW_PASSWORD = "une-nouvelle-phrase-secrete"


@pytest.fixture
def app(make_app, fast_password_hashing, mail_settings):
    return make_app(**mail_settings)


def ask_reset(client, email: str):
    return client.post("/forgot-password", data={"email": email})


def test_reset_link_mailed(client, account, smtp_server):
    response = ask_reset(client, account.email)

    assert response.status_code == 302
    assert smtp_server.recipients == [account.email]
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == account.email
    assert message["From"] == "autodiag@example.org"
    assert message["Subject"] == "Choisir un nouveau mot de passe autodiag"
    body = message.get_content()
    assert account.email in body
    assert "dans l'heure" in body
    assert "ignorez ce message" in body
    assert len(smtp_server.reset_links()) == 1


def test_mailed_link_resets_password(client, account, smtp_server, stored):
    ask_reset(client, account.email)
    path = smtp_server.reset_links()[0]

    page = client.get(path)
    response = client.post(
        path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )

    assert page.status_code == 200
    assert response.status_code == 302
    assert stored(User, account.id).check_password(NEW_PASSWORD)
    assert client.get(path).status_code == 404


def test_unknown_email_gets_no_mail(client, account, smtp_server):
    response = ask_reset(client, "personne@regie-breil.example")

    assert response.status_code == 302
    assert smtp_server.messages == []


def test_each_request_mails_new_link(client, account, smtp_server):
    ask_reset(client, account.email)
    ask_reset(client, account.email)

    links = smtp_server.reset_links()
    assert len(links) == 2
    assert links[0] != links[1]


def test_mailed_token_not_logged(client, account, smtp_server, caplog):
    with caplog.at_level(logging.DEBUG):
        ask_reset(client, account.email)

    token = smtp_server.reset_links()[0].rsplit("/", 1)[1]
    assert token not in caplog.text
    assert "no mail server" not in caplog.text


def test_answer_same_when_mail_fails(client, account, smtp_server, page_text):
    smtp_server.stop()

    response = ask_reset(client, account.email)

    assert response.status_code == 302
    assert "Si un compte utilise l'adresse" in page_text(client.get("/login"))
