from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from app.auth.forms import PASSWORD_HINT
from app.auth.passwords import PasswordRules
from app.models import Role

ROLE_LABELS = {
    Role.PILOT: _l("Pilote : gère l'équipe et soumet les diagnostics"),
    Role.CONTRIBUTOR: _l("Contributeur : remplit et commente"),
    Role.READER: _l("Lecteur : consulte seulement"),
}


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]


class InviteForm(FlaskForm):
    role = SelectField(_l("Rôle"), choices=_role_choices(), default=Role.CONTRIBUTOR)
    email = EmailField(
        _l("Adresse électronique de la personne (facultatif)"),
        validators=[Optional(), Email(check_deliverability=False), Length(max=254)],
    )


class RoleForm(FlaskForm):
    role = SelectField(_l("Rôle"), choices=_role_choices())


class ConfirmForm(FlaskForm):
    """A form with only its CSRF token, for buttons that change something."""


class JoinForm(FlaskForm):
    email = EmailField(
        _l("Adresse électronique"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        _l("Mot de passe"),
        description=PASSWORD_HINT,
        validators=[DataRequired(), PasswordRules(email_field="email")],
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
