"""Shared fixtures: an app on a real migrated SQLite database per test."""

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from app import create_app
from app.auth.services import register_organisation
from app.extensions import db
from app.models import User

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


@pytest.fixture
def app(tmp_path, migrated_database, monkeypatch) -> Iterator[Flask]:
    monkeypatch.setenv("AUTODIAG_INSTANCE_PATH", str(tmp_path / "instance"))
    database = tmp_path / "autodiag.sqlite3"
    shutil.copy(migrated_database, database)
    app = create_app(_settings(database))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


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
