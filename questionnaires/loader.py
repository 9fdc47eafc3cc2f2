"""Loading questionnaire files, with problems that name the file, path and line."""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from questionnaires.checks import check_questionnaire
from questionnaires.schema import Questionnaire
from questionnaires.yamlnodes import Document, Location, YamlSyntaxError, read_yaml

BUILTIN_DIRECTORY = Path(__file__).parent
UNION_TAGS = ("comparison", "all", "any", "not")
SUFFIXES = (".yaml", ".yml")

PYDANTIC_MESSAGES = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field: check its spelling against the format",
    "string_pattern_mismatch": (
        "ids use lowercase letters, digits and underscores, starting with a letter"
    ),
}


PATTERN_MESSAGES: dict[Location, str] = {
    ("id",): (
        "a questionnaire id uses lowercase letters, digits and hyphens, "
        "starting with a letter"
    ),
    ("language",): "a language is a two-letter code such as fr",
}


@dataclass(frozen=True)
class Problem:
    """One reason a questionnaire file is rejected."""

    file: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path or '(top level)'}: {self.message}"


class QuestionnaireError(ValueError):
    """A questionnaire file that cannot be used, with every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def format_location(location: Location) -> str:
    """Write a location as ``themes[2].questions[4].choices``."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.lstrip(".")


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and validate one questionnaire file, raising QuestionnaireError."""
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        problem = Problem(name, "", f"cannot read file: {error}")
        raise QuestionnaireError([problem]) from None
    try:
        document = read_yaml(text)
    except YamlSyntaxError as error:
        raise QuestionnaireError([Problem(name, "", str(error), error.line)]) from None

    problems = [
        Problem(name, format_location(location), message, document.line(location))
        for location, message in document.ambiguous
    ]
    if not isinstance(document.data, dict):
        problems.append(Problem(name, "", "the file must contain a mapping", 1))
        raise QuestionnaireError(problems)

    try:
        questionnaire = Questionnaire.model_validate(document.data)
    except ValidationError as error:
        problems += _shape_problems(name, document, error)
        raise QuestionnaireError(_unique(problems)) from None

    problems += [
        Problem(name, format_location(location), message, document.line(location))
        for location, message in check_questionnaire(questionnaire)
    ]
    if problems:
        raise QuestionnaireError(problems)
    return questionnaire


def _shape_problems(name: str, document: Document, error: ValidationError) -> list:
    problems = []
    for detail in error.errors(include_url=False):
        location = _data_location(document.data, detail["loc"])
        message = PYDANTIC_MESSAGES.get(detail["type"], detail["msg"])
        if detail["type"] == "string_pattern_mismatch":
            message = PATTERN_MESSAGES.get(location, message)
        message = message.removeprefix("Value error, ")
        retyped = document.describe_retyped(location)
        if retyped and detail["type"] == "string_type":
            message = f"text is expected, but {retyped}: put it in quotes"
        elif retyped and detail["type"] != "missing":
            message = f"{message} ({retyped})"
        problems.append(
            Problem(name, format_location(location), message, document.line(location))
        )
    return problems


def _data_location(data: Any, loc: tuple) -> Location:
    """Keep the parts of a pydantic location that exist in the data.

    Tagged unions add the tag name to pydantic's location, and such parts have
    no counterpart in the file.
    """
    location: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        elif isinstance(node, dict) and part not in UNION_TAGS:
            # A missing field: name it although the file has no node for it.
            location.append(part)
            break
        else:
            continue
        location.append(part)
    return tuple(location)


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def questionnaire_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders into the questionnaire files they contain, sorted by name."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix in SUFFIXES)
        else:
            files.append(path)
    return files


def check_files(paths: Iterable[str | Path]) -> list[Problem]:
    """Load every file under the paths and return all their problems."""
    problems: list[Problem] = []
    for path in questionnaire_files(paths):
        if not path.exists():
            problems.append(Problem(str(path), "", "file not found"))
            continue
        try:
            load_questionnaire(path)
        except QuestionnaireError as error:
            problems += error.problems
    return problems
