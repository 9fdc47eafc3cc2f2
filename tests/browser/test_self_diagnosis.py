"""A new organisation fills the real questionnaire in Chromium and reads its results."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Locator, Page, expect

from questionnaires import (
    BUILTIN_DIRECTORY,
    Question,
    Questionnaire,
    load_questionnaire,
)

pytestmark = pytest.mark.browser

QUESTIONNAIRE_FILE = BUILTIN_DIRECTORY / "guide-bonnes-pratiques.yaml"
SPECIAL_VALUES = {"not_applicable", "dont_know"}
PASSWORD = "une-longue-phrase-de-passe"
ORGANISATION = "Les Jardins partagés de Rezé"
BEST_LEVEL = "Exemplaire"
GROUP_SPACES = re.compile(r"[ \u00a0\u202f]")

# Figures typed the French way, chosen so that every impact indicator gets a
# value that is easy to check by hand. Any other number question gets a default.
TYPED_NUMBERS = {
    "gouv_membres_votants": "1 200",
    "gouv_votants_ag": "780",
    "gouv_membres_conseil": "12",
    "terr_achats_total": "250 000",
    "terr_achats_locaux": "87 500,5",
    "emploi_effectif": "25",
    "emploi_etp": "22,5",
    "emploi_effectif_cdi": "20",
    "emploi_salaire_max": "54 000",
    "emploi_salaire_min": "21 600",
    "emploi_heures_formation": "562,5",
    "usa_repondants_enquete": "340",
    "usa_repondants_satisfaits": "306",
    "div_femmes_conseil": "6",
    "div_femmes_salariees": "15",
    "env_energie_kwh": "45 000",
    "eth_alertes_internes": "2",
    "eth_alertes_externes": "1",
}
DEFAULT_NUMBERS = {"integer": "12", "decimal": "12,5"}
TEXT_ANSWER = "Le conseil revoit cette pratique chaque année avec les membres."
COMMENT = "Procès-verbal de l'assemblée générale du 14 juin, page 3."

# Indicator cells for TYPED_NUMBERS. French groups digits with a narrow
# no-break space (U+202F).
EXPECTED_INDICATORS = {
    "taux_participation_ag": "65,0 %",
    "part_achats_locaux": "35,0 %",
    "ecart_remunerations": "2,5 fois",
    "heures_formation_par_salarie": "22,5 h/salarié",
    "part_cdi": "80,0 %",
    "taux_satisfaction_usagers": "90,0 %",
    "part_femmes_conseil": "50,0 %",
    "part_femmes_salariees": "60,0 %",
    "energie_par_etp": "2\u202f000 kWh/ETP",
    "alertes_traitees": "3 alertes",
}

# An entered answer: the values of the ticked inputs, or the text typed.
Entry = list[str] | str


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return load_questionnaire(QUESTIONNAIRE_FILE)


def sign_up(page: Page, base_url: str, email: str) -> None:
    """Create an organisation through the signup page, filling every field."""
    response = page.goto(f"{base_url}/signup")
    assert response.ok, f"GET /signup returned {response.status}"
    page.get_by_label("Nom de l'organisation").fill(ORGANISATION)
    page.get_by_label("Forme juridique").select_option("association")
    page.get_by_label("Secteur d'activité").select_option("environnement")
    page.get_by_label("Effectif salarié").select_option("10-49")
    page.get_by_label("Département du siège").select_option("44")
    page.get_by_label("SIREN (facultatif)").fill("552 100 554")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer le compte").click()

    expect(page).to_have_url(f"{base_url}/")
    expect(page.locator(".flash-success")).to_have_text(
        "Bienvenue ! Votre organisation est créée."
    )
    expect(page.locator("h1")).to_have_text(ORGANISATION)
    expect(page.locator(".organisation-facts")).to_contain_text(
        "Association · Environnement · 10 à 49 salariés · 44 Loire-Atlantique"
    )


def start_diagnostic(page: Page) -> None:
    page.get_by_role("button", name="Commencer un nouveau diagnostic").click()
    expect(page).to_have_url(re.compile(r"/diagnostics/[^/]+/steps/gouvernance$"))


def parse_number(text: str) -> Decimal:
    return Decimal(GROUP_SPACES.sub("", text).replace(",", "."))


def shown_question_ids(page: Page) -> list[str]:
    return page.locator("fieldset.question:not([hidden])").evaluate_all(
        "blocks => blocks.map(block => block.dataset.question)"
    )


def option_values(block: Locator, input_type: str, name: str) -> list[str]:
    inputs = block.locator(f"input[type={input_type}][name='{name}']")
    values = inputs.evaluate_all("inputs => inputs.map(input => input.value)")
    return [value for value in values if value not in SPECIAL_VALUES]


def shown_bounds(block: Locator) -> tuple[Decimal, Decimal]:
    hint = block.locator("p.hint", has_text=re.compile(r"^Entre "))
    match = re.fullmatch(r"Entre (.+) et (.+)\.", hint.inner_text().strip())
    assert match, f"no bounds hint in {block}"
    return parse_number(match[1]), parse_number(match[2])


def answer_question(block: Locator, question: Question) -> Entry:
    """Give a question its best answer, chosen from the options on the page."""
    kind = block.get_attribute("data-type")
    if kind == "yes_no":
        choice = block.get_by_label("Oui", exact=True)
        choice.check()
        return [choice.get_attribute("value")]
    if kind in ("single_choice", "scale"):
        values = option_values(block, "radio", question.id)
        best = max(values, key=int) if kind == "scale" else values[-1]
        block.locator(f"input[type=radio][value='{best}']").check()
        return [best]
    if kind == "multiple_choice":
        exclusive = {choice.id for choice in question.choices or () if choice.exclusive}
        values = option_values(block, "checkbox", question.id)
        ticked = [value for value in values if value not in exclusive]
        for value in ticked:
            block.locator(f"input[name='{question.id}'][value='{value}']").check()
        return ticked
    if kind in ("integer", "decimal"):
        text = TYPED_NUMBERS.get(question.id, DEFAULT_NUMBERS[kind])
        low, high = shown_bounds(block)
        assert low <= parse_number(text) <= high, f"{text} outside {question.id}"
        block.locator(f"input[name='{question.id}']").fill(text)
        return text

    block.locator(f"[name='{question.id}']").fill(TEXT_ANSWER)
    return TEXT_ANSWER


def answer_shown_questions(
    page: Page, questionnaire: Questionnaire
) -> dict[str, Entry]:
    """Answer every shown question, then those that the answers bring up."""
    entered: dict[str, Entry] = {}
    for _ in range(5):
        pending = [qid for qid in shown_question_ids(page) if qid not in entered]
        if not pending:
            return entered
        for question_id in pending:
            block = page.locator(f"#q-{question_id}")
            entered[question_id] = answer_question(
                block, questionnaire.question(question_id)
            )
    raise AssertionError(
        f"new questions still appearing after answering {sorted(entered)}"
    )


def assert_answers_shown(page: Page, entered: dict[str, Entry]) -> None:
    """Check that the page shows the entered answers, both live and as served."""
    for question_id, entry in entered.items():
        block = page.locator(f"#q-{question_id}")
        expect(block).to_be_visible()
        if isinstance(entry, str):
            field = block.locator(f"[name='{question_id}']")
            current, served = field.evaluate("el => [el.value, el.defaultValue]")
            if block.get_attribute("data-type") in ("integer", "decimal"):
                assert parse_number(current) == parse_number(entry), question_id
                assert parse_number(served) == parse_number(entry), question_id
            else:
                assert current == entry, question_id
                assert served == entry, question_id
            continue

        inputs = block.locator(f"input[name='{question_id}']")
        checked = inputs.evaluate_all(
            "inputs => inputs.filter(i => i.checked).map(i => i.value)"
        )
        served = inputs.evaluate_all(
            "inputs => inputs.filter(i => i.defaultChecked).map(i => i.value)"
        )
        assert sorted(checked) == sorted(entry), question_id
        assert sorted(served) == sorted(entry), question_id


def check_live_condition(page: Page, controlling_id: str) -> None:
    """Toggle a yes/no question and watch its dependent questions, same page."""
    dependents = page.locator(
        f"fieldset.question[data-condition*='\"{controlling_id}\"']"
    )
    count = dependents.count()
    assert count >= 1, f"no question depends on {controlling_id}"
    for index in range(count):
        expect(dependents.nth(index)).to_be_hidden()

    page.evaluate("() => { window.samePageMarker = true; }")
    controlling = page.locator(f"#q-{controlling_id}")
    for label, should_show in (("Oui", True), ("Non", False), ("Oui", True)):
        controlling.get_by_label(label, exact=True).check()
        for index in range(count):
            dependent = dependents.nth(index)
            if should_show:
                expect(dependent).to_be_visible()
                assert not dependent.evaluate("el => el.disabled"), label
            else:
                expect(dependent).to_be_hidden()

    assert page.evaluate("() => window.samePageMarker === true"), (
        f"the page reloaded while answering {controlling_id}"
    )


def press_next(page: Page, is_last_step: bool) -> None:
    button = page.locator(".wizard-actions button[name=action][value=next]")
    expected = "Enregistrer et relire" if is_last_step else "Enregistrer et continuer"
    expect(button).to_have_text(expected)
    button.click()


def add_comment(page: Page, question_id: str) -> None:
    block = page.locator(f"#q-{question_id}")
    block.locator("details.comment summary").click()
    block.locator(f"textarea[name='comment-{question_id}']").fill(COMMENT)


def assert_comment_shown(page: Page, question_id: str) -> None:
    comment = page.locator(f"textarea[name='comment-{question_id}']")
    expect(comment).to_be_visible()
    expect(comment).to_have_value(COMMENT)
    assert comment.evaluate("el => el.defaultValue") == COMMENT


def fill_questionnaire(page: Page, questionnaire: Questionnaire, screenshot) -> None:
    """Answer every step, toggling conditions on the first and going back once."""
    themes = questionnaire.themes
    first_entries: dict[str, Entry] = {}
    for index, theme in enumerate(themes):
        expect(page).to_have_url(re.compile(rf"/steps/{theme.id}$"))
        expect(page.locator("section.step h1")).to_have_text(theme.title)
        expect(page.locator(".step-count")).to_contain_text(
            f"Étape {index + 1} sur {len(themes)}"
        )
        if index == 0:
            check_live_condition(page, "a_des_salaries")
            check_live_condition(page, "a_des_benevoles")
        entries = answer_shown_questions(page, questionnaire)
        screenshot(page, f"step-{index + 1}-{theme.id}")

        if index == 0:
            first_entries = entries
        if index == 1:
            commented = next(iter(entries))
            add_comment(page, commented)
            page.get_by_role("button", name="Précédent").click()
            expect(page).to_have_url(re.compile(rf"/steps/{themes[0].id}$"))
            assert_answers_shown(page, first_entries)

            press_next(page, is_last_step=False)
            expect(page).to_have_url(re.compile(rf"/steps/{theme.id}$"))
            page.reload()
            assert_answers_shown(page, entries)
            assert_comment_shown(page, commented)

        press_next(page, is_last_step=index == len(themes) - 1)


def check_review(page: Page, questionnaire: Questionnaire) -> None:
    expect(page).to_have_url(re.compile(r"/diagnostics/[^/]+/review$"))
    expect(page.locator("h1")).to_have_text("Relire avant de soumettre")
    expect(page.locator("#missing-answers")).to_have_count(0)
    expect(page.locator("p.lead")).to_have_text(
        re.compile(r"^Questions répondues : (\d+) sur \1 \(100 %\)\.")
    )

    rows = page.locator("table.table tbody tr")
    expect(rows).to_have_count(len(questionnaire.themes))
    for index, theme in enumerate(questionnaire.themes):
        cells = rows.nth(index).locator("td")
        expect(cells.nth(0)).to_have_text(theme.title)
        answered, asked = cells.nth(1).inner_text().split(" / ")
        assert answered == asked, f"{theme.id}: {answered} of {asked} answered"


def check_results(page: Page, questionnaire: Questionnaire) -> None:
    expect(page).to_have_url(re.compile(r"/diagnostics/[^/]+/results$"))
    expect(page.locator(".overall-level .level")).to_have_text(BEST_LEVEL)
    expect(page.locator(".overall-score")).to_have_text("100,0 sur 100")

    rows = page.locator("#theme-table tbody tr")
    expect(rows).to_have_count(8)
    for index, theme in enumerate(questionnaire.themes):
        row = rows.nth(index)
        expect(row.locator("th")).to_have_text(theme.title)
        expect(row.locator("td").nth(0)).to_have_text("100,0")
        expect(row.locator("td").nth(1)).to_have_text(BEST_LEVEL)
        scored, asked = row.locator("td").nth(2).inner_text().split(" / ")
        assert scored == asked, f"{theme.id}: {scored} of {asked} scored"

    chart = page.locator("#theme-chart")
    expect(chart).to_have_attribute("data-rendered", "true")
    assert chart.locator("svg").count() > 0, "the theme chart has no SVG"

    indicator_rows = page.locator("#indicator-table tbody tr")
    expect(indicator_rows).to_have_count(len(EXPECTED_INDICATORS))
    for indicator_id, expected in EXPECTED_INDICATORS.items():
        cell = page.locator(f"#indicator-table tr[data-indicator='{indicator_id}'] td")
        expect(cell.nth(1)).to_have_text(expected)

    expect(page.locator(".eligibility .eligible")).to_have_text(
        "Vos résultats atteignent le niveau requis : "
        "votre organisation peut candidater au label OSE."
    )


def test_self_diagnosis_end_to_end(
    pages, page: Page, live_server: str, questionnaire, screenshot
):
    assert len(questionnaire.themes) == 8

    sign_up(page, live_server, "pilote@jardins-reze.example.org")
    screenshot(page, "dashboard-new")
    start_diagnostic(page)
    fill_questionnaire(page, questionnaire, screenshot)

    check_review(page, questionnaire)
    screenshot(page, "review")
    # A second tab keeps the review page as it was before submission, which is
    # what the back button shows when the browser serves it from its cache.
    stale_tab = pages.open_beside(page)
    stale_tab.goto(page.url)
    page.get_by_role("button", name="Soumettre le diagnostic").click()
    expect(page.locator(".flash-success")).to_have_text(
        "Diagnostic soumis. Voici vos résultats."
    )
    check_results(page, questionnaire)
    screenshot(page, "results")

    # Routing disables Chromium's HTTP cache, so going back fetches the review
    # page again, and the server sends the submitted diagnostic to its results.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/results$"))
    check_results(page, questionnaire)

    stale_tab.get_by_role("button", name="Soumettre le diagnostic").click()
    expect(stale_tab).to_have_url(re.compile(r"/results$"))
    expect(stale_tab.locator(".flash-info")).to_have_text(
        "Ce diagnostic était déjà soumis."
    )
    check_results(stale_tab, questionnaire)
    assert pages.log(stale_tab).console_errors == []
    stale_tab.close()

    page.get_by_role("link", name="Tableau de bord").click()
    rows = page.locator("table.table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.locator(".badge-done")).to_have_text(
        re.compile(r"^Soumis le \d{2}/\d{2}/\d{4}$")
    )
    expect(rows.locator("td").nth(4)).to_have_text(f"{BEST_LEVEL} (100,0)")
    screenshot(page, "dashboard-submitted")

    assert pages.log(page).console_errors == []


def test_step_without_javascript_opens_questions(pages, live_server: str, screenshot):
    page = pages.open(java_script_enabled=False)
    sign_up(page, live_server, "sans-script@jardins-reze.example.org")
    start_diagnostic(page)

    employees = page.locator("#q-gouv_place_salaries")
    expect(employees).to_be_hidden()
    page.locator("#q-a_des_salaries").get_by_label("Oui", exact=True).check()
    # Without the page script, nothing changes before the server responds.
    expect(employees).to_be_hidden()

    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Enregistrer et continuer").click()
    assert posted.value.status == 200
    expect(page).to_have_url(re.compile(r"/steps/gouvernance$"))
    expect(page.locator(".flash-info")).to_have_text(
        "Vos réponses ouvrent de nouvelles questions sur cette page."
    )
    expect(employees).to_be_visible()
    expect(page.locator("#q-gouv_parcours_benevoles")).to_be_hidden()
    expect(page.locator("#q-a_des_salaries input[value=yes]")).to_be_checked()
    screenshot(page, "no-script-new-questions")


def test_enter_key_and_special_box(page: Page, live_server: str):
    sign_up(page, live_server, "clavier@jardins-reze.example.org")
    start_diagnostic(page)
    page.goto(page.url.replace("/steps/gouvernance", "/steps/territoire"))

    total = page.locator("input[name=terr_achats_total]")
    total.fill("5 000")
    dont_know = page.locator("#q-terr_achats_total input[value=dont_know]")
    dont_know.check()
    # The box replaces the answer, so the answer field is disabled.
    expect(total).to_be_disabled()
    dont_know.uncheck()
    expect(total).to_be_enabled()

    # Enter in a field saves the step and goes forward, not to the step list.
    total.press("Enter")
    expect(page).to_have_url(re.compile(r"/steps/emploi$"))
    page.get_by_role("button", name="Précédent").click()
    expect(page.locator("input[name=terr_achats_total]")).to_have_value("5\u202f000")
