from decimal import Decimal
from fractions import Fraction

import pytest

from questionnaires.schema import Level
from scoring.rounding import level_for, round_half_up

ROUNDING_CASES = [
    pytest.param(Fraction(5495, 100), 1, "55.0", id="half-up"),
    pytest.param(Fraction(5494, 100), 1, "54.9", id="below-half"),
    # Half-even rounding would give 12.2.
    pytest.param(Fraction(1225, 100), 1, "12.3", id="half-up-not-even"),
    pytest.param(Fraction(200, 3), 1, "66.7", id="two-thirds"),
    pytest.param(Fraction(100, 3), 1, "33.3", id="one-third"),
    pytest.param(Fraction(-125, 100), 1, "-1.3", id="negative-away-from-zero"),
    pytest.param(Fraction(5, 2), 0, "3", id="no-decimals"),
    pytest.param(Fraction(1, 8), 2, "0.13", id="two-decimals"),
    pytest.param(Fraction(3, 10), 6, "0.300000", id="six-decimals"),
    pytest.param(Fraction(0), 1, "0.0", id="zero"),
]


@pytest.mark.parametrize(("value", "decimals", "expected"), ROUNDING_CASES)
def test_round_half_up(value, decimals, expected):
    rounded = round_half_up(value, decimals)

    assert rounded == Decimal(expected)
    assert str(rounded) == expected


def test_round_half_up_default_one_decimal():
    assert str(round_half_up(Fraction(1, 6) * 100)) == "16.7"


LEVELS = [
    Level(id="emergent", name="Émergent", min_score=Decimal(0)),
    Level(id="en_structuration", name="En structuration", min_score=Decimal(30)),
    Level(id="etabli", name="Établi", min_score=Decimal(55)),
    Level(id="exemplaire", name="Exemplaire", min_score=Decimal(80)),
]


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        ("0.0", "emergent"),
        ("29.9", "emergent"),
        ("30.0", "en_structuration"),
        ("54.9", "en_structuration"),
        ("55.0", "etabli"),
        ("79.9", "etabli"),
        ("80.0", "exemplaire"),
        ("100.0", "exemplaire"),
    ],
)
def test_level_for_threshold(score, expected):
    assert level_for(LEVELS, Decimal(score)).id == expected


# A scale from 0 to the given maximum scores value / maximum exactly, so each
# case sets the exact theme score.
THRESHOLD_CASES = [
    pytest.param(1000, 550, "55.0", "etabli", id="on-threshold"),
    pytest.param(1000, 549, "54.9", "en_structuration", id="below-threshold"),
    # 1099 / 2000 is 54.95 exactly, where 0.5495 * 100 in floats is 54.94999...
    pytest.param(2000, 1099, "55.0", "etabli", id="rounded-onto-threshold"),
    pytest.param(10000, 5494, "54.9", "en_structuration", id="rounded-below"),
    pytest.param(1000, 300, "30.0", "en_structuration", id="lowest-threshold"),
    pytest.param(2000, 599, "30.0", "en_structuration", id="rounded-to-thirty"),
    pytest.param(1000, 800, "80.0", "exemplaire", id="top-threshold"),
    pytest.param(3, 2, "66.7", "etabli", id="two-thirds"),
    pytest.param(400, 49, "12.3", "emergent", id="half-up"),
]


@pytest.mark.parametrize(("high", "value", "shown", "level"), THRESHOLD_CASES)
def test_theme_score_threshold(make_questionnaire, score, high, value, shown, level):
    questionnaire = make_questionnaire(
        {"id": "q", "type": "scale", "min": 0, "max": high}
    )

    result = score(questionnaire, {"q": value})

    assert result.themes[0].score == Decimal(shown)
    assert str(result.themes[0].score) == shown
    assert result.themes[0].level.id == level
    assert result.score == Decimal(shown)
    assert result.level.id == level
