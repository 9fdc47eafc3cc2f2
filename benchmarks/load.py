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
import importlib.util
import os
import secrets
import shutil
import signal
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

# The helper modules live beside locustfile.py in benchmarks/load/.
sys.path.insert(0, str(Path(__file__).resolve().parent / "load"))

from measures import (  # noqa: E402
    add_server_figures,
    describe_machine,
    figures_by_kind,
    print_notes,
    print_table,
    print_targets,
    run_locust,
    server_durations,
)
from services import (  # noqa: E402
    check_loopback,
    gunicorn,
    postgres_database,
    private_postgres,
    seed,
)
from settings import (  # noqa: E402
    BARE,
    HELPERS,
    LOOPBACK,
    POSTGRES_URL_VARIABLE,
    ROOT,
    SATURATION_USERS,
    WIZARD_KINDS,
)


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
