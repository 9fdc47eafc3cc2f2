"""Servers and databases the load benchmark starts, seeds and stops."""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from settings import (  # noqa: E402
    ANSWERED_THEMES,
    LOOPBACK,
    PASSWORD,
    POSTGRES_URL_VARIABLE,
    START_TIMEOUT,
    STOP_TIMEOUT,
    THEME_ID,
)

# Servers


def free_port() -> int:
    with socket.socket() as listener:
        listener.bind((LOOPBACK, 0))
        return listener.getsockname()[1]


def clean_environment(**extra: str) -> dict[str, str]:
    """Return this process's environment without settings that would redirect
    gunicorn or locust, plus ``extra``."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name != "GUNICORN_CMD_ARGS" and not name.startswith("LOCUST_")
    }
    environment.update(extra)
    return environment


@contextmanager
def running(command: list[str], log: Path, **options) -> Iterator[subprocess.Popen]:
    """Run a command with its output in ``log``; stop it on leaving, even on error."""
    with log.open("ab") as log_file:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            **options,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def gunicorn_command(arguments, port: int, application: str) -> list[str]:
    from gunicorn.config import KNOWN_SETTINGS

    command = [sys.executable, "-m", "gunicorn"]
    command += ["--workers", str(arguments.workers)]
    command += ["--worker-class", arguments.worker_class]
    if arguments.worker_class == "gthread":
        command += ["--threads", str(arguments.threads)]
    command += ["--bind", f"{LOOPBACK}:{port}"]
    # gunicorn 25.1 and later open a control socket at ~/.gunicorn/gunicorn.ctl
    # by default, one path for every gunicorn that the user runs.
    if any(setting.name == "control_socket_disable" for setting in KNOWN_SETTINGS):
        command.append("--no-control-socket")
    return command + [application]


@dataclass
class Server:
    base_url: str
    log: Path
    pid: int
    database_pid: int | None = None


@contextmanager
def gunicorn(
    arguments, application: str, directory: Path, log: Path, check_path: str, **env
) -> Iterator[Server]:
    """Serve a WSGI application of ``directory`` with gunicorn on 127.0.0.1."""
    port = free_port()
    command = gunicorn_command(arguments, port, application)
    environment = clean_environment(**env)
    with running(command, log, cwd=directory, env=environment) as process:
        server = Server(f"http://{LOOPBACK}:{port}", log, process.pid)
        wait_until_answering(process, server, check_path)
        yield server


def wait_until_answering(process, server: Server, path: str) -> None:
    # An opener without proxies: this request must reach 127.0.0.1 directly.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early: see {server.log}")
        try:
            with opener.open(server.base_url + path, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not respond within {START_TIMEOUT} s")


@contextmanager
def private_postgres(bin_dir: Path, folder: Path) -> Iterator[tuple[str, int]]:
    """Run a throwaway PostgreSQL server on 127.0.0.1; yield its URL and pid.

    initdb refuses to run as root, so as root the server runs as the
    ``postgres`` user, as Debian's packages set it up.
    """
    data = folder / "postgres"
    data.mkdir()
    as_owner: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(data, "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run(
        as_owner
        + [str(bin_dir / "initdb"), "-A", "trust", "-U", "postgres"]
        + ["-D", str(data / "cluster")],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = f"-p {port} -c listen_addresses={LOOPBACK} -k {data}"
    pg_ctl = as_owner + [str(bin_dir / "pg_ctl"), "-D", str(data / "cluster")]
    subprocess.run(
        pg_ctl + ["-o", options, "-l", str(data / "server.log"), "-w", "start"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        # The first line of postmaster.pid is the server's process id.
        pid = int((data / "cluster" / "postmaster.pid").read_text().split()[0])
        yield f"postgresql://postgres@{LOOPBACK}:{port}/postgres", pid
    finally:
        subprocess.run(
            pg_ctl + ["-m", "fast", "-w", "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
        )


# Databases


def check_loopback(database_url: str) -> None:
    from sqlalchemy.engine import make_url

    host = make_url(database_url).host
    if host not in (None, "", LOOPBACK, "localhost", "::1"):
        sys.exit(
            f"{POSTGRES_URL_VARIABLE} names host {host!r}: this benchmark only"
            f" contacts servers on this machine, so use {LOOPBACK} or a Unix socket."
        )


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """Create a database for the run on the server; drop it on leaving."""
    import sqlalchemy
    from sqlalchemy.engine import make_url

    from app.config import normalize_database_url

    url = make_url(normalize_database_url(server_url))
    name = f"autodiag_load_{secrets.token_hex(4)}"
    engine = sqlalchemy.create_engine(
        url, isolation_level="AUTOCOMMIT", poolclass=sqlalchemy.NullPool
    )
    with engine.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()


def seed(database_url: str, instance: Path, organisations: int, accounts: Path):
    """Migrate the database, then create organisations with a diagnostic each.

    Writes the accounts that the locust users sign in with. Every account gets
    the same scrypt password hash, computed once, so that seeding takes seconds
    while signing in costs what it costs in production.
    """
    import random

    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from app import create_app
    from app.auth.services import register_organisation
    from app.catalogue import catalogue
    from app.demo import demo_answers
    from app.diagnostics.services import load_answers, save_step, start_diagnostic
    from app.extensions import db
    from app.models import user as user_module
    from app.wizard.forms import comment_name, initial_data

    os.environ["AUTODIAG_INSTANCE_PATH"] = str(instance)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "LOG_LEVEL": "ERROR"})
    password_hash = generate_password_hash(PASSWORD)
    entries = []
    with (
        app.app_context(),
        mock.patch.object(
            user_module, "generate_password_hash", lambda _password: password_hash
        ),
    ):
        upgrade()
        questionnaire = catalogue().latest("guide-bonnes-pratiques")
        theme = questionnaire.theme(THEME_ID)
        first_themes = {
            question.id
            for answered in questionnaire.themes[:ANSWERED_THEMES]
            for question in answered.questions
        }
        for number in range(organisations):
            user = register_organisation(
                name=f"Association de charge {number}",
                legal_form="association",
                sector="culture",
                size_band="10-49",
                departement="44",
                siren=None,
                email=f"charge{number}@example.org",
                password=PASSWORD,
            )
            diagnostic = start_diagnostic(user.organisation, questionnaire, user)
            answers = demo_answers(questionnaire, random.Random(number), ambition=0.7)
            answered = {qid: v for qid, v in answers.items() if qid in first_themes}
            save_step(diagnostic, questionnaire, answered, {}, user)

            stored, comments = load_answers(diagnostic, questionnaire)
            changed = comment_name(theme.questions[0])
            fields = []
            for name, value in initial_data(theme.questions, stored, comments).items():
                if name == changed:
                    continue
                for item in value if isinstance(value, list) else [value]:
                    fields.append([name, str(item)])
            entries.append(
                {
                    "email": user.email,
                    "password": PASSWORD,
                    "public_id": diagnostic.public_id,
                    "theme_id": THEME_ID,
                    "question_ids": [question.id for question in theme.questions],
                    "fields": fields,
                    "comment_field": changed,
                }
            )
        db.session.remove()
        db.engine.dispose()
    accounts.write_text(json.dumps(entries))
