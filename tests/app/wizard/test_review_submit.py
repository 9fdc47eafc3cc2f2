import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Diagnostic


def fill_without_employees(wizard) -> None:
    for theme in wizard.questionnaire.themes:
        overrides = {"a_des_salaries": "no"} if theme.id == "gouvernance" else {}
        assert wizard.fill(theme.id, **overrides).status_code == 302


@pytest.fixture
def submitted(wizard):
    wizard.fill_all()
    response = wizard.client.post(wizard.path("submit"))
    assert response.status_code == 302
    return wizard


def test_review_lists_missing_required(wizard, questionnaire):
    missing = [q for q in questionnaire.questions() if q.required and not q.condition]

    response = wizard.client.get(wizard.path("review"))

    assert response.status_code == 200
    assert f"Questions obligatoires sans réponse ({len(missing)})" in response.text
    for question in missing:
        theme = questionnaire.theme_of(question.id)
        link = f'href="{wizard.url(theme.id)}#q-{question.id}"'
        assert link in response.text, question.id


def test_review_drops_answered_questions(wizard):
    wizard.fill("gouvernance")

    response = wizard.client.get(wizard.path("review"))

    assert "#q-a_des_salaries" not in response.text
    assert "#q-gouv_regles_ecrites" not in response.text
    assert f'href="{wizard.url("strategie")}#q-strat_projet_ecrit"' in response.text


def test_review_lists_revealed_required(wizard):
    wizard.fill("gouvernance")

    response = wizard.client.get(wizard.path("review"))

    assert f'href="{wizard.url("emploi")}#q-emploi_effectif"' in response.text


def test_review_hides_submit_while_missing(wizard):
    response = wizard.client.get(wizard.path("review"))

    assert "Soumettre le diagnostic" not in response.text


def test_review_offers_submit_when_complete(wizard):
    wizard.fill_all()

    response = wizard.client.get(wizard.path("review"))

    assert "Questions obligatoires sans réponse" not in response.text
    assert "Soumettre le diagnostic" in response.text


def test_hidden_required_questions_not_missing(wizard):
    fill_without_employees(wizard)

    response = wizard.client.get(wizard.path("review"))

    assert "emploi_effectif" not in response.text
    assert "Soumettre le diagnostic" in response.text


def test_submit_refused_while_missing(wizard):
    wizard.fill("gouvernance")

    response = wizard.client.post(wizard.path("submit"))

    assert response.status_code == 302
    assert response.location == wizard.path("review")
    diagnostic = wizard.diagnostic()
    assert diagnostic.status == "in_progress"
    assert diagnostic.submitted_at is None
    assert diagnostic.result is None
    review = wizard.text(wizard.path("review"))
    assert "Répondez d'abord aux questions obligatoires listées." in review


def test_submit_redirects_to_results(wizard, member):
    wizard.fill_all()

    response = wizard.client.post(wizard.path("submit"))

    assert response.status_code == 302
    assert response.location == wizard.path("results")
    diagnostic = wizard.diagnostic()
    assert diagnostic.status == "submitted"
    assert diagnostic.submitted_at is not None
    assert diagnostic.submitted_by_id == member.user_id
    assert diagnostic.result["questionnaire"]["id"] == wizard.questionnaire.id
    assert diagnostic.result["score"] is not None
    results = wizard.text(response.location)
    assert "Diagnostic soumis. Voici vos résultats." in results


def test_submit_without_employees(wizard):
    fill_without_employees(wizard)

    wizard.client.post(wizard.path("submit"))

    assert wizard.diagnostic().status == "submitted"


def test_second_submit_changes_nothing(submitted):
    first = submitted.diagnostic()
    submitted_at, result = first.submitted_at, first.result

    response = submitted.client.post(submitted.path("submit"))

    assert response.status_code == 302
    assert response.location == submitted.path("results")
    again = submitted.diagnostic()
    assert again.status == "submitted"
    assert again.submitted_at == submitted_at
    assert again.result == result
    count = db.session.scalar(select(func.count()).select_from(Diagnostic))
    assert count == 1
    results = submitted.text(response.location)
    assert "Ce diagnostic était déjà soumis." in results


def test_submitted_step_is_read_only(submitted):
    response = submitted.client.get(submitted.url("gouvernance"))

    assert response.status_code == 200
    page = submitted.read(response)
    assert all("disabled" in attributes for attributes in page.fieldsets.values())
    assert page.actions == []
    assert "les réponses sont en lecture seule" in response.text


def test_submitted_step_keeps_answers_shown(submitted):
    page = submitted.open("gouvernance")

    assert page.checked("gouv_regles_ecrites") == ["statuts_peu_connus"]


def test_post_to_submitted_step_ignored(submitted):
    before = {qid: (row.value, row.comment) for qid, row in submitted.rows().items()}
    data = submitted.data(
        "gouvernance",
        pick="best",
        a_des_salaries="no",
        **{"comment-gouv_regles_ecrites": "Modifié après soumission"},
    )

    response = submitted.post("gouvernance", data)

    assert response.status_code == 302
    assert response.location == submitted.path("results")
    after = {qid: (row.value, row.comment) for qid, row in submitted.rows().items()}
    assert after == before
    results = submitted.text(response.location)
    assert "ses réponses ne changent plus" in results


@pytest.mark.parametrize("page", ["resume", "review"])
def test_submitted_pages_lead_to_results(submitted, page):
    response = submitted.client.get(submitted.path(page))

    assert response.status_code == 302
    assert response.location == submitted.path("results")


def test_submit_rejects_get(wizard):
    response = wizard.client.get(wizard.path("submit"))

    assert response.status_code == 405
