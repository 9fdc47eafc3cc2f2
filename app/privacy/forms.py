from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from app.text import clean_text


class ExportForm(FlaskForm):
    """A form with only its CSRF token, for the download button."""


class DeletionForm(FlaskForm):
    name = StringField(
        _l("Nom de l'organisation"),
        validators=[
            DataRequired(_l("Tapez le nom de l'organisation pour confirmer.")),
            Length(max=200),
        ],
        filters=[clean_text],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Votre mot de passe"),
        validators=[
            DataRequired(_l("Saisissez votre mot de passe pour confirmer.")),
            Length(max=200),
        ],
        render_kw={"autocomplete": "current-password"},
    )
