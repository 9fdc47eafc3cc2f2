import html
import re

import pytest

from app.diagnostics.services import start_diagnostic
from app.extensions import db
from app.models import Diagnostic
from scoring import Special


def second_choice(questionnaire, question_id: str) -> str:
    return questionnaire.question(question_id).choices[1].id


@pytest.fixture
def middling_ethics(questionnaire) -> dict:
    """Ethics answers worth 47.2 of 100, with no alert to handle.

    Four single choices at 1 point of 3, a "yes" and a 3 on a 1-5 scale:
    (4 x 1/3 + 1 + 1/2) / 6 = 17/36, which is 47.22 %.
    """
    ids = [
        "eth_valeurs_ecrites",
        "eth_conflits_interets",
        "eth_dispositif_alerte",
        "eth_sous_traitance",
    ]
    answers = {qid: second_choice(questionnaire, qid) for qid in ids}
    answers.update(
        eth_donnees_personnelles=True,
        eth_transparence_financiere=3,
        eth_alertes_internes=0,
        eth_alertes_externes=0,
    )
    return answers


def as_number(text: str) -> float:
    return float(text.replace(" ", "").replace(",", "."))


def title_key(title: str) -> str:
    # The chart wraps titles with <br>, also after hyphens, so titles are
    # compared without any spacing.
    return re.sub(r"\s+", "", html.unescape(title.replace("<br>", "")))


def chart_rows(chart: dict) -> dict[str, tuple[float, str]]:
    """Return the chart's (score, text) by theme title, without spacing."""
    bars = chart["data"][0]
    titles = [title_key(label) for label in bars["y"]]
    return dict(zip(titles, zip(bars["x"], bars["text"], strict=True), strict=True))


def test_best_answers_reach_top_level(build, open_results):
    page = open_results(build())

    overall = page.section("overall")
    assert "Exemplaire" in overall
    assert "100,0 sur 100" in overall


def test_overall_score_has_decimal_comma(build, open_results, middling_ethics):
    page = open_results(build(**middling_ethics))

    overall = page.section("overall")
    assert "93,4 sur 100" in overall
    assert "Exemplaire" in overall


def test_theme_table_shows_scores(build, open_results, middling_ethics):
    page = open_results(build(**middling_ethics))

    rows = page.theme_rows
    assert rows["ethique"] == [
        "Éthique et déontologie",
        "47,2",
        "En structuration",
        "6 / 6",
    ]
    assert rows["gouvernance"][1:3] == ["100,0", "Exemplaire"]


def test_theme_table_matches_chart(build, open_results, middling_ethics):
    page = open_results(
        build(submit=False, **middling_ethics, gouv_regles_ecrites=None)
    )

    chart = chart_rows(page.chart)
    rows = page.theme_rows
    assert len(chart) == len(rows)
    for title, score, level, _counted in rows.values():
        chart_score, chart_text = chart[title_key(title)]
        assert chart_score == as_number(score), title
        assert chart_text == f"{score} · {level}", title


@pytest.fixture
def without_environment():
    """Blank answers that leave one of six scored environment questions."""
    ids = [
        "env_demarche",
        "env_energie",
        "env_dechets",
        "env_deplacements",
        "env_achats_responsables",
    ]
    return dict.fromkeys(ids)


def test_chart_marks_theme_without_level(build, open_results, without_environment):
    page = open_results(build(submit=False, **without_environment))

    title, score, level, counted = page.theme_rows["environnement"]
    assert score == "–"
    assert level == "Pas de niveau"
    assert counted == "1 / 6"
    assert chart_rows(page.chart)[title_key(title)] == (0, "pas de niveau")


def test_theme_without_level_gives_reason(build, open_results, without_environment):
    page = open_results(build(submit=False, **without_environment))

    article = page.theme_article("environnement")
    expected = (
        "pas de niveau : réponses comptées 1 sur 6 questions notées, "
        "il en faut au moins 3."
    )
    assert expected in article


def test_theme_level_and_recommendations(build, open_results, questionnaire):
    page = open_results(build(pick="worst"))

    for theme in questionnaire.themes:
        article = page.theme_article(theme.id)
        assert "Émergent" in article, theme.id
        for recommendation in theme.recommendations["emergent"]:
            assert recommendation.title in article, theme.id


def test_answer_recommendations_shown(build, open_results, questionnaire):
    page = open_results(build(pick="worst"))

    question = questionnaire.question("gouv_regles_ecrites")
    chosen = question.choices[0]
    article = page.theme_article("gouvernance")
    assert chosen.recommendation.title in article
    assert chosen.recommendation.detail in article


def test_top_level_recommendations_shown(build, open_results, questionnaire):
    page = open_results(build())

    article = page.theme_article("ethique")
    for recommendation in questionnaire.theme("ethique").recommendations["exemplaire"]:
        assert recommendation.title in article
    assert "Écrivez vos valeurs" not in article


@pytest.mark.parametrize(
    ("indicator_id", "shown"),
    [
        ("taux_participation_ag", "25,0 %"),
        ("part_achats_locaux", "25,0 %"),
        ("ecart_remunerations", "2,0 fois"),
        ("heures_formation_par_salarie", "12,0 h/salarié"),
        ("part_cdi", "80,0 %"),
        ("taux_satisfaction_usagers", "75,0 %"),
        ("part_femmes_conseil", "50,0 %"),
        ("part_femmes_salariees", "60,0 %"),
        ("energie_par_etp", "2 000 kWh/ETP"),
        ("alertes_traitees", "5 alertes"),
    ],
)
def test_indicator_value_with_unit(build, open_results, indicator_id, shown):
    page = open_results(build())

    assert page.indicators[indicator_id] == shown


def test_indicator_not_computable_dont_know(build, open_results):
    page = open_results(build(env_energie_kwh=Special.DONT_KNOW))

    assert page.indicators["energie_par_etp"] == (
        "Non calculable : une donnée nécessaire est inconnue (Quelle a été la "
        "consommation totale d'énergie des locaux pendant l'exercice ?)."
    )


def test_indicator_not_computable_hidden(build, open_results):
    page = open_results(build(a_des_salaries=False))

    cell = page.indicators["part_cdi"]
    assert cell.startswith("Non calculable : une donnée nécessaire n'est pas demandée")


def test_indicator_not_computable_missing(build, open_results):
    page = open_results(build(submit=False, gouv_votants_ag=None))

    assert page.indicators["taux_participation_ag"].startswith(
        "Non calculable : une donnée nécessaire manque"
    )


def test_indicator_zero_divisor(build, open_results):
    page = open_results(build(gouv_membres_votants=0))

    cell = page.indicators["taux_participation_ag"]
    assert cell == (
        "Non calculable : division par zéro (« Combien de membres avaient le droit "
        "de vote à la dernière assemblée générale ordinaire ? » vaut 0)."
    )


def test_indicator_part_above_whole(build, open_results):
    page = open_results(build(gouv_membres_votants=10, gouv_votants_ag=45))

    cell = page.indicators["taux_participation_ag"]
    assert cell.startswith("Non calculable : « Combien de membres ont voté")
    assert "» (45) dépasse « Combien de membres avaient le droit" in cell
    assert cell.endswith("» (10) : vérifiez ces deux réponses.")


def test_partial_overall_says_so(build, open_results, without_environment):
    page = open_results(build(submit=False, **without_environment))

    assert "Calculé sur 7 thèmes sur 8" in page.text


def test_full_overall_has_no_partial_note(build, open_results):
    page = open_results(build())

    assert "partial-overall" not in page.html


def test_label_open_when_eligible(build, open_results):
    page = open_results(build())

    assert "votre organisation peut candidater au label OSE" in page.section(
        "eligibility"
    )
    assert page.eligibility_reasons == []


def test_label_reasons_when_not_eligible(build, open_results, questionnaire):
    page = open_results(build(pick="worst"))

    reasons = page.eligibility_reasons
    assert "ne peut pas encore candidater" in page.section("eligibility")
    assert reasons[0] == "le niveau global est Émergent ; il faut au moins Établi."
    for theme in questionnaire.themes:
        expected = (
            f"le thème « {theme.title} » est au niveau Émergent ; "
            "il faut au moins En structuration."
        )
        assert expected in reasons, theme.id
    assert len(reasons) == 1 + len(questionnaire.themes)


def test_label_reason_for_theme_without_level(build, open_results, without_environment):
    page = open_results(build(submit=False, **without_environment))

    expected = (
        "le thème « Dimension environnementale du développement durable » "
        "n'a pas de niveau, faute de réponses suffisantes."
    )
    assert page.eligibility_reasons == [expected]


def test_empty_diagnostic_results(member, questionnaire, open_results):
    user = member.user
    diagnostic = start_diagnostic(user.organisation, questionnaire, user)

    page = open_results(diagnostic.public_id)

    assert "Pas encore de niveau global" in page.section("overall")
    assert all(row[2] == "Pas de niveau" for row in page.theme_rows.values())
    assert (
        page.eligibility_reasons[0] == "le diagnostic n'a pas encore de niveau global."
    )


def test_in_progress_results_provisional(build, open_results):
    public_id = build(submit=False)

    page = open_results(public_id)

    assert "Résultats provisoires" in page.text
    assert f'href="/diagnostics/{public_id}/resume"' in page.html


def test_submitted_results_show_date(build, open_results):
    page = open_results(build())

    assert re.search(r"soumis le \d\d/\d\d/\d{4} \d\d:\d\d", page.text)
    assert "Résultats provisoires" not in page.text


def test_stored_result_matches_page(build, open_results):
    public_id = build(pick="worst")

    page = open_results(public_id)

    db.session.rollback()
    stored = db.session.query(Diagnostic).filter_by(public_id=public_id).one().result
    assert f"{stored['score']:.1f}".replace(".", ",") + " sur 100" in page.text
    for theme in stored["themes"]:
        score = page.theme_rows[theme["id"]][1]
        assert as_number(score) == theme["score"], theme["id"]
        assert page.theme_rows[theme["id"]][2] == theme["level"]["name"]
