"""Two organisations with members, invitations, diagnostics and audit rows.

"Les Jardins partagés" has a pilot, a contributor who joined by invitation, a
reader, a former member, a submitted and an in-progress diagnostic, an open
invitation, a password reset and sign-in attempts. "Coopérative voisine" has a
pilot and a diagnostic that the contributor of the Jardins once edited, so that
its rows point at an account that the Jardins' deletion removes.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.catalogue import catalogue
from app.diagnostics.services import save_step, start_diagnostic, submit_diagnostic
from app.extensions import db
from app.models import (
    Diagnostic,
    LoginAttempt,
    Organisation,
    PasswordResetToken,
    Role,
    User,
)
from app.models.base import utcnow
from app.teams.services import (
    accept_invitation,
    create_invitation,
    leave_organisation,
    token_digest,
)
from scoring.answers import Special

MEMBER_PASSWORD = "correct-horse-battery"
TEAM_PASSWORD = "mot-de-passe-d-equipe"
# Test clients send requests from this documentation address (RFC 5737).
CLIENT_ADDRESS = "203.0.113.9"
SIREN = "552100554"

# The built-in questionnaire has no text question, so this one-theme
# questionnaire has every kind of answer that deletion treats differently.
QUESTIONNAIRE_ID = "essai-donnees"
QUESTIONNAIRE = """\
id: essai-donnees
version: "1"
title: "Essai des données de l'organisation"
description: "Un questionnaire d'un thème avec des réponses de chaque sorte."
language: fr
levels:
  - {id: debut, name: "Début", min_score: 0}
  - {id: avance, name: "Avancé", min_score: 50}
themes:
  - id: pratiques
    title: "Pratiques"
    introduction: "Quelques pratiques de l'organisation."
    questions:
      - id: charte_ecrite
        type: yes_no
        label: "La charte est-elle écrite ?"
      - id: frequence_reunions
        type: single_choice
        label: "À quelle fréquence l'équipe se réunit-elle ?"
        choices:
          - {id: rarement, label: "Rarement", points: 0}
          - {id: chaque_mois, label: "Chaque mois", points: 100}
      - id: budget_formation
        type: decimal
        unit: "€"
        min: 0
        label: "Quel a été le budget de formation ?"
      - id: effectif
        type: integer
        min: 0
        allow_dont_know: true
        label: "Combien de personnes sont salariées ?"
      - id: referent
        type: short_text
        label: "Qui est la personne référente ?"
      - id: difficultes
        type: long_text
        label: "Quelles difficultés rencontrez-vous ?"
"""
SUBMITTED_ANSWERS = {
    "charte_ecrite": True,
    "frequence_reunions": "chaque_mois",
    "budget_formation": Decimal("1234.56"),
    "effectif": 12,
    "referent": "Camille Martin, 06 12 34 56 78",
    "difficultes": "Un conflit avec la directrice, à garder pour nous.",
}
SUBMITTED_COMMENTS = {
    "charte_ecrite": "Commentaire confidentiel sur la charte",
    "effectif": "Commentaire confidentiel sur l'effectif",
}
TEXT_QUESTIONS = ("referent", "difficultes")
NUMERIC_QUESTIONS = ("budget_formation", "effectif")


@dataclass
class Person:
    user_id: int
    email: str
    password: str


@dataclass
class Team:
    """An organisation built by a test, with what tests compare."""

    organisation_id: int
    name: str
    pilot: Person
    members: list[Person]
    submitted: str | None = None
    in_progress: str | None = None
    former_member: Person | None = None

    def organisation(self) -> Organisation:
        """Return the organisation as committed to the database."""
        # Requests run in sessions of their own: a rollback drops what this
        # session had cached, so the next read sees their commits.
        db.session.rollback()
        return db.session.get(Organisation, self.organisation_id)

    def diagnostic(self, public_id: str) -> Diagnostic | None:
        db.session.rollback()
        return db.session.scalar(select(Diagnostic).filter_by(public_id=public_id))

    @property
    def emails(self) -> list[str]:
        return [person.email for person in self.members]


@pytest.fixture
def extra_questionnaires(tmp_path, monkeypatch):
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "essai.yaml").write_text(QUESTIONNAIRE, encoding="utf-8")
    monkeypatch.setenv("AUTODIAG_QUESTIONNAIRE_DIR", str(folder))


@pytest.fixture
def app(extra_questionnaires, make_app, fast_password_hashing):
    # An AUTODIAG_SMTP_HOST in the environment must not make tests send mail.
    return make_app(SMTP_HOST="")


@pytest.fixture
def new_client(app):
    """Return a function that makes a client, signed in as a person if given."""

    def make(person: Person | None = None):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = CLIENT_ADDRESS
        if person is not None:
            with client.session_transaction() as session:
                session["_user_id"] = db.session.get(User, person.user_id).get_id()
                session["_fresh"] = True
        return client

    return make


def _add_member(organisation_id: int | None, email: str, role: Role) -> Person:
    user = User(email=email, organisation_id=organisation_id, role=role)
    user.set_password(TEAM_PASSWORD)
    db.session.add(user)
    db.session.commit()
    return Person(user.id, email, TEAM_PASSWORD)


def csrf_token(page: str) -> str:
    """Return the CSRF token of a page's form, or "" when the app checks none."""
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    return found[1] if found else ""


def _sign_in(new_client, person: Person) -> None:
    """Sign in through the login page, as audit rows and attempts record it."""
    client = new_client()
    data = {
        "email": person.email,
        "password": person.password,
        "csrf_token": csrf_token(client.get("/login").text),
    }

    response = client.post("/login", data=data)

    assert response.status_code == 302


@pytest.fixture
def jardins(make_member, new_client) -> Team:
    """The organisation whose data the tests export and delete."""
    first = make_member("Les Jardins partagés")
    pilot = Person(first.user_id, first.email, MEMBER_PASSWORD)
    organisation = db.session.get(Organisation, first.organisation_id)
    organisation.siren = SIREN
    db.session.commit()
    team = Team(organisation.id, organisation.name, pilot, [pilot])

    pilot_user = db.session.get(User, pilot.user_id)
    _invitation, token = create_invitation(pilot_user, Role.CONTRIBUTOR)
    contributor = accept_invitation(
        token, email="contributrice@jardins.example", password=TEAM_PASSWORD
    )
    team.members.append(Person(contributor.id, contributor.email, TEAM_PASSWORD))
    team.members.append(
        _add_member(organisation.id, "lecteur@jardins.example", Role.READER)
    )
    create_invitation(pilot_user, Role.READER, "invitee@jardins.example")

    team.former_member = _add_member(
        organisation.id, "ancienne@jardins.example", Role.CONTRIBUTOR
    )
    _submit_diagnostic(team, contributor_id=contributor.id)
    leave_organisation(db.session.get(User, team.former_member.user_id))
    team.in_progress = _start_diagnostic(team)

    _sign_in(new_client, pilot)
    db.session.add(
        PasswordResetToken(
            user_id=contributor.id,
            token_digest=token_digest("lien-de-test"),
            expires_at=utcnow() + timedelta(hours=1),
        )
    )
    db.session.add(
        LoginAttempt(email=contributor.email, address=CLIENT_ADDRESS, succeeded=False)
    )
    db.session.commit()
    return team


def _submit_diagnostic(team: Team, contributor_id: int) -> None:
    """Submit a diagnostic answered by the contributor and the former member."""
    questionnaire = catalogue().latest(QUESTIONNAIRE_ID)
    pilot = db.session.get(User, team.pilot.user_id)
    diagnostic = start_diagnostic(pilot.organisation, questionnaire, pilot)
    contributor = db.session.get(User, contributor_id)
    former = db.session.get(User, team.former_member.user_id)
    numbers = {qid: SUBMITTED_ANSWERS[qid] for qid in NUMERIC_QUESTIONS}
    others = {
        qid: value for qid, value in SUBMITTED_ANSWERS.items() if qid not in numbers
    }
    save_step(diagnostic, questionnaire, others, SUBMITTED_COMMENTS, contributor)
    save_step(diagnostic, questionnaire, numbers, {}, former)
    assert submit_diagnostic(diagnostic, questionnaire, pilot)
    team.submitted = diagnostic.public_id


def _start_diagnostic(team: Team) -> str:
    questionnaire = catalogue().latest(QUESTIONNAIRE_ID)
    pilot = db.session.get(User, team.pilot.user_id)
    diagnostic = start_diagnostic(pilot.organisation, questionnaire, pilot)
    save_step(
        diagnostic,
        questionnaire,
        {
            "charte_ecrite": False,
            "effectif": Special.DONT_KNOW,
            "referent": "Dominique Petit",
        },
        {"charte_ecrite": "Brouillon à ne pas diffuser"},
        pilot,
    )
    return diagnostic.public_id


@pytest.fixture
def voisine(make_member, jardins) -> Team:
    """Another organisation, with a diagnostic that a Jardins member edited."""
    first = make_member("Coopérative voisine")
    pilot = Person(first.user_id, first.email, MEMBER_PASSWORD)
    team = Team(first.organisation_id, "Coopérative voisine", pilot, [pilot])
    pilot_user = db.session.get(User, pilot.user_id)
    create_invitation(pilot_user, Role.READER, "invitee@voisine.example")

    questionnaire = catalogue().latest(QUESTIONNAIRE_ID)
    diagnostic = start_diagnostic(pilot_user.organisation, questionnaire, pilot_user)
    jardins_contributor = db.session.get(User, jardins.members[1].user_id)
    save_step(
        diagnostic,
        questionnaire,
        {"referent": "Alex Durand"},
        {"referent": "Commentaire de la voisine"},
        jardins_contributor,
    )
    team.in_progress = diagnostic.public_id
    return team


@pytest.fixture
def pilot_client(new_client, jardins):
    return new_client(jardins.pilot)
