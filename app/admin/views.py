from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from app.admin import services
from app.admin.forms import (
    PLATFORM_ROLE_LABELS,
    AuditFilterForm,
    PlatformRoleForm,
    PlatformUserForm,
)
from app.auth.services import EmailTaken
from app.extensions import db
from app.models import Organisation, PlatformRole, User

bp = Blueprint("admin", __name__, url_prefix="/admin")


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.route("/users", methods=["GET", "POST"])
@admin_required
def users():
    form = PlatformUserForm()
    if form.validate_on_submit():
        try:
            user, password = services.create_platform_user(
                form.email.data, PlatformRole(form.role.data), current_user
            )
        except EmailTaken:
            form.email.errors.append(_("Un compte utilise déjà cette adresse."))
        else:
            flash(
                _(
                    "Compte créé pour %(email)s. Mot de passe provisoire, "
                    "à transmettre de façon sûre : %(password)s",
                    email=user.email,
                    password=password,
                ),
                "success",
            )
            return redirect(url_for("admin.users"))
    return render_template(
        "admin/users.html",
        form=form,
        role_form=PlatformRoleForm(),
        users=services.platform_users(),
        role_labels=PLATFORM_ROLE_LABELS,
    )


@bp.post("/users/<public_id>/role")
@admin_required
def change_role(public_id: str):
    form = PlatformRoleForm()
    if not form.validate():
        abort(400)
    user = db.session.scalar(select(User).where(User.public_id == public_id))
    if user is None or not user.is_platform:
        abort(404)
    if user.id == current_user.id and form.role.data != PlatformRole.ADMIN:
        flash(
            _("Vous ne pouvez pas retirer votre propre rôle d'administration."), "error"
        )
        return redirect(url_for("admin.users"))
    services.change_platform_role(user, PlatformRole(form.role.data), current_user)
    flash(_("Rôle de %(email)s modifié.", email=user.email), "success")
    return redirect(url_for("admin.users"))


@bp.get("/audit")
@admin_required
def audit():
    form = AuditFilterForm(request.args)
    form.action.choices = [SelectChoice("", _("Toutes"))] + [
        SelectChoice(action) for action in services.audit_actions()
    ]
    form.validate()
    page = request.args.get("page", 1, type=int)
    criteria = services.AuditFilter(
        action=form.action.data or None,
        email=form.email.data or None,
        since=form.since.data if not form.since.errors else None,
        until=form.until.data if not form.until.errors else None,
    )
    events = services.audit_events(criteria, max(page, 1))
    return render_template(
        "admin/audit.html",
        form=form,
        events=events,
        page=max(page, 1),
        page_size=services.AUDIT_PAGE_SIZE,
        filters={k: v for k, v in request.args.items() if k != "page"},
        actors=_names(User, {e.actor_id for e in events}, "email"),
        organisations=_names(Organisation, {e.organisation_id for e in events}, "name"),
    )


def _names(model, ids: set, attribute: str) -> dict:
    ids.discard(None)
    if not ids:
        return {}
    rows = db.session.scalars(select(model).where(model.id.in_(ids)))
    return {row.id: getattr(row, attribute) for row in rows}
