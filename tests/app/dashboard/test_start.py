import html
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.diagnostics.services import start_diagnostic
from app.extensions import db
from app.models import Diagnostic, DiagnosticStatus


def diagnostics() -> list[Diagnostic]:
    db.session.rollback()
    return list(db.session.scalars(select(Diagnostic).order_by(Diagnostic.id)))


@pytest.fixture
def member(make_member, login):
    created = make_member("Les Jardins partagés")
    login(created)
    return created


def start(client, questionnaire_id: str):
    return client.post("/diagnostics", data={"questionnaire_id": questionnaire_id})


def test_dashboard_offers_questionnaire(client, member, questionnaire):
    response = client.get("/")

    assert response.status_code == 200
    page = html.unescape(response.text)
    assert questionnaire.title in page
    assert f'name="questionnaire_id" value="{questionnaire.id}"' in page
    assert "Vous n'avez pas encore de diagnostic." in page


def test_start_opens_first_step(client, member, questionnaire):
    response = start(client, questionnaire.id)

    assert response.status_code == 302
    (diagnostic,) = diagnostics()
    assert response.location == f"/diagnostics/{diagnostic.public_id}/resume"
    step = client.get(response.location)
    assert step.location == f"/diagnostics/{diagnostic.public_id}/steps/gouvernance"
    page = client.get(step.location)
    assert page.status_code == 200
    assert "Étape 1 sur 8" in page.text


def test_start_records_diagnostic(client, member, questionnaire):
    start(client, questionnaire.id)

    (diagnostic,) = diagnostics()
    assert diagnostic.organisation_id == member.organisation_id
    assert diagnostic.questionnaire_id == questionnaire.id
    assert diagnostic.questionnaire_version == questionnaire.version
    assert diagnostic.status == DiagnosticStatus.IN_PROGRESS
    assert diagnostic.campaign == datetime.now(ZoneInfo("Europe/Paris")).year


def test_start_again_returns_same(client, member, questionnaire):
    first = start(client, questionnaire.id)

    second = start(client, questionnaire.id)

    assert second.location == first.location
    assert len(diagnostics()) == 1


def test_start_after_submission_creates_new(client, member, questionnaire):
    start(client, questionnaire.id)
    (submitted,) = diagnostics()
    submitted.status = DiagnosticStatus.SUBMITTED
    db.session.commit()

    response = start(client, questionnaire.id)

    assert len(diagnostics()) == 2
    assert submitted.public_id not in response.location


def test_start_ignores_other_organisation(client, member, make_member, questionnaire):
    other = make_member("Coopérative voisine")
    user = other.user
    theirs = start_diagnostic(user.organisation, questionnaire, user)

    response = start(client, questionnaire.id)

    assert theirs.public_id not in response.location
    assert len(diagnostics()) == 2


@pytest.mark.parametrize(
    "questionnaire_id", ["inconnu", "", "../guide-bonnes-pratiques"]
)
def test_start_unknown_questionnaire(client, member, questionnaire_id):
    response = start(client, questionnaire_id)

    assert response.status_code == 404
    assert diagnostics() == []


def test_start_without_field_not_found(client, member):
    response = client.post("/diagnostics")

    assert response.status_code == 404


def test_start_requires_login(client, questionnaire):
    response = start(client, questionnaire.id)

    assert response.status_code == 302
    assert urlsplit(response.location).path == "/login"
    assert diagnostics() == []


def test_dashboard_lists_diagnostic(client, member, questionnaire):
    start(client, questionnaire.id)
    (diagnostic,) = diagnostics()

    response = client.get("/")

    assert "En cours" in response.text
    assert f'href="/diagnostics/{diagnostic.public_id}/resume"' in response.text
    assert f'href="/diagnostics/{diagnostic.public_id}/results"' in response.text
    assert db.session.scalar(select(func.count()).select_from(Diagnostic)) == 1


def test_start_button_names_resume(client, make_member, login):
    login(make_member())

    assert "Commencer un nouveau diagnostic" in client.get("/").text
    client.post("/diagnostics", data={"questionnaire_id": "guide-bonnes-pratiques"})

    page = client.get("/").text
    assert "Reprendre le diagnostic en cours" in page
    assert "Commencer un nouveau diagnostic" not in page
