"""Migrations keep the data of a database made by the previous release."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db

FIRST_RELEASE = "a919d867fa38"

ROWS = [
    "INSERT INTO organisation (id, name, legal_form, sector, size_band, departement,"
    " created_at) VALUES (1, 'Coop', 'scic', 'culture', '1-9', '44', :now)",
    "INSERT INTO user_account (id, email, password_hash, organisation_id, created_at)"
    " VALUES (1, 'pilote@coop.example', 'hash', 1, :now)",
    "INSERT INTO user_account (id, email, password_hash, organisation_id, created_at)"
    " VALUES (2, 'second@coop.example', 'hash', 1, :now)",
    "INSERT INTO diagnostic (id, public_id, organisation_id, questionnaire_id,"
    " questionnaire_version, campaign, status, created_at, updated_at, submitted_at,"
    " submitted_by_id) VALUES (1, 'AbCdEfGhIjKlMnOp', 1, 'guide-bonnes-pratiques',"
    " '2026.1', 2026, 'submitted', :now, :now, :now, 1)",
    "INSERT INTO answer (id, diagnostic_id, question_id, value, updated_at,"
    " updated_by_id) VALUES (1, 1, 'a_des_salaries', 'true', :now, 2)",
]


@pytest.fixture
def old_database(tmp_path, monkeypatch):
    """An app whose SQLite database has the first release's schema and data."""
    monkeypatch.setenv("AUTODIAG_INSTANCE_PATH", str(tmp_path / "instance"))
    database = tmp_path / "old.sqlite3"
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"}
    )
    with app.app_context():
        upgrade(revision=FIRST_RELEASE)
        with db.engine.begin() as connection:
            for statement in ROWS:
                connection.execute(text(statement), {"now": "2026-01-15 10:00:00"})
        yield app
        db.engine.dispose()


def test_upgrade_keeps_data(old_database):
    upgrade()

    with db.engine.connect() as connection:
        users = connection.execute(
            text("SELECT id, public_id, role, session_version FROM user_account")
        ).all()
        answer = connection.execute(text("SELECT updated_by_id FROM answer")).scalar()
        broken = connection.execute(text("PRAGMA foreign_key_check")).all()
    assert [(user.id, user.role, user.session_version) for user in users] == [
        (1, "pilot", 0),
        (2, "pilot", 0),
    ]
    assert all(len(user.public_id) == 16 for user in users)
    assert users[0].public_id != users[1].public_id
    assert answer == 2
    assert broken == []


def test_upgraded_database_serves(old_database):
    upgrade()

    client = old_database.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:0"

    assert client.get("/diagnostics/AbCdEfGhIjKlMnOp/results").status_code == 200


def test_downgrade_keeps_data(old_database):
    upgrade()
    downgrade(revision=FIRST_RELEASE)

    with db.engine.connect() as connection:
        emails = connection.execute(
            text("SELECT email FROM user_account ORDER BY id")
        ).scalars()
        assert list(emails) == ["pilote@coop.example", "second@coop.example"]
