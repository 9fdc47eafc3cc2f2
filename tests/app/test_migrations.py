"""Alembic migrations, on the engine the run uses (SQLite or PostgreSQL)."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app.extensions import db

VERSION_TABLE = "alembic_version"


def migration_scripts() -> ScriptDirectory:
    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config)


def current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def table_names() -> set[str]:
    """Return the database's tables, except Alembic's version table."""
    return set(inspect(db.engine).get_table_names()) - {VERSION_TABLE}


@pytest.fixture
def empty_app(make_app, make_database):
    return make_app(SQLALCHEMY_DATABASE_URI=make_database(migrated=False))


def test_migrations_have_one_head(app):
    heads = migration_scripts().get_heads()

    assert len(heads) == 1, (
        f"expected one head, found {heads}: run autodiag db merge heads"
    )


def test_upgrade_downgrade_upgrade(empty_app):
    head = migration_scripts().get_current_head()
    model_tables = set(db.metadata.tables)
    assert table_names() == set()

    upgrade()
    assert current_revision() == head
    assert table_names() == model_tables

    downgrade(revision="base")
    assert current_revision() is None
    assert table_names() == set()

    upgrade()
    assert current_revision() == head
    assert table_names() == model_tables


def test_each_migration_downgrades(empty_app):
    """Upgrade one revision at a time, undoing and redoing each one on the way."""
    revisions = list(reversed(list(migration_scripts().walk_revisions())))
    assert revisions, "no migration found"

    for script in revisions:
        upgrade(revision=script.revision)
        tables = table_names()
        assert current_revision() == script.revision

        downgrade(revision="-1")
        assert current_revision() == script.down_revision

        upgrade(revision=script.revision)
        assert current_revision() == script.revision
        assert table_names() == tables


def test_migrated_schema_matches_models(app):
    # Compare with the options that `autodiag db migrate` uses, such as compare_type.
    options = dict(current_app.extensions["migrate"].configure_args)
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=options)
        differences = compare_metadata(context, db.metadata)

    assert differences == [], "the models differ from the migrated schema"
