from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, ValidationError

from app.auth.forms import NewPasswordForm


class PasswordChangeForm(NewPasswordForm):
    current_password = PasswordField(
        _l("Mot de passe actuel"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )

    def validate_password(self, field: PasswordField) -> None:
        if field.data == self.current_password.data:
            raise ValidationError(
                _l("Choisissez un nouveau mot de passe, différent de l'actuel.")
            )


class ConfirmForm(FlaskForm):
    """A form with only its CSRF token, for buttons that change something."""
