"""Pages for the platform's staff and reviewers: the organisations they follow."""

from functools import wraps

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.extensions import db
from app.models import Diagnostic, DiagnosticStatus, Organisation, User
from app.organisations.attributes import DEPARTEMENTS, LEGAL_FORMS, SIZE_BANDS

bp = Blueprint("platform", __name__, url_prefix="/platform")


def platform_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_platform:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.get("/organisations")
@platform_required
def organisations():
    members = (
        select(User.organisation_id, func.count().label("members"))
        .group_by(User.organisation_id)
        .subquery()
    )
    submitted = (
        select(
            Diagnostic.organisation_id,
            func.count().label("submitted"),
            func.max(Diagnostic.submitted_at).label("last_submitted_at"),
        )
        .where(Diagnostic.status == DiagnosticStatus.SUBMITTED)
        .group_by(Diagnostic.organisation_id)
        .subquery()
    )
    statement = (
        select(
            Organisation,
            func.coalesce(members.c.members, 0),
            func.coalesce(submitted.c.submitted, 0),
            submitted.c.last_submitted_at,
        )
        .outerjoin(members, members.c.organisation_id == Organisation.id)
        .outerjoin(submitted, submitted.c.organisation_id == Organisation.id)
        .where(Organisation.anonymised_at.is_(None))
        .order_by(Organisation.name)
    )
    return render_template(
        "platform/organisations.html",
        rows=db.session.execute(statement).all(),
        legal_forms=LEGAL_FORMS,
        size_bands=SIZE_BANDS,
        departements=DEPARTEMENTS,
    )
