"""Acknowledged saves survive gunicorn workers killed with SIGKILL under load.

The real app runs under gunicorn on 127.0.0.1, on the test's database (SQLite,
or PostgreSQL when AUTODIAG_TEST_POSTGRES_URL is set). Client threads sign in
and save wizard steps as a browser would, while the test kills workers and
gunicorn starts new ones. A save counts as acknowledged only when the server
responded to it with the redirect to the dashboard. Requests cut off by a kill may
or may not have been committed, so the checks allow either outcome for them.
"""

import http.client
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import (
    HTTPCookieProcessor,
    HTTPRedirectHandler,
    ProxyHandler,
    Request,
    build_opener,
)

import pytest
from gunicorn.config import KNOWN_SETTINGS
from sqlalchemy import NullPool, create_engine, func, select, text

from app.auth.services import register_organisation
from app.demo import demo_answers
from app.diagnostics.answers import decode
from app.diagnostics.services import load_answers, save_step, start_diagnostic
from app.extensions import db
from app.models import Answer, Diagnostic
from app.wizard.forms import initial_data
from scoring.visibility import visible_question_ids

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
PASSWORD = "correct-horse-battery"
WORKERS = 3
# Each client is an organisation's member saving one step of its diagnostic.
# Two organisations also save a second step at the same time, so two requests
# write to the same diagnostic at once.
CLIENT_STEPS = [
    (0, "strategie"),
    (1, "strategie"),
    (2, "strategie"),
    (3, "strategie"),
    (0, "environnement"),
    (1, "environnement"),
]
ORGANISATIONS = 4
TRAFFIC_SECONDS = 12.0
KILLS = 4
# Every save appends a token of at most 8 characters to two of the 7 comments
# of its step, so 400 saves keep each comment well under the 2000-character
# maximum.
MAX_SAVES_PER_CLIENT = 400
REQUEST_TIMEOUT = 10.0
START_TIMEOUT = 30.0
RESPAWN_TIMEOUT = 15.0
STOP_TIMEOUT = 15.0
# gunicorn 25.1 and later open a control socket at ~/.gunicorn/gunicorn.ctl by
# default, one path for every gunicorn that the user runs.
NO_CONTROL_SOCKET = (
    ["--no-control-socket"]
    if any(setting.name == "control_socket_disable" for setting in KNOWN_SETTINGS)
    else []
)
# Hidden inputs as WTForms writes them: the CSRF token, and on step pages the
# version of the stored answers that the page shows.
HIDDEN_INPUT = re.compile(r'name="([a-z_]+)" type="hidden" value="([^"]*)"')
# Raised by urllib and http.client when a worker dies during a request: reset
# or refused connections, a response cut short, a timed-out read.
CONNECTION_ERRORS = (URLError, http.client.HTTPException, OSError)


def free_port() -> int:
    with socket.socket() as listener:
        listener.bind((HOST, 0))
        return listener.getsockname()[1]


class Gunicorn:
    """The app under gunicorn's sync workers, in a subprocess on 127.0.0.1."""

    def __init__(self, database_url: str, instance: Path, log: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        self.log = log
        environment = {
            name: value
            for name, value in os.environ.items()
            if name != "GUNICORN_CMD_ARGS"
        }
        environment.update(
            AUTODIAG_DATABASE_URL=database_url,
            AUTODIAG_INSTANCE_PATH=str(instance),
            AUTODIAG_SECRET_KEY=os.urandom(32).hex(),
        )
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--bind",
            f"{HOST}:{self.port}",
            "--timeout",
            "10",
            "--graceful-timeout",
            "3",
            *NO_CONTROL_SOCKET,
            "wsgi:app",
        ]
        with log.open("wb") as log_file:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )

    def wait_until_healthy(self) -> None:
        opener = build_opener(ProxyHandler({}))
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited early:\n{self.log_tail()}")
            try:
                with opener.open(f"{self.base_url}/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except CONNECTION_ERRORS:
                pass
            time.sleep(0.2)
        pytest.fail(f"/health did not answer within {START_TIMEOUT} s")

    def worker_states(self) -> dict[int, str]:
        """Return the process state of each of the master's children, its workers."""
        listing = subprocess.run(
            ["ps", "--ppid", str(self.process.pid), "-o", "pid=,stat="],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        states = [line.split()[:2] for line in listing.splitlines() if line.strip()]
        return {int(pid): state for pid, state in states}

    def workers(self) -> set[int]:
        return set(self.worker_states())

    def kill_busy_worker(self) -> int:
        """Kill a worker with SIGKILL, preferring one that is running a request."""
        states = self.worker_states()
        running = [pid for pid, state in states.items() if state.startswith("R")]
        victim = random.choice(running or list(states))
        os.kill(victim, signal.SIGKILL)
        return victim

    def wait_for_workers(self, killed: set[int]) -> set[int]:
        """Wait until gunicorn runs its full count of workers, none of ``killed``."""
        deadline = time.monotonic() + RESPAWN_TIMEOUT
        while time.monotonic() < deadline:
            workers = self.workers()
            if len(workers) == WORKERS and not workers & killed:
                return workers
            time.sleep(0.1)
        pytest.fail(
            f"gunicorn did not replace killed workers {sorted(killed)} within"
            f" {RESPAWN_TIMEOUT} s; workers now {sorted(self.workers())}"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture
def gunicorn(app, tmp_path) -> Iterator[Gunicorn]:
    """Serve the test app's database with gunicorn until the test ends."""
    server = Gunicorn(
        app.config["SQLALCHEMY_DATABASE_URI"],
        tmp_path / "gunicorn-instance",
        tmp_path / "gunicorn.log",
    )
    try:
        server.wait_until_healthy()
        yield server
    finally:
        server.stop()


class NoRedirect(HTTPRedirectHandler):
    """Leave redirects to the caller, which reads their status and location."""

    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie-keeping HTTP client that reaches the server directly, no proxy."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.opener = build_opener(
            ProxyHandler({}), HTTPCookieProcessor(CookieJar()), NoRedirect()
        )

    def request(self, path: str, form: list[tuple[str, str]] | None = None):
        """Return the status, Location header and body of a GET, or POST of form."""
        data = urlencode(form).encode() if form is not None else None
        request = Request(self.base_url + path, data=data)
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                return (
                    response.status,
                    response.headers.get("Location"),
                    response.read(),
                )
        except HTTPError as error:
            with error:
                return error.code, error.headers.get("Location"), error.read()

    def hidden_fields(self, path: str) -> dict[str, str]:
        """Return the hidden inputs of a page, which must have a CSRF token."""
        status, _location, body = self.request(path)
        if status != 200:
            raise UnexpectedResponse(f"GET {path} returned {status}")
        fields = dict(HIDDEN_INPUT.findall(body.decode()))
        if not fields.get("csrf_token"):
            raise UnexpectedResponse(f"GET {path} has no CSRF token")
        return fields


class UnexpectedResponse(Exception):
    """The app did what no worker kill explains: an error status, a lost save."""


@dataclass
class Save:
    """One POST of a step: the comments it sent and what the server returned."""

    comments: dict[str, str]
    token: str
    question_ids: tuple[str, str]
    # True for the redirect to the dashboard, None when the connection failed.
    acknowledged: bool | None = None


class CommentReader:
    """Reads committed comments straight from the database, outside the app."""

    def __init__(self, database_url: str) -> None:
        # A new connection per read, so that no read sees an older snapshot.
        self.engine = create_engine(database_url, poolclass=NullPool)

    def read(self, public_id: str, question_ids: list[str]) -> dict[str, str]:
        statement = (
            select(Answer.question_id, Answer.comment)
            .join(Diagnostic, Answer.diagnostic_id == Diagnostic.id)
            .where(Diagnostic.public_id == public_id)
        )
        with self.engine.connect() as connection:
            rows = dict(connection.execute(statement).all())
        return {qid: rows.get(qid) or "" for qid in question_ids}

    def close(self) -> None:
        self.engine.dispose()


@dataclass
class SaveClient:
    """A member who saves one step over and over, changing two comments each time.

    After each acknowledged save, the client reads the step's comments from
    the database: they must be exactly the ones that the save sent.
    """

    number: int
    email: str
    password: str
    public_id: str
    theme_id: str
    answer_fields: list[tuple[str, str]]
    question_ids: list[str]
    reader: CommentReader
    saves: list[Save] = field(default_factory=list)
    connection_failures: int = 0
    errors: list[str] = field(default_factory=list)

    def acknowledged_comments(self) -> dict[str, str]:
        for save in reversed(self.saves):
            if save.acknowledged:
                return save.comments
        return {}

    def run(self, base_url: str, deadline: float) -> None:
        browser = Browser(base_url)
        signed_in = False
        while time.monotonic() < deadline and len(self.saves) < MAX_SAVES_PER_CLIENT:
            try:
                if not signed_in:
                    signed_in = self.sign_in(browser)
                    continue
                self.save(browser)
            except UnexpectedResponse as error:
                self.errors.append(str(error))
                return
            except CONNECTION_ERRORS:
                self.connection_failures += 1
            except Exception as error:  # noqa: BLE001 - reported by the test
                self.errors.append(f"{type(error).__name__}: {error}")
                return

    def sign_in(self, browser: Browser) -> bool:
        token = browser.hidden_fields("/login")["csrf_token"]
        status, location, _body = browser.request(
            "/login",
            [("csrf_token", token), ("email", self.email), ("password", self.password)],
        )
        if status != 302 or urlsplit(location or "").path != "/":
            raise UnexpectedResponse(f"sign-in returned {status} to {location}")
        return True

    def save(self, browser: Browser) -> None:
        page = browser.hidden_fields(self.step_path)
        number = len(self.saves)
        first = self.question_ids[number % len(self.question_ids)]
        second = self.question_ids[(number + 1) % len(self.question_ids)]
        stamp = f"c{self.number}-s{number}"
        comments = dict(self.acknowledged_comments())
        for question_id in (first, second):
            comments[question_id] = f"{comments.get(question_id, '')} {stamp}".strip()

        # The page's version makes the app reject the save if the step changed
        # since the page was loaded, which no other client of this test does.
        form = [("csrf_token", page["csrf_token"]), ("version", page["version"])]
        form.append(("action", "save_and_leave"))
        form.append(("shown", " ".join(self.question_ids)))
        form += self.answer_fields
        form += [(f"comment-{qid}", comments.get(qid, "")) for qid in self.question_ids]
        save = Save(comments, stamp, (first, second))
        self.saves.append(save)
        status, location, _body = browser.request(self.step_path, form)
        if status != 302 or urlsplit(location or "").path != "/":
            raise UnexpectedResponse(f"save {stamp} returned {status} to {location}")
        save.acknowledged = True
        stored = self.reader.read(self.public_id, self.question_ids)
        if stored != self.step_comments(comments):
            raise UnexpectedResponse(f"save {stamp} acknowledged but not stored")

    @property
    def step_path(self) -> str:
        return f"/diagnostics/{self.public_id}/steps/{self.theme_id}"

    def step_comments(self, comments: dict[str, str]) -> dict[str, str]:
        """Return the comment of every question of the step, empty when unset."""
        return {qid: comments.get(qid, "") for qid in self.question_ids}


def form_fields(theme, answers) -> list[tuple[str, str]]:
    """Return a step's answers as the (name, value) pairs a browser posts."""
    pairs = []
    for name, value in initial_data(theme.questions, answers, {}).items():
        if name.startswith("comment-"):
            continue
        for item in value if isinstance(value, list) else [value]:
            pairs.append((name, str(item)))
    return pairs


def normalized(answers: dict) -> dict:
    """Return answers with multiple choices as sets, whatever their order."""
    return {
        qid: frozenset(value) if isinstance(value, list) else value
        for qid, value in answers.items()
    }


@dataclass
class Organisation:
    email: str
    public_id: str
    answers: dict


def seed_organisations(questionnaire) -> list[Organisation]:
    """Register organisations, each with a diagnostic whose every answer is given."""
    organisations = []
    for index in range(ORGANISATIONS):
        user = register_organisation(
            name=f"Association {index}",
            legal_form="association",
            sector="culture",
            size_band="1-9",
            departement="44",
            siren=None,
            email=f"member{index}@example.org",
            password=PASSWORD,
        )
        diagnostic = start_diagnostic(user.organisation, questionnaire, user)
        answers = demo_answers(questionnaire, random.Random(index), ambition=0.6)
        save_step(diagnostic, questionnaire, answers, {}, user)
        stored = load_answers(diagnostic, questionnaire)[0]
        organisations.append(Organisation(user.email, diagnostic.public_id, stored))
    return organisations


def make_clients(
    questionnaire, organisations, reader: CommentReader
) -> list[SaveClient]:
    clients = []
    for number, (index, theme_id) in enumerate(CLIENT_STEPS):
        organisation = organisations[index]
        theme = questionnaire.theme(theme_id)
        visible = visible_question_ids(questionnaire, organisation.answers)
        question_ids = [q.id for q in theme.questions if q.id in visible]
        # Every question of the step is shown, so the POST lists all of them.
        assert len(question_ids) == len(theme.questions), theme_id
        clients.append(
            SaveClient(
                number=number,
                email=organisation.email,
                password=PASSWORD,
                public_id=organisation.public_id,
                theme_id=theme_id,
                answer_fields=form_fields(theme, organisation.answers),
                question_ids=question_ids,
                reader=reader,
            )
        )
    return clients


def run_clients_and_kill_workers(
    server: Gunicorn, clients: list[SaveClient]
) -> tuple[set[int], set[int]]:
    """Run the clients while killing workers; return the killed and last workers."""
    started = time.monotonic()
    deadline = started + TRAFFIC_SECONDS
    threads = [
        threading.Thread(
            target=client.run,
            args=(server.base_url, deadline),
            name=f"save-client-{client.number}",
        )
        for client in clients
    ]
    for thread in threads:
        thread.start()

    killed: set[int] = set()
    kill_interval = TRAFFIC_SECONDS / (KILLS + 1)
    for kill in range(KILLS):
        time.sleep(max(0.0, started + kill_interval * (kill + 1) - time.monotonic()))
        killed.add(server.kill_busy_worker())
        server.wait_for_workers(killed)

    for thread in threads:
        thread.join(timeout=TRAFFIC_SECONDS + 2 * REQUEST_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a client hung"
    return killed, server.workers()


def possible_steps(client: SaveClient) -> list[dict[str, str]]:
    """Return the comments the step may hold after the client's saves.

    Each POST carries every comment of the step, so the stored step is what
    the last acknowledged save sent, or what a later save sent if its worker
    committed before dying: never a mix of two saves.
    """
    acknowledged = [n for n, save in enumerate(client.saves) if save.acknowledged]
    if acknowledged:
        sent = [save.comments for save in client.saves[acknowledged[-1] :]]
    else:
        sent = [{}] + [save.comments for save in client.saves]
    return [
        {qid: comments.get(qid, "") for qid in client.question_ids} for comments in sent
    ]


def test_saves_survive_worker_kills(app, questionnaire, gunicorn, request):
    organisations = seed_organisations(questionnaire)
    reader = CommentReader(app.config["SQLALCHEMY_DATABASE_URI"])
    request.addfinalizer(reader.close)
    clients = make_clients(questionnaire, organisations, reader)
    # No read transaction of the test may stay open while the server writes.
    db.session.remove()
    assert len(gunicorn.workers()) == WORKERS

    killed, last_workers = run_clients_and_kill_workers(gunicorn, clients)
    gunicorn.stop()

    log = gunicorn.log_tail()
    for client in clients:
        assert not client.errors, f"client {client.number}: {client.errors}\n{log}"
    assert len(killed) == KILLS
    assert len(last_workers) == WORKERS
    assert not last_workers & killed
    acknowledged = [sum(bool(s.acknowledged) for s in c.saves) for c in clients]
    assert min(acknowledged) >= 5, f"too few saves acknowledged: {acknowledged}"
    cut_off = sum(client.connection_failures for client in clients)
    print(f"{sum(acknowledged)} saves acknowledged, {cut_off} requests cut off")

    # Read what the server committed, in a fresh session.
    db.session.remove()
    if db.engine.dialect.name == "sqlite":
        check = db.session.execute(text("PRAGMA integrity_check")).scalars().all()
        assert check == ["ok"]

    duplicates = db.session.execute(
        select(Answer.diagnostic_id, Answer.question_id, func.count())
        .group_by(Answer.diagnostic_id, Answer.question_id)
        .having(func.count() > 1)
    ).all()
    assert duplicates == []

    for client in clients:
        stored = reader.read(client.public_id, client.question_ids)
        for save in client.saves:
            if not save.acknowledged:
                continue
            for question_id in save.question_ids:
                assert save.token in stored[question_id].split(), (
                    f"acknowledged save {save.token} lost on {question_id}"
                )
        assert stored in possible_steps(client), f"client {client.number}: mixed"

    for organisation in organisations:
        diagnostic = db.session.scalar(
            select(Diagnostic).filter_by(public_id=organisation.public_id)
        )
        for row in diagnostic.answers:
            decode(questionnaire.question(row.question_id), row)
        answers = load_answers(diagnostic, questionnaire)[0]
        assert normalized(answers) == normalized(organisation.answers)

        browser = app.test_client()
        response = browser.post(
            "/login", data={"email": organisation.email, "password": PASSWORD}
        )
        assert response.status_code == 302
        response = browser.get(f"/diagnostics/{organisation.public_id}/results")
        assert response.status_code == 200, organisation.public_id
