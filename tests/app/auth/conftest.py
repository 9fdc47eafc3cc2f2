"""Accounts created with a password these tests know, and form error reading."""

import html
import re

import pytest

from app.auth.services import register_organisation

PASSWORD = "mot-de-passe-solide"


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
