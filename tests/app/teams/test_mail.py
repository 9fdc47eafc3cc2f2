import logging

import pytest


@pytest.fixture
def app(make_app, fast_password_hashing, smtp_server):
    """An app that mails through the test's own SMTP server on 127.0.0.1."""
    return make_app(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp_server.port,
        SMTP_STARTTLS=False,
        SMTP_USERNAME="",
        MAIL_SENDER="autodiag@example.org",
    )


def test_invitation_mailed(
    pilot_client, smtp_server, shown_links, page_text, invitation_of
):
    response = pilot_client.post(
        "/team/invitations", data={"role": "reader", "email": "lea@example.org"}
    )

    assert response.status_code == 302
    assert response.location == "/team"
    page = pilot_client.get("/team")
    assert "Invitation envoyée à lea@example.org." in page_text(page)
    assert shown_links(page) == []
    assert smtp_server.recipients == ["lea@example.org"]
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "lea@example.org"
    assert message["From"] == "autodiag@example.org"
    assert message["Subject"] == "Invitation à rejoindre une équipe autodiag"
    body = message.get_content()
    assert "Les Jardins partagés vous invite" in body
    links = [word for word in body.split() if word.startswith("http://")]
    assert len(links) == 1
    path = links[0].removeprefix("http://localhost")
    assert path.startswith("/invitations/")
    assert invitation_of(path).email == "lea@example.org"


def test_mailed_link_opens_invitation(pilot_client, client, smtp_server, page_text):
    pilot_client.post(
        "/team/invitations", data={"role": "reader", "email": "lea@example.org"}
    )
    body = smtp_server.messages[0].get_content()
    link = next(word for word in body.split() if word.startswith("http://"))

    response = client.get(link.removeprefix("http://localhost"))

    assert response.status_code == 200
    assert "Rejoindre Les Jardins partagés" in page_text(response)


def test_invitation_without_email_not_mailed(pilot_client, smtp_server, shown_links):
    pilot_client.post("/team/invitations", data={"role": "reader", "email": ""})

    page = pilot_client.get("/team")

    assert len(shown_links(page)) == 1
    assert smtp_server.messages == []


def test_server_down_shows_link(
    pilot_client, smtp_server, shown_links, page_text, invitation_of, caplog
):
    smtp_server.stop()

    with caplog.at_level(logging.ERROR, logger="app.mail"):
        response = pilot_client.post(
            "/team/invitations", data={"role": "reader", "email": "lea@example.org"}
        )

    assert response.status_code == 302
    page = pilot_client.get("/team")
    links = shown_links(page)
    assert len(links) == 1
    assert invitation_of(links[0]).email == "lea@example.org"
    assert "Invitation envoyée" not in page_text(page)
    failures = [r for r in caplog.records if r.name == "app.mail"]
    assert len(failures) == 1
    assert failures[0].levelno == logging.ERROR
    assert "could not be sent" in failures[0].getMessage()
    token = links[0].rsplit("/", 1)[1]
    assert token not in failures[0].getMessage()
