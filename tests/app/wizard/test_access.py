from urllib.parse import parse_qs, urlsplit

import pytest

PAGES = ["steps/gouvernance", "resume", "review", "results"]


@pytest.mark.parametrize("page", PAGES)
def test_other_organisation_page_not_found(client, member, other_wizard, page):
    response = client.get(other_wizard.path(page))

    assert response.status_code == 404
    # The same address works for the organisation that owns the diagnostic.
    assert other_wizard.client.get(other_wizard.path(page)).status_code in (200, 302)


def test_other_organisation_step_post(client, member, other_wizard):
    data = other_wizard.data("gouvernance")

    response = client.post(other_wizard.url("gouvernance"), data=data)

    assert response.status_code == 404
    assert other_wizard.rows() == {}


def test_other_organisation_submit(client, member, other_wizard):
    other_wizard.fill_all()

    response = client.post(other_wizard.path("submit"))

    assert response.status_code == 404
    assert other_wizard.diagnostic().status == "in_progress"
    assert other_wizard.diagnostic().result is None


@pytest.mark.parametrize("page", PAGES)
def test_random_public_id_not_found(client, member, page):
    response = client.get(f"/diagnostics/AAAAAAAAAAAAAAAA/{page}")

    assert response.status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_sent_to_login(wizard, anonymous, page):
    url = wizard.path(page)

    response = anonymous.get(url)

    assert response.status_code == 302
    location = urlsplit(response.location)
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == [url]


def test_anonymous_submit_sent_to_login(wizard, anonymous):
    wizard.fill_all()

    response = anonymous.post(wizard.path("submit"))

    assert response.status_code == 302
    assert urlsplit(response.location).path == "/login"
    assert wizard.diagnostic().status == "in_progress"
