"""The installed ``autodiag`` command, run as a separate process."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from questionnaires import BUILTIN_DIRECTORY, Question, load_questionnaire
from questionnaires.types import QuestionType
from scoring import parse_answers, result_to_dict, score_diagnostic

AUTODIAG = Path(sys.executable).parent / "autodiag"
REPOSITORY = Path(__file__).parents[1]
GUIDE = BUILTIN_DIRECTORY / "guide-bonnes-pratiques.yaml"

# Figures for the numeric questions of the real questionnaire. With 25 employees
# and 3 alerts, every conditional question is asked.
NUMBERS = {
    "gouv_membres_votants": 120,
    "gouv_votants_ag": 78,
    "gouv_membres_conseil": 12,
    "terr_achats_total": 200000,
    "terr_achats_locaux": 50000,
    "emploi_effectif": 25,
    "emploi_etp": 21.5,
    "emploi_effectif_cdi": 20,
    "emploi_salaire_max": 3600,
    "emploi_salaire_min": 1800,
    "emploi_heures_formation": 350,
    "usa_repondants_enquete": 80,
    "usa_repondants_satisfaits": 68,
    "div_femmes_conseil": 6,
    "div_femmes_salariees": 14,
    "env_energie_kwh": 43000,
    "eth_alertes_internes": 2,
    "eth_alertes_externes": 1,
}


def best_answer(question: Question) -> Any:
    """Return the answer that earns every point, or the figure of a numeric one."""
    choices = question.choices or []
    if question.type is QuestionType.YES_NO:
        return True
    if question.type is QuestionType.SCALE:
        return int(question.max)  # type: ignore[arg-type]
    if question.type is QuestionType.SINGLE_CHOICE:
        return max(choices, key=lambda choice: choice.points).id
    if question.type is QuestionType.MULTIPLE_CHOICE:
        return [choice.id for choice in choices if not choice.exclusive]
    return NUMBERS[question.id]


def run_autodiag(instance: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the command from the repository root with its own instance folder."""
    env = {name: value for name, value in os.environ.items() if "AUTODIAG" not in name}
    env["AUTODIAG_INSTANCE_PATH"] = str(instance)
    return subprocess.run(
        [str(AUTODIAG), *args],
        capture_output=True,
        text=True,
        cwd=REPOSITORY,
        env=env,
        timeout=120,
    )


@pytest.fixture(scope="module")
def guide():
    return load_questionnaire(GUIDE)


@pytest.fixture(scope="module")
def best_answers(guide) -> dict[str, Any]:
    return {question.id: best_answer(question) for question in guide.questions()}


@pytest.fixture
def autodiag(tmp_path):
    def run(*args: str) -> subprocess.CompletedProcess:
        return run_autodiag(tmp_path / "instance", *args)

    return run


@pytest.fixture
def write_answers(tmp_path):
    def write(content: dict | list | str, name: str = "answers.json") -> Path:
        path = tmp_path / name
        text = content if isinstance(content, str) else json.dumps(content)
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_check_builtin_folder(autodiag):
    completed = autodiag("questionnaire", "check", "questionnaires/")

    assert completed.returncode == 0
    assert completed.stdout == ""
    assert "All questionnaire files are valid." in completed.stderr


@pytest.fixture
def duplicate_file(guide, tmp_path) -> tuple[Path, int]:
    """Return a copy of the real file and a line where a question id is repeated.

    The second question of the second theme takes the id of the first question.
    """
    first_id = guide.themes[0].questions[0].id
    changed_id = guide.themes[1].questions[1].id
    text = GUIDE.read_text(encoding="utf-8")
    old = f"- id: {changed_id}\n"
    assert text.count(old) == 1

    line = text[: text.index(old)].count("\n") + 1
    path = tmp_path / "doublon.yaml"
    path.write_text(text.replace(old, f"- id: {first_id}\n"), encoding="utf-8")
    return path, line


def test_check_duplicate_question_id(autodiag, guide, duplicate_file):
    path, line = duplicate_file
    first_id = guide.themes[0].questions[0].id

    completed = autodiag("questionnaire", "check", str(path))

    assert completed.returncode == 1
    assert (
        f"{path}:{line}: themes[1].questions[1].id: "
        f"duplicate question id '{first_id}'" in completed.stdout.splitlines()
    )
    assert "problem(s) found." in completed.stderr


def test_check_duplicate_reported_once(autodiag, duplicate_file):
    path, _ = duplicate_file

    completed = autodiag("questionnaire", "check", str(path))

    # The conditions on the first question are valid and must not be reported
    # against the duplicate that took its id.
    assert completed.stdout.splitlines()[1:] == []
    assert "1 problem(s) found." in completed.stderr


def test_check_missing_file(autodiag, tmp_path):
    path = tmp_path / "absent.yaml"

    completed = autodiag("questionnaire", "check", str(path))

    assert completed.returncode == 1
    assert f"{path}: (top level): file not found" in completed.stdout


def test_score_missing_answers_file(autodiag, tmp_path):
    path = tmp_path / "absent.json"

    completed = autodiag("score", str(GUIDE), str(path))

    assert completed.returncode == 2
    assert "No such file or directory" in completed.stderr
    assert completed.stdout == ""


def test_score_rejects_invalid_questionnaire(autodiag, duplicate_file, write_answers):
    path, _ = duplicate_file

    completed = autodiag("score", str(path), str(write_answers({})))

    assert completed.returncode == 1
    assert "invalid questionnaire:" in completed.stderr
    assert "duplicate question id" in completed.stderr
    assert completed.stdout == ""


@pytest.fixture(scope="module")
def best_output(tmp_path_factory, best_answers) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("best")
    answers = folder / "answers.json"
    answers.write_text(json.dumps(best_answers), encoding="utf-8")

    completed = run_autodiag(folder / "instance", "score", str(GUIDE), str(answers))

    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def test_score_best_questionnaire(best_output):
    assert best_output["questionnaire"] == {
        "id": "guide-bonnes-pratiques",
        "version": "2026.1",
    }


def test_score_best_overall(best_output):
    assert best_output["score"] == 100.0
    assert best_output["level"] == {"id": "exemplaire", "name": "Exemplaire"}
    assert best_output["no_level_reason"] is None


# Each case: a theme, its questions, and how many of them are scored.
THEME_CASES = [
    ("gouvernance", 13, 8),
    ("strategie", 7, 7),
    ("territoire", 8, 6),
    ("emploi", 14, 8),
    ("usagers", 8, 6),
    ("diversite", 9, 7),
    ("environnement", 7, 6),
    ("ethique", 9, 7),
]


def test_score_best_theme_order(best_output):
    assert [theme["id"] for theme in best_output["themes"]] == [
        case[0] for case in THEME_CASES
    ]


@pytest.mark.parametrize(("theme_id", "asked", "scored"), THEME_CASES)
def test_score_best_theme(best_output, theme_id, asked, scored):
    theme = next(item for item in best_output["themes"] if item["id"] == theme_id)

    assert theme["score"] == 100.0
    assert theme["level"] == {"id": "exemplaire", "name": "Exemplaire"}
    assert theme["no_level_reason"] is None
    assert theme["counts"] == {
        "asked": asked,
        "hidden": 0,
        "answered": asked,
        "not_applicable": 0,
        "dont_know": 0,
        "unanswered": 0,
        "scored_asked": scored,
        "scored": scored,
        "required_missing": 0,
    }


INDICATOR_CASES = [
    ("taux_participation_ag", 65.0, "%"),
    ("part_achats_locaux", 25.0, "%"),
    ("ecart_remunerations", 2.0, "fois"),
    ("heures_formation_par_salarie", 14.0, "h/salarié"),
    ("part_cdi", 80.0, "%"),
    ("taux_satisfaction_usagers", 85.0, "%"),
    ("part_femmes_conseil", 50.0, "%"),
    ("part_femmes_salariees", 56.0, "%"),
    ("energie_par_etp", 2000, "kWh/ETP"),
    ("alertes_traitees", 3, "alertes"),
]


def test_score_best_indicators(best_output):
    found = [
        (item["id"], item["value"], item["unit"]) for item in best_output["indicators"]
    ]

    assert found == INDICATOR_CASES
    assert [item["not_computable_reason"] for item in best_output["indicators"]] == [
        None
    ] * len(INDICATOR_CASES)


def test_score_best_eligibility(best_output):
    assert best_output["eligibility"] == {"is_eligible": True, "reasons": []}


def test_score_matches_library(best_output, guide, best_answers):
    answers, errors = parse_answers(guide, best_answers)
    assert errors == []

    expected = result_to_dict(score_diagnostic(guide, answers))

    assert best_output == json.loads(json.dumps(expected))


def test_score_theme_not_applicable(autodiag, guide, best_answers, write_answers):
    answers = dict(best_answers)
    for question in guide.theme("strategie").questions:
        if question.allow_not_applicable:
            answers[question.id] = "not_applicable"
        else:
            del answers[question.id]

    completed = autodiag("score", str(GUIDE), str(write_answers(answers)))

    assert completed.returncode == 0, completed.stderr
    data = json.loads(completed.stdout)
    theme = next(item for item in data["themes"] if item["id"] == "strategie")
    assert theme["score"] is None
    assert theme["level"] is None
    assert theme["counts"]["not_applicable"] == 2
    assert theme["no_level_reason"]["code"] == "too_few_answers"
    assert data["score"] == 100.0
    assert data["eligibility"]["is_eligible"] is False
    assert data["eligibility"]["reasons"][0]["code"] == "theme_without_level"
    assert data["eligibility"]["reasons"][0]["theme"] == "strategie"


# Each case: the answers file's text and the message given after its path.
ANSWERS_ERROR_CASES = [
    pytest.param("{'a': 1}", "invalid JSON: Expecting property name", id="bad-json"),
    pytest.param("", "invalid JSON: Expecting value", id="empty-file"),
    pytest.param(
        "[1, 2]", "expected a JSON object {question_id: value}", id="not-object"
    ),
    pytest.param('{"inconnue": true}', "inconnue: unknown question id", id="unknown"),
    pytest.param(
        '{"gouv_regles_ecrites": "jamais"}',
        "gouv_regles_ecrites: 'jamais' is not one of the choices",
        id="invalid-choice",
    ),
    pytest.param(
        '{"a_des_salaries": "oui"}',
        "a_des_salaries: true or false is expected",
        id="invalid-yes-no",
    ),
]


@pytest.mark.parametrize(("content", "message"), ANSWERS_ERROR_CASES)
def test_score_rejects_answers(autodiag, write_answers, content, message):
    path = write_answers(content)

    completed = autodiag("score", str(GUIDE), str(path))

    assert completed.returncode == 1
    assert completed.stdout == ""
    assert f"{path}: {message}" in completed.stderr
