"""Accounts created with a password these tests know, and form error reading."""

import html
import re
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from app import catalogue as catalogue_module
from app.auth.services import register_organisation
from app.models import user as user_module
from questionnaires import Questionnaire

PASSWORD = "mot-de-passe-solide"

# Questionnaires parsed by earlier tests, by path and modification time.
LOADED_QUESTIONNAIRES: dict[tuple[str, int], Questionnaire] = {}


@pytest.fixture
def reuse_parsed_questionnaires(monkeypatch):
    """Parse each questionnaire file once per session instead of once per app.

    Parsing the built-in file is the slowest step of create_app, which every
    test calls. Questionnaire objects are frozen, so sharing them is safe.
    """
    parse = catalogue_module.load_questionnaire

    def load(path):
        key = (str(path), Path(path).stat().st_mtime_ns)
        if key not in LOADED_QUESTIONNAIRES:
            LOADED_QUESTIONNAIRES[key] = parse(path)
        return LOADED_QUESTIONNAIRES[key]

    monkeypatch.setattr(catalogue_module, "load_questionnaire", load)


@pytest.fixture
def fast_password_hashing(monkeypatch):
    """Hash passwords with a cheap method, because scrypt is slow by design."""

    def hash_quickly(password: str) -> str:
        return generate_password_hash(password, method="pbkdf2:sha256:1000")

    monkeypatch.setattr(user_module, "generate_password_hash", hash_quickly)


@pytest.fixture
def app(reuse_parsed_questionnaires, fast_password_hashing, app):
    return app


@pytest.fixture
def account(app):
    """An organisation's first member, not signed in, whose password is PASSWORD."""
    return register_organisation(
        name="Régie de quartier du Breil",
        legal_form="association",
        sector="insertion",
        size_band="10-49",
        departement="44",
        siren=None,
        email="pilote@regie-breil.example",
        password=PASSWORD,
    )


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def form_errors():
    """Return a function that maps each field label to its error message."""

    def read(page: str) -> dict[str, str]:
        errors = {}
        rows = re.findall(r'<div class="form-row has-error">(.*?)</div>', page, re.S)
        for row in rows:
            label = re.search(r"<label[^>]*>(.*?)</label>", row, re.S).group(1)
            message = re.search(r'<p class="field-error"[^>]*>(.*?)</p>', row, re.S)
            errors[html.unescape(label.strip())] = html.unescape(message.group(1))
        return errors

    return read
