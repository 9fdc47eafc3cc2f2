"""Impact indicators: formulas evaluated exactly over numeric answers."""

import ast
from fractions import Fraction

from questionnaires.formulas import constant, parse_formula
from questionnaires.schema import Indicator, Questionnaire
from scoring.answers import Answers, Special
from scoring.results import IndicatorResult, Reason
from scoring.rounding import round_half_up

STATE_WORDS = {
    "hidden": "not asked",
    "unanswered": "unanswered",
    "not_applicable": "answered not applicable",
    "dont_know": "answered don't know",
}


class NotComputable(Exception):
    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.message)
        self.reason = reason


def compute_indicators(
    questionnaire: Questionnaire, answers: Answers, visible: set[str]
) -> tuple[IndicatorResult, ...]:
    """Compute every impact indicator, in the order of the themes."""
    return tuple(
        compute_indicator(indicator, theme.id, answers, visible)
        for theme in questionnaire.themes
        for indicator in theme.indicators
    )


def compute_indicator(
    indicator: Indicator, theme_id: str, answers: Answers, visible: set[str]
) -> IndicatorResult:
    """Compute one indicator, or say why it is not computable."""
    formula = parse_formula(indicator.formula)
    value, reason = None, None
    try:
        exact = _evaluate(formula.tree, answers, visible)
        value = round_half_up(exact, indicator.decimals)
    except NotComputable as error:
        reason = error.reason

    return IndicatorResult(
        indicator_id=indicator.id,
        theme_id=theme_id,
        label=indicator.label,
        unit=indicator.unit,
        value=value,
        reason=reason,
    )


def _evaluate(node: ast.expr, answers: Answers, visible: set[str]) -> Fraction:
    if isinstance(node, ast.Constant):
        return Fraction(constant(node))
    if isinstance(node, ast.Name):
        return _input(node.id, answers, visible)
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, answers, visible)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left = _evaluate(node.left, answers, visible)
        right = _evaluate(node.right, answers, visible)
        return _binary(node.op, left, right, node.right)

    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    values = [_evaluate(argument, answers, visible) for argument in node.args]
    name = node.func.id
    if name == "sum":
        return sum(values, Fraction(0))
    if name == "product":
        product = Fraction(1)
        for value in values:
            product *= value
        return product
    if name == "difference":
        return values[0] - values[1]
    if name == "ratio":
        return _divide(values[0], values[1], node.args[1])
    return _share(values[0], values[1], node)


def _share(part: Fraction, whole: Fraction, node: ast.Call) -> Fraction:
    # A part larger than its whole means two answers contradict each other,
    # and a share of 450 % would only hide that.
    if whole > 0 and part > whole:
        part_text, whole_text = (ast.unparse(argument) for argument in node.args)
        raise NotComputable(
            Reason(
                "part_above_whole",
                f"{part_text} ({_plain(part)}) is larger than "
                f"{whole_text} ({_plain(whole)})",
                {
                    "part": part_text,
                    "whole": whole_text,
                    "part_value": _plain(part),
                    "whole_value": _plain(whole),
                },
            )
        )
    return 100 * _divide(part, whole, node.args[1])


def _plain(value: Fraction) -> str:
    return format(round_half_up(value, 6).normalize(), "f")


def _binary(operator: ast.operator, left: Fraction, right: Fraction, node) -> Fraction:
    if isinstance(operator, ast.Add):
        return left + right
    if isinstance(operator, ast.Sub):
        return left - right
    if isinstance(operator, ast.Mult):
        return left * right
    return _divide(left, right, node)


def _divide(dividend: Fraction, divisor: Fraction, divisor_node: ast.expr) -> Fraction:
    if divisor == 0:
        text = ast.unparse(divisor_node)
        raise NotComputable(
            Reason("zero_divisor", f"the divisor {text} is zero", {"divisor": text})
        )
    return dividend / divisor


def _input(question_id: str, answers: Answers, visible: set[str]) -> Fraction:
    value = answers.get(question_id)
    if question_id not in visible:
        state = "hidden"
    elif value is None or value == "":
        state = "unanswered"
    elif isinstance(value, Special):
        state = value.value
    else:
        return Fraction(value)  # type: ignore[arg-type]

    raise NotComputable(
        Reason(
            "missing_answer",
            f"question {question_id} is {STATE_WORDS[state]}",
            {"question": question_id, "state": state},
        )
    )
