"""Helpers that drive the wizard through the test client as a browser would.

Answers are chosen from the question definitions, so tests name only the
questions they are about.
"""

import html
import re
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.diagnostics.services import start_diagnostic
from app.extensions import db
from app.models import Answer, Diagnostic, User
from questionnaires import Question, QuestionType, Theme

# Typed into number fields when a test does not care about the value. It is at
# least 11, so questions that depend on a headcount of 11 or more are shown.
DEFAULT_INTEGER = "12"
DEFAULT_DECIMAL = "12,5"


class StepPage(HTMLParser):
    """Inputs, text areas, buttons and question blocks of a wizard page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []
        self.textareas: dict[str, str] = {}
        self.buttons: list[dict[str, str | None]] = []
        self.fieldsets: dict[str, dict[str, str | None]] = {}
        # Error messages as [paragraph id, question id, text], in page order.
        self.errors: list[list[str | None]] = []
        self._textarea: str | None = None
        self._question: str | None = None
        self._in_error = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input":
            self.inputs.append(attributes)
        elif tag == "button":
            self.buttons.append(attributes)
        elif tag == "fieldset" and (attributes.get("id") or "").startswith("q-"):
            self._question = attributes["id"][2:]
            self.fieldsets[self._question] = attributes
        elif tag == "textarea":
            self._textarea = attributes.get("name")
            self.textareas[self._textarea] = ""
        elif tag == "p" and "field-error" in (attributes.get("class") or ""):
            self.errors.append([attributes.get("id"), self._question, ""])
            self._in_error = True

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "fieldset":
            self._question = None
        elif tag == "p":
            self._in_error = False

    def handle_data(self, data):
        if self._textarea is not None:
            self.textareas[self._textarea] += data
        if self._in_error:
            self.errors[-1][2] += data

    def error_of(self, question_id: str) -> str | None:
        """Return the error shown on a question's answer field, if any."""
        for error_id, _question_id, text in self.errors:
            if error_id == f"{question_id}-error":
                return text.strip()
        return None

    def comment_error_of(self, question_id: str) -> str | None:
        """Return the error shown on a question's comment, if any."""
        for error_id, error_question_id, text in self.errors:
            if error_question_id == question_id and error_id is None:
                return text.strip()
        return None

    def checked(self, name: str) -> list[str]:
        """Return the values of the ticked radio buttons or check boxes."""
        return [
            field["value"]
            for field in self.inputs
            if field.get("name") == name and "checked" in field
        ]

    def value(self, name: str) -> str | None:
        for field in self.inputs:
            if field.get("name") == name:
                return field.get("value")
        return None

    @property
    def shown(self) -> list[str]:
        return (self.value("shown") or "").split()

    def is_visible(self, question_id: str) -> bool:
        return "hidden" not in self.fieldsets[question_id]

    @property
    def actions(self) -> list[str]:
        return [b["value"] for b in self.buttons if b.get("name") == "action"]


def read_progress(page: str) -> tuple[int, int, int]:
    """Return the answered count, asked count and percentage a page shows."""
    found = re.search(r"(\d+) sur (\d+) \((\d+)\s*%\)", page)
    assert found is not None, "no progress on the page"
    answered, asked, percent = found.groups()
    return int(answered), int(asked), int(percent)


def sample_value(question: Question, pick: str = "first") -> str | list[str]:
    """Return a valid form value: the first choice, or the best with pick="best".

    Yes/no questions always get "yes", so the questions they control are shown.
    """
    choices = question.choices or []
    best = pick == "best"
    if question.type is QuestionType.SINGLE_CHOICE:
        chosen = max(choices, key=lambda c: c.points) if best else choices[0]
        return chosen.id
    if question.type is QuestionType.MULTIPLE_CHOICE:
        ordinary = [c.id for c in choices if not c.exclusive]
        return ordinary if best else ordinary[:1]
    if question.type is QuestionType.YES_NO:
        return "yes"
    if question.type is QuestionType.SCALE:
        return str(int(question.max if best else question.min))
    if question.type is QuestionType.INTEGER:
        return DEFAULT_INTEGER
    if question.type is QuestionType.DECIMAL:
        return DEFAULT_DECIMAL
    return "Réponse de test"


def step_data(theme: Theme, shown: list[str], pick: str = "first", **overrides) -> dict:
    """Return the form data of a step that answers every shown question."""
    data = {"shown": " ".join(shown), "action": "next"}
    for question in theme.questions:
        if question.id in shown:
            data[question.id] = sample_value(question, pick)
    data.update(overrides)
    return data


class Wizard:
    """One diagnostic driven through the client, with its stored rows."""

    def __init__(self, client, questionnaire, public_id: str) -> None:
        self.client = client
        self.questionnaire = questionnaire
        self.public_id = public_id

    def url(self, theme_id: str) -> str:
        return f"/diagnostics/{self.public_id}/steps/{theme_id}"

    def path(self, page: str) -> str:
        """Return the URL of another page of the diagnostic: resume, review..."""
        return f"/diagnostics/{self.public_id}/{page}"

    def theme(self, theme_id: str) -> Theme:
        return self.questionnaire.theme(theme_id)

    def open(self, theme_id: str) -> StepPage:
        response = self.client.get(self.url(theme_id))
        assert response.status_code == 200
        return StepPage(response.text)

    def read(self, response) -> StepPage:
        return StepPage(response.text)

    def progress(self, theme_id: str) -> tuple[int, int, int]:
        """Return the answered count, asked count and percentage of a step."""
        return read_progress(self.text(self.url(theme_id)))

    def text(self, url: str) -> str:
        """Return a page's HTML with entities such as &#39; decoded."""
        return html.unescape(self.client.get(url).text)

    def post(self, theme_id: str, data):
        return self.client.post(self.url(theme_id), data=data)

    def data(self, theme_id: str, pick: str = "first", **overrides) -> dict:
        """Return form data answering the questions the step shows now."""
        shown = self.open(theme_id).shown
        return step_data(self.theme(theme_id), shown, pick, **overrides)

    def fill(self, theme_id: str, pick: str = "first", **overrides):
        """Post a step as a person would until the wizard moves on.

        When an answer opens new questions, the page comes back with them and
        they are answered in turn. Returns the last response.
        """
        theme = self.theme(theme_id)
        shown = self.open(theme_id).shown
        for _attempt in range(3):
            data = step_data(theme, shown, pick, **overrides)
            response = self.post(theme_id, data)
            if response.status_code != 200:
                return response
            shown = StepPage(response.text).shown
        raise AssertionError(f"step {theme_id} kept showing new questions")

    def fill_all(self, pick: str = "first") -> None:
        for theme in self.questionnaire.themes:
            response = self.fill(theme.id, pick)
            assert response.status_code == 302, theme.id

    def diagnostic(self) -> Diagnostic:
        """Return the diagnostic as committed to the database."""
        # The session outlives requests too, so a rollback drops anything that
        # a request changed without committing.
        db.session.rollback()
        statement = select(Diagnostic).filter_by(public_id=self.public_id)
        return db.session.scalar(statement)

    def rows(self) -> dict[str, Answer]:
        """Return the committed answer rows by question id."""
        return {row.question_id: row for row in self.diagnostic().answers}


def sign_in_directly(client, user_id: int) -> None:
    """Sign a user in through the session, skipping the slow password check."""
    with client.session_transaction() as session:
        session["_user_id"] = db.session.get(User, user_id).get_id()
        session["_fresh"] = True


@pytest.fixture
def member(client, make_member):
    """A member of a fresh organisation, signed in on the client."""
    created = make_member("Les Jardins partagés")
    sign_in_directly(client, created.user_id)
    return created


@pytest.fixture
def anonymous(app) -> FlaskClient:
    """A second client, with no signed-in user."""
    return app.test_client()


@pytest.fixture
def new_wizard(client, member):
    """Return a function that starts a diagnostic of a questionnaire."""

    def start(questionnaire) -> Wizard:
        user = member.user
        diagnostic = start_diagnostic(user.organisation, questionnaire, user)
        return Wizard(client, questionnaire, diagnostic.public_id)

    return start


@pytest.fixture
def wizard(new_wizard, questionnaire) -> Wizard:
    """A new diagnostic of the signed-in member on the real questionnaire."""
    return new_wizard(questionnaire)


@pytest.fixture
def other_wizard(app, make_member, questionnaire) -> Wizard:
    """A diagnostic of another organisation, driven by its own signed-in client."""
    other = make_member("Coopérative voisine")
    other_client = app.test_client()
    sign_in_directly(other_client, other.user_id)
    user = other.user
    diagnostic = start_diagnostic(user.organisation, questionnaire, user)
    return Wizard(other_client, questionnaire, diagnostic.public_id)


@pytest.fixture
def parse_page():
    """Return the parser of pages with forms, to read any page's fields."""
    return StepPage
