from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Organisation, Role, User

SIGNUP = {
    "name": "Épicerie solidaire La Cagette",
    "legal_form": "association",
    "sector": "culture",
    "size_band": "1-9",
    "departement": "44",
    "siren": "",
    "email": "contact@la-cagette.example",
    "password": "secret-d-inscription",
    "confirm": "secret-d-inscription",
}
JOIN = {
    "email": "nouvelle@example.org",
    "password": "secret-d-invitation",
    "confirm": "secret-d-invitation",
}
WRONG_PASSWORD = "secret-errone-123"


def only_row(audit_rows, action: str) -> AuditEvent:
    rows = audit_rows(action)
    assert len(rows) == 1, rows
    return rows[0]


def test_sign_in_recorded(client, login, pilot, audit_rows, client_address):
    login(pilot, pilot.password)

    row = only_row(audit_rows, "sign_in")
    assert row.actor_id == pilot.user_id
    assert row.organisation_id == pilot.organisation_id
    assert row.target is None
    assert row.address == client_address
    assert row.created_at is not None


def test_failed_sign_in_recorded(client, login, pilot, audit_rows, client_address):
    login(pilot, WRONG_PASSWORD)

    row = only_row(audit_rows, "sign_in_failed")
    assert row.actor_id is None
    assert row.organisation_id == pilot.organisation_id
    assert row.details == {"email": pilot.email}
    assert row.address == client_address
    assert WRONG_PASSWORD not in repr(row.details)
    assert audit_rows("sign_in") == []


def test_unknown_email_sign_in_recorded(client, audit_rows, client_address):
    client.post(
        "/login", data={"email": " Personne@Example.org", "password": WRONG_PASSWORD}
    )

    row = only_row(audit_rows, "sign_in_failed")
    assert row.actor_id is None
    assert row.organisation_id is None
    assert row.details == {"email": "personne@example.org"}
    assert row.address == client_address


def test_registration_recorded(client, audit_rows, client_address):
    response = client.post("/signup", data=SIGNUP)

    assert response.status_code == 302
    row = only_row(audit_rows, "organisation_registered")
    user = db.session.scalar(select(User).filter_by(email=SIGNUP["email"]))
    organisation = db.session.scalar(select(Organisation))
    assert row.actor_id == user.id
    assert row.organisation_id == organisation.id
    assert row.address == client_address


def test_invitation_created_recorded(
    pilot_client, pilot, invite, invitation_of, audit_rows, client_address
):
    path = invite(pilot_client, "reader")

    row = only_row(audit_rows, "invitation_created")
    assert row.actor_id == pilot.user_id
    assert row.organisation_id == pilot.organisation_id
    assert row.target == invitation_of(path).public_id
    assert row.details == {"role": "reader"}
    assert row.address == client_address


def test_invitation_accepted_recorded(
    client, pilot, pilot_client, invite, invitation_of, audit_rows, client_address
):
    path = invite(pilot_client, "contributor")

    client.post(path, data=JOIN)

    row = only_row(audit_rows, "invitation_accepted")
    user = db.session.scalar(select(User).filter_by(email=JOIN["email"]))
    assert row.actor_id == user.id
    assert row.organisation_id == pilot.organisation_id
    assert row.target == invitation_of(path).public_id
    assert row.details == {"role": "contributor"}
    assert row.address == client_address


def test_invitation_revoked_recorded(
    pilot_client, pilot, invite, invitation_of, audit_rows, client_address
):
    public_id = invitation_of(invite(pilot_client)).public_id

    pilot_client.post(f"/team/invitations/{public_id}/revoke")

    row = only_row(audit_rows, "invitation_revoked")
    assert row.actor_id == pilot.user_id
    assert row.organisation_id == pilot.organisation_id
    assert row.target == public_id
    assert row.address == client_address


def test_role_change_recorded(
    pilot_client, pilot, contributor, audit_rows, client_address
):
    pilot_client.post(
        f"/team/members/{contributor.public_id}/role", data={"role": "reader"}
    )

    row = only_row(audit_rows, "role_changed")
    assert row.actor_id == pilot.user_id
    assert row.organisation_id == pilot.organisation_id
    assert row.target == contributor.public_id
    assert row.details == {"previous": "contributor", "role": "reader"}
    assert row.address == client_address


def test_refused_role_change_not_recorded(pilot_client, pilot, audit_rows):
    pilot_client.post(f"/team/members/{pilot.public_id}/role", data={"role": "reader"})

    assert audit_rows("role_changed") == []


def test_removal_recorded(pilot_client, pilot, contributor, audit_rows, client_address):
    pilot_client.post(f"/team/members/{contributor.public_id}/remove")

    row = only_row(audit_rows, "member_removed")
    assert row.actor_id == pilot.user_id
    assert row.organisation_id == pilot.organisation_id
    assert row.target == contributor.public_id
    assert row.address == client_address


def test_leaving_recorded(new_client, pilot, reader, audit_rows, client_address):
    new_client(reader).post("/team/leave")

    row = only_row(audit_rows, "member_left")
    assert row.actor_id == reader.user_id
    assert row.organisation_id == pilot.organisation_id
    assert row.target == reader.public_id
    assert row.address == client_address


def test_submission_recorded(
    pilot_client, pilot, completed, audit_rows, client_address
):
    pilot_client.post(f"/diagnostics/{completed}/submit")

    row = only_row(audit_rows, "diagnostic_submitted")
    assert row.actor_id == pilot.user_id
    assert row.organisation_id == pilot.organisation_id
    assert row.target == completed
    assert row.address == client_address


def test_refused_submission_not_recorded(
    new_client, contributor, completed, audit_rows
):
    new_client(contributor).post(f"/diagnostics/{completed}/submit")

    assert audit_rows("diagnostic_submitted") == []


def test_audit_rows_hold_no_secret(new_client, login, add_member, shown_links):
    founder_client = new_client()
    founder_client.post("/signup", data=SIGNUP)
    pilot_user = db.session.scalar(select(User).filter_by(email=SIGNUP["email"]))
    contributor = add_member(
        Role.CONTRIBUTOR, organisation_id=pilot_user.organisation_id
    )
    founder_client.post(
        "/team/invitations", data={"role": "reader", "email": "lea@example.org"}
    )
    path = shown_links(founder_client.get("/team"))[0]
    new_client().post(path, data=JOIN)
    login(contributor, WRONG_PASSWORD)
    login(contributor, contributor.password)

    db.session.rollback()
    rows = db.session.scalars(select(AuditEvent)).all()
    actions = {row.action for row in rows}
    assert {"organisation_registered", "invitation_created"} <= actions
    assert {"invitation_accepted", "sign_in_failed", "sign_in"} <= actions
    secrets = [
        SIGNUP["password"],
        JOIN["password"],
        WRONG_PASSWORD,
        contributor.password,
        path.rsplit("/", 1)[1],
    ]
    secrets += [user.password_hash for user in db.session.scalars(select(User))]
    for row in rows:
        values = repr([getattr(row, column.key) for column in AuditEvent.__table__.c])
        for secret in secrets:
            assert secret not in values, row.action
