"""The formula language of impact indicators, parsed without a questionnaire."""

import ast
from decimal import Decimal

import pytest

from questionnaires.formulas import FormulaError, constant, parse_formula


@pytest.mark.parametrize(
    ("text", "question_ids"),
    [
        pytest.param(
            "share(femmes_ca, membres_ca)", ["femmes_ca", "membres_ca"], id="share"
        ),
        pytest.param("ratio(energie_kwh, etp)", ["energie_kwh", "etp"], id="ratio"),
        pytest.param(
            "difference(salaire_max, salaire_min)",
            ["salaire_max", "salaire_min"],
            id="difference",
        ),
        pytest.param("sum(cdi, cdd, interim)", ["cdi", "cdd", "interim"], id="sum"),
        pytest.param("product(heures)", ["heures"], id="product"),
        pytest.param(
            "(heures_formation + 2.5) / etp",
            ["heures_formation", "etp"],
            id="operators",
        ),
        pytest.param("-achats_locaux * 100 - 1", ["achats_locaux"], id="negative"),
        pytest.param("+achats", ["achats"], id="unary-plus"),
        pytest.param("ratio(a, a) + a", ["a"], id="repeated-id"),
        pytest.param("share(sum(a, b), product(c, 2))", ["a", "b", "c"], id="nested"),
        pytest.param("12", [], id="constant"),
        pytest.param("  ratio(a, b)\n", ["a", "b"], id="surrounding-space"),
    ],
)
def test_valid_formula_question_ids(text, question_ids):
    formula = parse_formula(text)

    assert formula.question_ids == question_ids
    assert formula.text == text


def test_function_names_are_not_questions():
    formula = parse_formula("sum(share, ratio)")

    assert formula.question_ids == ["share", "ratio"]


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        pytest.param("a.b", "'a.b' is not allowed", id="attribute"),
        pytest.param("a[0]", "'a[0]' is not allowed", id="subscript"),
        pytest.param("__import__('os')", "unknown function '__import__'", id="import"),
        pytest.param("a.b(c)", "unknown function 'a.b'", id="method"),
        pytest.param("lambda: a", "is not allowed", id="lambda"),
        pytest.param("(lambda: 1)()", "unknown function", id="lambda-call"),
        pytest.param("'abc'", "only numbers may be written as constants", id="string"),
        pytest.param("ratio(a, 'b')", "only numbers", id="string-argument"),
        pytest.param("True", "only numbers", id="boolean"),
        pytest.param("None", "only numbers", id="none"),
        pytest.param("a ** 2", "is not allowed", id="power"),
        pytest.param("a // b", "is not allowed", id="floor-division"),
        pytest.param("a % b", "is not allowed", id="modulo"),
        pytest.param("a > b", "is not allowed", id="comparison"),
        pytest.param("a if b else c", "is not allowed", id="conditional"),
        pytest.param("not a", "is not allowed", id="not"),
        pytest.param("[a, b]", "is not allowed", id="list"),
        pytest.param("sum(*a)", "is not allowed", id="star-argument"),
        pytest.param("f'{a}'", "is not allowed", id="f-string"),
        pytest.param("mean(a)", "unknown function 'mean'", id="unknown-function"),
        pytest.param("abs(a)", "unknown function 'abs'", id="python-builtin"),
        pytest.param("sum(a, start=1)", "takes no keyword arguments", id="keyword"),
        pytest.param("ratio(a)", "ratio() takes 2 arguments, got 1", id="ratio-one"),
        pytest.param(
            "share(a, b, c)", "share() takes 2 arguments, got 3", id="share-3"
        ),
        pytest.param(
            "difference(a)", "difference() takes 2 arguments", id="difference"
        ),
        pytest.param("sum()", "sum() takes at least 1", id="sum-empty"),
        pytest.param("product()", "product() takes at least 1", id="product-empty"),
        pytest.param("a +", "invalid expression", id="syntax"),
        pytest.param("ratio(a, b", "invalid expression", id="unclosed"),
        pytest.param("", "invalid expression", id="empty"),
        pytest.param("a = 1", "invalid expression", id="assignment"),
        pytest.param("a; b", "invalid expression", id="two-statements"),
        pytest.param("sum(a.b)", "is not allowed", id="nested-attribute"),
    ],
)
def test_invalid_formula_raises(text, keyword):
    with pytest.raises(FormulaError) as caught:
        parse_formula(text)

    assert keyword in str(caught.value)


def test_formula_error_is_value_error():
    assert issubclass(FormulaError, ValueError)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("0.1", Decimal("0.1"), id="decimal"),
        pytest.param("100", Decimal(100), id="integer"),
        pytest.param("2.50", Decimal("2.5"), id="trailing-zero"),
    ],
)
def test_constant_is_exact_decimal(text, expected):
    node = ast.parse(text, mode="eval").body

    assert constant(node) == expected
