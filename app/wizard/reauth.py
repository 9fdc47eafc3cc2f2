"""Signing in again from a wizard step sent after the session ended."""

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import login_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from app.auth.limits import LimitReached
from app.auth.services import sign_in

EMAIL_FIELD = "reauth-email"
PASSWORD_FIELD = "reauth-password"
OWN_FIELDS = {EMAIL_FIELD, PASSWORD_FIELD, "csrf_token"}


def sign_in_again():
    """Sign in with the credentials sent along the step, or ask for them.

    Returns True once signed in, so the step is then saved as sent; otherwise
    returns the sign-in page, which keeps every field of the step.
    """
    if EMAIL_FIELD not in request.form:
        return _page(None), 401
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError):
        return _page(_("La page a expiré : saisissez à nouveau vos identifiants.")), 401

    try:
        user = sign_in(
            request.form[EMAIL_FIELD],
            request.form.get(PASSWORD_FIELD, ""),
            request.remote_addr,
        )
    except LimitReached as blocked:
        message = _(
            "Trop de tentatives de connexion : réessayez dans %(minutes)d min.",
            minutes=blocked.minutes,
        )
        return _page(message), 429
    if user is None:
        return _page(_("Adresse ou mot de passe incorrect.")), 401
    login_user(user)
    return True


def _page(error: str | None):
    kept = [
        (name, value)
        for name, values in request.form.lists()
        if name not in OWN_FIELDS
        for value in values
    ]
    return render_template("wizard/sign_in_again.html", kept=kept, error=error)
