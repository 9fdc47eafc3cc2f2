"""Engine settings per database: SQLite runs in WAL mode with a busy timeout."""

import sqlite3

from flask import Flask
from sqlalchemy import event

from app.extensions import db

# Seconds a SQLite writer waits for another writer's lock before it fails.
SQLITE_BUSY_TIMEOUT = 15


def engine_options(database_url: str) -> dict:
    """Return SQLAlchemy engine options suited to the database."""
    if database_url.startswith("sqlite"):
        return {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT}}
    return {"pool_pre_ping": True}


def init_database(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _configure_sqlite)


def _configure_sqlite(connection: sqlite3.Connection, _record) -> None:
    # WAL lets readers go on while one process writes. With synchronous=NORMAL a
    # commit survives the death of any process; only a power cut may lose the
    # last commits. Foreign keys are off by default in SQLite.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
