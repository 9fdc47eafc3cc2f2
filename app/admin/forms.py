from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.models import PlatformRole

PLATFORM_ROLE_LABELS = {
    PlatformRole.STAFF: _l("Équipe régionale"),
    PlatformRole.REVIEWER: _l("Groupe de travail du label"),
    PlatformRole.ADMIN: _l("Administration"),
}


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(r.value, label) for r, label in PLATFORM_ROLE_LABELS.items()]


class PlatformUserForm(FlaskForm):
    email = EmailField(
        _l("Adresse électronique"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )
    role = SelectField(_l("Rôle"), choices=_role_choices())


class PlatformRoleForm(FlaskForm):
    role = SelectField(_l("Rôle"), choices=_role_choices())


class AuditFilterForm(FlaskForm):
    """Filters of the audit log, sent in the query string."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()], validate_choice=False)
    email = StringField(_l("Adresse de la personne"), validators=[Optional()])
    since = DateField(_l("Depuis le"), validators=[Optional()])
    until = DateField(_l("Jusqu'au"), validators=[Optional()])
