"""Time scoring and a wizard step save on the real questionnaire.

Run with ``.venv/bin/python benchmarks/scoring_and_wizard.py``. It prints the
median and 95th percentile over repeated runs, in milliseconds. The wizard part
uses the Flask test client on a temporary SQLite database, so it measures the
app's own work without a network or a WSGI server.
"""

import itertools
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app import create_app
from app.demo import DEMO_EMAIL, DEMO_PASSWORD, demo_answers, load_demo
from app.diagnostics.services import load_answers, questionnaire_of
from app.extensions import db
from app.models import Diagnostic
from app.wizard.forms import initial_data
from questionnaires import BUILTIN_DIRECTORY, load_questionnaire
from scoring import score_diagnostic

ROUNDS = 200


def measure(label: str, action: Callable[[], object], rounds: int = ROUNDS) -> None:
    """Run an action repeatedly and print its median and p95 duration."""
    action()
    durations = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        durations.append((time.perf_counter() - start) * 1000)
    durations.sort()
    p95 = durations[int(len(durations) * 0.95) - 1]
    print(
        f"{label:<40} median {statistics.median(durations):7.2f} ms   p95 {p95:7.2f} ms"
    )


def benchmark_scoring() -> None:

    path = BUILTIN_DIRECTORY / "guide-bonnes-pratiques.yaml"
    measure("load and validate questionnaire", lambda: load_questionnaire(path), 50)

    questionnaire = load_questionnaire(path)
    answers = demo_answers(questionnaire, random.Random(1), ambition=0.8)
    measure(
        "score a complete diagnostic", lambda: score_diagnostic(questionnaire, answers)
    )


def benchmark_wizard() -> None:

    folder = Path(tempfile.mkdtemp(prefix="autodiag-bench-"))
    os.environ["AUTODIAG_INSTANCE_PATH"] = str(folder)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
            "WTF_CSRF_ENABLED": False,
            "LOG_LEVEL": "WARNING",
        }
    )
    with app.app_context():
        upgrade()
        load_demo()
        db.session.remove()

    client = app.test_client()
    client.post("/login", data={"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
    with app.app_context():
        diagnostic = db.session.scalars(
            select(Diagnostic).filter_by(status="in_progress")
        ).one()
        public_id = diagnostic.public_id
        questionnaire = questionnaire_of(diagnostic)
        theme = questionnaire.theme("strategie")
        answers, _comments = load_answers(diagnostic, questionnaire)
    step = f"/diagnostics/{public_id}/steps/{theme.id}"
    # Alternating two comments makes every POST write a change.
    forms = itertools.cycle(
        [step_form(theme, answers, comment) for comment in ("Version A", "B")]
    )

    measure("GET wizard step", lambda: client.get(step))
    measure(
        "POST wizard step, one comment changed",
        lambda: client.post(step, data=next(forms)),
    )
    measure("GET results page", lambda: client.get(f"/diagnostics/{public_id}/results"))


def step_form(theme, answers, comment: str) -> MultiDict:
    """Return the form data of a full step, as the browser sends it."""
    data = MultiDict({"action": "save_and_leave"})
    data["shown"] = " ".join(question.id for question in theme.questions)
    for name, value in initial_data(theme.questions, answers, {}).items():
        for item in value if isinstance(value, list) else [value]:
            data.add(name, item)
    data[f"comment-{theme.questions[0].id}"] = comment
    return data


if __name__ == "__main__":
    import logging

    logging.disable(logging.INFO)
    benchmark_scoring()
    benchmark_wizard()
