from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.config import COOKIE_NAME

from app.accounts import services
from app.accounts.forms import ConfirmForm, PasswordChangeForm
from app.admin.forms import PLATFORM_ROLE_LABELS
from app.auth.limits import LimitReached
from app.models import User
from app.teams.forms import ROLE_LABELS

bp = Blueprint("accounts", __name__)


@bp.get("/account")
@login_required
def settings():
    return _render_settings(PasswordChangeForm(current_user))


@bp.post("/account/password")
@login_required
def change_password():
    form = PasswordChangeForm(current_user)
    if not form.validate_on_submit():
        return _render_settings(form)

    user = current_user._get_current_object()
    try:
        services.change_password(
            user, form.current_password.data, form.password.data, request.remote_addr
        )
    except LimitReached as blocked:
        form.current_password.errors.append(_blocked_message(blocked.minutes))
        return _render_settings(form), 429, {"Retry-After": str(blocked.minutes * 60)}
    except services.WrongPassword:
        form.current_password.errors.append(
            _(
                "Mot de passe actuel incorrect : saisissez celui qui vous sert à "
                "vous connecter."
            )
        )
        return _render_settings(form)

    _sign_in_again(user)
    flash(
        _("Mot de passe changé. Vos sessions sur les autres appareils sont fermées."),
        "success",
    )
    return redirect(url_for("accounts.settings"))


@bp.post("/account/sessions/end")
@login_required
def end_sessions():
    ConfirmForm().validate() or abort(400)
    services.end_all_sessions(current_user._get_current_object())
    logout_user()
    flash(
        _(
            "Vous êtes déconnecté de tous vos appareils, celui-ci compris. "
            "Connectez-vous à nouveau pour continuer."
        ),
        "info",
    )
    return redirect(url_for("auth.login"))


def _render_settings(form: PasswordChangeForm):
    return render_template(
        "accounts/settings.html",
        form=form,
        confirm_form=ConfirmForm(),
        role_label=_role_label(current_user),
    )


def _role_label(user: User) -> str | None:
    """Return the label of the account's role; None outside any organisation."""
    if user.is_platform:
        return str(PLATFORM_ROLE_LABELS[user.role])
    if user.organisation_id is None:
        return None
    return str(ROLE_LABELS[user.role])


def _blocked_message(minutes: int) -> str:
    return ngettext(
        "Trop de mots de passe incorrects : réessayez dans %(num)d minute.",
        "Trop de mots de passe incorrects : réessayez dans %(num)d minutes.",
        minutes,
    )


def _sign_in_again(user: User) -> None:
    """Give the current session the account's new session version.

    A "remember me" cookie is renewed too when the browser sent one, since the
    old cookie names the old version and would no longer sign in.
    """
    cookie_name = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)
    login_user(user, remember=cookie_name in request.cookies)
