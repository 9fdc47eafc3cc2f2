from decimal import Decimal

import pytest

# Inputs of the formulas: 'n' is asked only when 'contexte' is true and may be
# answered not applicable or don't know.
INPUT_QUESTIONS = [
    {"id": "contexte", "type": "yes_no", "weight": 0},
    {"id": "a", "type": "integer"},
    {"id": "b", "type": "integer"},
    {"id": "c", "type": "decimal"},
    {"id": "p", "type": "decimal"},
    {"id": "q", "type": "decimal"},
    {"id": "z", "type": "integer"},
    {
        "id": "n",
        "type": "integer",
        "allow_not_applicable": True,
        "allow_dont_know": True,
        "condition": {"question": "contexte", "equals": True},
    },
]
ANSWERS = {
    "contexte": True,
    "a": 12,
    "b": 8,
    "c": Decimal("2.5"),
    "p": Decimal("0.1"),
    "q": Decimal("0.2"),
    "z": 0,
    "n": 4,
}


@pytest.fixture
def indicator(make_questionnaire, score):
    """Return a function that computes one formula over ANSWERS with changes."""

    def compute(formula: str, decimals: int = 1, **changes):
        theme = {
            "id": "theme",
            "questions": INPUT_QUESTIONS,
            "indicators": [
                {
                    "id": "indicateur",
                    "label": "Indicateur",
                    "unit": "%",
                    "formula": formula,
                    "decimals": decimals,
                }
            ],
        }
        questionnaire = make_questionnaire(themes=[theme])
        answers = {**ANSWERS, **changes}
        return score(questionnaire, answers).indicators[0]

    return compute


FORMULA_CASES = [
    pytest.param("sum(a, b, c)", 1, "22.5", id="sum"),
    pytest.param("sum(a)", 1, "12.0", id="sum-of-one"),
    pytest.param("difference(a, b)", 1, "4.0", id="difference"),
    pytest.param("difference(b, a)", 1, "-4.0", id="difference-negative"),
    pytest.param("product(a, b, c)", 1, "240.0", id="product"),
    pytest.param("ratio(a, b)", 1, "1.5", id="ratio"),
    pytest.param("share(b, a)", 1, "66.7", id="share"),
    pytest.param("share(n, a)", 2, "33.33", id="share-two-decimals"),
    pytest.param("a + b * c", 1, "32.0", id="precedence"),
    pytest.param("(a + b) * c", 1, "50.0", id="brackets"),
    pytest.param("a - b - c", 1, "1.5", id="subtraction-left-to-right"),
    pytest.param("a / b / c", 1, "0.6", id="division-left-to-right"),
    pytest.param("-a + b", 1, "-4.0", id="unary-minus"),
    pytest.param("+a", 1, "12.0", id="unary-plus"),
    pytest.param("share(difference(a, b), sum(a, b))", 1, "20.0", id="nested"),
    pytest.param("ratio(product(a, c), sum(b, n))", 1, "2.5", id="nested-ratio"),
    pytest.param("share(a, 16)", 1, "75.0", id="constant"),
    pytest.param("a * 0.1", 1, "1.2", id="decimal-constant"),
    pytest.param("sum(p, q)", 6, "0.300000", id="no-float-error"),
    pytest.param("ratio(p, q) * 3", 6, "1.500000", id="exact-fraction"),
    pytest.param("ratio(b, 3)", 0, "3", id="decimals-zero"),
    pytest.param("ratio(b, 3)", 2, "2.67", id="decimals-two"),
    pytest.param("ratio(b, 3)", 3, "2.667", id="decimals-three"),
    pytest.param("ratio(b, 3)", 6, "2.666667", id="decimals-six"),
    pytest.param("ratio(c, 20)", 2, "0.13", id="half-up"),
    pytest.param("ratio(c, 1)", 0, "3", id="half-up-to-integer"),
    pytest.param("difference(b, 10.5)", 0, "-3", id="half-away-from-zero"),
]


@pytest.mark.parametrize(("formula", "decimals", "expected"), FORMULA_CASES)
def test_formula_value(indicator, formula, decimals, expected):
    result = indicator(formula, decimals)

    assert result.value == Decimal(expected)
    assert str(result.value) == expected
    assert result.reason is None
    assert result.is_computable


# Each case: formula, answers changed, the question and its state.
MISSING_CASES = [
    pytest.param("ratio(a, n)", {"n": None}, "n", "unanswered", id="unanswered"),
    pytest.param(
        "ratio(a, n)", {"n": "not_applicable"}, "n", "not_applicable", id="na"
    ),
    pytest.param("ratio(a, n)", {"n": "dont_know"}, "n", "dont_know", id="dont-know"),
    pytest.param("ratio(a, n)", {"contexte": False}, "n", "hidden", id="hidden"),
    pytest.param(
        "ratio(a, n)", {"contexte": None}, "n", "hidden", id="hidden-by-unanswered"
    ),
    pytest.param(
        "sum(a, ratio(b, n))",
        {"n": "not_applicable"},
        "n",
        "not_applicable",
        id="nested",
    ),
    pytest.param("a + b", {"b": None}, "b", "unanswered", id="operator"),
    pytest.param("share(a, z)", {"a": None}, "a", "unanswered", id="before-divisor"),
]


@pytest.mark.parametrize(("formula", "changes", "question", "state"), MISSING_CASES)
def test_missing_input_not_computable(indicator, formula, changes, question, state):
    result = indicator(formula, **changes)

    assert result.value is None
    assert not result.is_computable
    assert result.reason.code == "missing_answer"
    assert result.reason.params == {"question": question, "state": state}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"n": None}, "question n is unanswered"),
        ({"n": "not_applicable"}, "question n is answered not applicable"),
        ({"contexte": False}, "question n is not asked"),
        ({"n": "dont_know"}, "question n is answered don't know"),
    ],
)
def test_missing_input_message(indicator, changes, message):
    assert indicator("ratio(a, n)", **changes).reason.message == message


ZERO_DIVISOR_CASES = [
    pytest.param("ratio(a, z)", "z", id="ratio"),
    pytest.param("share(a, z)", "z", id="share"),
    pytest.param("a / z", "z", id="operator"),
    pytest.param("ratio(z, z)", "z", id="zero-by-zero"),
    pytest.param("ratio(a, 0)", "0", id="constant"),
    pytest.param("a / (b - b)", "b - b", id="expression"),
    pytest.param("share(a, difference(b, b))", "difference(b, b)", id="function"),
    pytest.param("sum(a, ratio(b, z))", "z", id="nested"),
]


@pytest.mark.parametrize(("formula", "divisor"), ZERO_DIVISOR_CASES)
def test_zero_divisor_not_computable(indicator, formula, divisor):
    result = indicator(formula)

    assert result.value is None
    assert result.reason.code == "zero_divisor"
    assert result.reason.params == {"divisor": divisor}
    assert result.reason.message == f"the divisor {divisor} is zero"


def test_indicators_in_theme_order(make_questionnaire, score):
    def theme(theme_id: str, question_id: str, formula: str) -> dict:
        return {
            "id": theme_id,
            "questions": [{"id": question_id, "type": "integer"}],
            "indicators": [
                {
                    "id": f"indicateur_{theme_id}",
                    "label": f"Indicateur {theme_id}",
                    "unit": "kWh",
                    "formula": formula,
                }
            ],
        }

    questionnaire = make_questionnaire(
        themes=[theme("a", "x", "x"), theme("b", "y", "ratio(y, x)")]
    )

    indicators = score(questionnaire, {"x": 4, "y": 10}).indicators

    assert [item.indicator_id for item in indicators] == [
        "indicateur_a",
        "indicateur_b",
    ]
    assert [item.theme_id for item in indicators] == ["a", "b"]
    assert [item.label for item in indicators] == ["Indicateur a", "Indicateur b"]
    assert [item.unit for item in indicators] == ["kWh", "kWh"]
    assert [item.value for item in indicators] == [Decimal("4.0"), Decimal("2.5")]


def test_share_part_above_whole(indicator):
    result = indicator("share(a, b)", a=45, b=10)

    assert result.value is None
    assert result.reason.code == "part_above_whole"
    assert result.reason.message == "a (45) is larger than b (10)"
    assert result.reason.params == {
        "part": "a",
        "whole": "b",
        "part_value": "45",
        "whole_value": "10",
    }


def test_share_of_whole_is_hundred(indicator):
    assert indicator("share(a, b)", a=10, b=10).value == Decimal("100.0")
