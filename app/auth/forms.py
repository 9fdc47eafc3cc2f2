from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    ValidationError,
)

from app.auth.passwords import MIN_PASSWORD_LENGTH, PasswordRules
from app.models import User
from app.organisations.attributes import (
    DEPARTEMENTS,
    LEGAL_FORMS,
    SECTORS,
    SIZE_BANDS,
    normalize_siren,
)
from app.text import clean_text

EMAIL_INVALID = _l(
    "Adresse électronique invalide : écrivez-la sous la forme nom@exemple.org."
)
PASSWORD_HINT = _l(
    "%(count)d caractères au moins. Une phrase de quelques mots est facile à "
    "retenir et difficile à deviner.",
    count=MIN_PASSWORD_LENGTH,
)


def _strip(value: str | None) -> str | None:
    return value.strip() if value else value


def _choices(labels: Mapping[str, str]) -> list[SelectChoice]:
    options = [SelectChoice(code, label) for code, label in labels.items()]
    return [SelectChoice("", _l("Choisissez…"))] + options


def _departement_choices() -> list[SelectChoice]:
    return _choices(
        {code: f"{code} – {name}" for code, (name, _region) in DEPARTEMENTS.items()}
    )


class SignupForm(FlaskForm):
    name = StringField(
        _l("Nom de l'organisation"),
        validators=[DataRequired(), Length(max=200)],
        filters=[clean_text],
        render_kw={"autocomplete": "organization"},
    )
    legal_form = SelectField(
        _l("Forme juridique"),
        choices=_choices(LEGAL_FORMS),
        validators=[DataRequired()],
    )
    sector = SelectField(
        _l("Secteur d'activité"), choices=_choices(SECTORS), validators=[DataRequired()]
    )
    size_band = SelectField(
        _l("Effectif salarié"),
        choices=_choices(SIZE_BANDS),
        validators=[DataRequired()],
    )
    departement = SelectField(
        _l("Département du siège"),
        choices=_departement_choices(),
        validators=[DataRequired()],
    )
    siren = StringField(
        _l("SIREN (facultatif)"),
        description=_l("9 chiffres, par exemple 552 100 554."),
        validators=[Optional()],
    )
    email = EmailField(
        _l("Adresse électronique"),
        validators=[
            DataRequired(),
            Email(check_deliverability=False, message=EMAIL_INVALID),
            Length(max=254),
        ],
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        _l("Mot de passe"),
        description=PASSWORD_HINT,
        validators=[
            DataRequired(),
            PasswordRules(email_field="email", organisation_field="name"),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Confirmez le mot de passe"),
        validators=[
            DataRequired(),
            EqualTo("password", _l("Les deux mots de passe diffèrent.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )

    def validate_siren(self, field: StringField) -> None:
        if not field.data:
            field.data = None
            return
        try:
            field.data = normalize_siren(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Adresse électronique"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        _l("Mot de passe"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Rester connecté sur cet appareil"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("Adresse électronique de votre compte"),
        filters=[_strip],
        validators=[
            DataRequired(),
            Email(check_deliverability=False, message=EMAIL_INVALID),
            Length(max=254),
        ],
        render_kw={"autocomplete": "email"},
    )


class NewPasswordForm(FlaskForm):
    """A new password typed twice, for the account given to the constructor."""

    password = PasswordField(
        _l("Nouveau mot de passe"),
        description=PASSWORD_HINT,
        validators=[DataRequired(), PasswordRules()],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Confirmez le nouveau mot de passe"),
        validators=[
            DataRequired(),
            EqualTo("password", _l("Les deux mots de passe diffèrent.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, user: User, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # PasswordRules compares the password with these two.
        self.account_email = user.email
        self.organisation_name = user.organisation.name if user.organisation else None
