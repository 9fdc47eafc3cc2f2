"""Structured logs: one JSON line per request, with a request id on every line."""

import logging
import re
import time
import uuid

from flask import Flask, Response, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

request_logger = logging.getLogger("autodiag.requests")

# An id sent by a proxy is kept only if it is short and plain, so that a client
# cannot write arbitrary text into the logs.
REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
SECRET_URL_ARGUMENTS = {"token"}
RENAMED_FIELDS = {"asctime": "time", "levelname": "level", "name": "logger"}
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"


class RequestIdFilter(logging.Filter):
    """Add the current request's id to every record, or "-" outside requests."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = g.get("request_id", "-")
        else:
            record.request_id = "-"
        return True


def configure_logging(app: Flask) -> None:
    """Send the app's logs to standard error, as JSON lines or as plain text."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    if app.config["LOG_FORMAT"] == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={
                    "asctime": "time",
                    "levelname": "level",
                    "name": "logger",
                },
            )
        )
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))

    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(app.config["LOG_LEVEL"])
    # Alembic lists its plugins at INFO each time the app starts.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def init_request_logging(app: Flask) -> None:
    app.before_request(_start_request)
    app.after_request(_log_request)


def _start_request() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID_PATTERN.match(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _path_without_secrets() -> str:
    # Invitation and password reset links carry their secret token in the
    # path: the log keeps the route and drops the token.
    path = request.path
    for name, value in (request.view_args or {}).items():
        if name in SECRET_URL_ARGUMENTS and isinstance(value, str) and value:
            path = path.replace(value, "[secret]")
    return path


def _log_request(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.get("request_id", "")
    started = g.get("request_started")
    duration = (time.perf_counter() - started) * 1000 if started else None
    # The user is logged only if the view loaded it: loading it here would cost
    # a query on every static file.
    user = g.get("_login_user")
    is_member = user is not None and user.is_authenticated
    request_logger.info(
        "request",
        extra={
            "method": request.method,
            "route": request.url_rule.rule if request.url_rule else None,
            "path": _path_without_secrets(),
            "status": response.status_code,
            "duration_ms": round(duration, 1) if duration is not None else None,
            "user_id": user.id if is_member else None,
            "organisation_id": user.organisation_id if is_member else None,
            "request_id": g.get("request_id"),
        },
    )
    return response
