import json
from datetime import datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Answer,
    AuditEvent,
    Diagnostic,
    Invitation,
    PasswordResetToken,
    User,
)
from app.privacy.export import slugify

from .conftest import CLIENT_ADDRESS, SIREN, SUBMITTED_ANSWERS, SUBMITTED_COMMENTS

DOWNLOAD = "/organisation/data/download"


@pytest.fixture
def download(new_client):
    """Return a function that downloads the data file as a person."""

    def fetch(person):
        response = new_client(person).post(DOWNLOAD)
        assert response.status_code == 200
        return response

    return fetch


@pytest.fixture
def exported(download, jardins) -> dict:
    """The Jardins' data file, downloaded by the reader."""
    return json.loads(download(jardins.members[2]).data.decode("utf-8"))


def answers_of(diagnostic: dict) -> dict[str, dict]:
    return {answer["question_id"]: answer for answer in diagnostic["answers"]}


def diagnostic_in(document: dict, public_id: str) -> dict:
    return next(d for d in document["diagnostics"] if d["public_id"] == public_id)


def test_data_page_offers_download(new_client, jardins):
    response = new_client(jardins.members[2]).get("/organisation/data")

    assert response.status_code == 200
    assert f'action="{DOWNLOAD}"' in response.text
    assert "Télécharger les données (JSON)" in response.text
    assert "Seul un pilote de l'organisation peut supprimer" in unescape(response.text)


def test_data_page_links_deletion_for_pilot(pilot_client):
    response = pilot_client.get("/organisation/data")

    assert 'href="/organisation/delete"' in response.text


def test_download_is_json_attachment(download, jardins):
    response = download(jardins.pilot)

    today = datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()
    expected = f'attachment; filename="autodiag-les-jardins-partages-{today}.json"'
    assert response.headers["Content-Disposition"] == expected
    assert response.mimetype == "application/json"
    assert response.mimetype_params["charset"] == "utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    # Accented letters are written as such, not as \u escapes.
    assert "Les Jardins partagés".encode() in response.data


def test_every_section_present(exported):
    sections = {
        "organisation",
        "members",
        "invitations",
        "diagnostics",
        "audit_events",
    }

    assert sections <= exported.keys()
    assert exported["format"] == "autodiag-organisation-data"
    assert exported["format_version"] == 1


def test_organisation_attributes(exported):
    organisation = exported["organisation"]

    assert organisation["name"] == "Les Jardins partagés"
    assert organisation["siren"] == SIREN
    assert organisation["legal_form"] == "association"
    assert organisation["size_band"] == "1-9"
    assert organisation["departement"] == "44"
    assert organisation["departement_name"] == "Loire-Atlantique"
    assert organisation["created_at"]


def test_members_listed(exported, jardins):
    members = {member["email"]: member for member in exported["members"]}

    assert sorted(members) == sorted(jardins.emails)
    assert members[jardins.pilot.email]["role"] == "pilot"
    assert members["contributrice@jardins.example"]["role"] == "contributor"
    assert members[jardins.pilot.email]["last_login_at"]
    assert members["lecteur@jardins.example"]["created_at"]


def test_former_member_not_listed(exported, jardins):
    emails = [member["email"] for member in exported["members"]]

    assert jardins.former_member.email not in emails


def test_invitations_listed(exported, jardins):
    invitations = {item["status"]: item for item in exported["invitations"]}

    assert sorted(invitations) == ["accepted", "open"]
    assert invitations["open"]["email"] == "invitee@jardins.example"
    assert invitations["open"]["created_by"] == jardins.pilot.email
    accepted = invitations["accepted"]
    assert accepted["accepted_by"] == "contributrice@jardins.example"
    assert accepted["role"] == "contributor"


def test_diagnostics_listed(exported, jardins):
    submitted = diagnostic_in(exported, jardins.submitted)
    in_progress = diagnostic_in(exported, jardins.in_progress)

    assert submitted["status"] == "submitted"
    assert submitted["questionnaire"] == {
        "id": "essai-donnees",
        "version": "1",
        "title": "Essai des données de l'organisation",
    }
    assert submitted["campaign"] == datetime.now(ZoneInfo("Europe/Paris")).year
    assert submitted["submitted_by"] == jardins.pilot.email
    assert submitted["submitted_at"]
    assert in_progress["status"] == "in_progress"
    assert in_progress["submitted_at"] is None


def test_answers_in_full(exported, jardins):
    answers = answers_of(diagnostic_in(exported, jardins.submitted))

    assert sorted(answers) == sorted(SUBMITTED_ANSWERS)
    charter = answers["charte_ecrite"]
    assert charter["question_label"] == "La charte est-elle écrite ?"
    assert charter["value"] is True
    assert charter["value_text"] == "Oui"
    assert charter["special"] is None
    assert charter["comment"] == SUBMITTED_COMMENTS["charte_ecrite"]
    assert charter["updated_by"] == "contributrice@jardins.example"
    assert charter["updated_at"]
    choice = answers["frequence_reunions"]
    assert choice["value"] == "chaque_mois"
    assert choice["value_text"] == "Chaque mois"
    assert answers["referent"]["value"] == SUBMITTED_ANSWERS["referent"]


def test_special_answer_exported(exported, jardins):
    answers = answers_of(diagnostic_in(exported, jardins.in_progress))

    assert answers["effectif"]["special"] == "dont_know"
    assert answers["effectif"]["value"] is None
    assert answers["effectif"]["value_text"] == "Je ne sais pas"
    assert answers["referent"]["value_text"] == "Dominique Petit"


def test_answers_of_former_member_named(exported, jardins):
    answers = answers_of(diagnostic_in(exported, jardins.submitted))

    assert answers["effectif"]["updated_by"] == jardins.former_member.email


def test_decimal_answer_exact(exported, jardins):
    budget = answers_of(diagnostic_in(exported, jardins.submitted))["budget_formation"]

    assert budget["value"] == "1234.56"
    text = budget["value_text"].replace("\u202f", " ").replace("\u00a0", " ")
    assert text == "1 234,56 €"


def test_unknown_questionnaire_exported(download, jardins):
    diagnostic = Diagnostic(
        organisation_id=jardins.organisation_id,
        questionnaire_id="questionnaire-retire",
        questionnaire_version="0",
        campaign=2020,
        answers=[Answer(question_id="nombre", value="12.5", comment="Note")],
    )
    db.session.add(diagnostic)
    db.session.commit()

    document = json.loads(download(jardins.pilot).data)

    exported = diagnostic_in(document, diagnostic.public_id)
    assert exported["questionnaire"]["title"] is None
    answer = exported["answers"][0]
    assert answer["question_label"] is None
    assert answer["value"] == "12.5"
    assert answer["value_text"] is None
    assert answer["comment"] == "Note"


def test_stored_result_included(exported, jardins):
    stored = jardins.diagnostic(jardins.submitted).result

    submitted = diagnostic_in(exported, jardins.submitted)
    in_progress = diagnostic_in(exported, jardins.in_progress)
    assert submitted["result"] == stored
    assert submitted["result"]["level"]["id"]
    assert in_progress["result"] is None


def test_audit_events_included(exported, jardins):
    sign_ins = [e for e in exported["audit_events"] if e["action"] == "sign_in"]

    assert len(sign_ins) == 1
    assert sign_ins[0]["actor"] == jardins.pilot.email
    assert sign_ins[0]["address"] == CLIENT_ADDRESS
    assert sign_ins[0]["created_at"]
    accepted = next(
        e for e in exported["audit_events"] if e["action"] == "invitation_accepted"
    )
    assert accepted["details"] == {"role": "contributor"}
    assert accepted["target"]


def test_no_secret_in_file(download, jardins):
    body = download(jardins.pilot).data.decode("utf-8")

    db.session.rollback()
    users = db.session.scalars(select(User))
    digests = [row.token_digest for row in db.session.scalars(select(Invitation))]
    digests += [
        row.token_digest for row in db.session.scalars(select(PasswordResetToken))
    ]
    for user in users:
        assert user.password_hash not in body
    assert digests
    for digest in digests:
        assert digest not in body
    for key in ("password", "token_digest", "session_version"):
        assert key not in body


def test_other_organisation_absent(download, jardins, voisine):
    body = download(jardins.pilot).data.decode("utf-8")

    for text in (
        "Coopérative voisine",
        voisine.pilot.email,
        "invitee@voisine.example",
        voisine.in_progress,
        "Alex Durand",
        "Commentaire de la voisine",
    ):
        assert text not in body


def test_download_recorded(download, jardins):
    download(jardins.members[1])

    db.session.rollback()
    events = list(
        db.session.scalars(select(AuditEvent).filter_by(action="data_exported"))
    )
    assert len(events) == 1
    assert events[0].actor_id == jardins.members[1].user_id
    assert events[0].organisation_id == jardins.organisation_id


@pytest.mark.parametrize(
    "method, path", [("get", "/organisation/data"), ("post", DOWNLOAD)]
)
def test_signed_out_sent_to_login(new_client, jardins, method, path):
    response = getattr(new_client(), method)(path)

    assert response.status_code == 302
    assert response.location.startswith("/login")


@pytest.mark.parametrize(
    "method, path", [("get", "/organisation/data"), ("post", DOWNLOAD)]
)
def test_account_without_organisation_gets_404(new_client, jardins, method, path):
    response = getattr(new_client(jardins.former_member), method)(path)

    assert response.status_code == 404
    assert b"Les Jardins" not in response.data


@pytest.mark.parametrize(
    "name, slug",
    [
        ("Les Jardins partagés", "les-jardins-partages"),
        ("  SCOP « L'Œuvre » & Cie  ", "scop-l-oeuvre-cie"),
        ("Ça ira !", "ca-ira"),
        ("日本語", "organisation"),
        ("a" * 80, "a" * 50),
    ],
)
def test_slugify(name, slug):
    assert slugify(name) == slug
