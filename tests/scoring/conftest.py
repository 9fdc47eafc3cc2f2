"""Builders of small questionnaires and of answers for the scoring tests.

Tests write questions as dicts. The builders fill the fields that scoring does
not read (labels, titles, introductions), and ``choices`` may be written as
``{choice_id: points}``. A built questionnaire must pass the loader's
consistency checks, so no test scores a definition that a file could not hold.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from questionnaires import (
    BUILTIN_DIRECTORY,
    Question,
    Questionnaire,
    load_questionnaire,
)
from questionnaires.checks import check_questionnaire
from questionnaires.types import QuestionType
from scoring import DiagnosticResult, parse_answers, score_diagnostic

GUIDE_PATH = BUILTIN_DIRECTORY / "guide-bonnes-pratiques.yaml"

# The thresholds of the real questionnaire.
LEVELS = [
    {"id": "emergent", "name": "Émergent", "min_score": 0},
    {"id": "en_structuration", "name": "En structuration", "min_score": 30},
    {"id": "etabli", "name": "Établi", "min_score": 55},
    {"id": "exemplaire", "name": "Exemplaire", "min_score": 80},
]

# Figures for the numeric questions of the real questionnaire. With 25 employees
# and 3 alerts, every conditional question is asked.
GUIDE_NUMBERS: dict[str, int | Decimal] = {
    "gouv_membres_votants": 120,
    "gouv_votants_ag": 78,
    "gouv_membres_conseil": 12,
    "terr_achats_total": 200000,
    "terr_achats_locaux": 50000,
    "emploi_effectif": 25,
    "emploi_etp": Decimal("21.5"),
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


def _question(data: dict[str, Any]) -> dict[str, Any]:
    question = {"label": f"Question {data['id']}", **data}
    choices = question.get("choices")
    if isinstance(choices, dict):
        choices = [{"id": id, "points": points} for id, points in choices.items()]
    if choices is not None:
        question["choices"] = [{"label": f"Choix {c['id']}", **c} for c in choices]
    return question


def _theme(data: dict[str, Any]) -> dict[str, Any]:
    theme = {"title": f"Thème {data['id']}", "introduction": "Introduction.", **data}
    theme["questions"] = [_question(q) for q in data["questions"]]
    return theme


def build_questionnaire(
    *questions: dict[str, Any],
    themes: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> Questionnaire:
    """Build a valid questionnaire from themes, or one theme 'theme' of questions."""
    if themes is None:
        themes = [{"id": "theme", "questions": list(questions)}]
    data = {
        "id": "test-questionnaire",
        "version": "1.0",
        "title": "Questionnaire de test",
        "description": "Questionnaire construit pour un test.",
        "language": "fr",
        "levels": LEVELS,
        "themes": [_theme(theme) for theme in themes],
        **fields,
    }

    questionnaire = Questionnaire.model_validate(data)
    issues = check_questionnaire(questionnaire)
    assert issues == [], f"the test questionnaire is invalid: {issues}"
    return questionnaire


def score_answers(
    questionnaire: Questionnaire, raw: dict[str, Any]
) -> DiagnosticResult:
    """Validate answers written as in an answers file, then score them."""
    answers, errors = parse_answers(questionnaire, raw)
    assert errors == [], f"the test answers are invalid: {errors}"
    return score_diagnostic(questionnaire, answers)


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
    return GUIDE_NUMBERS[question.id]


@pytest.fixture
def make_questionnaire() -> Callable[..., Questionnaire]:
    return build_questionnaire


@pytest.fixture
def score() -> Callable[[Questionnaire, dict[str, Any]], DiagnosticResult]:
    return score_answers


@pytest.fixture(scope="session")
def guide() -> Questionnaire:
    return load_questionnaire(GUIDE_PATH)


@pytest.fixture
def best_guide_answers(guide: Questionnaire) -> dict[str, Any]:
    """Return the best answer to every question of the real questionnaire.

    The yes/no context questions are answered true, like every scored yes/no
    question, so every conditional question is asked.
    """
    return {q.id: best_answer(q) for q in guide.questions()}
