from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, logout_user

from app.auth.limits import LimitReached
from app.models import Organisation
from app.organisations.attributes import (
    DEPARTEMENTS,
    LEGAL_FORMS,
    SECTORS,
    SIZE_BANDS,
)
from app.privacy import services
from app.privacy.forms import DeletionForm, ExportForm
from app.teams.views import pilot_required

bp = Blueprint("privacy", __name__, url_prefix="/organisation")

# Set in the signed-out session after a deletion, so that the confirmation page
# is shown to its author only.
DELETED_FLAG = "organisation_deleted"


def _own_organisation_or_404() -> Organisation:
    organisation = current_user.organisation
    if organisation is None:
        abort(404)
    return organisation


@bp.get("/data")
@login_required
def data():
    organisation = _own_organisation_or_404()
    return render_template(
        "privacy/data.html", organisation=organisation, form=ExportForm()
    )


@bp.post("/data/download")
@login_required
def download():
    organisation = _own_organisation_or_404()
    ExportForm().validate() or abort(400)

    filename, content = services.export_organisation_data(organisation, current_user)
    return Response(
        content,
        content_type="application/json; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/delete", methods=["GET", "POST"])
@pilot_required
def delete():
    organisation = current_user.organisation
    form = DeletionForm()
    if form.validate_on_submit():
        try:
            services.delete_organisation(
                organisation,
                current_user,
                form.name.data,
                form.password.data,
                request.remote_addr,
            )
        except services.NameMismatch:
            form.name.errors.append(
                _(
                    "Le nom saisi ne correspond pas : tapez « %(name)s ».",
                    name=organisation.name,
                )
            )
        except LimitReached as blocked:
            form.password.errors.append(_blocked_message(blocked.minutes))
            return _render_delete(organisation, form), 429, _retry_after(blocked)
        except services.WrongPassword:
            form.password.errors.append(
                _("Mot de passe incorrect : saisissez celui de votre compte.")
            )
        else:
            return _end_session_after_deletion()
    return _render_delete(organisation, form)


def _render_delete(organisation: Organisation, form: DeletionForm) -> str:
    return render_template(
        "privacy/delete.html",
        organisation=organisation,
        form=form,
        counts=services.count_rows(organisation),
        labels=_attribute_labels(organisation),
    )


def _blocked_message(minutes: int) -> str:
    return ngettext(
        "Trop de mots de passe incorrects : réessayez dans %(num)d minute.",
        "Trop de mots de passe incorrects : réessayez dans %(num)d minutes.",
        minutes,
    )


def _retry_after(blocked: LimitReached) -> dict[str, str]:
    return {"Retry-After": str(blocked.minutes * 60)}


def _end_session_after_deletion():
    session.clear()
    logout_user()
    session[DELETED_FLAG] = True
    return redirect(url_for("privacy.deleted"))


@bp.get("/deleted")
def deleted():
    if not session.pop(DELETED_FLAG, False):
        return redirect(url_for("auth.login"))
    return render_template("privacy/deleted.html")


def _attribute_labels(organisation: Organisation) -> list[str]:
    """Return the labels of the attributes that the anonymous row keeps."""
    departement = DEPARTEMENTS.get(organisation.departement)
    return [
        LEGAL_FORMS.get(organisation.legal_form, organisation.legal_form),
        SECTORS.get(organisation.sector, organisation.sector),
        SIZE_BANDS.get(organisation.size_band, organisation.size_band),
        f"{organisation.departement} {departement.name if departement else ''}".strip(),
    ]
