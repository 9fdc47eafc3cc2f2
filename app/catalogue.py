"""The questionnaires this app offers, loaded and validated at start-up."""

import logging
import re

from flask import Flask, current_app

from questionnaires import Questionnaire, QuestionnaireError, load_questionnaire
from questionnaires.loader import questionnaire_files

logger = logging.getLogger(__name__)


class Catalogue:
    """Questionnaires by id and version; new diagnostics use the latest version."""

    def __init__(self, questionnaires: list[Questionnaire]) -> None:
        self._by_key = {(q.id, q.version): q for q in questionnaires}

    def get(self, questionnaire_id: str, version: str) -> Questionnaire:
        try:
            return self._by_key[questionnaire_id, version]
        except KeyError:
            raise LookupError(
                f"questionnaire {questionnaire_id} version {version} is not installed"
            ) from None

    def latest(self, questionnaire_id: str) -> Questionnaire:
        versions = [
            q for (qid, _), q in self._by_key.items() if qid == questionnaire_id
        ]
        if not versions:
            raise LookupError(f"questionnaire {questionnaire_id} is not installed")
        return max(versions, key=lambda q: _version_key(q.version))

    def current(self) -> list[Questionnaire]:
        """Return the latest version of each questionnaire, sorted by title."""
        ids = {qid for qid, _ in self._by_key}
        return sorted((self.latest(qid) for qid in ids), key=lambda q: q.title)


def _version_key(version: str) -> list[tuple[int, int | str]]:
    # "2026.10" sorts after "2026.9": digit runs compare as numbers.
    parts = re.findall(r"\d+|[^\d]+", version)
    return [(0, int(part)) if part.isdigit() else (1, part) for part in parts]


def init_catalogue(app: Flask) -> None:
    """Load every questionnaire file, refusing to start if one is invalid."""
    files = questionnaire_files(app.config["QUESTIONNAIRE_DIRS"])
    questionnaires, problems = [], []
    for path in files:
        try:
            questionnaires.append(load_questionnaire(path))
        except QuestionnaireError as error:
            problems += error.problems
    if problems:
        listing = "\n".join(str(problem) for problem in problems)
        raise RuntimeError(f"invalid questionnaire files:\n{listing}")

    logger.debug("loaded %d questionnaire files", len(questionnaires))
    app.extensions["autodiag_catalogue"] = Catalogue(questionnaires)


def catalogue() -> Catalogue:
    return current_app.extensions["autodiag_catalogue"]
