"""Questionnaire definitions: the file format, its validation and the built-in files.

This package never imports Flask, so the definitions can be checked and used
from any Python program.
"""

from questionnaires.loader import (
    BUILTIN_DIRECTORY,
    Problem,
    QuestionnaireError,
    check_files,
    load_questionnaire,
)
from questionnaires.schema import Choice, Level, Question, Questionnaire, Theme
from questionnaires.types import QuestionType

__all__ = [
    "BUILTIN_DIRECTORY",
    "Choice",
    "Level",
    "Problem",
    "Question",
    "QuestionType",
    "Questionnaire",
    "QuestionnaireError",
    "Theme",
    "check_files",
    "load_questionnaire",
]
