"""Locust users for benchmarks/load.py: organisations going through the wizard.

load.py runs locust on this file and sets its inputs in environment variables:

- AUTODIAG_LOAD_ACCOUNTS: JSON file of the seeded accounts, one per simulated
  user, each with its e-mail, password, diagnostic and the answer fields of the
  step it saves (empty for BareUser);
- AUTODIAG_LOAD_THINK: think time between two requests of a user, as
  "MIN,MAX" in seconds, or "0" for none;
- AUTODIAG_LOAD_RECORD: CSV file that receives every request: kind, start time,
  duration in milliseconds and error, if any;
- AUTODIAG_LOAD_MAX_REQUESTS: request count after which the run stops, even
  before locust's --run-time.

The record also has one "ready" row, written when every user has signed in, so
that load.py measures only the steady state that follows.
"""

import csv
import itertools
import json
import os
import re
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import gevent
from locust import FastHttpUser, SequentialTaskSet, between, constant, events, task

ACCOUNTS_PATH = os.environ.get("AUTODIAG_LOAD_ACCOUNTS")
ACCOUNTS = json.loads(Path(ACCOUNTS_PATH).read_text()) if ACCOUNTS_PATH else []
RECORD_PATH = Path(os.environ["AUTODIAG_LOAD_RECORD"])
MAX_REQUESTS = int(os.environ["AUTODIAG_LOAD_MAX_REQUESTS"])
# Hidden inputs as WTForms writes them: the CSRF token, and on step pages the
# version of the stored answers that the page shows.
HIDDEN_INPUT = re.compile(r'name="([a-z_]+)" type="hidden" value="([^"]*)"')

# Kinds of request, as load.py prints them.
SIGN_IN_PAGE = "sign-in page"
SIGN_IN = "sign in"
OPEN_STEP = "open step"
SAVE_STEP = "save step"
RESULTS = "results page"
BARE = "bare endpoint"


def think_time():
    setting = os.environ.get("AUTODIAG_LOAD_THINK", "0")
    if setting == "0":
        return constant(0)
    low, high = (float(part) for part in setting.split(","))
    return between(low, high)


class Recorder:
    """Every request of the run, kept in memory and written out at the end."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float, str]] = []
        self.ready_users = 0
        self.ready_at: float | None = None
        self.stopping = False

    def add(self, environment, name, start_time, response_time, exception) -> None:
        error = "" if exception is None else f"{type(exception).__name__}: {exception}"
        self.rows.append((name, start_time, response_time, error[:200]))
        if len(self.rows) >= MAX_REQUESTS and not self.stopping:
            self.stopping = True
            gevent.spawn(environment.runner.quit)

    def user_ready(self, environment) -> None:
        self.ready_users += 1
        if self.ready_users == environment.parsed_options.num_users:
            self.ready_at = time.time()

    def write(self) -> None:
        with RECORD_PATH.open("w", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(["kind", "start", "duration_ms", "error"])
            if self.ready_at is not None:
                writer.writerow(["ready", self.ready_at, 0, ""])
            writer.writerows(self.rows)


RECORDER = Recorder()
NEXT_ACCOUNT = itertools.count()


@events.request.add_listener
def record_request(name, start_time, response_time, exception, context, **_kwargs):
    RECORDER.add(context["environment"], name, start_time, response_time, exception)


@events.quitting.add_listener
def write_record(**_kwargs):
    RECORDER.write()


class Member(FastHttpUser):
    """A member of one seeded organisation, signed in once at the start."""

    abstract = True
    wait_time = think_time()
    network_timeout = 30.0
    connection_timeout = 10.0

    def context(self):
        return {"environment": self.environment}

    def on_start(self) -> None:
        self.account = ACCOUNTS[next(NEXT_ACCOUNT) % len(ACCOUNTS)]
        self.saves = itertools.count()
        self.csrf_token = ""
        self.version = ""
        self.step_path = (
            f"/diagnostics/{self.account['public_id']}/steps/{self.account['theme_id']}"
        )
        self.results_path = f"/diagnostics/{self.account['public_id']}/results"
        self.sign_in()
        RECORDER.user_ready(self.environment)

    def sign_in(self) -> None:
        with self.client.get(
            "/login", name=SIGN_IN_PAGE, catch_response=True
        ) as response:
            token = self.read_hidden_fields(response).get("csrf_token", "")
        form = {
            "csrf_token": token,
            "email": self.account["email"],
            "password": self.account["password"],
        }
        with self.client.post(
            "/login",
            name=SIGN_IN,
            data=urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self.expect_dashboard(response)

    def read_hidden_fields(self, response) -> dict[str, str]:
        if response.status_code != 200:
            response.failure(f"status {response.status_code}")
            return {}
        fields = dict(HIDDEN_INPUT.findall(response.text or ""))
        if not fields.get("csrf_token"):
            response.failure("no CSRF token on the page")
        return fields

    def expect_dashboard(self, response) -> None:
        location = response.headers.get("Location") or ""
        if response.status_code != 302 or urlsplit(location).path != "/":
            response.failure(f"status {response.status_code} to {location!r}")

    def open_step(self) -> None:
        with self.client.get(
            self.step_path, name=OPEN_STEP, catch_response=True
        ) as response:
            fields = self.read_hidden_fields(response)
        self.csrf_token = fields.get("csrf_token", "")
        self.version = fields.get("version", "")

    def save_step(self) -> None:
        """Post the whole step with its answers and one changed comment."""
        comment = f"Enregistrement {next(self.saves)} de {self.account['email']}"
        form = [
            ("csrf_token", self.csrf_token),
            ("version", self.version),
            ("action", "save_and_leave"),
            ("shown", " ".join(self.account["question_ids"])),
            *[tuple(pair) for pair in self.account["fields"]],
            (self.account["comment_field"], comment),
        ]
        with self.client.post(
            self.step_path,
            name=SAVE_STEP,
            data=urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self.expect_dashboard(response)

    def open_results(self) -> None:
        with self.client.get(
            self.results_path, name=RESULTS, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")


class WizardLoop(SequentialTaskSet):
    """Open the step, save it, open the results page, with think time between."""

    @task
    def open_step(self) -> None:
        self.user.open_step()

    @task
    def save_step(self) -> None:
        self.user.save_step()

    @task
    def open_results(self) -> None:
        self.user.open_results()


class WizardUser(Member):
    """The realistic user: the whole loop of one organisation's member."""

    tasks = [WizardLoop]


class OpenStepUser(Member):
    """Opens the step page only, to measure that request's capacity alone."""

    @task
    def open(self) -> None:
        self.open_step()


class SaveStepUser(Member):
    """Saves the step only, to measure that request's capacity alone.

    The user opens the step once, for its CSRF token, then only saves:

    - The page's version would make the app reject every save after the
      first with 409, because each save changes the step. So the form sends
      an empty version, which the app never rejects.
    - Each save adds a flash message to the session cookie, and only a page
      that shows the message takes it out again. So every save sends the
      session cookie as it was before the first save, the size of a
      browser's, instead of a cookie that grows with every save.
    """

    def on_start(self) -> None:
        super().on_start()
        self.open_step()
        self.version = ""
        self.cookies = list(self.client.cookiejar)

    @task
    def save(self) -> None:
        self.save_step()
        self.client.cookiejar.clear()
        for cookie in self.cookies:
            self.client.cookiejar.set_cookie(cookie)


class ResultsUser(Member):
    """Opens the results page only, to measure that request's capacity alone."""

    @task
    def results(self) -> None:
        self.open_results()


class BareUser(FastHttpUser):
    """Requests the one-route Flask app of bare_app.py: the server's floor."""

    wait_time = think_time()
    network_timeout = 30.0
    connection_timeout = 10.0

    def context(self):
        return {"environment": self.environment}

    def on_start(self) -> None:
        RECORDER.user_ready(self.environment)

    @task
    def bare(self) -> None:
        with self.client.get("/", name=BARE, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
