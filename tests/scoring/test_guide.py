"""Scoring of the real questionnaire, guide-bonnes-pratiques.yaml."""

from decimal import Decimal

import pytest

from scoring import parse_answers, score_diagnostic, visible_question_ids

THEME_IDS = [
    "gouvernance",
    "strategie",
    "territoire",
    "emploi",
    "usagers",
    "diversite",
    "environnement",
    "ethique",
]


@pytest.fixture
def best_result(guide, best_guide_answers):
    answers, errors = parse_answers(guide, best_guide_answers)
    assert errors == []
    return score_diagnostic(guide, answers)


def test_guide_theme_ids(guide):
    assert [theme.id for theme in guide.themes] == THEME_IDS


def test_best_answers_ask_every_question(guide, best_guide_answers):
    answers, errors = parse_answers(guide, best_guide_answers)

    visible = visible_question_ids(guide, answers)

    assert errors == []
    assert visible == {question.id for question in guide.questions()}


@pytest.mark.parametrize("theme_id", THEME_IDS)
def test_best_answers_top_theme_level(best_result, theme_id):
    theme = best_result.theme(theme_id)

    assert theme.score == Decimal("100.0")
    assert theme.level.id == "exemplaire"
    assert theme.counts.hidden == 0
    assert theme.counts.scored == theme.counts.scored_asked


def test_best_answers_top_overall(best_result):
    assert best_result.score == Decimal("100.0")
    assert best_result.level.id == "exemplaire"
    assert best_result.level.name == "Exemplaire"


def test_best_answers_eligible(best_result):
    assert best_result.eligibility.is_eligible is True
    assert best_result.eligibility.reasons == ()


# Worked out from GUIDE_NUMBERS in conftest.py.
INDICATOR_CASES = [
    ("taux_participation_ag", "65.0", "%"),
    ("part_achats_locaux", "25.0", "%"),
    ("ecart_remunerations", "2.0", "fois"),
    ("heures_formation_par_salarie", "14.0", "h/salarié"),
    ("part_cdi", "80.0", "%"),
    ("taux_satisfaction_usagers", "85.0", "%"),
    ("part_femmes_conseil", "50.0", "%"),
    ("part_femmes_salariees", "56.0", "%"),
    ("energie_par_etp", "2000", "kWh/ETP"),
    ("alertes_traitees", "3", "alertes"),
]


@pytest.mark.parametrize(("indicator_id", "expected", "unit"), INDICATOR_CASES)
def test_best_answers_indicators(best_result, indicator_id, expected, unit):
    indicator = next(
        item for item in best_result.indicators if item.indicator_id == indicator_id
    )

    assert indicator.value == Decimal(expected)
    assert str(indicator.value) == expected
    assert indicator.reason is None
    assert indicator.unit == unit


def test_every_indicator_computed(best_result):
    assert [item.indicator_id for item in best_result.indicators] == [
        case[0] for case in INDICATOR_CASES
    ]


# Each case: a theme and how many of its questions allow 'not_applicable'.
NOT_APPLICABLE_CASES = [
    ("gouvernance", 0),
    ("strategie", 2),
    ("territoire", 0),
    ("emploi", 0),
    ("usagers", 0),
    ("diversite", 0),
    ("environnement", 1),
    ("ethique", 1),
]


@pytest.mark.parametrize(("theme_id", "allowed"), NOT_APPLICABLE_CASES)
def test_theme_not_applicable_has_no_score(
    guide, best_guide_answers, theme_id, allowed
):
    raw = dict(best_guide_answers)
    for question in guide.theme(theme_id).questions:
        if question.allow_not_applicable:
            raw[question.id] = "not_applicable"
        else:
            del raw[question.id]
    answers, errors = parse_answers(guide, raw)
    assert errors == []

    result = score_diagnostic(guide, answers)
    theme = result.theme(theme_id)

    assert theme.score is None
    assert theme.level is None
    assert theme.counts.not_applicable == allowed
    assert theme.counts.answered == 0
    assert theme.no_level_reason.code == "too_few_answers"
    assert result.score == Decimal("100.0")
    assert result.eligibility.is_eligible is False
    assert [reason.code for reason in result.eligibility.reasons] == [
        "theme_without_level"
    ]
    assert result.eligibility.reasons[0].params["theme"] == theme_id
