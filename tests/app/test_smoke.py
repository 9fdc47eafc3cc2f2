def test_welcome_page_for_visitors(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "Créer le compte de votre organisation" in response.text


def test_dashboard_after_login(client, make_member, login):
    member = make_member("Coopérative du Pré")

    response = login(member)

    assert response.status_code == 302
    page = client.get("/")
    assert "Coopérative du Pré" in page.text
    assert "Commencer un diagnostic" in page.text
