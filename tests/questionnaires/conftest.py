"""Fixtures that write questionnaire files built from a small valid questionnaire.

Each test copies the valid questionnaire, changes one thing, writes it under
``tmp_path`` and checks the problems that loading it reports.
"""

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from questionnaires import Problem, QuestionnaireError, load_questionnaire

Location = tuple[str | int, ...]

# Two themes with every question type, a condition, an indicator in each theme
# (the second one reads a question of the first theme), recommendations and an
# eligibility rule.
VALID_QUESTIONNAIRE: dict[str, Any] = {
    "id": "test-questionnaire",
    "version": "1.0",
    "title": "Questionnaire de test",
    "description": "Un petit questionnaire valide pour les tests.",
    "language": "fr",
    "levels": [
        {"id": "emergent", "name": "Émergent", "min_score": 0},
        {"id": "structuration", "name": "En structuration", "min_score": 25},
        {"id": "etabli", "name": "Établi", "min_score": 50},
        {"id": "exemplaire", "name": "Exemplaire", "min_score": 75},
    ],
    "min_scored_share": 0.5,
    "eligibility": {
        "min_overall_level": "etabli",
        "min_theme_level": "structuration",
    },
    "themes": [
        {
            "id": "gouvernance",
            "title": "Gouvernance démocratique",
            "introduction": "Comment les décisions sont prises.",
            "questions": [
                {
                    "id": "statuts_diffuses",
                    "type": "yes_no",
                    "label": "Les statuts sont-ils envoyés aux membres ?",
                    "required": True,
                },
                {
                    "id": "frequence_ca",
                    "type": "single_choice",
                    "label": "À quelle fréquence le conseil se réunit-il ?",
                    "weight": 2,
                    "allow_dont_know": True,
                    "choices": [
                        {"id": "rarement", "label": "Rarement", "points": 0},
                        {
                            "id": "chaque_trimestre",
                            "label": "Chaque trimestre",
                            "points": 2,
                        },
                    ],
                },
                {
                    "id": "membres_ca",
                    "type": "integer",
                    "label": "Nombre de membres du conseil",
                    "min": 0,
                },
                {
                    "id": "femmes_ca",
                    "type": "integer",
                    "label": "Nombre de femmes au conseil",
                    "min": 0,
                    "condition": {"question": "membres_ca", "gt": 0},
                },
                {
                    "id": "commentaire",
                    "type": "short_text",
                    "label": "Commentaire",
                    "max_length": 200,
                },
            ],
            "recommendations": {
                "emergent": [{"title": "Envoyer les statuts aux membres"}],
            },
            "indicators": [
                {
                    "id": "part_femmes_ca",
                    "label": "Part des femmes au conseil",
                    "unit": "%",
                    "formula": "share(femmes_ca, membres_ca)",
                },
            ],
        },
        {
            "id": "environnement",
            "title": "Environnement",
            "introduction": "Énergie, déchets et achats.",
            "weight": 1,
            "questions": [
                {
                    "id": "tri_dechets",
                    "type": "multiple_choice",
                    "label": "Quels déchets triez-vous ?",
                    "max_points": 2,
                    "allow_not_applicable": True,
                    "choices": [
                        {"id": "papier", "label": "Papier", "points": 1},
                        {"id": "verre", "label": "Verre", "points": 1},
                        {"id": "aucun", "label": "Aucun", "exclusive": True},
                    ],
                },
                {
                    "id": "engagement",
                    "type": "scale",
                    "label": "Engagement de l'équipe",
                    "min": 1,
                    "max": 5,
                    "min_label": "Faible",
                    "max_label": "Fort",
                    "condition": {
                        "all": [
                            {"question": "statuts_diffuses", "equals": True},
                            {"not": {"question": "tri_dechets", "equals": "aucun"}},
                        ],
                    },
                },
                {
                    "id": "energie_kwh",
                    "type": "decimal",
                    "label": "Consommation d'énergie",
                    "unit": "kWh",
                },
                {
                    "id": "bilan",
                    "type": "long_text",
                    "label": "Bilan de l'année",
                    "help": "Quelques lignes suffisent.",
                },
            ],
            "indicators": [
                {
                    "id": "energie_par_membre",
                    "label": "Énergie par membre du conseil",
                    "unit": "kWh",
                    "formula": "ratio(energie_kwh, membres_ca)",
                    "decimals": 0,
                },
            ],
        },
    ],
}


def dump_yaml(data: dict[str, Any]) -> str:
    """Write questionnaire data as YAML, keeping the order of its fields."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.fixture
def questionnaire_data() -> dict[str, Any]:
    """Return a fresh copy of the valid questionnaire, free to change."""
    return copy.deepcopy(VALID_QUESTIONNAIRE)


@pytest.fixture
def questionnaire_text() -> str:
    """Return the valid questionnaire as YAML text."""
    return dump_yaml(VALID_QUESTIONNAIRE)


@pytest.fixture
def questionnaire_file(tmp_path: Path) -> Path:
    return tmp_path / "questionnaire.yaml"


@pytest.fixture
def write_questionnaire(
    questionnaire_file: Path,
) -> Callable[..., Path]:
    """Return a function that writes data or YAML text to a questionnaire file."""

    def write(content: dict[str, Any] | str, path: Path | None = None) -> Path:
        path = path or questionnaire_file
        text = content if isinstance(content, str) else dump_yaml(content)
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def load_problems(
    write_questionnaire: Callable[..., Path],
) -> Callable[[dict[str, Any] | str], list[Problem]]:
    """Return a function that writes content, expects it rejected, returns problems."""

    def load(content: dict[str, Any] | str) -> list[Problem]:
        path = write_questionnaire(content)
        with pytest.raises(QuestionnaireError) as caught:
            load_questionnaire(path)
        return caught.value.problems

    return load


@pytest.fixture
def change() -> Callable[[dict[str, Any], Location, Any], dict[str, Any]]:
    """Return a function that sets the value at a location of questionnaire data."""

    def set_value(data: dict[str, Any], location: Location, value: Any) -> dict:
        *parents, last = location
        container = data
        for part in parents:
            container = container[part]
        container[last] = value
        return data

    return set_value


@pytest.fixture
def replace_once() -> Callable[[str, str, str], str]:
    """Return a function that replaces text that must occur exactly once."""

    def replace(text: str, old: str, new: str) -> str:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        return text.replace(old, new)

    return replace


@pytest.fixture
def line_of() -> Callable[[str, str], int]:
    """Return a function giving the 1-based line of the only line with a fragment."""

    def find(text: str, fragment: str) -> int:
        lines = [n for n, line in enumerate(text.splitlines(), 1) if fragment in line]
        assert len(lines) == 1, f"{fragment!r} is on lines {lines}"
        return lines[0]

    return find


def problem_at(problems: list[Problem], path: str) -> Problem:
    """Return the first problem reported at a path, failing with them all if none."""
    for problem in problems:
        if problem.path == path:
            return problem
    raise AssertionError(f"no problem at {path!r} among {problems}")


@pytest.fixture
def find_problem() -> Callable[[list[Problem], str], Problem]:
    return problem_at
