"""Locust runs, their figures and the tables printed from them."""

import csv
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from services import (  # noqa: E402
    Server,
    clean_environment,
)
from settings import (  # noqa: E402
    BARE,
    HELPERS,
    LOCUST_GRACE,
    OPEN_STEP,
    RESULTS,
    SAVE_P95_TARGET_MS,
    SAVE_STEP,
    SIGN_IN_KINDS,
    WIZARD_KINDS,
)

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
