"""Password rules: the shipped list, each rule, and the messages forms show."""

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import PasswordField, StringField

from app.auth.passwords import (
    COMMON_PASSWORDS_FILE,
    MAX_PASSWORD_LENGTH,
    PasswordProblem,
    PasswordRules,
    common_passwords,
    find_password_problem,
)

EMAIL = "contact@la-cagette.example"
ORGANISATION = "Épicerie solidaire La Cagette"
SIGNUP = {
    "name": ORGANISATION,
    "legal_form": "scic",
    "sector": "agriculture_alimentation",
    "size_band": "1-9",
    "departement": "35",
    "siren": "",
    "email": EMAIL,
}
MESSAGES = {
    PasswordProblem.TOO_SHORT: "Mot de passe trop court : choisissez-en un de 10",
    PasswordProblem.TOO_LONG: "Mot de passe trop long : choisissez-en un de 200",
    PasswordProblem.COMMON: "Ce mot de passe fait partie des plus courants",
    PasswordProblem.EMAIL: "ne doit pas reprendre votre adresse électronique",
    PasswordProblem.ORGANISATION_NAME: "ne doit pas contenir le nom de votre",
}


def test_common_list_size():
    assert 900 <= len(common_passwords()) <= 1500


def test_common_list_is_lower_case():
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    entries = [line for line in lines if not line.startswith("#")]

    assert all(entry == entry.strip().lower() for entry in entries)
    assert all(entries)
    assert len(entries) == len(set(entries))


@pytest.mark.parametrize(
    "entry",
    [
        "motdepasse",
        "azerty",
        "azertyuiop",
        "qwertyuiop",
        "soleil",
        "bonjour",
        "doudou",
        "1234567890",
        "password123",
        "1qaz2wsx3edc",
    ],
)
def test_common_list_contains(entry):
    assert entry in common_passwords()


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("court", PasswordProblem.TOO_SHORT),
        ("neuf-lett", PasswordProblem.TOO_SHORT),
        ("x" * (MAX_PASSWORD_LENGTH + 1), PasswordProblem.TOO_LONG),
        ("motdepasse", PasswordProblem.COMMON),
        ("MotDePasse", PasswordProblem.COMMON),
        ("AZERTYUIOP", PasswordProblem.COMMON),
        ("Soleil2024", PasswordProblem.COMMON),
        ("bonjour1234", PasswordProblem.COMMON),
        ("1234567890", PasswordProblem.COMMON),
        (" motdepasse ", PasswordProblem.COMMON),
        (EMAIL, PasswordProblem.EMAIL),
        ("Contact@La-Cagette.Example", PasswordProblem.EMAIL),
        ("la-cagette-ete", None),
        ("epiceriesolidairelacagette", PasswordProblem.ORGANISATION_NAME),
        ("Épicerie Solidaire La Cagette !", PasswordProblem.ORGANISATION_NAME),
        ("mon épicerie-solidaire-la-cagette 2026", PasswordProblem.ORGANISATION_NAME),
        ("une phrase de passe longue", None),
        ("x" * MAX_PASSWORD_LENGTH, None),
        ("dix-lettre", None),
    ],
)
def test_password_problem(password, problem):
    found = find_password_problem(password, email=EMAIL, organisation_name=ORGANISATION)

    assert found == problem


def test_local_part_rejected():
    email = "association.lesamis@example.org"

    assert find_password_problem("association.lesamis", email=email) == (
        PasswordProblem.EMAIL
    )
    assert find_password_problem("Association.LesAmis", email=email) == (
        PasswordProblem.EMAIL
    )


def test_short_name_not_looked_for():
    found = find_password_problem("abricotier-du-jardin", organisation_name="Abri")

    assert found is None


def test_rules_without_account():
    assert find_password_problem("une phrase de passe") is None


class AccountForm(FlaskForm):
    """A form with the fields PasswordRules reads, as at sign-up."""

    email = StringField()
    name = StringField()
    password = PasswordField(
        validators=[PasswordRules(email_field="email", organisation_field="name")]
    )


class ExistingAccountForm(FlaskForm):
    """A form for an account already known, which sets the attributes."""

    password = PasswordField(validators=[PasswordRules()])


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("court", PasswordProblem.TOO_SHORT),
        ("motdepasse", PasswordProblem.COMMON),
        (EMAIL, PasswordProblem.EMAIL),
        ("la cagette épicerie solidaire", None),
        ("epicerie solidaire la cagette", PasswordProblem.ORGANISATION_NAME),
    ],
)
def test_validator_reads_fields(app, password, problem):
    data = MultiDict({"email": EMAIL, "name": ORGANISATION, "password": password})
    with app.test_request_context():
        form = AccountForm(formdata=data)

        assert form.validate() is (problem is None)
        errors = form.errors.get("password", [])
        if problem is None:
            assert errors == []
        else:
            assert len(errors) == 1
            assert MESSAGES[problem] in str(errors[0])


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        (EMAIL, PasswordProblem.EMAIL),
        ("contact", PasswordProblem.TOO_SHORT),
        ("La Cagette Épicerie Solidaire", None),
        ("EpicerieSolidaireLaCagette1", PasswordProblem.ORGANISATION_NAME),
    ],
)
def test_validator_reads_attributes(app, password, problem):
    with app.test_request_context():
        form = ExistingAccountForm(formdata=MultiDict({"password": password}))
        form.account_email = EMAIL
        form.organisation_name = ORGANISATION

        assert form.validate() is (problem is None)
        if problem is not None:
            assert MESSAGES[problem] in str(form.errors["password"][0])


def test_validator_without_attributes(app):
    with app.test_request_context():
        form = ExistingAccountForm(formdata=MultiDict({"password": EMAIL}))

        assert form.validate()


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("court", PasswordProblem.TOO_SHORT),
        ("x" * (MAX_PASSWORD_LENGTH + 1), PasswordProblem.TOO_LONG),
        ("Motdepasse", PasswordProblem.COMMON),
        ("azerty1234", PasswordProblem.COMMON),
        (EMAIL.upper(), PasswordProblem.EMAIL),
        ("La-Cagette-Epicerie-Solidaire-2026", None),
        ("epicerie-solidaire-la-cagette", PasswordProblem.ORGANISATION_NAME),
    ],
)
def test_signup_password_rules(client, form_errors, password, problem):
    data = dict(SIGNUP, password=password, confirm=password)

    response = client.post("/signup", data=data)

    if problem is None:
        assert response.status_code == 302
        return
    assert response.status_code == 200
    errors = form_errors(response.text)
    assert list(errors) == ["Mot de passe"]
    assert MESSAGES[problem] in errors["Mot de passe"]
    assert "choisissez-en un" in errors["Mot de passe"]


def test_signup_hint_names_length(client, page_text):
    page = page_text(client.get("/signup"))

    assert "10 caractères au moins." in page
