import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Answer, Diagnostic, DiagnosticStatus

READER_NOTICE = (
    "Votre rôle de lecteur permet de consulter les réponses, pas de les modifier."
)
ONLY_PILOT = "Seul un pilote de l'organisation peut soumettre le diagnostic."
PILOT_CAN_SUBMIT = (
    "Tout est prêt : un pilote de l'organisation peut maintenant soumettre"
)
GOVERNANCE_STEP = {
    "shown": "a_des_salaries a_des_benevoles",
    "a_des_salaries": "no",
    "a_des_benevoles": "no",
    "action": "save_and_leave",
}


def stored_diagnostic(public_id: str) -> Diagnostic:
    db.session.rollback()
    return db.session.scalar(select(Diagnostic).filter_by(public_id=public_id))


def stored_answers(public_id: str) -> dict[str, Answer]:
    return {row.question_id: row for row in stored_diagnostic(public_id).answers}


def stored_diagnostic_id() -> str:
    db.session.rollback()
    return db.session.scalar(select(Diagnostic.public_id))


def question_fieldsets(page: str) -> list[str]:
    """Return the opening tags of the page's question fieldsets."""
    return re.findall(r'<fieldset class="question[^>]*>', page)


@pytest.fixture
def reader_client(new_client, reader):
    return new_client(reader)


@pytest.fixture
def contributor_client(new_client, contributor):
    return new_client(contributor)


def test_reader_opens_step_read_only(reader_client, diagnostic, page_text):
    response = reader_client.get(f"/diagnostics/{diagnostic}/steps/gouvernance")

    assert response.status_code == 200
    fieldsets = question_fieldsets(response.text)
    assert fieldsets
    for fieldset in fieldsets:
        assert " disabled" in fieldset, fieldset
    assert 'name="action"' not in response.text
    assert "Enregistrer et continuer" not in response.text
    assert 'data-read-only="true"' in response.text
    assert READER_NOTICE in page_text(response)


def test_reader_opens_results(reader_client, completed):
    response = reader_client.get(f"/diagnostics/{completed}/results")

    assert response.status_code == 200


def test_reader_opens_review_without_submit(reader_client, completed, page_text):
    response = reader_client.get(f"/diagnostics/{completed}/review")

    assert response.status_code == 200
    assert "Soumettre le diagnostic" not in response.text
    assert PILOT_CAN_SUBMIT in page_text(response)


def test_reader_cannot_post_step(reader_client, diagnostic):
    url = f"/diagnostics/{diagnostic}/steps/gouvernance"

    response = reader_client.post(url, data=GOVERNANCE_STEP)

    assert response.status_code == 403
    assert stored_answers(diagnostic) == {}


def test_reader_cannot_start_diagnostic(reader_client, questionnaire):
    response = reader_client.post(
        "/diagnostics", data={"questionnaire_id": questionnaire.id}
    )

    assert response.status_code == 403
    db.session.rollback()
    assert db.session.scalar(select(Diagnostic)) is None


def test_reader_cannot_submit(reader_client, completed, page_text):
    response = reader_client.post(f"/diagnostics/{completed}/submit")

    assert response.status_code == 403
    assert stored_diagnostic(completed).status == DiagnosticStatus.IN_PROGRESS


def test_reader_dashboard_hides_start(reader_client, diagnostic):
    response = reader_client.get("/")

    assert response.status_code == 200
    assert "<h1>Les Jardins partagés</h1>" in response.text
    assert "Commencer un diagnostic" not in response.text
    assert 'action="/diagnostics"' not in response.text
    assert f"/diagnostics/{diagnostic}/resume" in response.text
    assert "Consulter" in response.text


def test_contributor_dashboard_offers_start(contributor_client):
    response = contributor_client.get("/")

    assert response.status_code == 200
    assert "Commencer un diagnostic" in response.text


def test_contributor_starts_diagnostic(contributor_client, questionnaire):
    response = contributor_client.post(
        "/diagnostics", data={"questionnaire_id": questionnaire.id}
    )

    assert response.status_code == 302
    public_id = stored_diagnostic_id()
    assert response.location == f"/diagnostics/{public_id}/resume"


def test_contributor_opens_step_editable(contributor_client, diagnostic, page_text):
    response = contributor_client.get(f"/diagnostics/{diagnostic}/steps/gouvernance")

    assert response.status_code == 200
    assert 'data-read-only="false"' in response.text
    assert "Enregistrer et continuer" in response.text
    assert READER_NOTICE not in page_text(response)


def test_contributor_fills_step(contributor_client, contributor, diagnostic):
    url = f"/diagnostics/{diagnostic}/steps/gouvernance"

    response = contributor_client.post(url, data=GOVERNANCE_STEP)

    assert response.status_code == 302
    assert response.location == "/"
    answers = stored_answers(diagnostic)
    assert answers["a_des_salaries"].updated_by_id == contributor.user_id
    assert answers["a_des_benevoles"].updated_by_id == contributor.user_id


def test_contributor_submit_goes_to_review(contributor_client, completed, page_text):
    response = contributor_client.post(f"/diagnostics/{completed}/submit")

    assert response.status_code == 302
    assert response.location == f"/diagnostics/{completed}/review"
    assert stored_diagnostic(completed).status == DiagnosticStatus.IN_PROGRESS
    review = contributor_client.get(response.location)
    assert ONLY_PILOT in page_text(review)
    assert PILOT_CAN_SUBMIT in page_text(review)
    assert "Soumettre le diagnostic" not in review.text


def test_pilot_review_offers_submit(pilot_client, completed, page_text):
    response = pilot_client.get(f"/diagnostics/{completed}/review")

    assert response.status_code == 200
    assert "Soumettre le diagnostic" in response.text
    assert PILOT_CAN_SUBMIT not in page_text(response)


def test_pilot_submits(pilot_client, pilot, completed, page_text):
    response = pilot_client.post(f"/diagnostics/{completed}/submit")

    assert response.status_code == 302
    assert response.location == f"/diagnostics/{completed}/results"
    diagnostic = stored_diagnostic(completed)
    assert diagnostic.status == DiagnosticStatus.SUBMITTED
    assert diagnostic.submitted_by_id == pilot.user_id
    results = pilot_client.get(response.location)
    assert "Diagnostic soumis. Voici vos résultats." in page_text(results)
