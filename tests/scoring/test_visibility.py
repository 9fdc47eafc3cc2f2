from decimal import Decimal

import pytest

from questionnaires.schema import Comparison
from scoring import Special, parse_answers, visible_question_ids
from scoring.visibility import is_true

# Questions of most types, asked before 'cible', which gets the condition
# under test.
EARLIER_QUESTIONS = [
    {"id": "oui_non", "type": "yes_no", "weight": 0},
    {
        "id": "choix",
        "type": "single_choice",
        "weight": 0,
        "choices": {"a": 0, "b": 1, "c": 2},
    },
    {
        "id": "plusieurs",
        "type": "multiple_choice",
        "weight": 0,
        "choices": {"a": 1, "b": 1, "c": 1},
    },
    {
        "id": "nombre",
        "type": "integer",
        "allow_not_applicable": True,
        "allow_dont_know": True,
    },
    {"id": "montant", "type": "decimal"},
    {"id": "echelle", "type": "scale", "weight": 0, "min": 1, "max": 5},
    {"id": "texte", "type": "short_text"},
]


def equals(question_id: str, value) -> dict:
    return {"question": question_id, "equals": value}


CONDITION_CASES = [
    pytest.param(equals("oui_non", True), {"oui_non": True}, True, id="equals-true"),
    pytest.param(equals("oui_non", True), {"oui_non": False}, False, id="equals-false"),
    pytest.param(equals("oui_non", False), {"oui_non": False}, True, id="equals-no"),
    pytest.param(equals("oui_non", True), {}, False, id="unanswered-is-false"),
    pytest.param(equals("choix", "b"), {"choix": "b"}, True, id="choice-equal"),
    pytest.param(equals("choix", "b"), {"choix": "a"}, False, id="choice-different"),
    pytest.param(
        {"question": "choix", "one_of": ["a", "c"]},
        {"choix": "c"},
        True,
        id="one-of-in",
    ),
    pytest.param(
        {"question": "choix", "one_of": ["a", "c"]},
        {"choix": "b"},
        False,
        id="one-of-out",
    ),
    pytest.param(
        equals("plusieurs", "b"),
        {"plusieurs": ["a", "b"]},
        True,
        id="multiple-equals-selected",
    ),
    pytest.param(
        equals("plusieurs", "b"),
        {"plusieurs": ["a", "c"]},
        False,
        id="multiple-equals-not-selected",
    ),
    pytest.param(
        {"question": "plusieurs", "one_of": ["b", "c"]},
        {"plusieurs": ["c"]},
        True,
        id="multiple-one-of-selected",
    ),
    pytest.param(
        {"question": "plusieurs", "one_of": ["b", "c"]},
        {"plusieurs": ["a"]},
        False,
        id="multiple-one-of-not-selected",
    ),
    pytest.param(
        {"question": "plusieurs", "one_of": ["b"]},
        {"plusieurs": []},
        False,
        id="multiple-empty",
    ),
    pytest.param({"question": "nombre", "gt": 10}, {"nombre": 11}, True, id="gt-above"),
    pytest.param(
        {"question": "nombre", "gt": 10}, {"nombre": 10}, False, id="gt-equal"
    ),
    pytest.param({"question": "nombre", "ge": 10}, {"nombre": 10}, True, id="ge-equal"),
    pytest.param({"question": "nombre", "ge": 10}, {"nombre": 9}, False, id="ge-below"),
    pytest.param({"question": "nombre", "lt": 10}, {"nombre": 9}, True, id="lt-below"),
    pytest.param(
        {"question": "nombre", "lt": 10}, {"nombre": 10}, False, id="lt-equal"
    ),
    pytest.param({"question": "nombre", "le": 10}, {"nombre": 10}, True, id="le-equal"),
    pytest.param(
        {"question": "nombre", "le": 10}, {"nombre": 11}, False, id="le-above"
    ),
    pytest.param(
        {"question": "nombre", "gt": 0},
        {"nombre": "not_applicable"},
        False,
        id="not-applicable-is-false",
    ),
    pytest.param(
        {"question": "nombre", "lt": 5},
        {"nombre": "dont_know"},
        False,
        id="dont-know-is-false",
    ),
    pytest.param(equals("nombre", 3), {"nombre": 3}, True, id="number-equal"),
    pytest.param(
        {"question": "montant", "ge": 2.5},
        {"montant": Decimal("2.5")},
        True,
        id="decimal-ge-equal",
    ),
    pytest.param(
        {"question": "montant", "lt": 0.3},
        {"montant": Decimal("0.3")},
        False,
        id="decimal-lt-exact",
    ),
    pytest.param(
        equals("montant", 2), {"montant": Decimal("2.0")}, True, id="decimal-equals-int"
    ),
    pytest.param({"question": "echelle", "ge": 4}, {"echelle": 4}, True, id="scale"),
    pytest.param(equals("texte", "oui"), {"texte": "oui"}, True, id="text-equal"),
    pytest.param(equals("texte", "oui"), {"texte": "non"}, False, id="text-different"),
    pytest.param(
        {"all": [equals("oui_non", True), {"question": "nombre", "ge": 11}]},
        {"oui_non": True, "nombre": 11},
        True,
        id="all-true",
    ),
    pytest.param(
        {"all": [equals("oui_non", True), {"question": "nombre", "ge": 11}]},
        {"oui_non": True, "nombre": 10},
        False,
        id="all-one-false",
    ),
    pytest.param(
        {"any": [{"question": "nombre", "gt": 0}, equals("choix", "c")]},
        {"nombre": 0, "choix": "c"},
        True,
        id="any-one-true",
    ),
    pytest.param(
        {"any": [{"question": "nombre", "gt": 0}, equals("choix", "c")]},
        {"nombre": 0, "choix": "a"},
        False,
        id="any-none-true",
    ),
    pytest.param(
        {"not": equals("choix", "a")}, {"choix": "b"}, True, id="not-false-part"
    ),
    pytest.param({"not": equals("choix", "a")}, {"choix": "a"}, False, id="not-true"),
    # The comparison on an unanswered question is false, so its negation holds.
    pytest.param({"not": equals("choix", "a")}, {}, True, id="not-unanswered"),
    pytest.param(
        {
            "all": [
                equals("oui_non", True),
                {
                    "any": [
                        {"not": equals("choix", "a")},
                        {"question": "nombre", "lt": 1},
                    ]
                },
            ]
        },
        {"oui_non": True, "choix": "a", "nombre": 0},
        True,
        id="nested",
    ),
]


@pytest.mark.parametrize(("condition", "answers", "expected"), CONDITION_CASES)
def test_condition_decides_visibility(make_questionnaire, condition, answers, expected):
    target = {"id": "cible", "type": "yes_no", "condition": condition}
    questionnaire = make_questionnaire(*EARLIER_QUESTIONS, target)
    parsed, errors = parse_answers(questionnaire, answers)
    assert errors == []

    visible = visible_question_ids(questionnaire, parsed)

    assert ("cible" in visible) is expected


def test_unconditional_questions_visible(make_questionnaire):
    questionnaire = make_questionnaire(*EARLIER_QUESTIONS)

    visible = visible_question_ids(questionnaire, {})

    assert visible == {question["id"] for question in EARLIER_QUESTIONS}


# 'choix' is asked only when 'oui_non' is true, and 'cible' tests 'choix'.
CHAINED_CASES = [
    pytest.param(equals("choix", "a"), {"oui_non": True}, True, id="shown-equal"),
    pytest.param(equals("choix", "a"), {"oui_non": False}, False, id="hidden-equal"),
    pytest.param(
        {"question": "choix", "one_of": ["a"]},
        {"oui_non": False},
        False,
        id="hidden-one-of",
    ),
    # A hidden question counts as unanswered, as in the case not-unanswered.
    pytest.param(
        {"not": equals("choix", "b")}, {"oui_non": False}, True, id="hidden-not"
    ),
]


@pytest.mark.parametrize(("condition", "context", "expected"), CHAINED_CASES)
def test_condition_on_hidden_question(make_questionnaire, condition, context, expected):
    questionnaire = make_questionnaire(
        {"id": "oui_non", "type": "yes_no", "weight": 0},
        {
            "id": "choix",
            "type": "single_choice",
            "choices": {"a": 0, "b": 1},
            "condition": equals("oui_non", True),
        },
        {"id": "cible", "type": "yes_no", "condition": condition},
    )

    visible = visible_question_ids(questionnaire, {**context, "choix": "a"})

    assert ("choix" in visible) is context["oui_non"]
    assert ("cible" in visible) is expected


def comparison(**fields) -> Comparison:
    return Comparison.model_validate({"question": "x", **fields})


# Conditions that a checked file cannot hold, evaluated directly: bool is an
# int in Python, but the answer true must not equal the number 1.
BOOL_NUMBER_CASES = [
    pytest.param({"equals": 1}, True, False, id="true-not-one"),
    pytest.param({"equals": 0}, False, False, id="false-not-zero"),
    pytest.param({"equals": True}, 1, False, id="one-not-true"),
    pytest.param({"one_of": [1, 2]}, True, False, id="one-of-numbers"),
    pytest.param({"one_of": [True]}, 1, False, id="one-of-true"),
    pytest.param({"gt": 0}, True, False, id="true-not-above-zero"),
    pytest.param({"equals": True}, True, True, id="true-equals-true"),
    pytest.param({"equals": 1}, 1, True, id="one-equals-one"),
    pytest.param({"equals": 1}, Decimal("1.00"), True, id="decimal-equals-one"),
    pytest.param({"equals": "1"}, 1, False, id="text-not-number"),
]


@pytest.mark.parametrize(("operator", "value", "expected"), BOOL_NUMBER_CASES)
def test_bool_never_equals_number(operator, value, expected):
    assert is_true(comparison(**operator), {"x": value}) is expected


@pytest.mark.parametrize("special", list(Special))
def test_special_answer_never_equal(special):
    condition = comparison(equals=special.value)

    assert is_true(condition, {"x": special}) is False
