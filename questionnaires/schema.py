"""Shape of a questionnaire file, checked by pydantic when the file is loaded.

Cross-references (duplicate ids, conditions, formulas, thresholds) are checked
afterwards by ``questionnaires.checks`` so that each problem gets its own path.
"""

from decimal import Decimal
from functools import cached_property
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictStr,
    StringConstraints,
    Tag,
    model_validator,
)

from questionnaires.types import QuestionType, traits

IDENTIFIER_PATTERN = r"^[a-z][a-z0-9_]*$"
Identifier = Annotated[
    str, StringConstraints(strict=True, pattern=IDENTIFIER_PATTERN, max_length=64)
]
Text = Annotated[
    str, StringConstraints(strict=True, strip_whitespace=True, min_length=1)
]

# Values that the answers JSON and the database use for the two special answers,
# so no choice may take them as its id.
RESERVED_CHOICE_IDS = frozenset({"not_applicable", "dont_know"})


def _to_decimal(value: Any) -> Decimal:
    # bool is a subclass of int: an unquoted `yes` must not become the number 1.
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError("a number is expected, written with a dot: 2.5")
    return Decimal(str(value))


Number = Annotated[Decimal, BeforeValidator(_to_decimal)]
Scalar = StrictBool | StrictStr | Number


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Comparison(Model):
    """Test of one earlier answer: exactly one operator is given."""

    question: Identifier
    equals: Scalar | None = None
    one_of: list[Scalar] | None = Field(default=None, min_length=1)
    gt: Number | None = None
    ge: Number | None = None
    lt: Number | None = None
    le: Number | None = None

    @model_validator(mode="after")
    def _one_operator(self) -> "Comparison":
        given = [name for name in OPERATORS if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one operator among " + ", ".join(OPERATORS))
        return self

    @property
    def operator(self) -> str:
        return next(name for name in OPERATORS if getattr(self, name) is not None)

    @property
    def operand(self) -> Any:
        return getattr(self, self.operator)


OPERATORS = ("equals", "one_of", "gt", "ge", "lt", "le")


class AllOf(Model):
    all: list["Condition"] = Field(min_length=1)


class AnyOf(Model):
    any: list["Condition"] = Field(min_length=1)


class NotOf(Model):
    not_: "Condition" = Field(alias="not")


def _condition_kind(value: Any) -> str:
    if isinstance(value, dict):
        for key in ("all", "any", "not"):
            if key in value:
                return key
    return "comparison"


Condition = Annotated[
    Annotated[Comparison, Tag("comparison")]
    | Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[NotOf, Tag("not")],
    Discriminator(_condition_kind),
]


class Recommendation(Model):
    title: Text
    detail: Text | None = None


class Choice(Model):
    id: Identifier
    label: Text
    points: Number = Decimal(0)
    exclusive: StrictBool = False
    recommendation: Recommendation | None = None


class Question(Model):
    id: Identifier
    type: QuestionType
    label: Text
    help: Text | None = None
    required: StrictBool = False
    weight: Number | None = None
    allow_not_applicable: StrictBool = False
    allow_dont_know: StrictBool = False
    condition: Condition | None = None
    choices: list[Choice] | None = None
    max_points: Number | None = None
    min: Number | None = None
    max: Number | None = None
    min_label: Text | None = None
    max_label: Text | None = None
    unit: Text | None = None
    max_length: Annotated[int, Field(strict=True, gt=0)] | None = None

    @property
    def is_scored(self) -> bool:
        return traits(self.type).is_scored and self.effective_weight > 0

    @property
    def effective_weight(self) -> Decimal:
        """Weight in its theme's score: 1 by default for scored types, else 0."""
        if self.weight is not None:
            return self.weight
        return Decimal(1) if traits(self.type).is_scored else Decimal(0)

    def choice(self, choice_id: str) -> Choice | None:
        for choice in self.choices or ():
            if choice.id == choice_id:
                return choice
        return None


class Indicator(Model):
    """Impact indicator: a formula over numeric answers, with its unit."""

    id: Identifier
    label: Text
    unit: Text
    formula: Text
    description: Text | None = None
    decimals: Annotated[int, Field(strict=True, ge=0, le=6)] = 1


class Theme(Model):
    id: Identifier
    title: Text
    introduction: Text
    weight: Number = Decimal(1)
    questions: list[Question] = Field(min_length=1)
    recommendations: dict[Identifier, list[Recommendation]] = {}
    indicators: list[Indicator] = []


class Level(Model):
    id: Identifier
    name: Text
    min_score: Number
    description: Text | None = None


class Eligibility(Model):
    """Bar that a submitted diagnostic must reach to open a label application."""

    min_overall_level: Identifier
    min_theme_level: Identifier


class Questionnaire(Model):
    id: Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z][a-z0-9-]*$")]
    version: Text
    title: Text
    description: Text
    language: Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z]{2}$")]
    levels: list[Level] = Field(min_length=1)
    min_scored_share: Number = Decimal("0.5")
    themes: list[Theme] = Field(min_length=1)
    eligibility: Eligibility | None = None

    def questions(self) -> list[Question]:
        """Return every question in the order the wizard asks them."""
        return [question for theme in self.themes for question in theme.questions]

    def question(self, question_id: str) -> Question:
        return self._index[question_id][1]

    def theme_of(self, question_id: str) -> Theme:
        return self._index[question_id][0]

    def theme(self, theme_id: str) -> Theme | None:
        return next((t for t in self.themes if t.id == theme_id), None)

    def level(self, level_id: str) -> Level | None:
        return next((level for level in self.levels if level.id == level_id), None)

    @cached_property
    def _index(self) -> dict[str, tuple[Theme, Question]]:
        return {q.id: (t, q) for t in self.themes for q in t.questions}


for _model in (AllOf, AnyOf, NotOf, Comparison, Question):
    _model.model_rebuild()
