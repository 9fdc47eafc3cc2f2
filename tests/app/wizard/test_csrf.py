"""Posts without a CSRF token, on an app that checks them as in production."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Diagnostic


@pytest.fixture
def app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


def count_diagnostics() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Diagnostic))


def test_start_without_token_rejected(client, member, questionnaire):
    response = client.post("/diagnostics", data={"questionnaire_id": questionnaire.id})

    assert response.status_code == 400
    assert count_diagnostics() == 0


def test_start_with_token_accepted(client, member, questionnaire, parse_page):
    token = parse_page(client.get("/").text).value("csrf_token")
    data = {"questionnaire_id": questionnaire.id, "csrf_token": token}

    response = client.post("/diagnostics", data=data)

    assert response.status_code == 302
    assert count_diagnostics() == 1


def test_step_without_token_rejected(wizard):
    data = wizard.data("territoire", terr_achats_total="1 200,5")

    response = wizard.post("territoire", data)

    assert response.status_code in (400, 422)
    assert wizard.rows() == {}


def test_step_without_token_keeps_typing(wizard):
    typed = {"terr_achats_total": "1 200,5", "comment-terr_reseaux": "Réseau local"}
    data = wizard.data(
        "territoire", terr_politique_achats="achats_locaux_ponctuels", **typed
    )

    response = wizard.post("territoire", data)

    assert response.status_code in (400, 422)
    page = wizard.read(response)
    assert page.checked("terr_politique_achats") == ["achats_locaux_ponctuels"]
    assert page.value("terr_achats_total") == "1 200,5"
    assert page.textareas["comment-terr_reseaux"].strip() == "Réseau local"
    assert page.value("csrf_token")
    assert "La page a expiré" in response.text


def test_step_with_token_accepted(wizard):
    token = wizard.open("territoire").value("csrf_token")
    data = wizard.data("territoire", csrf_token=token)

    response = wizard.post("territoire", data)

    assert response.status_code == 302
    assert wizard.rows()["terr_politique_achats"].value == "achats_au_prix"


def fill_all_with_tokens(wizard) -> None:
    for theme in wizard.questionnaire.themes:
        token = wizard.open(theme.id).value("csrf_token")
        assert wizard.fill(theme.id, csrf_token=token).status_code == 302


def test_submit_without_token_rejected(wizard):
    fill_all_with_tokens(wizard)

    response = wizard.client.post(wizard.path("submit"))

    assert response.status_code == 400
    diagnostic = wizard.diagnostic()
    assert diagnostic.status == "in_progress"
    assert diagnostic.result is None


def test_submit_with_token_accepted(wizard, parse_page):
    fill_all_with_tokens(wizard)
    token = parse_page(wizard.client.get(wizard.path("review")).text).value(
        "csrf_token"
    )

    response = wizard.client.post(wizard.path("submit"), data={"csrf_token": token})

    assert response.status_code == 302
    assert wizard.diagnostic().status == "submitted"
