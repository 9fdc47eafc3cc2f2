from html import unescape

import pytest
from sqlalchemy import func, select, text

from app.auth.limits import ACCOUNT_FAILURE_LIMIT
from app.extensions import db
from app.models import (
    Answer,
    AuditEvent,
    Base,
    Diagnostic,
    Invitation,
    LoginAttempt,
    PasswordResetToken,
    User,
)
from app.privacy.services import (
    ANONYMISED_NAME,
    CLEARED_USER_REFERENCES,
    names_match,
)

from .conftest import (
    CLIENT_ADDRESS,
    MEMBER_PASSWORD,
    NUMERIC_QUESTIONS,
    SIREN,
    SUBMITTED_ANSWERS,
    TEXT_QUESTIONS,
)

DELETE = "/organisation/delete"


def confirmation(team, **overrides) -> dict:
    data = {"name": team.name, "password": team.pilot.password}
    data.update(overrides)
    return data


def count(model, *criteria) -> int:
    db.session.rollback()
    statement = select(func.count()).select_from(model).where(*criteria)
    return db.session.scalar(statement)


def users_with(emails: list[str]) -> int:
    return count(User, User.email.in_(emails))


def events_of(organisation_id: int) -> list[AuditEvent]:
    db.session.rollback()
    statement = select(AuditEvent).where(AuditEvent.organisation_id == organisation_id)
    return list(db.session.scalars(statement))


def error_of(response, field: str) -> str:
    page = unescape(response.text)
    start = page.index(f'id="{field}-error">') + len(f'id="{field}-error">')
    return page[start : page.index("</p>", start)]


@pytest.fixture
def stray_failed_sign_in(jardins):
    """A failed sign-in recorded outside any organisation with a member's e-mail."""
    db.session.add(
        AuditEvent(
            action="sign_in_failed",
            address=CLIENT_ADDRESS,
            details={"email": "lecteur@jardins.example"},
        )
    )
    db.session.commit()


@pytest.fixture
def deleted(pilot_client, jardins, voisine, stray_failed_sign_in):
    """The response to the Jardins pilot's deletion, with the result before it."""
    result = jardins.diagnostic(jardins.submitted).result
    response = pilot_client.post(DELETE, data=confirmation(jardins))
    assert response.status_code == 302
    return response, result


def test_page_explains_policy(pilot_client):
    response = pilot_client.get(DELETE)

    page = unescape(response.text)
    assert response.status_code == 200
    assert "Les comptes des 3 membres de l'équipe, le vôtre compris" in page
    assert "Le diagnostic en cours, avec toutes ses réponses" in page
    assert "Le diagnostic soumis reste comme statistique anonyme" in page
    assert "Association, Culture, 1 à 9 salariés, 44 Loire-Atlantique" in page
    assert "Tapez « Les Jardins partagés » pour confirmer." in page


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("index", [1, 2])
def test_non_pilot_forbidden(new_client, jardins, method, index):
    client = new_client(jardins.members[index])

    response = getattr(client, method)(DELETE, data=confirmation(jardins))

    assert response.status_code == 403
    assert users_with(jardins.emails) == 3


def test_account_without_organisation_forbidden(new_client, jardins):
    response = new_client(jardins.former_member).get(DELETE)

    assert response.status_code == 403


def test_signed_out_sent_to_login(new_client, jardins):
    response = new_client().post(DELETE, data=confirmation(jardins))

    assert response.status_code == 302
    assert response.location.startswith("/login")
    assert users_with(jardins.emails) == 3


def test_wrong_name_rejected(pilot_client, jardins):
    response = pilot_client.post(DELETE, data=confirmation(jardins, name="Jardins"))

    assert response.status_code == 200
    assert error_of(response, "name") == (
        "Le nom saisi ne correspond pas : tapez « Les Jardins partagés »."
    )
    assert "Rien n'a été supprimé" in unescape(response.text)
    assert users_with(jardins.emails) == 3
    assert jardins.organisation().name == "Les Jardins partagés"
    assert jardins.diagnostic(jardins.in_progress) is not None


def test_wrong_password_rejected(pilot_client, jardins):
    data = confirmation(jardins, password="mauvais-mot-de-passe")

    response = pilot_client.post(DELETE, data=data)

    assert response.status_code == 200
    assert error_of(response, "password") == (
        "Mot de passe incorrect : saisissez celui de votre compte."
    )
    assert "Rien n'a été supprimé" in unescape(response.text)
    assert users_with(jardins.emails) == 3
    assert jardins.organisation().siren == SIREN
    failures = count(
        LoginAttempt,
        LoginAttempt.email == jardins.pilot.email,
        LoginAttempt.succeeded.is_(False),
    )
    assert failures == 1


def test_empty_confirmation_rejected(pilot_client, jardins):
    response = pilot_client.post(DELETE, data={"name": "", "password": ""})

    assert response.status_code == 200
    assert error_of(response, "name") == (
        "Tapez le nom de l'organisation pour confirmer."
    )
    assert error_of(response, "password") == (
        "Saisissez votre mot de passe pour confirmer."
    )
    assert users_with(jardins.emails) == 3


def test_repeated_wrong_passwords_blocked(pilot_client, jardins):
    wrong = confirmation(jardins, password="mauvais-mot-de-passe")
    for _attempt in range(ACCOUNT_FAILURE_LIMIT):
        pilot_client.post(DELETE, data=wrong)

    response = pilot_client.post(DELETE, data=confirmation(jardins))

    assert response.status_code == 429
    assert "Trop de mots de passe incorrects" in error_of(response, "password")
    assert int(response.headers["Retry-After"]) > 0
    assert users_with(jardins.emails) == 3


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("Les Jardins partagés", True),
        ("  les jardins   PARTAGÉS ", True),
        ("Les Jardins partage\u0301s", True),
        ("Les Jardins partages", False),
        ("Les Jardins", False),
        ("", False),
    ],
)
def test_names_match(typed, expected):
    assert names_match(typed, "Les Jardins partagés") is expected


def test_deletion_ends_session(deleted, pilot_client):
    response, _result = deleted

    assert response.location == "/organisation/deleted"
    page = pilot_client.get("/organisation/deleted")
    assert "Le compte de votre organisation est supprimé" in unescape(page.text)
    assert pilot_client.get("/organisation/data").location.startswith("/login")
    # The confirmation shows once, then sends to the sign-in page.
    assert pilot_client.get("/organisation/deleted").location == "/login"


def test_confirmation_needs_deletion(new_client):
    response = new_client().get("/organisation/deleted")

    assert response.status_code == 302
    assert response.location == "/login"


def test_member_accounts_deleted(deleted, jardins):
    assert users_with(jardins.emails) == 0
    assert count(User, User.organisation_id == jardins.organisation_id) == 0


def test_former_member_keeps_account(deleted, jardins):
    assert users_with([jardins.former_member.email]) == 1


def test_other_member_signed_out(new_client, jardins, voisine):
    contributor_client = new_client(jardins.members[1])
    assert contributor_client.get("/team").status_code == 200

    new_client(jardins.pilot).post(DELETE, data=confirmation(jardins))

    assert contributor_client.get("/team").location.startswith("/login")


@pytest.mark.parametrize("index", [0, 1])
def test_deleted_member_cannot_sign_in(deleted, new_client, jardins, index):
    person = jardins.members[index]

    response = new_client().post(
        "/login", data={"email": person.email, "password": person.password}
    )

    assert response.status_code == 200
    assert "Adresse ou mot de passe incorrect." in unescape(response.text)


def test_in_progress_diagnostic_deleted(deleted, jardins):
    assert jardins.diagnostic(jardins.in_progress) is None
    assert count(Answer, Answer.comment == "Brouillon à ne pas diffuser") == 0


def test_submitted_diagnostic_kept(deleted, jardins):
    _response, result = deleted

    diagnostic = jardins.diagnostic(jardins.submitted)
    assert diagnostic.is_submitted
    assert diagnostic.result == result
    assert diagnostic.submitted_by_id is None
    assert diagnostic.submitted_at is not None


def test_numeric_and_choice_answers_kept(deleted, jardins):
    rows = {
        row.question_id: row for row in jardins.diagnostic(jardins.submitted).answers
    }

    assert rows["budget_formation"].value == "1234.56"
    assert rows["effectif"].value == SUBMITTED_ANSWERS["effectif"]
    assert rows["charte_ecrite"].value is True
    assert rows["frequence_reunions"].value == "chaque_mois"
    for question_id in NUMERIC_QUESTIONS:
        assert rows[question_id].updated_by_id is None


def test_text_and_comments_erased(deleted, jardins):
    rows = {
        row.question_id: row for row in jardins.diagnostic(jardins.submitted).answers
    }

    for question_id in TEXT_QUESTIONS:
        assert question_id not in rows
    assert [row.comment for row in rows.values() if row.comment] == []
    assert [row.updated_by_id for row in rows.values() if row.updated_by_id] == []


def test_no_text_left_in_organisation(deleted, jardins):
    db.session.rollback()
    statement = (
        select(Answer)
        .join(Diagnostic)
        .where(Diagnostic.organisation_id == jardins.organisation_id)
    )
    rows = list(db.session.scalars(statement))

    assert rows
    for row in rows:
        assert row.comment is None
        assert row.value not in (
            SUBMITTED_ANSWERS["referent"],
            SUBMITTED_ANSWERS["difficultes"],
            "Dominique Petit",
        )


def test_unknown_questionnaire_strings_erased(pilot_client, jardins):
    # With its questionnaire uninstalled, a string answer may be free text.
    diagnostic = Diagnostic(
        organisation_id=jardins.organisation_id,
        questionnaire_id="questionnaire-retire",
        questionnaire_version="0",
        campaign=2020,
        status="submitted",
        answers=[
            Answer(question_id="texte", value="Texte libre"),
            Answer(question_id="nombre", value=5, comment="Commentaire"),
            Answer(question_id="choix", value=["un", "deux"]),
            Answer(question_id="commentaire_seul", comment="Commentaire seul"),
            Answer(question_id="special", special="dont_know"),
        ],
    )
    db.session.add(diagnostic)
    db.session.commit()
    public_id = diagnostic.public_id

    pilot_client.post(DELETE, data=confirmation(jardins))

    rows = {row.question_id: row for row in jardins.diagnostic(public_id).answers}
    assert sorted(rows) == ["choix", "nombre", "special"]
    assert rows["nombre"].value == 5
    assert rows["nombre"].comment is None
    assert rows["choix"].value == ["un", "deux"]
    assert rows["special"].special == "dont_know"


def test_organisation_anonymised(deleted, jardins):
    organisation = jardins.organisation()

    assert organisation.name == ANONYMISED_NAME
    assert organisation.siren is None
    assert organisation.anonymised_at is not None
    assert organisation.legal_form == "association"
    assert organisation.sector == "culture"
    assert organisation.size_band == "1-9"
    assert organisation.departement == "44"


def test_invitations_deleted(deleted, jardins):
    assert count(Invitation, Invitation.organisation_id == jardins.organisation_id) == 0


def test_resets_and_attempts_deleted(deleted, jardins):
    assert count(PasswordResetToken) == 0
    assert count(LoginAttempt, LoginAttempt.email.in_(jardins.emails)) == 0


def test_audit_events_anonymised(deleted, jardins):
    events = events_of(jardins.organisation_id)

    actions = {event.action for event in events}
    assert {"sign_in", "invitation_accepted", "diagnostic_submitted"} <= actions
    for event in events:
        assert event.actor_id is None
        assert event.address is None
        assert "@" not in str(event.details)
        assert event.created_at is not None


def test_failed_sign_in_email_erased(deleted):
    db.session.rollback()
    statement = select(AuditEvent).where(AuditEvent.organisation_id.is_(None))
    events = list(db.session.scalars(statement))

    assert events
    for event in events:
        assert "jardins.example" not in str(event.details)
        assert event.address is None


def test_non_ascii_email_erased(pilot_client, jardins):
    member = User(email="zoé@jardins.example", organisation_id=jardins.organisation_id)
    member.set_password("mot-de-passe-de-zoe")
    stray = AuditEvent(action="sign_in_failed", details={"email": member.email})
    db.session.add_all([member, stray])
    db.session.commit()
    stray_id = stray.id

    pilot_client.post(DELETE, data=confirmation(jardins))

    db.session.rollback()
    assert db.session.get(AuditEvent, stray_id).details == {}
    assert users_with(["zoé@jardins.example"]) == 0


def test_deletion_recorded_once(deleted, jardins):
    events = [
        e
        for e in events_of(jardins.organisation_id)
        if e.action == "organisation_deleted"
    ]

    assert len(events) == 1
    assert events[0].details == {
        "members_deleted": 3,
        "invitations_deleted": 2,
        "diagnostics_deleted": 1,
        "diagnostics_kept": 1,
    }


def test_foreign_keys_intact(deleted):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL checks foreign keys at each statement of the deletion")
    db.session.rollback()

    problems = db.session.execute(text("PRAGMA foreign_key_check")).all()

    assert problems == []


def test_every_user_reference_cleared():
    handled = {
        (column.table.name, column.name) for column, _values in CLEARED_USER_REFERENCES
    }
    handled.add(("password_reset_token", "user_id"))

    references = {
        (table.name, key.parent.name)
        for table in Base.metadata.tables.values()
        for key in table.foreign_keys
        if key.column.table.name == "user_account"
    }

    assert references == handled


def test_other_organisation_untouched(deleted, voisine):
    organisation = voisine.organisation()
    rows = voisine.diagnostic(voisine.in_progress).answers

    assert organisation.name == "Coopérative voisine"
    assert organisation.anonymised_at is None
    assert users_with(voisine.emails) == 1
    assert count(Invitation, Invitation.organisation_id == voisine.organisation_id) == 1
    assert [row.value for row in rows] == ["Alex Durand"]
    assert [row.comment for row in rows] == ["Commentaire de la voisine"]
    # The answer's author was a Jardins member, whose account is gone.
    assert rows[0].updated_by_id is None


def test_other_organisation_pilot_signs_in(deleted, new_client, voisine):
    response = new_client().post(
        "/login", data={"email": voisine.pilot.email, "password": MEMBER_PASSWORD}
    )

    assert response.status_code == 302


def test_single_member_organisation_deleted(make_member, new_client):
    member = make_member("Seule dans son association")
    client = new_client()
    with client.session_transaction() as session:
        session["_user_id"] = db.session.get(User, member.user_id).get_id()
        session["_fresh"] = True
    data = {"name": "Seule dans son association", "password": MEMBER_PASSWORD}

    response = client.post(DELETE, data=data)

    assert response.status_code == 302
    assert users_with([member.email]) == 0
