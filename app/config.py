"""Settings, read from AUTODIAG_* environment variables with safe defaults."""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from app.database import engine_options
from questionnaires import BUILTIN_DIRECTORY

SECRET_KEY_FILE = "secret_key"
DATABASE_FILE = "autodiag.sqlite3"


def load_settings(app: Flask, overrides: dict[str, Any]) -> None:
    """Fill app.config from defaults, the environment, then ``overrides``."""
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)

    database_url = os.environ.get("AUTODIAG_DATABASE_URL") or (
        f"sqlite:///{instance / DATABASE_FILE}"
    )
    extra_questionnaires = os.environ.get("AUTODIAG_QUESTIONNAIRE_DIR")
    app.config.update(
        SQLALCHEMY_DATABASE_URI=database_url,
        SECRET_KEY=os.environ.get("AUTODIAG_SECRET_KEY") or None,
        QUESTIONNAIRE_DIRS=[str(BUILTIN_DIRECTORY)]
        + ([extra_questionnaires] if extra_questionnaires else []),
        LOG_LEVEL=os.environ.get("AUTODIAG_LOG_LEVEL", "INFO"),
        LOG_FORMAT=os.environ.get("AUTODIAG_LOG_FORMAT", "json"),
        # Number of reverse proxies in front of the app whose X-Forwarded-*
        # headers are trusted; 0 trusts none.
        PROXY_COUNT=int(os.environ.get("AUTODIAG_PROXY_COUNT", "0")),
        # Invitations are mailed when an SMTP host is set, else shown to copy.
        SMTP_HOST=os.environ.get("AUTODIAG_SMTP_HOST", ""),
        SMTP_PORT=int(os.environ.get("AUTODIAG_SMTP_PORT", "587")),
        SMTP_USERNAME=os.environ.get("AUTODIAG_SMTP_USERNAME", ""),
        SMTP_PASSWORD=os.environ.get("AUTODIAG_SMTP_PASSWORD", ""),
        SMTP_STARTTLS=not os.environ.get("AUTODIAG_SMTP_STARTTLS", "1") == "0",
        MAIL_SENDER=os.environ.get("AUTODIAG_MAIL_SENDER", "autodiag@localhost"),
        # The CSRF token lives as long as the session, so a wizard page left
        # open for hours can still be saved.
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_DEFAULT_LOCALE="fr",
        BABEL_DEFAULT_TIMEZONE="Europe/Paris",
        SESSION_COOKIE_HTTPONLY=True,
        # Browsers send Secure cookies over HTTPS only: set AUTODIAG_HTTPS=1
        # when people reach the app through HTTPS.
        SESSION_COOKIE_SECURE=_flag("AUTODIAG_HTTPS"),
        REMEMBER_COOKIE_SECURE=_flag("AUTODIAG_HTTPS"),
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(days=14),
    )
    app.config.update(overrides)

    database_url = normalize_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(database_url))
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = read_or_create_secret_key(instance)


def _flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes", "on")


def normalize_database_url(url: str) -> str:
    """Select the psycopg 3 driver for PostgreSQL URLs that name no driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def read_or_create_secret_key(instance: Path) -> str:
    """Return the instance's secret key, generating it on first use."""
    path = instance / SECRET_KEY_FILE
    if path.exists():
        return path.read_text(encoding="ascii").strip()

    key = secrets.token_urlsafe(48)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another process created it between the check and the open.
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(key)
    return key
