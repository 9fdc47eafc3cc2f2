"""Diagnostics built from answers chosen per question, and results page reading."""

import html
import json
import re
from decimal import Decimal

import pytest

from app.diagnostics.services import save_step, start_diagnostic, submit_diagnostic
from questionnaires import Question, QuestionType
from scoring.answers import AnswerValue

# Figures of every numeric question, chosen so that each impact indicator has
# a round value. For example, 50 voters of 200 members give a 25 % turnout, and
# 25 000 kWh for 12.5 full-time equivalents give 2 000 kWh per FTE.
FIGURES: dict[str, int | Decimal] = {
    "gouv_membres_votants": 200,
    "gouv_votants_ag": 50,
    "gouv_membres_conseil": 10,
    "terr_achats_total": Decimal("40000"),
    "terr_achats_locaux": Decimal("10000"),
    "emploi_effectif": 25,
    "emploi_etp": Decimal("12.5"),
    "emploi_effectif_cdi": 20,
    "emploi_salaire_max": Decimal("3200"),
    "emploi_salaire_min": Decimal("1600"),
    "emploi_heures_formation": Decimal("300"),
    "usa_repondants_enquete": 80,
    "usa_repondants_satisfaits": 60,
    "div_femmes_conseil": 5,
    "div_femmes_salariees": 15,
    "env_energie_kwh": Decimal("25000"),
    "eth_alertes_internes": 3,
    "eth_alertes_externes": 2,
}
CONTEXT_ANSWERS = {"a_des_salaries": True, "a_des_benevoles": True}


def typed_answer(question: Question, pick: str) -> AnswerValue:
    """Return the best or the worst valid answer to a question."""
    best = pick == "best"
    choices = question.choices or []
    if question.id in CONTEXT_ANSWERS:
        return CONTEXT_ANSWERS[question.id]
    if question.type is QuestionType.SINGLE_CHOICE:
        ranked = sorted(choices, key=lambda choice: choice.points)
        return (ranked[-1] if best else ranked[0]).id
    if question.type is QuestionType.MULTIPLE_CHOICE:
        exclusive = [c.id for c in choices if c.exclusive]
        if best or not exclusive:
            return [c.id for c in choices if not c.exclusive][: None if best else 1]
        return exclusive[:1]
    if question.type is QuestionType.YES_NO:
        return best
    if question.type is QuestionType.SCALE:
        return int(question.max if best else question.min)
    if question.type in (QuestionType.INTEGER, QuestionType.DECIMAL):
        return FIGURES[question.id]
    return "Réponse de test"


@pytest.fixture
def member(client, make_member):
    """A member of a fresh organisation, signed in through the session."""
    created = make_member("Les Jardins partagés")
    with client.session_transaction() as session:
        session["_user_id"] = created.user.get_id()
        session["_fresh"] = True
    return created


@pytest.fixture
def build(member, questionnaire):
    """Return a function that stores a diagnostic's answers, then submits it.

    Every question gets its best answer, or its worst with pick="worst".
    Keyword arguments replace single answers, and None leaves one blank.
    """

    def make(pick: str = "best", submit: bool = True, **overrides) -> str:
        user = member.user
        diagnostic = start_diagnostic(user.organisation, questionnaire, user)
        answers = {q.id: typed_answer(q, pick) for q in questionnaire.questions()}
        answers.update(overrides)
        values = {qid: value for qid, value in answers.items() if value is not None}
        save_step(diagnostic, questionnaire, values=values, comments={}, user=user)
        if submit:
            assert submit_diagnostic(diagnostic, questionnaire, user)
        return diagnostic.public_id

    return make


def text_of(fragment: str) -> str:
    """Return the visible text of an HTML fragment, with spaces collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", fragment))
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


class ResultsPage:
    """The parts of the results page that tests compare."""

    def __init__(self, page: str) -> None:
        self.html = page
        self.text = text_of(page)

    def section(self, css_class: str) -> str:
        found = re.search(
            rf'<section class="{css_class}".*?</section>', self.html, re.S
        )
        return text_of(found.group(0))

    @property
    def theme_rows(self) -> dict[str, list[str]]:
        """Return the cells of the theme table by theme id: title, score..."""
        rows = {}
        for theme_id, row in re.findall(
            r'<tr data-theme="([^"]+)">(.*?)</tr>', self.html, re.S
        ):
            cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            rows[theme_id] = [text_of(cell) for cell in cells]
        return rows

    @property
    def chart(self) -> dict:
        found = re.search(
            r'<script type="application/json" id="theme-chart-data">(.*?)</script>',
            self.html,
            re.S,
        )
        return json.loads(found.group(1))

    def theme_article(self, theme_id: str) -> str:
        found = re.search(
            rf'<article class="theme-result" id="theme-{theme_id}">(.*?)</article>',
            self.html,
            re.S,
        )
        return text_of(found.group(1))

    @property
    def indicators(self) -> dict[str, str]:
        """Return the value cell of each impact indicator by id."""
        cells = {}
        for indicator_id, row in re.findall(
            r'<tr data-indicator="([^"]+)">(.*?)</tr>', self.html, re.S
        ):
            cells[indicator_id] = text_of(
                re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[-1]
            )
        return cells

    @property
    def eligibility_reasons(self) -> list[str]:
        found = re.search(r'<ul class="reasons">(.*?)</ul>', self.html, re.S)
        if found is None:
            return []
        return [
            text_of(item)
            for item in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)
        ]


@pytest.fixture
def open_results(client):
    """Return a function that loads a diagnostic's results page."""

    def load(public_id: str) -> ResultsPage:
        response = client.get(f"/diagnostics/{public_id}/results")
        assert response.status_code == 200
        return ResultsPage(response.text)

    return load
