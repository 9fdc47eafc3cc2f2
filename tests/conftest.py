"""Shared fixtures: an app on a real migrated SQLite database per test."""

import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from werkzeug.security import generate_password_hash

from app import catalogue as catalogue_module
from app import create_app
from app.auth.services import register_organisation
from app.extensions import db
from app.models import User
from app.models import user as user_module
from questionnaires import Questionnaire

PASSWORD = "correct-horse-battery"


def _settings(database: Path, **extra) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "WTF_CSRF_ENABLED": False,
        **extra,
    }


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    """Build the schema once with the real migrations; tests get a copy."""
    folder = tmp_path_factory.mktemp("template-db")
    database = folder / "template.sqlite3"
    app = create_app(_settings(database))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database


class IsolatedClient(FlaskClient):
    """Test client that runs each request in its own application context.

    The test itself holds an application context for database access. Without
    a fresh one per request, ``g`` (where Flask-Login caches the user) and the
    database session would be shared between requests, unlike in production.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


# Questionnaires parsed by earlier tests, by path and modification time.
LOADED_QUESTIONNAIRES: dict[tuple[str, int], Questionnaire] = {}


@pytest.fixture
def reuse_parsed_questionnaires(monkeypatch):
    """Parse each questionnaire file once per session instead of once per app.

    Parsing the built-in file is the slowest step of create_app, which every
    test calls. Questionnaire objects are frozen, so sharing them is safe.
    """
    parse = catalogue_module.load_questionnaire

    def load(path):
        key = (str(path), Path(path).stat().st_mtime_ns)
        if key not in LOADED_QUESTIONNAIRES:
            LOADED_QUESTIONNAIRES[key] = parse(path)
        return LOADED_QUESTIONNAIRES[key]

    monkeypatch.setattr(catalogue_module, "load_questionnaire", load)


@pytest.fixture
def fast_password_hashing(monkeypatch):
    """Hash passwords with a cheap method, because scrypt is slow by design."""

    def hash_quickly(password: str) -> str:
        return generate_password_hash(password, method="pbkdf2:sha256:1000")

    monkeypatch.setattr(user_module, "generate_password_hash", hash_quickly)


@pytest.fixture
def make_app(
    tmp_path, migrated_database, monkeypatch, reuse_parsed_questionnaires
) -> Iterator[Callable[..., Flask]]:
    """Return a factory of apps on a fresh copy of the migrated database.

    Settings given to the factory override the test settings, for example
    ``make_app(WTF_CSRF_ENABLED=True)``. The app's context stays pushed until
    the test ends.
    """
    monkeypatch.setenv("AUTODIAG_INSTANCE_PATH", str(tmp_path / "instance"))
    with ExitStack() as stack:

        def make(**settings) -> Flask:
            database = tmp_path / "autodiag.sqlite3"
            shutil.copy(migrated_database, database)
            app = create_app(_settings(database, **settings))
            app.test_client_class = IsolatedClient
            stack.enter_context(app.app_context())
            stack.callback(_close_database)
            return app

        yield make


def _close_database() -> None:
    db.session.remove()
    db.engine.dispose()


@pytest.fixture
def app(make_app, fast_password_hashing) -> Flask:
    return make_app()


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@dataclass
class Member:
    user_id: int
    email: str
    organisation_id: int

    @property
    def user(self) -> User:
        return db.session.get(User, self.user_id)


@pytest.fixture
def make_member(app):
    """Create an organisation with one member; call it once per organisation."""
    count = 0

    def make(name: str | None = None) -> Member:
        nonlocal count
        count += 1
        user = register_organisation(
            name=name or f"Association {count}",
            legal_form="association",
            sector="culture",
            size_band="1-9",
            departement="44",
            siren=None,
            email=f"member{count}@example.org",
            password=PASSWORD,
        )
        return Member(user.id, user.email, user.organisation_id)

    return make


@pytest.fixture
def login(client):
    def sign_in(member: Member, password: str = PASSWORD):
        return client.post("/login", data={"email": member.email, "password": password})

    return sign_in


@pytest.fixture
def questionnaire(app):
    from app.catalogue import catalogue

    return catalogue().latest("guide-bonnes-pratiques")
