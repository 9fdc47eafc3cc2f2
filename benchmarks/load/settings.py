"""Settings shared by the load benchmark's modules."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HELPERS = Path(__file__).resolve().parent
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
