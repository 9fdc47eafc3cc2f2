"""Error pages: HTML for browsers, JSON for clients that ask for it."""

import logging

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db

logger = logging.getLogger(__name__)
PAGES = (400, 403, 404, 405, 500)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, _render_http_error)
    app.register_error_handler(Exception, _render_unexpected_error)


def _render_http_error(error: HTTPException):
    if error.code == 500 or error.code is None:
        db.session.rollback()
    return _respond(error)


def _render_unexpected_error(error: Exception):
    db.session.rollback()
    if current_app.testing:
        # Tests see the real exception instead of an error page.
        raise error
    logger.exception("unhandled error on %s %s", request.method, request.path)
    return _respond(InternalServerError())


def _respond(error: HTTPException):
    code = error.code or 500
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=error.name, code=code), code
    template = f"errors/{code}.html" if code in PAGES else "errors/generic.html"
    return render_template(template, error=error), code
