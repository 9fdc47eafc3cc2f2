"""Impact indicator formulas: arithmetic over numeric answers.

A formula is an expression such as ``share(femmes_ca, membres_ca)`` or
``(heures_formation) / etp``. It may use numbers, question ids, the operators
``+ - * /``, brackets and these functions:

- ``sum(a, b, ...)`` and ``product(a, b, ...)``;
- ``difference(a, b)``, that is a - b;
- ``ratio(a, b)``, that is a / b;
- ``share(part, whole)``, that is 100 * part / whole, a percentage.

Formulas are parsed with Python's ``ast`` module and only the nodes above are
accepted, so evaluating one never runs arbitrary code.
"""

import ast
from dataclasses import dataclass
from decimal import Decimal

FUNCTION_ARITY: dict[str, tuple[int, int | None]] = {
    "sum": (1, None),
    "product": (1, None),
    "difference": (2, 2),
    "ratio": (2, 2),
    "share": (2, 2),
}


class FormulaError(ValueError):
    """Formula text that is not a valid expression of the formula language."""


@dataclass(frozen=True)
class Formula:
    """Parsed formula, ready to be evaluated by ``scoring.indicators``."""

    text: str
    tree: ast.expr

    @property
    def question_ids(self) -> list[str]:
        """Return the question ids the formula reads, in order of first use."""
        names = list(_names_in_order(self.tree))
        return list(dict.fromkeys(names))


def _names_in_order(node: ast.expr):
    # Depth first, left to right, which is the order of the formula's text.
    if isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, ast.Call):
        for argument in node.args:
            yield from _names_in_order(argument)
    else:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                yield from _names_in_order(child)


def parse_formula(text: str) -> Formula:
    """Parse and check a formula, raising FormulaError with the reason."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as error:
        raise FormulaError(f"invalid expression: {error.msg}") from None
    _check(tree)
    return Formula(text=text, tree=tree)


def _check(node: ast.expr) -> None:
    if isinstance(node, ast.Name):
        return
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise FormulaError(
                f"only numbers may be written as constants: {node.value!r}"
            )
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        _check(node.operand)
        return
    if isinstance(node, ast.BinOp) and isinstance(
        node.op, ast.Add | ast.Sub | ast.Mult | ast.Div
    ):
        _check(node.left)
        _check(node.right)
        return
    if isinstance(node, ast.Call):
        _check_call(node)
        return
    raise FormulaError(f"'{ast.unparse(node)}' is not allowed in a formula")


def _check_call(node: ast.Call) -> None:
    if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTION_ARITY:
        allowed = ", ".join(FUNCTION_ARITY)
        raise FormulaError(
            f"unknown function '{ast.unparse(node.func)}': use {allowed}"
        )
    if node.keywords:
        raise FormulaError(f"{node.func.id}() takes no keyword arguments")

    low, high = FUNCTION_ARITY[node.func.id]
    count = len(node.args)
    if count < low or (high is not None and count > high):
        expected = str(low) if low == high else f"at least {low}"
        raise FormulaError(f"{node.func.id}() takes {expected} arguments, got {count}")
    for argument in node.args:
        _check(argument)


def constant(node: ast.Constant) -> Decimal:
    """Return a formula constant as an exact decimal."""
    return Decimal(str(node.value))
