"""Demo data: an organisation with one submitted and one in-progress diagnostic."""

import logging
import random
from datetime import UTC, datetime
from decimal import Decimal

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.auth.services import register_organisation
from app.catalogue import catalogue
from app.diagnostics.services import save_step, start_diagnostic, submit_diagnostic
from app.extensions import db
from app.models import User
from questionnaires import Question, Questionnaire, QuestionType
from scoring.answers import AnswerValue, validate_answer
from scoring.visibility import visible_question_ids

logger = logging.getLogger(__name__)

DEMO_EMAIL = "demo@autodiag.example"
DEMO_PASSWORD = "demo-autodiag"
DEMO_QUESTIONNAIRE = "guide-bonnes-pratiques"

# Plausible figures for a 24-person association, by question id; other numeric
# questions get a value drawn between their bounds.
DEMO_FIGURES = {
    "gouv_membres_votants": 180,
    "gouv_votants_ag": 67,
    "gouv_membres_conseil": 12,
    "terr_achats_total": Decimal("412000"),
    "terr_achats_locaux": Decimal("158500"),
    "emploi_effectif": 24,
    "emploi_etp": Decimal("19.6"),
    "emploi_effectif_cdi": 17,
    "emploi_salaire_max": Decimal("46800"),
    "emploi_salaire_min": Decimal("21900"),
    "emploi_heures_formation": Decimal("336"),
    "usa_repondants_enquete": 140,
    "usa_repondants_satisfaits": 119,
    "div_femmes_conseil": 5,
    "div_femmes_salariees": 13,
    "env_energie_kwh": Decimal("86400"),
    "eth_alertes_internes": 2,
    "eth_alertes_externes": 0,
}

demo_cli = AppGroup("demo", help="Demo data for a first look at autodiag.")


@demo_cli.command("load")
def load_command() -> None:
    """Create the demo organisation unless it exists."""
    if load_demo():
        click.echo(
            f"Demo organisation created: sign in as {DEMO_EMAIL} / {DEMO_PASSWORD}"
        )
    else:
        click.echo(f"Demo organisation already present: {DEMO_EMAIL} / {DEMO_PASSWORD}")


def load_demo() -> bool:
    """Create the demo organisation and its diagnostics; False if already there."""
    if db.session.scalar(select(User).filter_by(email=DEMO_EMAIL)) is not None:
        return False
    user = register_organisation(
        name="Les Jardins du Lien (démo)",
        legal_form="association",
        sector="insertion",
        size_band="10-49",
        departement="44",
        siren=None,
        email=DEMO_EMAIL,
        password=DEMO_PASSWORD,
    )
    questionnaire = catalogue().latest(DEMO_QUESTIONNAIRE)

    last_year = start_diagnostic(user.organisation, questionnaire, user)
    answers = demo_answers(questionnaire, random.Random(2025), ambition=0.55)
    save_step(last_year, questionnaire, answers, {}, user)
    submit_diagnostic(last_year, questionnaire, user)
    last_year.campaign = last_year.campaign - 1
    last_year.created_at = last_year.submitted_at = _last_year(last_year.submitted_at)
    db.session.commit()

    this_year = start_diagnostic(user.organisation, questionnaire, user)
    answers = demo_answers(questionnaire, random.Random(2026), ambition=0.7)
    first_themes = {q.id for theme in questionnaire.themes[:3] for q in theme.questions}
    save_step(
        this_year,
        questionnaire,
        {qid: value for qid, value in answers.items() if qid in first_themes},
        {},
        user,
    )
    logger.info("demo organisation %s created", user.organisation_id)
    return True


def _last_year(moment: datetime | None) -> datetime:
    moment = moment or datetime.now(UTC)
    return moment.replace(year=moment.year - 1, month=6, day=15)


def demo_answers(
    questionnaire: Questionnaire, rng: random.Random, ambition: float
) -> dict[str, AnswerValue]:
    """Return plausible answers to every asked question, better with ambition."""
    answers: dict[str, AnswerValue] = {}
    for question in questionnaire.questions():
        if question.id not in visible_question_ids(questionnaire, answers):
            continue
        answers[question.id] = validate_answer(question, _pick(question, rng, ambition))
    return answers


def _pick(question: Question, rng: random.Random, ambition: float) -> object:
    kind = question.type
    if kind is QuestionType.YES_NO:
        return question.is_scored is False or rng.random() < ambition
    if kind is QuestionType.SINGLE_CHOICE:
        choices = sorted(question.choices or [], key=lambda c: c.points)
        index = min(len(choices) - 1, int(rng.random() * 0.5 + ambition * len(choices)))
        return choices[index].id
    if kind is QuestionType.MULTIPLE_CHOICE:
        options = [c.id for c in question.choices or [] if not c.exclusive]
        count = max(1, round(ambition * len(options)))
        return rng.sample(options, count)
    if kind is QuestionType.SCALE:
        low, high = int(question.min), int(question.max)  # type: ignore[arg-type]
        return low + round(ambition * (high - low))
    if kind in (QuestionType.INTEGER, QuestionType.DECIMAL):
        if question.id in DEMO_FIGURES:
            return DEMO_FIGURES[question.id]
        return _number(question, rng)
    return "Exemple de réponse saisie pour la démonstration."


def _number(question: Question, rng: random.Random) -> object:
    low = question.min if question.min is not None else Decimal(0)
    high = question.max if question.max is not None else low + 100
    span = min(high - low, Decimal(200))
    value = low + span * Decimal(str(round(rng.uniform(0.2, 0.8), 2)))
    if question.type is QuestionType.INTEGER:
        return max(int(low), int(value))
    return value.quantize(Decimal("0.1"))
