import pytest

from app.models import Role

LAST_PILOT = "L'organisation doit garder au moins un pilote."


def role_url(teammate) -> str:
    return f"/team/members/{teammate.public_id}/role"


def remove_url(teammate) -> str:
    return f"/team/members/{teammate.public_id}/remove"


def test_pilot_changes_member_role(pilot_client, contributor, page_text):
    response = pilot_client.post(role_url(contributor), data={"role": "reader"})

    assert response.status_code == 302
    assert response.location == "/team"
    assert contributor.stored().role == Role.READER
    page = page_text(pilot_client.get("/team"))
    assert f"Rôle de {contributor.email} modifié." in page


def test_pilot_promotes_member_to_pilot(pilot_client, reader):
    response = pilot_client.post(role_url(reader), data={"role": "pilot"})

    assert response.status_code == 302
    assert reader.stored().role == Role.PILOT


@pytest.mark.parametrize("role", ["contributor", "reader"])
def test_last_pilot_keeps_role(pilot_client, pilot, contributor, page_text, role):
    response = pilot_client.post(role_url(pilot), data={"role": role})

    assert response.status_code == 302
    assert response.location == "/team"
    assert pilot.stored().role == Role.PILOT
    assert LAST_PILOT in page_text(pilot_client.get("/team"))


def test_second_pilot_steps_down(pilot_client, pilot, add_member, page_text):
    other_pilot = add_member(Role.PILOT)

    response = pilot_client.post(role_url(pilot), data={"role": "contributor"})

    assert response.status_code == 302
    assert pilot.stored().role == Role.CONTRIBUTOR
    assert other_pilot.stored().role == Role.PILOT
    page = page_text(pilot_client.get("/team"))
    assert f"Rôle de {pilot.email} modifié." in page
    assert "Inviter une personne" not in page


def test_unknown_role_rejected(pilot_client, contributor):
    response = pilot_client.post(role_url(contributor), data={"role": "admin"})

    assert response.status_code == 400
    assert contributor.stored().role == Role.CONTRIBUTOR


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.READER])
def test_non_pilot_cannot_change_role(new_client, add_member, pilot, role):
    client = new_client(add_member(role))

    response = client.post(role_url(pilot), data={"role": "reader"})

    assert response.status_code == 403
    assert pilot.stored().role == Role.PILOT


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.READER])
def test_non_pilot_cannot_remove(new_client, add_member, reader, role):
    client = new_client(add_member(role))

    response = client.post(remove_url(reader))

    assert response.status_code == 403
    assert reader.stored().organisation_id is not None


def test_role_elsewhere_not_found(new_client, outsider, contributor):
    response = new_client(outsider).post(role_url(contributor), data={"role": "pilot"})

    assert response.status_code == 404
    assert contributor.stored().role == Role.CONTRIBUTOR


def test_remove_elsewhere_not_found(new_client, outsider, contributor):
    response = new_client(outsider).post(remove_url(contributor))

    assert response.status_code == 404
    assert contributor.stored().organisation_id == contributor.organisation_id


def test_pilot_removes_contributor(pilot_client, contributor, page_text):
    response = pilot_client.post(remove_url(contributor))

    assert response.status_code == 302
    assert response.location == "/team"
    user = contributor.stored()
    assert user.organisation_id is None
    assert user.session_version == 1
    page = page_text(pilot_client.get("/team"))
    assert f"{contributor.email} ne fait plus partie de l'équipe." in page
    assert f"<td>{contributor.email}" not in page


def test_removed_member_session_ends(new_client, pilot_client, contributor):
    removed_client = new_client(contributor)
    assert removed_client.get("/team").status_code == 200

    pilot_client.post(remove_url(contributor))
    response = removed_client.get("/team")

    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_removed_member_signs_in_alone(
    client, login, pilot_client, contributor, diagnostic, page_text
):
    pilot_client.post(remove_url(contributor))

    response = login(contributor, contributor.password)

    assert response.status_code == 302
    assert response.location == "/"
    dashboard = page_text(client.get("/"))
    assert "Vous n'êtes membre d'aucune organisation" in dashboard
    assert "Les Jardins partagés" not in dashboard
    team = client.get("/team")
    assert team.status_code == 302
    assert team.location == "/"
    for page in ("resume", "review", "results", "steps/gouvernance"):
        url = f"/diagnostics/{diagnostic}/{page}"
        assert client.get(url).status_code == 404, page
    assert client.post("/diagnostics").status_code == 403


def test_pilot_cannot_remove_self(pilot_client, pilot, add_member, page_text):
    add_member(Role.PILOT)

    response = pilot_client.post(remove_url(pilot))

    assert response.status_code == 302
    assert response.location == "/team"
    assert pilot.stored().organisation_id == pilot.organisation_id
    page = page_text(pilot_client.get("/team"))
    assert "utilisez « Quitter l'organisation »" in page


def test_pilot_removes_other_pilot(pilot_client, add_member):
    other_pilot = add_member(Role.PILOT)

    response = pilot_client.post(remove_url(other_pilot))

    assert response.status_code == 302
    assert other_pilot.stored().organisation_id is None


def test_contributor_leaves(new_client, contributor, page_text):
    client = new_client(contributor)

    response = client.post("/team/leave")

    assert response.status_code == 302
    assert response.location == "/login"
    user = contributor.stored()
    assert user.organisation_id is None
    assert user.role == Role.READER
    login_page = page_text(client.get("/login"))
    assert "Vous avez quitté l'organisation." in login_page
    assert client.get("/team").location.startswith("/login")


def test_last_pilot_cannot_leave(pilot_client, pilot, contributor, page_text):
    response = pilot_client.post("/team/leave")

    assert response.status_code == 302
    assert response.location == "/team"
    assert pilot.stored().organisation_id == pilot.organisation_id
    assert pilot.stored().role == Role.PILOT
    page = page_text(pilot_client.get("/team"))
    assert "Nommez d'abord un autre pilote" in page


def test_pilot_leaves_after_another_named(pilot_client, pilot, add_member):
    add_member(Role.PILOT)

    response = pilot_client.post("/team/leave")

    assert response.status_code == 302
    assert response.location == "/login"
    assert pilot.stored().organisation_id is None


def test_team_lists_own_members(pilot_client, contributor, reader, outsider):
    page = pilot_client.get("/team")

    assert page.status_code == 200
    assert "Équipe de Les Jardins partagés" in page.text
    assert f'data-member="{contributor.public_id}"' in page.text
    assert f'data-member="{reader.public_id}"' in page.text
    assert f'data-member="{outsider.public_id}"' not in page.text
    assert outsider.email not in page.text


def test_outsider_sees_own_team(new_client, pilot, contributor, outsider):
    page = new_client(outsider).get("/team")

    assert page.status_code == 200
    assert "Équipe de Coopérative voisine" in page.text
    assert f'data-member="{outsider.public_id}"' in page.text
    assert pilot.email not in page.text
    assert contributor.email not in page.text


def test_reader_sees_team_read_only(new_client, reader, contributor, page_text):
    page = page_text(new_client(reader).get("/team"))

    assert "Contributeur : remplit et commente" in page
    assert "Retirer de l'équipe" not in page
    assert "<select" not in page
