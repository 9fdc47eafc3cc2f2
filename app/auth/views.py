import logging
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import resets, services
from app.auth.forms import ForgotPasswordForm, LoginForm, NewPasswordForm, SignupForm
from app.auth.limits import LimitReached
from app.extensions import db, login_manager
from app.mail import mail_is_configured, send_mail
from app.models import User

logger = logging.getLogger(__name__)
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
        try:
            user = services.sign_in(
                form.email.data, form.password.data, request.remote_addr
            )
        except LimitReached as blocked:
            flash(_sign_in_blocked_message(blocked.minutes), "error")
            return _too_many_requests("auth/login.html", blocked, form=form)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
        flash(_("Adresse ou mot de passe incorrect."), "error")
    return render_template("auth/login.html", form=form)


def _sign_in_blocked_message(minutes: int) -> str:
    return ngettext(
        "Trop de tentatives de connexion : réessayez dans %(num)d minute, ou "
        "choisissez un nouveau mot de passe avec « Mot de passe oublié ? ».",
        "Trop de tentatives de connexion : réessayez dans %(num)d minutes, ou "
        "choisissez un nouveau mot de passe avec « Mot de passe oublié ? ».",
        minutes,
    )


def _too_many_requests(template: str, blocked: LimitReached, **context):
    """Render the page with status 429 and the wait in a Retry-After header."""
    headers = {"Retry-After": str(blocked.minutes * 60)}
    return render_template(template, **context), 429, headers


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("Vous êtes déconnecté."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/forgot_password.html", form=form)

    try:
        reset = resets.request_password_reset(form.email.data, request.remote_addr)
    except LimitReached as blocked:
        flash(_reset_blocked_message(blocked.minutes), "error")
        return _too_many_requests("auth/forgot_password.html", blocked, form=form)
    if reset is not None:
        _send_reset_link(*reset)
    # The same message whether or not an account uses the address.
    # NOTE: the response still takes longer when an account exists and a mail
    # server is set, by the time the SMTP exchange takes, which a patient
    # attacker could measure. Sending from a background queue would end that.
    flash(
        _(
            "Si un compte utilise l'adresse %(email)s, un lien pour choisir un "
            "nouveau mot de passe vient d'y être envoyé. Il est valable une heure. "
            "Sans message d'ici quelques minutes, regardez dans les courriers "
            "indésirables, puis demandez à l'administrateur de la plateforme.",
            email=form.email.data.strip(),
        ),
        "info",
    )
    return redirect(url_for("auth.login"))


def _reset_blocked_message(minutes: int) -> str:
    return ngettext(
        "Trop de demandes de réinitialisation depuis votre connexion : "
        "réessayez dans %(num)d minute.",
        "Trop de demandes de réinitialisation depuis votre connexion : "
        "réessayez dans %(num)d minutes.",
        minutes,
    )


def _send_reset_link(user: User, token: str) -> None:
    if not mail_is_configured():
        # Showing the link to the requester would let anyone take any account.
        logger.warning(
            "password reset link for user %s not sent because no mail server "
            "is configured (AUTODIAG_SMTP_HOST). An administrator can create "
            "one with 'autodiag user reset-password EMAIL'.",
            user.id,
        )
        return
    link = url_for("auth.reset_password", token=token, _external=True)
    body = _(
        "Bonjour,\n\n"
        "Quelqu'un, sans doute vous, a demandé à changer le mot de passe de "
        "votre compte autodiag (%(email)s).\n\n"
        "Pour choisir un nouveau mot de passe, ouvrez ce lien dans l'heure ; il "
        "ne sert qu'une fois :\n%(link)s\n\n"
        "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe "
        "reste le même.\n",
        email=user.email,
        link=link,
    )
    send_mail(user.email, _("Choisir un nouveau mot de passe autodiag"), body)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    reset = resets.find_usable_token(token)
    if reset is None:
        return render_template("auth/reset_unusable.html"), 404
    form = NewPasswordForm(db.session.get(User, reset.user_id))
    if not form.validate_on_submit():
        return render_template("auth/reset_password.html", form=form)

    try:
        user = resets.reset_password(token, form.password.data)
    except resets.ResetTokenUnusable:
        return render_template("auth/reset_unusable.html"), 404
    login_user(user)
    flash(
        _(
            "Votre mot de passe est changé et vous êtes connecté. Vos autres "
            "sessions sont fermées."
        ),
        "success",
    )
    return redirect(url_for("dashboard.index"))


def safe_next(target: str | None) -> str:
    """Return target if it is a path on this site, else the dashboard."""
    default = url_for("dashboard.index")
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return default
    return target
