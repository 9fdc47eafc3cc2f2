import pytest
from sqlalchemy import select

from app.admin.services import create_platform_user
from app.audit.services import record_event
from app.extensions import db
from app.models import AuditEvent, PlatformRole, User


@pytest.fixture
def platform_login(client):
    """Create a platform account of a role and sign it in."""

    def sign_in(role: PlatformRole, email: str | None = None) -> User:
        user, password = create_platform_user(email or f"{role}@region.example", role)
        response = client.post(
            "/login", data={"email": user.email, "password": password}
        )
        assert response.status_code == 302
        return user

    return sign_in


def test_cli_creates_platform_user(runner):
    result = runner.invoke(args=["user", "create", "--role", "staff", "a@b.example"])

    assert result.exit_code == 0, result.output
    assert "First password" in result.output
    user = db.session.scalar(select(User).filter_by(email="a@b.example"))
    assert user.role == "staff"
    assert user.organisation_id is None


def test_cli_rejects_taken_email(runner, make_member):
    member = make_member()

    result = runner.invoke(args=["user", "create", "--role", "admin", member.email])

    assert result.exit_code == 1
    assert "already uses" in result.output


def test_cli_rejects_unknown_role(runner):
    result = runner.invoke(args=["user", "create", "--role", "pilot", "x@y.example"])

    assert result.exit_code == 2
    assert "Invalid value for '--role'" in result.output


@pytest.mark.parametrize("path", ["/admin/users", "/admin/audit"])
def test_member_cannot_reach_admin(client, make_member, login, path):
    login(make_member())

    assert client.get(path).status_code == 403


@pytest.mark.parametrize("role", [PlatformRole.STAFF, PlatformRole.REVIEWER])
def test_staff_cannot_reach_admin(client, platform_login, role):
    platform_login(role)

    assert client.get("/admin/users").status_code == 403


def test_member_cannot_reach_platform(client, make_member, login):
    login(make_member())

    assert client.get("/platform/organisations").status_code == 403


def test_staff_sees_organisations(client, make_member, platform_login):
    make_member("Régie de quartier")
    platform_login(PlatformRole.STAFF)

    assert client.get("/").location == "/platform/organisations"
    page = client.get("/platform/organisations").text
    assert "Régie de quartier" in page
    assert "Pays de la Loire" in page


def test_admin_creates_account(client, platform_login):
    admin = platform_login(PlatformRole.ADMIN)

    response = client.post(
        "/admin/users", data={"email": "relecteur@region.example", "role": "reviewer"}
    )

    assert response.status_code == 302
    page = client.get("/admin/users").text
    assert "Mot de passe provisoire" in page
    db.session.rollback()
    created = db.session.scalar(select(User).filter_by(role="reviewer"))
    assert created.email == "relecteur@region.example"
    event = db.session.scalar(
        select(AuditEvent).filter_by(
            action="platform_user_created", target=created.public_id
        )
    )
    assert event.actor_id == admin.id


def test_admin_keeps_own_role(client, platform_login):
    admin = platform_login(PlatformRole.ADMIN)

    client.post(f"/admin/users/{admin.public_id}/role", data={"role": "staff"})

    db.session.refresh(admin)
    assert admin.role == "admin"


def test_admin_cannot_change_member_role(client, make_member, platform_login):
    member = make_member()
    platform_login(PlatformRole.ADMIN)

    response = client.post(
        f"/admin/users/{member.user.public_id}/role", data={"role": "admin"}
    )

    assert response.status_code == 404


def test_audit_filters(client, make_member, platform_login):
    member = make_member("Filtrée")
    record_event("sign_in", actor=member.user)
    record_event("diagnostic_submitted", actor=member.user, target="abc")
    db.session.commit()
    platform_login(PlatformRole.ADMIN)

    page = client.get("/admin/audit?action=diagnostic_submitted").text

    assert "diagnostic_submitted" in page
    assert "<td>sign_in</td>" not in page
    by_person = client.get(f"/admin/audit?email={member.email}").text
    assert "<td>sign_in</td>" in by_person
    nobody = client.get("/admin/audit?email=nobody@example.org").text
    assert "Aucun événement ne correspond." in nobody


def test_audit_bad_date_ignored(client, platform_login):
    platform_login(PlatformRole.ADMIN)

    response = client.get("/admin/audit?since=31/02/2026")

    assert response.status_code == 200
    assert "Date ignorée" in response.text
