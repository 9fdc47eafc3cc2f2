"""Rules a new password must follow, and the WTForms validator that applies them."""

import unicodedata
from enum import StrEnum
from functools import cache
from pathlib import Path

from flask_babel import lazy_gettext as _l
from wtforms import Field, Form
from wtforms.validators import ValidationError

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
# Organisation names shorter than this, once reduced to letters and digits,
# are not looked for: "ESS" or "Abri" would reject many unrelated passwords.
MIN_NAME_LENGTH_CHECKED = 5


class PasswordProblem(StrEnum):
    """Reason for rejecting a new password."""

    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    COMMON = "common"
    EMAIL = "email"
    ORGANISATION_NAME = "organisation_name"


PROBLEM_MESSAGES = {
    PasswordProblem.TOO_SHORT: _l(
        "Mot de passe trop court : choisissez-en un de %(count)d caractères au "
        "moins, par exemple une phrase de quelques mots.",
        count=MIN_PASSWORD_LENGTH,
    ),
    PasswordProblem.TOO_LONG: _l(
        "Mot de passe trop long : choisissez-en un de %(count)d caractères au plus.",
        count=MAX_PASSWORD_LENGTH,
    ),
    PasswordProblem.COMMON: _l(
        "Ce mot de passe fait partie des plus courants, que les attaquants essaient "
        "en premier : choisissez-en un autre, par exemple une phrase de quelques "
        "mots."
    ),
    PasswordProblem.EMAIL: _l(
        "Le mot de passe ne doit pas reprendre votre adresse électronique : "
        "choisissez-en un autre."
    ),
    PasswordProblem.ORGANISATION_NAME: _l(
        "Le mot de passe ne doit pas contenir le nom de votre organisation : "
        "choisissez-en un autre."
    ),
}


@cache
def common_passwords() -> frozenset[str]:
    """Load the shipped list of common passwords, case-folded."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().casefold()
        for line in lines
        if line.strip() and not line.startswith("#")
    )


def find_password_problem(
    password: str,
    *,
    email: str | None = None,
    organisation_name: str | None = None,
) -> PasswordProblem | None:
    """Return the first rule that the password breaks, or None if it follows all.

    ``email`` and ``organisation_name`` belong to the account that the password
    is for. A rule that needs one of them is skipped when it is None or empty.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return PasswordProblem.TOO_SHORT
    if len(password) > MAX_PASSWORD_LENGTH:
        return PasswordProblem.TOO_LONG

    folded = password.strip().casefold()
    if folded in common_passwords():
        return PasswordProblem.COMMON
    if email and folded in _email_forms(email):
        return PasswordProblem.EMAIL
    if organisation_name and _contains_name(password, organisation_name):
        return PasswordProblem.ORGANISATION_NAME
    return None


def _email_forms(email: str) -> set[str]:
    address = email.strip().casefold()
    local_part = address.rpartition("@")[0] or address
    return {address, local_part}


def _contains_name(password: str, organisation_name: str) -> bool:
    name = _letters_and_digits(organisation_name)
    if len(name) < MIN_NAME_LENGTH_CHECKED:
        return False
    return name in _letters_and_digits(password)


def _letters_and_digits(text: str) -> str:
    """Reduce text to lower-case letters and digits, without accents.

    "Les Jardins partagés" and "lesjardins-partages" both become
    "lesjardinspartages", so spacing, case and accents cannot hide the name.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if char.isalnum())


class PasswordRules:
    """WTForms validator that rejects a password breaking the rules above.

    The e-mail address and organisation name it compares the password with are
    the data of the form's fields named ``email_field`` and
    ``organisation_field``. When a field name is None, the validator reads the
    form's attribute ``account_email`` or ``organisation_name`` instead, which
    a form for an existing account sets, and skips the rule if there is none.
    """

    def __init__(
        self, email_field: str | None = None, organisation_field: str | None = None
    ) -> None:
        self.email_field = email_field
        self.organisation_field = organisation_field

    def __call__(self, form: Form, field: Field) -> None:
        problem = find_password_problem(
            field.data or "",
            email=self._read(form, self.email_field, "account_email"),
            organisation_name=self._read(
                form, self.organisation_field, "organisation_name"
            ),
        )
        if problem is not None:
            raise ValidationError(PROBLEM_MESSAGES[problem])

    @staticmethod
    def _read(form: Form, field_name: str | None, attribute: str) -> str | None:
        if field_name is not None:
            return form[field_name].data
        return getattr(form, attribute, None)
