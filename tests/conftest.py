"""Shared fixtures: an app on a fresh, migrated database per test.

The database is SQLite unless AUTODIAG_TEST_POSTGRES_URL is set to the URL of a
PostgreSQL database (the maintenance database ``postgres``, say) on a server
where the run may create and drop databases. Then every test that uses the
database runs on a PostgreSQL database of its own, created from a migrated
template, and ``pytest``'s header names the engine.
"""

import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy.engine import URL, make_url
from werkzeug.security import generate_password_hash

from app import catalogue as catalogue_module
from app import create_app
from app.auth.services import register_organisation
from app.config import normalize_database_url
from app.database import SQLITE_BUSY_TIMEOUT
from app.extensions import db
from app.models import User
from app.models import user as user_module
from questionnaires import Questionnaire

PASSWORD = "correct-horse-battery"
POSTGRES_URL_VARIABLE = "AUTODIAG_TEST_POSTGRES_URL"
# On PostgreSQL, how long a test's statement waits for a lock before it fails.
LOCK_TIMEOUT = f"{SQLITE_BUSY_TIMEOUT}s"


def _settings(database_url: str, **extra) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        **extra,
    }


def postgres_server_url() -> URL | None:
    """Return the PostgreSQL URL that the tests run on, or None for SQLite."""
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        return None
    return make_url(normalize_database_url(url))


def pytest_report_header(config: pytest.Config) -> str:
    server_url = postgres_server_url()
    if server_url is None:
        return f"database: SQLite ({POSTGRES_URL_VARIABLE} is not set)"
    return f"database: PostgreSQL at {server_url.render_as_string()}"


def migrate(database_url: str) -> None:
    """Apply the real migrations to an empty database, as ``autodiag db upgrade``."""
    app = create_app(_settings(database_url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


class SQLiteDatabases:
    """Test databases as files, each a copy of one migrated template file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.template = folder / "template.sqlite3"
        self.count = 0

    def create_template(self) -> None:
        migrate(f"sqlite:///{self.template}")

    def create(self, migrated: bool) -> str:
        self.count += 1
        path = self.folder / f"test-{self.count}.sqlite3"
        if migrated:
            shutil.copy(self.template, path)
        # SQLite creates a missing file on the first connection.
        return f"sqlite:///{path}"

    def drop(self, database_url: str) -> None:
        Path(make_url(database_url).database).unlink(missing_ok=True)

    def close(self) -> None:
        self.template.unlink(missing_ok=True)


class PostgresDatabases:
    """Test databases on a PostgreSQL server, each created from a migrated template.

    Every database name starts with a random prefix, so that runs sharing a
    server never touch each other's databases. A run that is killed leaves its
    databases behind: they are named ``autodiag_test_<prefix>_...``.
    """

    def __init__(self, server_url: URL) -> None:
        self.server_url = server_url
        self.prefix = f"autodiag_test_{secrets.token_hex(4)}"
        self.template = f"{self.prefix}_template"
        self.count = 0
        self.existing: set[str] = set()
        # CREATE DATABASE and DROP DATABASE cannot run inside a transaction.
        self.admin_engine = sqlalchemy.create_engine(
            server_url, isolation_level="AUTOCOMMIT", poolclass=sqlalchemy.NullPool
        )
        self.admin = self.admin_engine.connect()

    def create_template(self) -> None:
        self._create(self.template, "template0")
        migrate(self._url(self.template))
        # CREATE DATABASE ... TEMPLATE fails while anyone is connected to the
        # template, so no connection to it is allowed from now on.
        self._execute(
            f"ALTER DATABASE {self._quote(self.template)} ALLOW_CONNECTIONS false"
        )

    def create(self, migrated: bool) -> str:
        self.count += 1
        name = f"{self.prefix}_{self.count}"
        self._create(name, self.template if migrated else "template0")
        return self._url(name)

    def drop(self, database_url: str) -> None:
        self._drop(make_url(database_url).database)

    def close(self) -> None:
        for name in sorted(self.existing):
            self._drop(name)
        self.admin.close()
        self.admin_engine.dispose()

    def _create(self, name: str, template: str) -> None:
        # template0 never changes, so a database created from it is empty even
        # when the server's template1 contains tables.
        self._execute(
            f"CREATE DATABASE {self._quote(name)} TEMPLATE {self._quote(template)}"
        )
        self.existing.add(name)
        # A statement that waits for a lock fails after LOCK_TIMEOUT, like a
        # SQLite writer after its busy timeout, instead of hanging the run when
        # the test itself holds the lock. pg_dump and pg_restore set their
        # own lock_timeout to 0, so they can still wait forever.
        self._execute(
            f"ALTER DATABASE {self._quote(name)} SET lock_timeout = '{LOCK_TIMEOUT}'"
        )

    def _drop(self, name: str) -> None:
        # FORCE (PostgreSQL 13 and later) first ends the sessions still
        # connected, such as those of an engine that a test left open.
        self._execute(f"DROP DATABASE IF EXISTS {self._quote(name)} WITH (FORCE)")
        self.existing.discard(name)

    def _execute(self, statement: str) -> None:
        self.admin.exec_driver_sql(statement)

    def _quote(self, name: str) -> str:
        return self.admin_engine.dialect.identifier_preparer.quote(name)

    def _url(self, name: str) -> str:
        return self.server_url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def databases(tmp_path_factory) -> Iterator[SQLiteDatabases | PostgresDatabases]:
    """Build the migrated template database once per run, on the chosen engine."""
    folder = tmp_path_factory.mktemp("databases")
    server_url = postgres_server_url()
    if server_url is None:
        test_databases = SQLiteDatabases(folder)
    else:
        try:
            test_databases = PostgresDatabases(server_url)
        except sqlalchemy.exc.DBAPIError as error:
            reason = str(error.orig).strip()
            pytest.exit(
                f"cannot connect to PostgreSQL at {server_url.render_as_string()}"
                f" ({POSTGRES_URL_VARIABLE}): start the server, or unset"
                f" {POSTGRES_URL_VARIABLE} to test on SQLite.\n{reason}",
                returncode=pytest.ExitCode.USAGE_ERROR,
            )

    try:
        # The app that runs the migrations writes to its instance folder.
        with pytest.MonkeyPatch.context() as monkeypatch:
            monkeypatch.setenv("AUTODIAG_INSTANCE_PATH", str(folder / "instance"))
            test_databases.create_template()
        yield test_databases
    finally:
        test_databases.close()


@pytest.fixture
def make_database(databases) -> Iterator[Callable[..., str]]:
    """Return a factory of fresh databases, each dropped when the test ends.

    ``make_database()`` returns the URL of a new copy of the migrated
    template, and ``make_database(migrated=False)`` that of a new empty database.
    """
    created: list[str] = []

    def make(migrated: bool = True) -> str:
        database_url = databases.create(migrated)
        created.append(database_url)
        return database_url

    yield make

    for database_url in created:
        databases.drop(database_url)


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
    tmp_path, make_database, monkeypatch, reuse_parsed_questionnaires
) -> Iterator[Callable[..., Flask]]:
    """Return a factory of apps, each on a fresh copy of the migrated database.

    Settings given to the factory override the test settings, for example
    ``make_app(WTF_CSRF_ENABLED=True)``. Given SQLALCHEMY_DATABASE_URI, the app
    uses that database instead. The app's context stays pushed until the test
    ends.
    """
    monkeypatch.setenv("AUTODIAG_INSTANCE_PATH", str(tmp_path / "instance"))
    with ExitStack() as stack:

        def make(**settings) -> Flask:
            database_url = settings.pop("SQLALCHEMY_DATABASE_URI", None)
            app = create_app(_settings(database_url or make_database(), **settings))
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
