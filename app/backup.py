"""Backup and restore of the whole database, for SQLite and PostgreSQL.

SQLite uses its online backup API, so a backup taken while the app runs is
consistent. PostgreSQL uses pg_dump and pg_restore in their custom format,
which must be installed in the same major version as the server or later.
"""

import logging
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

logger = logging.getLogger(__name__)

# Seconds pg_dump or pg_restore may run; pg_restore waits without limit for
# locks that another connection holds.
TOOL_TIMEOUT = 600


class BackupError(RuntimeError):
    """A backup or restore that could not be done, with the reason."""


def backup_database(database_url: str, target: Path) -> None:
    """Write a complete copy of the database to target."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        with _sqlite(url) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
    elif url.get_backend_name() == "postgresql":
        _run_postgres_tool(
            "pg_dump", "--format=custom", f"--file={target}", _libpq_url(url)
        )
    else:
        raise BackupError(f"backups of {url.get_backend_name()} are not supported")
    logger.info("database backed up to %s", target)


def restore_database(database_url: str, source: Path) -> None:
    """Replace the database's whole content with a backup made by backup_database."""
    if not source.is_file():
        raise BackupError(f"backup file not found: {source}")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(source) as backup:
            _check_sqlite_backup(backup, source)
            with _sqlite(url) as live:
                backup.backup(live)
    elif url.get_backend_name() == "postgresql":
        _run_postgres_tool(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={_libpq_url(url)}",
            str(source),
        )
    else:
        raise BackupError(f"restoring {url.get_backend_name()} is not supported")
    logger.info("database restored from %s", source)


def _sqlite(url) -> sqlite3.Connection:
    if not url.database or url.database == ":memory:":
        raise BackupError("the SQLite database is in memory: nothing to back up")
    return sqlite3.connect(url.database)


def _check_sqlite_backup(connection: sqlite3.Connection, path: Path) -> None:
    try:
        tables = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        ).fetchall()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite backup: {error}") from None
    if ("alembic_version",) not in tables:
        raise BackupError(f"{path} is not an autodiag backup: no alembic_version table")


def _libpq_url(url) -> str:
    # pg_dump reads libpq URLs, which name no SQLAlchemy driver.
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run_postgres_tool(name: str, *arguments: str) -> None:
    program = shutil.which(name)
    if program is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools")
    try:
        completed = subprocess.run(
            [program, *arguments],
            capture_output=True,
            text=True,
            check=False,
            timeout=TOOL_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise BackupError(
            f"{name} timed out after {TOOL_TIMEOUT} s: another connection may hold "
            "locks on the database; stop the app's workers and try again"
        ) from None
    if completed.returncode != 0:
        raise BackupError(f"{name} failed: {completed.stderr.strip()}")
