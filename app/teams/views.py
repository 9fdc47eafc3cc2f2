from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from app.auth.services import EmailTaken
from app.extensions import db
from app.mail import mail_is_configured, send_mail
from app.models import Invitation, Role, User
from app.models.base import utcnow
from app.teams import services
from app.teams.forms import ROLE_LABELS, ConfirmForm, InviteForm, JoinForm, RoleForm

bp = Blueprint("teams", __name__)


def pilot_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_pilot:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def _own_member_or_404(public_id: str) -> User:
    statement = select(User).where(
        User.public_id == public_id,
        User.organisation_id == current_user.organisation_id,
    )
    return db.session.scalar(statement) or abort(404)


@bp.get("/team")
@login_required
def index():
    organisation = current_user.organisation
    if organisation is None:
        return redirect(url_for("dashboard.index"))
    return render_template(
        "teams/index.html",
        organisation=organisation,
        members=services.members_of(organisation),
        invitations=services.open_invitations(organisation),
        role_labels=ROLE_LABELS,
        invite_form=InviteForm(),
        role_form=RoleForm(),
        confirm_form=ConfirmForm(),
    )


@bp.post("/team/invitations")
@pilot_required
def invite():
    form = InviteForm()
    if not form.validate():
        for errors in form.errors.values():
            flash(" ".join(errors), "error")
        return redirect(url_for("teams.index"))

    invitation, token = services.create_invitation(
        current_user, Role(form.role.data), form.email.data or None
    )
    link = url_for("teams.accept", token=token, _external=True)
    email = invitation.email
    if email and mail_is_configured():
        if _mail_invitation(email, link):
            flash(_("Invitation envoyée à %(email)s.", email=email), "success")
            return redirect(url_for("teams.index"))
        flash(
            _("L'envoi du message a échoué : transmettez vous-même le lien."), "error"
        )
    flash(link, "invitation")
    return redirect(url_for("teams.index"))


def _mail_invitation(email: str, link: str) -> bool:
    body = _(
        "%(organisation)s vous invite à rejoindre son équipe sur autodiag.\n\n"
        "Ouvrez ce lien dans les 7 jours pour accepter :\n%(link)s\n",
        organisation=current_user.organisation.name,
        link=link,
    )
    return send_mail(email, _("Invitation à rejoindre une équipe autodiag"), body)


@bp.post("/team/invitations/<public_id>/revoke")
@pilot_required
def revoke(public_id: str):
    ConfirmForm().validate() or abort(400)
    statement = select(Invitation).where(
        Invitation.public_id == public_id,
        Invitation.organisation_id == current_user.organisation_id,
    )
    invitation = db.session.scalar(statement) or abort(404)
    if not invitation.is_open(utcnow()):
        flash(_("Cette invitation n'est plus en attente : rien à annuler."), "info")
        return redirect(url_for("teams.index"))
    services.revoke_invitation(invitation, current_user)
    flash(_("Invitation annulée : son lien ne fonctionne plus."), "success")
    return redirect(url_for("teams.index"))


@bp.post("/team/members/<public_id>/role")
@pilot_required
def change_role(public_id: str):
    member = _own_member_or_404(public_id)
    form = RoleForm()
    if not form.validate():
        abort(400)
    if member.role == form.role.data:
        return redirect(url_for("teams.index"))
    try:
        services.change_role(member, Role(form.role.data), current_user)
    except services.LastPilot:
        flash(_("L'organisation doit garder au moins un pilote."), "error")
    else:
        flash(_("Rôle de %(email)s modifié.", email=member.email), "success")
    return redirect(url_for("teams.index"))


@bp.post("/team/members/<public_id>/remove")
@pilot_required
def remove(public_id: str):
    ConfirmForm().validate() or abort(400)
    member = _own_member_or_404(public_id)
    if member.id == current_user.id:
        flash(_("Pour partir vous-même, utilisez « Quitter l'organisation »."), "error")
        return redirect(url_for("teams.index"))
    try:
        services.remove_member(member, current_user)
    except services.LastPilot:
        flash(_("L'organisation doit garder au moins un pilote."), "error")
    else:
        flash(
            _("%(email)s ne fait plus partie de l'équipe.", email=member.email),
            "success",
        )
    return redirect(url_for("teams.index"))


@bp.post("/team/leave")
@login_required
def leave():
    ConfirmForm().validate() or abort(400)
    if current_user.organisation_id is None:
        return redirect(url_for("dashboard.index"))
    try:
        services.leave_organisation(current_user)
    except services.LastPilot:
        flash(
            _("Nommez d'abord un autre pilote : l'organisation doit en garder un."),
            "error",
        )
        return redirect(url_for("teams.index"))
    logout_user()
    flash(_("Vous avez quitté l'organisation."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept(token: str):
    invitation = services.find_open_invitation(token)
    if invitation is None:
        return render_template("teams/invitation_unusable.html"), 404
    form = JoinForm()
    form.organisation_name = invitation.organisation.name
    if current_user.is_authenticated:
        form = ConfirmForm()

    if form.validate_on_submit():
        try:
            user = _join(token, form)
        except EmailTaken:
            form.email.errors.append(
                _("Un compte utilise déjà cette adresse : connectez-vous d'abord.")
            )
        except services.AlreadyMember:
            flash(
                _(
                    "Votre compte appartient déjà à une organisation ou à l'équipe "
                    "de la plateforme : il ne peut pas rejoindre celle-ci."
                ),
                "error",
            )
        except services.InvitationUnusable:
            return render_template("teams/invitation_unusable.html"), 404
        else:
            login_user(user)
            flash(_("Bienvenue dans l'équipe !"), "success")
            return redirect(url_for("dashboard.index"))
    return render_template(
        "teams/accept.html",
        invitation=invitation,
        form=form,
        role_labels=ROLE_LABELS,
    )


def _join(token: str, form) -> User:
    if current_user.is_authenticated:
        # The service stores the user on the invitation: pass the real object,
        # not Flask-Login's proxy.
        user = current_user._get_current_object()
        return services.accept_invitation(token, user=user)
    return services.accept_invitation(
        token, email=form.email.data, password=form.password.data
    )
