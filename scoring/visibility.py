"""Which questions are asked, given the answers so far.

A question whose condition is false is hidden: it is neither asked nor scored,
and its stored answer, if any, is ignored until the condition holds again.
"""

from decimal import Decimal

from questionnaires.schema import AllOf, AnyOf, Comparison, Condition, Questionnaire
from scoring.answers import Answers, AnswerValue, is_answered


def visible_question_ids(questionnaire: Questionnaire, answers: Answers) -> set[str]:
    """Return the ids of the questions that are asked, in one pass in file order.

    Conditions refer only to earlier questions, so one pass settles them all. A
    condition sees a hidden question as unanswered.
    """
    visible: set[str] = set()
    seen: dict[str, AnswerValue] = {}
    for question in questionnaire.questions():
        if question.condition is None or is_true(question.condition, seen):
            visible.add(question.id)
            if question.id in answers:
                seen[question.id] = answers[question.id]
    return visible


def is_true(condition: Condition, answers: Answers) -> bool:
    """Evaluate a condition; a comparison with no real answer is false."""
    if isinstance(condition, AllOf):
        return all(is_true(part, answers) for part in condition.all)
    if isinstance(condition, AnyOf):
        return any(is_true(part, answers) for part in condition.any)
    if isinstance(condition, Comparison):
        return _compare(condition, answers.get(condition.question))
    return not is_true(condition.not_, answers)


def _compare(comparison: Comparison, value: AnswerValue | None) -> bool:
    if not is_answered(value):
        return False
    operator, operand = comparison.operator, comparison.operand

    if isinstance(value, list):
        if operator == "equals":
            return operand in value
        if operator == "one_of":
            return any(item in value for item in operand)
        return False
    if operator == "equals":
        return _same(value, operand)
    if operator == "one_of":
        return any(_same(value, item) for item in operand)

    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return False
    number = Decimal(value)
    return {
        "gt": number > operand,
        "ge": number >= operand,
        "lt": number < operand,
        "le": number <= operand,
    }[operator]


def _same(value: AnswerValue | None, operand: object) -> bool:
    # bool is an int in Python: True must not equal the number 1.
    if isinstance(value, bool) or isinstance(operand, bool):
        return value is operand
    if isinstance(value, int | Decimal) and isinstance(operand, int | Decimal):
        return Decimal(value) == Decimal(operand)
    return value == operand
