import html

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Organisation, User

VALID_SIGNUP = {
    "name": "Épicerie solidaire La Cagette",
    "legal_form": "scic",
    "sector": "agriculture_alimentation",
    "size_band": "1-9",
    "departement": "2A",
    "siren": "",
    "email": "Contact@La-Cagette.example",
    "password": "une-phrase-de-passe",
    "confirm": "une-phrase-de-passe",
}


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def test_signup_page_lists_choices(client):
    response = client.get("/signup")

    assert response.status_code == 200
    assert "Créer le compte de votre organisation" in response.text
    assert '<option value="scic">' in response.text
    assert '<option value="2A">' in response.text


def test_signup_creates_organisation(client):
    response = client.post("/signup", data=VALID_SIGNUP)

    assert response.status_code == 302
    assert response.location == "/"
    organisation = db.session.scalar(select(Organisation))
    assert organisation.name == "Épicerie solidaire La Cagette"
    assert organisation.legal_form == "scic"
    assert organisation.sector == "agriculture_alimentation"
    assert organisation.size_band == "1-9"
    assert organisation.departement == "2A"
    assert organisation.siren is None
    user = db.session.scalar(select(User))
    assert user.organisation_id == organisation.id
    assert user.email == "contact@la-cagette.example"
    assert "une-phrase-de-passe" not in user.password_hash


def test_name_nul_characters_dropped(client):
    client.post("/signup", data=dict(VALID_SIGNUP, name="La Ca\x00gette"))

    assert db.session.scalar(select(Organisation)).name == "La Cagette"


def test_two_signups_without_siren(client):
    client.post("/signup", data=VALID_SIGNUP)
    client.post("/logout")
    other = dict(VALID_SIGNUP, name="Atelier vélo", email="atelier@velo.example")

    response = client.post("/signup", data=other)

    assert response.status_code == 302
    assert count(Organisation) == 2


def test_signup_signs_in(client):
    client.post("/signup", data=VALID_SIGNUP)

    dashboard = client.get("/")

    with client.session_transaction() as session:
        assert session["_user_id"] == db.session.scalar(select(User)).get_id()
    assert "Épicerie solidaire La Cagette" in dashboard.text
    assert "Votre organisation est créée" in dashboard.text
    assert "Se déconnecter" in dashboard.text


@pytest.mark.parametrize(
    "typed",
    ["552 100 554", "552\u202f100\u202f554", "552\u00a0100\u00a0554", "552100554"],
)
def test_siren_with_spaces_accepted(client, typed):
    response = client.post("/signup", data=dict(VALID_SIGNUP, siren=typed))

    assert response.status_code == 302
    assert db.session.scalar(select(Organisation.siren)) == "552100554"


@pytest.mark.parametrize(
    ("field", "value", "label", "message"),
    [
        ("name", "", "Nom de l'organisation", "Ce champ est requis."),
        ("name", "   ", "Nom de l'organisation", "Ce champ est requis."),
        ("email", "pas-une-adresse", "Adresse électronique", "Adresse électronique"),
        ("email", "", "Adresse électronique", "Ce champ est requis."),
        ("legal_form", "", "Forme juridique", "Ce champ est requis."),
        ("legal_form", "sarl", "Forme juridique", "N'est pas un choix valide."),
        ("sector", "inconnu", "Secteur d'activité", "N'est pas un choix valide."),
        ("size_band", "", "Effectif salarié", "Ce champ est requis."),
        ("departement", "20", "Département du siège", "N'est pas un choix valide."),
        (
            "confirm",
            "une-autre-phrase",
            "Confirmez le mot de passe",
            "Les deux mots de passe diffèrent.",
        ),
        (
            "siren",
            "552100555",
            "SIREN (facultatif)",
            "Ce SIREN ne passe pas la clé de contrôle (algorithme de Luhn)",
        ),
        ("siren", "12345", "SIREN (facultatif)", "Le SIREN doit compter 9 chiffres"),
        ("siren", "55210055A", "SIREN (facultatif)", "que des chiffres"),
    ],
)
def test_invalid_field_named_in_message(
    client, form_errors, field, value, label, message
):
    response = client.post("/signup", data=dict(VALID_SIGNUP, **{field: value}))

    assert response.status_code == 200
    errors = form_errors(response.text)
    assert list(errors) == [label]
    assert message in errors[label]
    assert count(Organisation) == 0
    assert count(User) == 0


def test_short_password_named_in_message(client, form_errors):
    data = dict(VALID_SIGNUP, password="court", confirm="court")

    response = client.post("/signup", data=data)

    errors = form_errors(response.text)
    assert list(errors) == ["Mot de passe"]
    assert "10" in errors["Mot de passe"]
    assert count(User) == 0


def test_invalid_signup_keeps_typed_values(client):
    response = client.post("/signup", data=dict(VALID_SIGNUP, siren="552100555"))

    page = html.unescape(response.text)
    assert 'value="Épicerie solidaire La Cagette"' in page
    assert 'value="552100555"' in page
    assert "une-phrase-de-passe" not in page


def test_invalid_signup_does_not_sign_in(client):
    client.post("/signup", data=dict(VALID_SIGNUP, name=""))

    dashboard = client.get("/")

    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert "Se déconnecter" not in dashboard.text


def test_duplicate_email_rejected(client, account, form_errors):
    email = account.email.upper()

    response = client.post("/signup", data=dict(VALID_SIGNUP, email=email))

    assert response.status_code == 200
    errors = form_errors(response.text)
    assert "Un compte utilise déjà cette adresse" in errors["Adresse électronique"]
    assert count(Organisation) == 1
    assert count(User) == 1


def test_duplicate_siren_rejected(client, form_errors):
    client.post("/signup", data=dict(VALID_SIGNUP, siren="552100554"))
    client.post("/logout")
    other = dict(VALID_SIGNUP, email="autre@example.org", siren="552 100 554")

    response = client.post("/signup", data=other)

    assert response.status_code == 200
    errors = form_errors(response.text)
    assert "Une organisation utilise déjà ce SIREN" in errors["SIREN (facultatif)"]
    assert count(Organisation) == 1


def test_signup_redirects_signed_in_member(client, account, password):
    client.post("/login", data={"email": account.email, "password": password})

    response = client.get("/signup")

    assert response.status_code == 302
    assert response.location == "/"
