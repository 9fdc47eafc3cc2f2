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

from app.organisations.attributes import (
    DEPARTEMENTS,
    LEGAL_FORMS,
    SECTORS,
    SIZE_BANDS,
    normalize_siren,
)
from app.text import clean_text

MIN_PASSWORD_LENGTH = 10


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
            Email(
                check_deliverability=False,
                message=_l(
                    "Adresse électronique invalide : écrivez-la sous la forme "
                    "nom@exemple.org."
                ),
            ),
            Length(max=254),
        ],
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        _l("Mot de passe"),
        description=_l("%(count)d caractères au moins.", count=MIN_PASSWORD_LENGTH),
        validators=[
            DataRequired(),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l(
                    "Choisissez un mot de passe de %(low)d à %(high)d caractères.",
                    low=MIN_PASSWORD_LENGTH,
                    high=200,
                ),
            ),
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
        validators=[DataRequired()],
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        _l("Mot de passe"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Rester connecté sur cet appareil"))
