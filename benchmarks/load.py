"""Load benchmark: many organisations through the wizard, under gunicorn.

Run from the top of the checkout, after ``.venv/bin/pip install locust``::

    .venv/bin/python benchmarks/load.py

For each engine, the script creates a database, seeds organisations with an
in-progress diagnostic each, serves autodiag with gunicorn on 127.0.0.1 and
drives it with locust (benchmarks/load/locustfile.py). Each simulated user
signs in as its own organisation, then loops: open a step, save it with one
changed comment, open the results page. Two profiles run:

- realistic: the users think between two requests, and the targets apply:
  zero errors, and a p95 under 100 ms for saving a step;
- saturation: no think time, one request kind at a time, for each kind's
  throughput. A one-route Flask app (benchmarks/load/bare_app.py), served and
  loaded the same way, gives the ratio of each kind to the server's floor.

SQLite always runs. PostgreSQL runs when AUTODIAG_BENCH_POSTGRES_URL names a
database on a server where the script may create and drop a database (the
maintenance database ``postgres``, say), or with --start-postgres, which runs a
throwaway server of its own. Every address contacted is on 127.0.0.1 (or a
PostgreSQL Unix socket), and everything the script starts stops when it ends,
even on error.
"""

import argparse
import csv
import importlib.util
import json
import math
import os
import platform
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
HELPERS = Path(__file__).resolve().parent / "load"
sys.path.insert(0, str(ROOT))

LOOPBACK = "127.0.0.1"
POSTGRES_URL_VARIABLE = "AUTODIAG_BENCH_POSTGRES_URL"
PASSWORD = "mot-de-passe-de-charge"
# The step that every simulated user opens and saves, the one that
# benchmarks/scoring_and_wizard.py times, after the first three themes of the
# questionnaire are answered, as in the demo's diagnostic in progress.
THEME_ID = "strategie"
ANSWERED_THEMES = 3

OPEN_STEP = "open step"
SAVE_STEP = "save step"
RESULTS = "results page"
SIGN_IN_PAGE = "sign-in page"
SIGN_IN = "sign in"
# Every user signs in once, before the steady state: these kinds' figures cover
# the whole run and have no throughput.
SIGN_IN_KINDS = [SIGN_IN_PAGE, SIGN_IN]
BARE = "bare endpoint"
WIZARD_KINDS = [OPEN_STEP, SAVE_STEP, RESULTS]
# Locust user class that loads each request kind alone in the saturation run.
SATURATION_USERS = {
    OPEN_STEP: "OpenStepUser",
    SAVE_STEP: "SaveStepUser",
    RESULTS: "ResultsUser",
    BARE: "BareUser",
}
SAVE_P95_TARGET_MS = 100.0
START_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0
# How long locust may take beyond its --run-time to stop and write its record.
LOCUST_GRACE = 60.0


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--users", type=int, default=50, help="simulated users (default: 50)"
    )
    parser.add_argument(
        "--think",
        default="0.5,1.5",
        help="realistic think time between two requests of a user, as MIN,MAX"
        " in seconds (default: 0.5,1.5)",
    )
    parser.add_argument(
        "--duration",
        type=int,
        default=30,
        help="seconds of the realistic run (default: 30)",
    )
    parser.add_argument(
        "--saturation-duration",
        type=int,
        default=20,
        help="seconds of each request kind's saturation run (default: 20)",
    )
    parser.add_argument(
        "--max-requests",
        type=int,
        default=200_000,
        help="requests after which a run stops early (default: 200000)",
    )

    parser.add_argument(
        "--organisations",
        type=int,
        default=200,
        help="organisations seeded, at least --users (default: 200)",
    )

    parser.add_argument(
        "--workers",
        type=int,
        default=2 * (os.cpu_count() or 1),
        help="gunicorn workers (default: 2 per core)",
    )
    parser.add_argument(
        "--worker-class",
        choices=["sync", "gthread"],
        default="sync",
        help="gunicorn worker class (default: sync)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=4,
        help="threads per gthread worker (default: 4)",
    )

    parser.add_argument(
        "--profiles",
        default="realistic,saturation",
        help="profiles to run, comma-separated (default: realistic,saturation)",
    )
    parser.add_argument(
        "--start-postgres",
        metavar="BIN_DIR",
        help="run PostgreSQL on a throwaway server started from the binaries in"
        " BIN_DIR, such as /usr/lib/postgresql/15/bin",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the work folder (logs, request records) and print its path",
    )
    arguments = parser.parse_args()
    if arguments.organisations < arguments.users:
        parser.error("--organisations must be at least --users")
    try:
        low, high = (float(part) for part in arguments.think.split(","))
    except ValueError:
        parser.error(f"invalid --think {arguments.think!r}: expected MIN,MAX")
    if not 0 <= low <= high:
        parser.error(f"invalid --think {arguments.think!r}: expected 0 <= MIN <= MAX")
    unknown = set(arguments.profiles.split(",")) - {"realistic", "saturation"}
    if unknown:
        parser.error(f"unknown profiles {sorted(unknown)}: use realistic, saturation")
    return arguments


def require_locust() -> None:
    if importlib.util.find_spec("locust") is None:
        sys.exit(
            "locust is not installed: run `.venv/bin/pip install locust`, then"
            " run this script again."
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


# Load runs and their figures


@dataclass
class Record:
    kind: str
    start: float
    duration_ms: float
    error: str


@dataclass
class Run:
    records: list[Record]
    ready_at: float | None
    warnings: list[str]
    cpu: "CpuUse"


@dataclass
class CpuUse:
    """Cores in use on average over a run, in all and by process."""

    machine: float
    app: float
    locust: float
    # The PostgreSQL server's, when this script started it.
    database: float | None

    def describe(self) -> str:
        parts = [f"gunicorn workers {self.app:.2f}", f"locust {self.locust:.2f}"]
        other = self.machine - self.app - self.locust
        if self.database is not None:
            parts.append(f"PostgreSQL {self.database:.2f}")
            other -= self.database
        parts.append(f"other processes {max(0.0, other):.2f}")
        return f"{self.machine:.2f} of {os.cpu_count()} cores busy: " + ", ".join(parts)


def machine_cpu_seconds() -> tuple[float, float]:
    """Return the busy and total CPU seconds of all cores since boot."""
    ticks = [int(value) for value in Path("/proc/stat").read_text().split()[1:9]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    hertz = os.sysconf("SC_CLK_TCK")
    return (sum(ticks) - idle) / hertz, sum(ticks) / hertz


def children_cpu_seconds(parent: int) -> float:
    """Return the CPU seconds used so far by the living children of a process."""
    listing = subprocess.run(
        ["ps", "--ppid", str(parent), "-o", "pid="],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    total = 0
    for pid in listing.split():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        # utime and stime, fields 14 and 15 of proc(5), in clock ticks.
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def locust_cpu_seconds() -> float:
    # locust is the only child that this process waits for during a run.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class CpuMeter:
    """Measures the cores in use from its creation to stop(), by process."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.started = time.monotonic()
        self.machine_busy, self.machine_total = machine_cpu_seconds()
        self.app = children_cpu_seconds(server.pid)
        self.locust = locust_cpu_seconds()
        self.database = self.database_seconds()

    def database_seconds(self) -> float:
        pid = self.server.database_pid
        # PostgreSQL runs a process per connection, each a child of the server.
        return children_cpu_seconds(pid) if pid else 0.0

    def stop(self) -> CpuUse:
        elapsed = time.monotonic() - self.started
        busy, total = machine_cpu_seconds()
        machine_share = (busy - self.machine_busy) / (total - self.machine_total)
        database = (self.database_seconds() - self.database) / elapsed
        return CpuUse(
            machine=machine_share * (os.cpu_count() or 1),
            # A worker that stopped during the run takes its CPU time with it.
            app=max(0.0, children_cpu_seconds(self.server.pid) - self.app) / elapsed,
            locust=(locust_cpu_seconds() - self.locust) / elapsed,
            database=database if self.server.database_pid else None,
        )


def run_locust(
    server: Server,
    user_class: str,
    arguments,
    folder: Path,
    label: str,
    think: str,
    duration: int,
    accounts: Path | None,
) -> Run:
    """Run locust headless against the server; return every request it made."""
    record = folder / f"{label}-requests.csv"
    log = folder / f"{label}-locust.log"
    command = [sys.executable, "-m", "locust", "-f", str(HELPERS / "locustfile.py")]
    command += ["--headless", "--only-summary", "--loglevel", "WARNING"]
    command += ["--users", str(arguments.users), "--spawn-rate", str(arguments.users)]
    command += ["--run-time", f"{duration}s", "--stop-timeout", "10"]
    command += ["--host", server.base_url, "--exit-code-on-error", "0", user_class]

    environment = clean_environment(
        # locust reads ~/.locust.conf: a fresh home keeps a user's settings out.
        HOME=str(folder),
        AUTODIAG_LOAD_ACCOUNTS=str(accounts or ""),
        AUTODIAG_LOAD_THINK=think,
        AUTODIAG_LOAD_RECORD=str(record),
        AUTODIAG_LOAD_MAX_REQUESTS=str(arguments.max_requests),
    )

    meter = CpuMeter(server)
    with log.open("ab") as log_file:
        try:
            subprocess.run(
                command,
                cwd=folder,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                timeout=duration + LOCUST_GRACE,
                check=True,
            )
        except subprocess.CalledProcessError as error:
            raise RuntimeError(f"locust failed ({error}): see {log}") from None
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"locust did not stop in time: see {log}") from None
    return read_run(record, log, meter.stop())


def read_run(record: Path, log: Path, cpu: CpuUse) -> Run:
    records, ready_at = [], None
    with record.open(newline="") as file:
        for row in csv.DictReader(file):
            if row["kind"] == "ready":
                ready_at = float(row["start"])
                continue
            records.append(
                Record(
                    row["kind"],
                    float(row["start"]),
                    float(row["duration_ms"]),
                    row["error"],
                )
            )
    # locust warns when its own process is short of CPU, which skews latencies.
    warnings = [
        line.strip()
        for line in log.read_text(errors="replace").splitlines()
        if "CPU usage" in line
    ]
    return Run(records, ready_at, warnings, cpu)


@dataclass
class Figures:
    count: int
    throughput: float
    p50: float
    p95: float
    p99: float
    errors: int
    server_p50: float | None = None
    server_p95: float | None = None


def percentile(sorted_values: list[float], share: float) -> float:
    """Return the nearest-rank percentile of values sorted in ascending order."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(share / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def figures_by_kind(run: Run, expected: list[str]) -> dict[str, Figures]:
    """Return each kind's figures over the steady state: once all users are in.

    Errors count over the whole run, the sign-in burst included. Every kind
    in ``expected`` has figures, with a count of 0 if it never ran.
    """
    if run.ready_at is None:
        raise RuntimeError(
            "not every simulated user signed in before the run ended: see the"
            " locust log, or make the run longer"
        )
    measured = [r for r in run.records if r.start >= run.ready_at]
    end = max((r.start + r.duration_ms / 1000 for r in measured), default=run.ready_at)
    window = max(end - run.ready_at, 1e-9)
    figures = {}
    for kind in sorted({r.kind for r in run.records} | set(expected)):
        steady = kind not in SIGN_IN_KINDS
        durations = sorted(
            r.duration_ms
            for r in (measured if steady else run.records)
            if r.kind == kind
        )
        figures[kind] = Figures(
            count=len(durations),
            throughput=len(durations) / window if steady else math.nan,
            p50=percentile(durations, 50),
            p95=percentile(durations, 95),
            p99=percentile(durations, 99),
            errors=sum(1 for r in run.records if r.kind == kind and r.error),
        )
    return figures


def server_durations(log: Path, offset: int, since: float) -> dict[str, list[float]]:
    """Return the durations that the app logged per request kind.

    Reads the JSON request lines written to the gunicorn log after ``offset``
    bytes, for requests that ended at ``since`` (a Unix time) or later.
    """
    kinds = {
        ("GET", "/diagnostics/<public_id>/steps/<theme_id>"): OPEN_STEP,
        ("POST", "/diagnostics/<public_id>/steps/<theme_id>"): SAVE_STEP,
        ("GET", "/diagnostics/<public_id>/results"): RESULTS,
    }
    durations: dict[str, list[float]] = {kind: [] for kind in kinds.values()}
    with log.open("rb") as file:
        file.seek(offset)
        for line in file:
            if not line.startswith(b"{"):
                continue
            entry = json.loads(line)
            kind = kinds.get((entry.get("method"), entry.get("route")))
            if kind is None or entry.get("duration_ms") is None:
                continue
            # The log's time is the server's local time, as logging writes it.
            ended = datetime.strptime(entry["time"], "%Y-%m-%d %H:%M:%S,%f")
            if ended.timestamp() >= since:
                durations[kind].append(entry["duration_ms"])
    return durations


def add_server_figures(figures: dict[str, Figures], durations) -> None:
    for kind, values in durations.items():
        if kind in figures and values:
            values.sort()
            figures[kind].server_p50 = percentile(values, 50)
            figures[kind].server_p95 = percentile(values, 95)


# Output


def print_table(title: str, figures: dict[str, Figures], bare: Figures | None = None):
    print(f"\n{title}")
    header = (
        f"{'request':<16}{'count':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'errors':>8}{'app p50':>9}{'app p95':>9}"
    )
    if bare is not None:
        header += f"{'vs bare':>9}"
    print(header)
    for kind in [*WIZARD_KINDS, *SIGN_IN_KINDS, BARE]:
        if kind not in figures:
            continue
        row = figures[kind]
        line = (
            f"{kind:<16}{row.count:>8}{format_optional(row.throughput):>9}"
            f"{row.p50:>9.1f}"
            f"{row.p95:>9.1f}{row.p99:>9.1f}{row.errors:>8}"
            f"{format_optional(row.server_p50):>9}{format_optional(row.server_p95):>9}"
        )
        if bare is not None and kind in WIZARD_KINDS:
            line += f"{row.throughput / bare.throughput:>9.3f}"
        print(line)


def format_optional(value: float | None) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.1f}"


def print_targets(figures: dict[str, Figures], users: int) -> None:
    errors = sum(row.errors for row in figures.values())
    save_p95 = figures[SAVE_STEP].p95 if SAVE_STEP in figures else math.nan
    verdict = "met" if errors == 0 else "MISSED"
    print(f"target: zero errors at {users} users: {errors} errors, {verdict}")
    verdict = "met" if save_p95 < SAVE_P95_TARGET_MS else "MISSED"
    print(
        f"target: save step p95 under {SAVE_P95_TARGET_MS:.0f} ms:"
        f" {save_p95:.1f} ms, {verdict}"
    )


def print_notes(label: str, run: Run) -> None:
    print(f"{label}: {run.cpu.describe()}")
    if run.warnings:
        print(f"{label}: locust warned {run.warnings[0]!r} ({len(run.warnings)} times)")


def describe_machine(postgres_version: str | None) -> None:
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    print(f"machine: {os.cpu_count()} cores, {model}, {pages / 2**30:.1f} GiB")
    print(f"Python {platform.python_version()}, PostgreSQL {postgres_version or '-'}")


# Profiles


def run_realistic(arguments, server, folder, engine, accounts) -> None:
    offset = server.log.stat().st_size
    run = run_locust(
        server,
        "WizardUser",
        arguments,
        folder,
        f"{engine}-realistic",
        arguments.think,
        arguments.duration,
        accounts,
    )
    figures = figures_by_kind(run, WIZARD_KINDS)
    add_server_figures(figures, server_durations(server.log, offset, run.ready_at))
    low, high = arguments.think.split(",")
    print_table(
        f"{engine}, realistic: {arguments.users} users, think time {low} to {high} s,"
        f" {arguments.duration} s",
        figures,
    )
    print_targets(figures, arguments.users)
    print_notes("realistic", run)


def run_saturation(arguments, server, folder, label, kinds, accounts):
    """Load each kind alone with no think time; return figures and runs by kind."""
    results, runs = {}, {}
    for kind in kinds:
        offset = server.log.stat().st_size
        run = run_locust(
            server,
            SATURATION_USERS[kind],
            arguments,
            folder,
            f"{label}-saturation-{kind.replace(' ', '-')}",
            "0",
            arguments.saturation_duration,
            accounts,
        )
        figures = figures_by_kind(run, [kind])
        add_server_figures(figures, server_durations(server.log, offset, run.ready_at))
        results[kind] = figures[kind]
        # The sign-in and the first step page before a save count too.
        results[kind].errors = sum(row.errors for row in figures.values())
        runs[kind] = run
    return results, runs


def benchmark_engine(
    arguments, folder, engine, database_url, bare, database_pid=None
) -> None:
    """Seed a database, serve it, and run the profiles on it.

    ``database_pid`` is the process id of a PostgreSQL server that this script
    started, whose CPU use is then reported apart from other processes'.
    """
    work = folder / engine.lower()
    work.mkdir()
    accounts = work / "accounts.json"
    started = time.monotonic()
    seed(database_url, work / "seed-instance", arguments.organisations, accounts)
    print(
        f"\n{engine}: {arguments.organisations} organisations seeded in"
        f" {time.monotonic() - started:.0f} s"
    )
    with gunicorn(
        arguments,
        "wsgi:app",
        ROOT,
        work / "gunicorn.log",
        "/health",
        AUTODIAG_DATABASE_URL=database_url,
        AUTODIAG_INSTANCE_PATH=str(work / "instance"),
        AUTODIAG_SECRET_KEY=secrets.token_urlsafe(48),
    ) as server:
        server.database_pid = database_pid
        profiles = arguments.profiles.split(",")
        if "realistic" in profiles:
            run_realistic(arguments, server, work, engine, accounts)
        if "saturation" in profiles:
            figures, runs = run_saturation(
                arguments, server, work, engine, WIZARD_KINDS, accounts
            )
            if bare is not None:
                figures[BARE] = bare
            print_table(
                f"{engine}, saturation: {arguments.users} users, no think time,"
                f" {arguments.saturation_duration} s per request kind",
                figures,
                bare,
            )
            for kind, run in runs.items():
                print_notes(kind, run)


def postgres_server_version(server_url: str) -> str:
    import sqlalchemy

    from app.config import normalize_database_url

    engine = sqlalchemy.create_engine(
        normalize_database_url(server_url), poolclass=sqlalchemy.NullPool
    )
    with engine.connect() as connection:
        version = connection.exec_driver_sql("SHOW server_version").scalar()
    engine.dispose()
    return version


def stop_on_sigterm(signal_number, _frame) -> None:
    # SystemExit unwinds the context managers, which stop every server started.
    sys.exit(128 + signal_number)


def main() -> None:
    arguments = parse_arguments()
    require_locust()
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    folder = Path(tempfile.mkdtemp(prefix="autodiag-load-"))
    try:
        with ExitStack() as stack:
            postgres_url = os.environ.get(POSTGRES_URL_VARIABLE)
            postgres_pid = None
            if arguments.start_postgres:
                postgres_url, postgres_pid = stack.enter_context(
                    private_postgres(Path(arguments.start_postgres), folder)
                )
            if postgres_url:
                check_loopback(postgres_url)
            version = postgres_server_version(postgres_url) if postgres_url else None
            describe_machine(version)
            print(
                f"gunicorn: {arguments.workers} {arguments.worker_class} workers"
                f" on {LOOPBACK}; locust: {arguments.users} users"
            )

            bare = None
            if "saturation" in arguments.profiles.split(","):
                with gunicorn(
                    arguments, "bare_app:app", HELPERS, folder / "bare.log", "/"
                ) as server:
                    figures, runs = run_saturation(
                        arguments, server, folder, "bare", [BARE], None
                    )
                bare = figures[BARE]
                print_notes(BARE, runs[BARE])

            sqlite_url = f"sqlite:///{folder / 'load.sqlite3'}"
            benchmark_engine(arguments, folder, "SQLite", sqlite_url, bare)
            if postgres_url:
                database_url = stack.enter_context(postgres_database(postgres_url))
                benchmark_engine(
                    arguments, folder, "PostgreSQL", database_url, bare, postgres_pid
                )
            else:
                print(
                    f"\nPostgreSQL: skipped, because {POSTGRES_URL_VARIABLE} is not set"
                    " and --start-postgres is not given."
                )
    finally:
        if arguments.keep:
            print(f"\nwork folder kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
