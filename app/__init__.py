"""autodiag's Flask application: create_app() builds it from settings."""

import os
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import load_settings


def create_app(settings: dict[str, Any] | None = None) -> Flask:
    """Create the application, with settings that override the environment's."""
    instance_path = os.environ.get("AUTODIAG_INSTANCE_PATH") or None
    app = Flask(__name__, instance_path=instance_path)
    load_settings(app, settings or {})

    register_logging(app)
    register_security(app)
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_commands(app)
    register_proxy(app)
    return app


def register_security(app: Flask) -> None:
    from app.security import init_security_headers

    init_security_headers(app)


def register_logging(app: Flask) -> None:
    from app.observability import configure_logging, init_request_logging

    if not app.testing:
        configure_logging(app)
    init_request_logging(app)


def register_extensions(app: Flask) -> None:
    from app.catalogue import init_catalogue
    from app.database import init_database
    from app.extensions import babel, csrf, db, login_manager, migrate

    db.init_app(app)
    init_database(app)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=lambda: app.config["BABEL_DEFAULT_LOCALE"])
    init_catalogue(app)


def register_blueprints(app: Flask) -> None:
    from app.accounts.views import bp as accounts_bp
    from app.admin.views import bp as admin_bp
    from app.auth.views import bp as auth_bp
    from app.dashboard.views import bp as dashboard_bp
    from app.errors.handlers import register_error_handlers
    from app.health.views import bp as health_bp
    from app.platform.views import bp as platform_bp
    from app.privacy.views import bp as privacy_bp
    from app.results.views import bp as results_bp
    from app.teams.views import bp as teams_bp
    from app.wizard.views import bp as wizard_bp

    blueprints = (
        auth_bp,
        accounts_bp,
        dashboard_bp,
        wizard_bp,
        results_bp,
        teams_bp,
        admin_bp,
        platform_bp,
        privacy_bp,
        health_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    register_error_handlers(app)


def register_template_helpers(app: Flask) -> None:
    from app import formatting

    app.jinja_env.filters["number"] = formatting.format_number
    app.jinja_env.filters["plain_number"] = formatting.format_plain_number
    app.jinja_env.filters["datetime"] = formatting.format_datetime
    app.jinja_env.filters["date"] = formatting.format_date


def register_commands(app: Flask) -> None:
    from app.cli import register_cli

    register_cli(app)


def register_proxy(app: Flask) -> None:
    """Trust the X-Forwarded-* headers of the configured number of proxies."""
    count = app.config["PROXY_COUNT"]
    if count:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count
        )
