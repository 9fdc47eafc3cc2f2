"""The ``autodiag user reset-password`` command an administrator runs."""

import re

from app.auth.services import register_organisation
from app.models import User

NEW_PASSWORD = "une-nouvelle-phrase-secrete"
LINK = re.compile(r"^(\S*/reset-password/[A-Za-z0-9_-]{43})$", re.M)


def printed_link(output: str) -> str:
    links = LINK.findall(output)
    assert len(links) == 1, output
    return links[0]


def test_command_prints_working_link(runner, client, account, stored):
    result = runner.invoke(args=["user", "reset-password", account.email])

    assert result.exit_code == 0, result.output
    assert f"Password reset link for {account.email}" in result.output
    path = printed_link(result.output)
    assert path.startswith("/reset-password/")
    response = client.post(
        path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert stored(User, account.id).check_password(NEW_PASSWORD)


def test_command_link_single_use(runner, client, account):
    result = runner.invoke(args=["user", "reset-password", account.email])
    path = printed_link(result.output)
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert client.get(path).status_code == 404


def test_command_without_base_url_warns(runner, account):
    result = runner.invoke(args=["user", "reset-password", account.email])

    assert "SERVER_NAME is not set" in result.output
    assert "--base-url" in result.output


def test_command_with_base_url(runner, account):
    result = runner.invoke(
        args=[
            "user",
            "reset-password",
            "--base-url",
            "https://autodiag.example.org/",
            "PILOTE@regie-breil.example",
        ]
    )

    assert result.exit_code == 0, result.output
    link = printed_link(result.output)
    assert link.startswith("https://autodiag.example.org/reset-password/")
    assert "SERVER_NAME is not set" not in result.output


def test_command_with_server_name(make_app, fast_password_hashing):
    app = make_app(SERVER_NAME="autodiag.example.org", PREFERRED_URL_SCHEME="https")
    user = register_organisation(
        name="Atelier vélo",
        legal_form="association",
        sector="sport_loisirs",
        size_band="0",
        departement="35",
        siren=None,
        email="atelier@velo.example",
        password="une-phrase-de-passe",
    )

    result = app.test_cli_runner().invoke(args=["user", "reset-password", user.email])

    assert result.exit_code == 0, result.output
    link = printed_link(result.output)
    assert link.startswith("https://autodiag.example.org/reset-password/")


def test_command_rejects_unknown_email(runner, account):
    result = runner.invoke(args=["user", "reset-password", "personne@example.org"])

    assert result.exit_code == 1
    assert "no account uses personne@example.org" in result.output


def test_command_audited(runner, account, audit_rows):
    runner.invoke(args=["user", "reset-password", account.email])

    rows = audit_rows("password_reset_link_created")
    assert len(rows) == 1
    assert rows[0].target == account.public_id
    assert rows[0].actor_id is None
