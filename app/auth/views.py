from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import services
from app.auth.forms import LoginForm, SignupForm
from app.extensions import db, login_manager
from app.models import User

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Return the session's user, unless the session was ended since."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = SignupForm()
    if form.validate_on_submit():
        values = {name: form[name].data for name in services.SIGNUP_FIELDS}
        try:
            user = services.register_organisation(**values)
        except services.EmailTaken:
            form.email.errors.append(
                _("Un compte utilise déjà cette adresse : connectez-vous.")
            )
        except services.SirenTaken:
            form.siren.errors.append(
                _("Une organisation utilise déjà ce SIREN : demandez à son pilote.")
            )
        else:
            login_user(user)
            flash(_("Bienvenue ! Votre organisation est créée."), "success")
            return redirect(url_for("dashboard.index"))
    return render_template("auth/signup.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
        flash(_("Adresse ou mot de passe incorrect."), "error")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("Vous êtes déconnecté."), "info")
    return redirect(url_for("auth.login"))


def safe_next(target: str | None) -> str:
    """Return target if it is a path on this site, else the dashboard."""
    default = url_for("dashboard.index")
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return default
    return target
