"""Lookup of the signed-in organisation's own diagnostics for views."""

from flask import abort
from flask_login import current_user

from app.diagnostics.services import find_diagnostic
from app.models import Diagnostic


def own_diagnostic_or_404(public_id: str) -> Diagnostic:
    """Return the diagnostic if it belongs to the user's organisation, else 404.

    Another organisation's diagnostic gets the same 404 as a missing one, so
    its existence is not revealed.
    """
    diagnostic = find_diagnostic(public_id, current_user.organisation_id)
    if diagnostic is None:
        abort(404)
    return diagnostic
