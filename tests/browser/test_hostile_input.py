"""Script and markup typed into autodiag are shown as text on every page.

One organisation stores the same hostile payloads in every field where a person
types text: its name at sign-up, the SIREN and e-mail fields it gets wrong, text
answers, an answer typed into a number field, comments, invitation and account
e-mail addresses, a failed sign-in and the audit log filters. An extra
questionnaire file carries the payloads in its own texts, and a second
organisation, created in the database, carries them in attribute codes that the
sign-up form never produces. The members, an admin and a staff account then
read the pages that show these values.

On each page the test looks for a dialog, ``window.__xss``, elements or
attributes that a payload would create, and Content-Security-Policy reports,
then checks that the typed text is shown as typed, which also tells "{{7*7}}"
from "49". Problems are collected so that one failure lists every page and
element where escaping broke. The test first plants each trace on a page to
prove that the audit reports it.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml
from flask import Flask
from playwright.sync_api import Dialog, Locator, Page, expect

from app import create_app
from app.auth.services import register_organisation
from app.extensions import db
from questionnaires import load_questionnaire

pytestmark = pytest.mark.browser

PAYLOADS = (
    "<script>window.__xss=1</script>",
    '"><img src=x onerror="window.__xss=2">',
    '<svg onload="window.__xss=3">',
    "javascript:window.__xss=4",
    "{{7*7}}",
    # Closes the <script type="application/json"> elements that carry data.
    "</script><script>window.__xss=5</script>",
    "<b>gras</b>",
    # Closes a single-quoted attribute, such as data-condition='...'.
    "' autofocus onfocus='window.__xss=6",
)
HOSTILE = " ".join(PAYLOADS)
# The sign-up form takes 200 characters at most. No page puts the name in a
# link, where a "javascript:" URL would matter, so that payload is left out.
ORGANISATION = " ".join(p for p in PAYLOADS if not p.startswith("javascript:"))
assert len(ORGANISATION) <= 200

PASSWORD = "une-longue-phrase-de-passe"
PILOT_EMAIL = "pilote@hostile.example"
# The e-mail validator rejects < and >, so addresses test the escaping of
# quotes, ampersands and template braces only.
MEMBER_EMAIL = "o'brien&{{7*7}}@hostile.example"
PLATFORM_EMAIL = "{{7*7}}'&{staff}@hostile.example"
ADMIN_EMAIL = "admin@plateforme.example"
STAFF_EMAIL = "staff@plateforme.example"
ATTRIBUTE_MEMBER_EMAIL = "codes@attributs.example"

# Typed by the pilot, except where the name says otherwise.
SHORT_ANSWER = f"court {HOSTILE}"
LONG_ANSWER = "long\n" + "\n".join(PAYLOADS)
NUMBER_TEXT = f"nombre {HOSTILE}"
SHORT_COMMENT = f"commentaire court {HOSTILE}"
CHOICE_COMMENT = f"commentaire choix {HOSTILE}"
RESENT_COMMENT = f"après reconnexion {HOSTILE}"
MEMBER_ANSWER = f"membre {HOSTILE}"
MEMBER_COMMENT = f"commentaire du membre {HOSTILE}"
# Lowercase already, because sign-in lowercases the address it records.
FAILED_LOGIN = f"connexion {HOSTILE}"

# Attribute codes of the second organisation. They fit the column lengths
# (legal form and sector 40, size band 10), which PostgreSQL enforces.
ATTRIBUTE_ORGANISATION = f"Attributs {ORGANISATION}"[:200]
ODD_LEGAL_FORM = PAYLOADS[1]
ODD_SECTOR = "<b>gras</b>" + PAYLOADS[2]
ODD_SIZE_BAND = "{{7*7}}"

QUESTIONNAIRE_ID = "hostile"
TITLE = f"Questionnaire {HOSTILE}"
DESCRIPTION = f"Description {HOSTILE}"
FIRST_THEME = f"Premier thème {HOSTILE}"
SECOND_THEME = f"Second thème {HOSTILE}"
FIRST_INTRODUCTION = f"Introduction {HOSTILE}"
LOW_LEVEL = f"Début {HOSTILE}"
HIGH_LEVEL = f"Avancé {HOSTILE}"
LEVEL_DESCRIPTION = f"Niveau décrit {HOSTILE}"
YES_NO_LABEL = f"Oui ou non {HOSTILE}"
YES_NO_HELP = f"Aide {HOSTILE}"
SHORT_LABEL = f"Texte court {HOSTILE}"
LONG_LABEL = f"Texte long {HOSTILE}"
NUMBER_LABEL = f"Nombre {HOSTILE}"
NUMBER_UNIT = f"unités {HOSTILE}"
CHOICE_LABEL = f"Choix {HOSTILE}"
LOW_CHOICE = f"Un peu {HOSTILE}"
CHOICE_ADVICE = f"Conseil du choix {HOSTILE}"
THEME_ADVICE = f"Conseil du thème {HOSTILE}"
FOLLOW_UP_LABEL = f"Question de suite {HOSTILE}"
INDICATOR_LABEL = f"Indicateur {HOSTILE}"
INDICATOR_UNIT = f"u {HOSTILE}"


def questionnaire_document() -> dict:
    """Return a small valid questionnaire whose every text carries the payloads.

    The follow-up question is asked only when the short answer of the first
    theme equals SHORT_ANSWER. Its step page therefore carries that answer in
    its JSON data and the condition in an attribute, and the page script shows
    the question only if both come back intact.
    """
    return {
        "id": QUESTIONNAIRE_ID,
        "version": "1",
        "title": TITLE,
        "description": DESCRIPTION,
        "language": "fr",
        "levels": [
            {"id": "debut", "name": LOW_LEVEL, "min_score": 0},
            {
                "id": "avance",
                "name": HIGH_LEVEL,
                "min_score": 50,
                "description": LEVEL_DESCRIPTION,
            },
        ],
        "eligibility": {"min_overall_level": "avance", "min_theme_level": "avance"},
        "themes": [
            {
                "id": "premier",
                "title": FIRST_THEME,
                "introduction": FIRST_INTRODUCTION,
                "questions": [
                    {
                        "id": "q_oui",
                        "type": "yes_no",
                        "label": YES_NO_LABEL,
                        "help": YES_NO_HELP,
                        "required": True,
                    },
                    {
                        "id": "q_court",
                        "type": "short_text",
                        "label": SHORT_LABEL,
                        "max_length": 1000,
                    },
                    {"id": "q_long", "type": "long_text", "label": LONG_LABEL},
                    {
                        "id": "q_nombre",
                        "type": "integer",
                        "label": NUMBER_LABEL,
                        "unit": NUMBER_UNIT,
                        "min": 0,
                        "max": 1000,
                    },
                ],
                "indicators": [
                    {
                        "id": "i_nombre",
                        "label": INDICATOR_LABEL,
                        "unit": INDICATOR_UNIT,
                        "formula": "sum(q_nombre)",
                        "decimals": 0,
                    }
                ],
            },
            {
                "id": "second",
                "title": SECOND_THEME,
                "introduction": f"Introduction du second thème {HOSTILE}",
                "questions": [
                    {
                        "id": "q_choix",
                        "type": "single_choice",
                        "label": CHOICE_LABEL,
                        "required": True,
                        "choices": [
                            {
                                "id": "un_peu",
                                "label": LOW_CHOICE,
                                "points": 1,
                                "recommendation": {
                                    "title": CHOICE_ADVICE,
                                    "detail": f"Détail {HOSTILE}",
                                },
                            },
                            {
                                "id": "beaucoup",
                                "label": f"Beaucoup {HOSTILE}",
                                "points": 3,
                            },
                        ],
                    },
                    {
                        "id": "q_suite",
                        "type": "yes_no",
                        "label": FOLLOW_UP_LABEL,
                        # Asked but not scored, so the theme stays at the low level.
                        "weight": 0,
                        "condition": {"question": "q_court", "equals": SHORT_ANSWER},
                    },
                ],
                "recommendations": {"debut": [{"title": THEME_ADVICE}]},
            },
        ],
    }


# Run in the page: every trace of a payload that became markup or code.
FIND_PAYLOAD_MARKUP = """(rootSelector) => {
  const root = document.querySelector(rootSelector);
  const found = [];
  const where = (element) => {
    const parts = [];
    for (let node = element; node && node !== document.body && parts.length < 4;
         node = node.parentElement) {
      let part = node.tagName.toLowerCase();
      // getAttribute, because className is not a string on SVG elements.
      const classes = (node.getAttribute("class") || "").trim();
      if (node.id) {
        part += "#" + node.id;
      } else if (classes) {
        part += "." + classes.split(/\\s+/).join(".");
      }
      parts.unshift(part);
    }
    return parts.join(" > ");
  };
  const URL_ATTRIBUTES = ["href", "src", "action", "formaction", "xlink:href"];
  for (const element of [root, ...root.querySelectorAll("*")]) {
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith("on")) {
        found.push(`${name} attribute on ${where(element)}`);
      }
      const value = attribute.value.trim().toLowerCase();
      if (URL_ATTRIBUTES.includes(name) && value.startsWith("javascript:")) {
        found.push(`javascript: URL in ${name} of ${where(element)}`);
      }
    }
  }
  for (const image of root.querySelectorAll("img[src='x']")) {
    found.push(`img[src=x] at ${where(image)}`);
  }
  for (const element of root.querySelectorAll("b, strong, tspan")) {
    const bold = element.tagName.toLowerCase() !== "tspan"
      || /font-weight:\\s*bold/.test(element.getAttribute("style") || "");
    if (bold && element.textContent.trim() === "gras") {
      found.push(`bold "gras" at ${where(element)}`);
    }
  }
  for (const script of root.querySelectorAll("script")) {
    if (!script.src && script.type !== "application/json") {
      const start = script.textContent.slice(0, 60);
      found.push(`inline script "${start}" at ${where(script)}`);
    }
  }
  if (typeof window.__xss !== "undefined") {
    found.push(`window.__xss is ${window.__xss}`);
  }
  return found;
}"""


# Run in the page on an element: the JSON in one of its properties, or the error.
PARSE_JSON = """(element, path) => {
  const text = path.split(".").reduce((value, key) => value[key], element);
  try {
    return JSON.parse(text);
  } catch (error) {
    return `invalid JSON (${error.message}): ${text.slice(0, 80)}`;
  }
}"""


def squeeze(text: str) -> str:
    """Drop all whitespace, which charts add or remove when they wrap lines."""
    return re.sub(r"\s+", "", text)


def flatten(text: str) -> str:
    return " ".join(text.split())


def describe_difference(shown: str, typed: str) -> str:
    """Quote the shown text and the typed text around their first difference."""
    # Align on the typed text's first words when the page shows more around it.
    start = max(shown.find(typed[:12]), 0)
    shown = shown[start:]
    index = next(
        (i for i, (a, b) in enumerate(zip(shown, typed, strict=False)) if a != b),
        min(len(shown), len(typed)),
    )
    low = max(index - 20, 0)
    return (
        f"shows {shown[low : index + 30]!r} where the typed text has "
        f"{typed[low : index + 30]!r}"
    )


@dataclass
class PageSightings:
    """Dialogs and Content-Security-Policy reports of one page, since last read."""

    dialogs: list[str] = field(default_factory=list)
    policy_reports: list[str] = field(default_factory=list)


class EscapingAudit:
    """Problems found on the pages, each naming the page and the element."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.sightings: dict[Page, PageSightings] = {}

    def watch(self, page: Page) -> Page:
        sightings = PageSightings()
        self.sightings[page] = sightings

        def on_dialog(dialog: Dialog) -> None:
            # The wizard's beforeunload handler guards unsent changes.
            if dialog.type != "beforeunload":
                sightings.dialogs.append(f"{dialog.type} {dialog.message!r}")
            dialog.dismiss()

        def on_console(message) -> None:
            if "Content Security Policy" in message.text:
                sightings.policy_reports.append(f"{message.text} ({message.location})")

        page.on("dialog", on_dialog)
        page.on("console", on_console)
        return page

    def scan(self, page: Page, where: str, root: str = "html") -> None:
        """Record every trace of a payload that ran or became markup.

        ``root`` is the CSS selector of the element whose subtree is searched.
        """
        for found in page.evaluate(FIND_PAYLOAD_MARKUP, root):
            self.add(f"{where}: {found}")
        sightings = self.sightings[page]
        for dialog in sightings.dialogs:
            self.add(f"{where}: dialog opened: {dialog}")
        for report in sightings.policy_reports:
            self.add(f"{where}: Content-Security-Policy report: {report}")
        sightings.dialogs.clear()
        sightings.policy_reports.clear()

    def add(self, problem: str) -> None:
        if problem not in self.problems:
            self.problems.append(problem)

    def shown_as_typed(
        self, where: str, shown: str, typed: str, *, whole: bool = True
    ) -> None:
        """Record a problem unless ``shown`` is ``typed``.

        With ``whole=False``, ``shown`` need only contain ``typed``.
        """
        if shown == typed if whole else typed in shown:
            return
        self.add(f"{where}: {describe_difference(shown, typed)}")

    def text_is(self, where: str, locator: Locator, typed: str) -> None:
        self.shown_as_typed(where, flatten(locator.inner_text()), flatten(typed))

    def text_contains(self, where: str, locator: Locator, typed: str) -> None:
        shown = flatten(locator.inner_text())
        self.shown_as_typed(where, shown, flatten(typed), whole=False)

    def value_is(self, where: str, locator: Locator, typed: str) -> None:
        self.shown_as_typed(where, locator.input_value(), typed)

    def equal(self, where: str, actual, expected) -> None:
        if actual != expected:
            self.add(f"{where}: got {actual!r}, expected {expected!r}")


@pytest.fixture
def questionnaire_folder(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    path = folder / "hostile.yaml"
    path.write_text(
        yaml.safe_dump(questionnaire_document(), allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    # Raises QuestionnaireError, listing the problems, if the document is invalid.
    load_questionnaire(path)
    monkeypatch.setenv("AUTODIAG_QUESTIONNAIRE_DIR", str(folder))
    return folder


@pytest.fixture
def make_database(make_database):
    """Wrap the shared factory to record the URL of each database it makes."""
    urls: list[str] = []

    def make(*args, **kwargs) -> str:
        url = make_database(*args, **kwargs)
        urls.append(url)
        return url

    make.urls = urls
    return make


@pytest.fixture
def live_server(questionnaire_folder, reuse_parsed_questionnaires, live_server) -> str:
    """Serve the shared live server with the hostile questionnaire installed."""
    return live_server


@pytest.fixture
def server_app(live_server, make_database) -> Iterator[Flask]:
    """Yield an app on the live server's database, for the CLI and services."""
    assert len(make_database.urls) == 1, (
        f"expected live_server to make one database, got {make_database.urls}"
    )
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "hostile-input-side-app",
            "SQLALCHEMY_DATABASE_URI": make_database.urls[0],
        }
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def create_platform_account(app: Flask, role: str, email: str) -> str:
    """Run ``autodiag user create`` and return the new account's password."""
    result = app.test_cli_runner().invoke(
        args=["user", "create", "--role", role, email]
    )
    assert result.exit_code == 0, result.output
    match = re.search(
        r"First password \(give it over a safe channel\): (\S+)", result.output
    )
    assert match, f"no password in the command's output: {result.output}"
    return match[1]


def create_odd_organisation(app: Flask) -> None:
    """Register an organisation whose attribute codes no form offers."""
    with app.app_context():
        register_organisation(
            name=ATTRIBUTE_ORGANISATION,
            legal_form=ODD_LEGAL_FORM,
            sector=ODD_SECTOR,
            size_band=ODD_SIZE_BAND,
            departement="44",
            siren=None,
            email=ATTRIBUTE_MEMBER_EMAIL,
            password=PASSWORD,
        )
        db.session.remove()


def prove_audit_reports_traces(pages, base_url: str) -> None:
    """Plant every trace the audit looks for on a page, and check it reports each."""
    audit = EscapingAudit()
    page = audit.watch(pages.open())
    page.goto(f"{base_url}/login")
    planted = """() => document.body.insertAdjacentHTML(
      "beforeend", '<img src=x onerror="window.__xss=2"><b>gras</b>'
    )"""
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(planted)
    with page.expect_event("dialog"):
        page.evaluate("() => { setTimeout(() => alert('planted'), 0); }")
    page.evaluate("() => { window.__xss = 0; }")

    audit.scan(page, "planted traces")
    report = "\n".join(audit.problems)
    for trace in (
        "onerror attribute",
        "img[src=x]",
        'bold "gras"',
        "window.__xss is 0",
        "dialog opened",
        "Content-Security-Policy report",
    ):
        assert trace in report, f"the audit missed a planted {trace}:\n{report}"
    page.close()


def sign_in(page: Page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def open_comment(page: Page, question_id: str) -> Locator:
    """Return a question's comment box, unfolding it if it is folded."""
    details = page.locator(f"#q-{question_id} details.comment")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return page.locator(f"[name='comment-{question_id}']")


def check_header(audit: EscapingAudit, page: Page, where: str) -> None:
    audit.text_is(f"{where}, header", page.locator(".organisation-name"), ORGANISATION)


def sign_up(audit: EscapingAudit, page: Page, base_url: str) -> None:
    """Sign up, first with a hostile SIREN, e-mail and forged legal form."""
    page.goto(f"{base_url}/signup")
    page.get_by_label("Nom de l'organisation").fill(ORGANISATION)
    # A value that the menu does not offer, as a forged request would send.
    page.locator("#legal_form").evaluate(
        """(select, value) => {
          select.add(new Option("forgé", value));
          select.value = value;
        }""",
        HOSTILE,
    )
    page.get_by_label("Secteur d'activité").select_option("environnement")
    page.get_by_label("Effectif salarié").select_option("10-49")
    page.get_by_label("Département du siège").select_option("44")
    page.get_by_label("SIREN (facultatif)").fill(HOSTILE)
    page.get_by_label("Adresse électronique").fill(HOSTILE)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer le compte").click()

    where = "sign-up page with errors"
    expect(page.locator("#siren-error")).to_be_visible()
    audit.scan(page, where)
    audit.value_is(f"{where}, name field", page.locator("#name"), ORGANISATION)
    audit.value_is(f"{where}, SIREN field", page.locator("#siren"), HOSTILE)
    audit.value_is(f"{where}, e-mail field", page.locator("#email"), HOSTILE)
    audit.text_contains(
        f"{where}, SIREN error", page.locator("#siren-error"), f"« {HOSTILE} »"
    )
    expect(page.locator("#legal_form-error")).to_be_visible()
    expect(page.locator("#email-error")).to_be_visible()
    offered = page.locator("#legal_form option").evaluate_all(
        "options => options.map(option => option.value)"
    )
    audit.equal(f"{where}, legal form offered back", HOSTILE in offered, False)

    page.get_by_label("Forme juridique").select_option("association")
    page.get_by_label("SIREN (facultatif)").fill("")
    page.get_by_label("Adresse électronique").fill(PILOT_EMAIL)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer le compte").click()
    expect(page).to_have_url(f"{base_url}/")


def check_dashboard(audit: EscapingAudit, page: Page) -> None:
    where = "pilot's dashboard"
    audit.scan(page, where)
    check_header(audit, page, where)
    audit.text_is(f"{where}, heading", page.locator("h1"), ORGANISATION)
    card = page.locator(f"form.start-card:has(input[value='{QUESTIONNAIRE_ID}'])")
    audit.text_is(f"{where}, questionnaire title", card.locator("h3"), TITLE)
    audit.text_is(
        f"{where}, questionnaire description", card.locator("p").first, DESCRIPTION
    )


def fill_first_step(audit: EscapingAudit, page: Page) -> None:
    """Type hostile text in every field of the first step, one number included."""
    where = "first step"
    audit.scan(page, where)
    check_header(audit, page, where)
    audit.equal(f"{where}, page title", page.title(), f"{FIRST_THEME} · autodiag")
    audit.text_is(f"{where}, heading", page.locator("section.step h1"), FIRST_THEME)
    audit.text_is(f"{where}, introduction", page.locator("p.lead"), FIRST_INTRODUCTION)
    audit.text_contains(
        f"{where}, question label", page.locator("#q-q_oui legend"), YES_NO_LABEL
    )
    audit.text_is(f"{where}, help", page.locator("#q-q_oui p.hint"), YES_NO_HELP)
    audit.text_is(f"{where}, unit", page.locator("#q-q_nombre .unit"), NUMBER_UNIT)
    audit.text_contains(
        f"{where}, step list", page.locator("nav.step-list"), SECOND_THEME
    )

    page.locator("#q-q_oui").get_by_label("Oui", exact=True).check()
    page.locator("#q_court").fill(SHORT_ANSWER)
    page.locator("#q_long").fill(LONG_ANSWER)
    page.locator("#q_nombre").fill(NUMBER_TEXT)
    open_comment(page, "q_court").fill(SHORT_COMMENT)
    page.get_by_role("button", name="Enregistrer et continuer").click()

    where = "first step with a text in the number field"
    expect(page.locator("#q_nombre-error")).to_be_visible()
    audit.scan(page, where)
    audit.text_contains(
        f"{where}, error message", page.locator("#q_nombre-error"), f"« {NUMBER_TEXT} »"
    )
    audit.text_is(
        f"{where}, error summary", page.locator(".error-summary li"), NUMBER_LABEL
    )
    audit.value_is(f"{where}, number field", page.locator("#q_nombre"), NUMBER_TEXT)
    audit.value_is(f"{where}, short answer", page.locator("#q_court"), SHORT_ANSWER)
    audit.value_is(f"{where}, long answer", page.locator("#q_long"), LONG_ANSWER)
    audit.value_is(
        f"{where}, comment", page.locator("[name='comment-q_court']"), SHORT_COMMENT
    )

    page.locator("#q_nombre").fill("12")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page).to_have_url(re.compile(r"/steps/second$"))


def fill_second_step(audit: EscapingAudit, page: Page) -> None:
    """Check that the first step's answer reaches this page's data intact."""
    where = "second step"
    audit.scan(page, where)
    check_header(audit, page, where)
    outside = page.locator("#outside-answers").evaluate(PARSE_JSON, "textContent")
    audit.equal(
        f"{where}, JSON of answers from other steps", outside, {"q_court": SHORT_ANSWER}
    )
    condition = page.locator("#q-q_suite").evaluate(PARSE_JSON, "dataset.condition")
    audit.equal(
        f"{where}, data-condition attribute",
        condition,
        {"question": "q_court", "equals": SHORT_ANSWER},
    )
    # The page script hides the question unless both JSON values match.
    audit.equal(
        f"{where}, follow-up question shown",
        page.locator("#q-q_suite").is_visible(),
        True,
    )
    audit.text_contains(
        f"{where}, conditional question",
        page.locator("#q-q_suite legend"),
        FOLLOW_UP_LABEL,
    )
    audit.text_contains(
        f"{where}, choice label", page.locator("#q-q_choix .options"), LOW_CHOICE
    )

    page.locator("#q-q_choix input[value=un_peu]").check()
    page.locator("#q-q_suite").get_by_label("Oui", exact=True).check()
    open_comment(page, "q_choix").fill(CHOICE_COMMENT)
    page.get_by_role("button", name="Enregistrer et relire").click()
    expect(page).to_have_url(re.compile(r"/review$"))


def check_review(audit: EscapingAudit, page: Page, where: str) -> None:
    audit.scan(page, where)
    check_header(audit, page, where)
    titles = page.locator("table.table tbody td:first-child")
    audit.text_is(f"{where}, first theme", titles.nth(0), FIRST_THEME)
    audit.text_is(f"{where}, second theme", titles.nth(1), SECOND_THEME)


def invite_member(audit: EscapingAudit, page: Page, base_url: str) -> str:
    """Invite a contributor by a hostile e-mail address and return the link."""
    page.goto(f"{base_url}/team")
    where = "team page"
    audit.scan(page, where)
    check_header(audit, page, where)
    audit.text_contains(f"{where}, heading", page.locator("h1"), ORGANISATION)

    invite = page.locator("form[action$='/team/invitations']")
    invite.locator("select[name=role]").select_option("contributor")
    invite.locator("input[name=email]").fill(f"{PAYLOADS[2]}@hostile.example")
    # The browser would refuse this address itself: send it as a script would.
    invite.evaluate("form => { form.noValidate = true; }")
    invite.get_by_role("button", name="Créer l'invitation").click()
    expect(page.locator(".flash-error")).to_be_visible()
    audit.scan(page, "team page after a rejected invitation address")

    invite.locator("select[name=role]").select_option("contributor")
    invite.locator("input[name=email]").fill(MEMBER_EMAIL)
    invite.get_by_role("button", name="Créer l'invitation").click()
    where = "team page with an invitation"
    expect(page.locator("#invitations")).to_be_visible()
    audit.scan(page, where)
    audit.text_is(
        f"{where}, invitation address",
        page.locator("#invitations tbody td").first,
        MEMBER_EMAIL,
    )
    return page.locator("#invitation-link").input_value()


def join_team(audit: EscapingAudit, page: Page, link: str) -> None:
    """Accept the invitation, first with a hostile e-mail address."""
    page.goto(link)
    where = "invitation page"
    audit.scan(page, where)
    audit.text_contains(f"{where}, heading", page.locator("h1"), ORGANISATION)
    page.get_by_label("Adresse électronique").fill(HOSTILE)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte et rejoindre l'équipe").click()

    where = "invitation page with a hostile address"
    expect(page.locator("#email-error")).to_be_visible()
    audit.scan(page, where)
    audit.value_is(f"{where}, e-mail field", page.locator("#email"), HOSTILE)

    page.get_by_label("Adresse électronique").fill(MEMBER_EMAIL)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte et rejoindre l'équipe").click()
    expect(page.locator(".flash-success")).to_have_text("Bienvenue dans l'équipe !")
    where = "member's dashboard"
    audit.scan(page, where)
    check_header(audit, page, where)


def check_conflict(
    audit: EscapingAudit, stale: Page, member: Page, step_url: str
) -> None:
    """Save the first step as the member while the pilot's page is open."""
    member.goto(step_url)
    audit.scan(member, "member's first step")
    member.locator("#q_court").fill(MEMBER_ANSWER)
    member.locator("[name='comment-q_court']").fill(MEMBER_COMMENT)
    member.get_by_role("button", name="Enregistrer et quitter").click()
    expect(member.locator(".flash-success")).to_be_visible()

    stale.get_by_role("button", name="Enregistrer et continuer").click()
    where = "pilot's first step refused for a conflict"
    conflicts = stale.locator("#conflicts")
    expect(conflicts).to_be_visible()
    audit.scan(stale, where)
    change = conflicts.locator("li", has=stale.locator("a[href='#q-q_court']"))
    audit.text_is(f"{where}, question", change.locator("a"), SHORT_LABEL)
    audit.text_is(f"{where}, member's answer", change.locator("strong"), MEMBER_ANSWER)
    audit.text_contains(f"{where}, member's comment", change, MEMBER_COMMENT)
    audit.text_contains(f"{where}, saved by", change, f"par {MEMBER_EMAIL}")
    audit.value_is(f"{where}, pilot's answer", stale.locator("#q_court"), SHORT_ANSWER)

    # Sending again stores the pilot's answers over the member's.
    stale.get_by_role("button", name="Enregistrer et continuer").click()
    expect(stale).to_have_url(re.compile(r"/steps/second$"))


def resend_after_sign_out(audit: EscapingAudit, pages, page: Page) -> None:
    """Send the second step after signing out in another tab, then sign in."""
    other_tab = pages.open_beside(page)
    audit.watch(other_tab)
    other_tab.goto(page.url)
    other_tab.get_by_role("button", name="Se déconnecter").click()
    expect(other_tab).to_have_url(re.compile(r"/login$"))
    other_tab.close()

    page.locator("[name='comment-q_choix']").fill(RESENT_COMMENT)
    page.get_by_role("button", name="Enregistrer et relire").click()
    where = "sign-in page keeping the second step"
    expect(page.locator("#reauth-email")).to_be_visible()
    audit.scan(page, where)
    audit.value_is(
        f"{where}, kept comment",
        page.locator("input[type=hidden][name='comment-q_choix']"),
        RESENT_COMMENT,
    )
    page.locator("#reauth-email").fill(PILOT_EMAIL)
    page.locator("#reauth-password").fill(PASSWORD)
    page.get_by_role("button", name="Me reconnecter et enregistrer").click()
    expect(page).to_have_url(re.compile(r"/review$"))


def first_word(text: str) -> str:
    """Return a text's first word, which is plain in every questionnaire text."""
    return text.split()[0]


def text_with(texts: list[str], word: str) -> str:
    """Return the first of ``texts`` that contains ``word``, or an empty text."""
    return next((text for text in texts if word in text), "")


def check_chart(audit: EscapingAudit, page: Page, levels: dict[str, str]) -> None:
    """Read the chart's axis, bar and hover texts.

    ``levels`` maps each theme title to the name of the level it reached.
    """
    where = "results chart"
    chart = page.locator("#theme-chart")
    expect(chart).to_have_attribute("data-rendered", "true")
    all_text = "texts => texts.map(text => text.textContent)"

    # Plotly draws each line of a wrapped label as its own element, so the
    # texts are compared without whitespace.
    ticks = chart.locator(".ytick text").evaluate_all(all_text)
    for title in levels:
        audit.shown_as_typed(
            f"{where}, axis label {first_word(title)!r}",
            squeeze(text_with(ticks, first_word(title))),
            squeeze(title),
        )
    annotations = chart.locator(".annotation-text").evaluate_all(all_text)
    audit.shown_as_typed(
        f"{where}, threshold of level {first_word(HIGH_LEVEL)!r}",
        squeeze(text_with(annotations, first_word(HIGH_LEVEL))),
        squeeze(HIGH_LEVEL),
    )
    bar_texts = chart.locator(".bartext").evaluate_all(all_text)
    for level in levels.values():
        # A bar's text is its score, a dot, then the level name.
        audit.shown_as_typed(
            f"{where}, bar text of level {first_word(level)!r}",
            flatten(text_with(bar_texts, first_word(level))),
            flatten(level),
            whole=False,
        )

    bars = chart.locator(".bars .point path")
    expect(bars).to_have_count(len(levels))
    hover = chart.locator(".hoverlayer .hovertext")
    for index in range(len(levels)):
        # Plotly's drag layer covers the bars, so hover by position.
        bars.nth(index).scroll_into_view_if_needed()
        box = bars.nth(index).bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        expect(hover).to_have_count(1)
        hover_text = squeeze(hover.text_content())
        label = f"{where}, hover label of bar {index}"
        audit.scan(page, label, root=".hoverlayer")
        page.mouse.move(0, 0)
        expect(hover).to_have_count(0)

        # The label shows the theme title, then the bar's text.
        title = next((t for t in levels if hover_text.startswith(first_word(t))), None)
        if title is None:
            audit.add(f"{label}: no theme title in {hover_text!r}")
            continue
        label = f"{label}, theme {first_word(title)!r}"
        audit.shown_as_typed(f"{label}, title", hover_text, squeeze(title), whole=False)
        audit.shown_as_typed(
            f"{label}, level name", hover_text, squeeze(levels[title]), whole=False
        )


def check_results(audit: EscapingAudit, page: Page) -> None:
    where = "results page"
    expect(page.locator("#theme-chart")).to_have_attribute("data-rendered", "true")
    audit.scan(page, where)
    check_header(audit, page, where)
    audit.text_is(
        f"{where}, overall level", page.locator(".overall-level strong"), HIGH_LEVEL
    )
    audit.text_contains(
        f"{where}, level description", page.locator(".overall"), LEVEL_DESCRIPTION
    )

    reason = page.locator("ul.reasons li")
    expect(reason).to_have_count(1)
    for text in (SECOND_THEME, LOW_LEVEL, HIGH_LEVEL):
        audit.text_contains(f"{where}, eligibility reason", reason, text)

    table_titles = page.locator("#theme-table tbody th")
    audit.text_is(
        f"{where}, first theme in the table", table_titles.nth(0), FIRST_THEME
    )
    audit.text_is(
        f"{where}, second theme in the table", table_titles.nth(1), SECOND_THEME
    )

    second = page.locator("#theme-second")
    audit.text_is(f"{where}, theme level", second.locator("h3 .level"), LOW_LEVEL)
    advice = second.locator("ul.recommendations li strong")
    audit.text_is(f"{where}, theme recommendation", advice.nth(0), THEME_ADVICE)
    audit.text_is(f"{where}, choice recommendation", advice.nth(1), CHOICE_ADVICE)

    indicator = page.locator("#indicator-table tr[data-indicator=i_nombre]")
    audit.text_is(f"{where}, indicator label", indicator.locator("th"), INDICATOR_LABEL)
    audit.text_contains(f"{where}, indicator unit", indicator, f"12 {INDICATOR_UNIT}")

    check_chart(audit, page, {FIRST_THEME: HIGH_LEVEL, SECOND_THEME: LOW_LEVEL})


def check_submitted_dashboard(audit: EscapingAudit, page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/")
    where = "pilot's dashboard after submission"
    audit.scan(page, where)
    cells = page.locator("table.table tbody tr").first.locator("td")
    audit.text_contains(f"{where}, questionnaire", cells.nth(1), TITLE)
    audit.text_contains(f"{where}, result", cells.nth(4), HIGH_LEVEL)


def check_read_only_step(audit: EscapingAudit, page: Page, step_url: str) -> None:
    page.goto(step_url)
    where = "submitted first step, read-only"
    expect(page.locator("#q_court")).to_be_disabled()
    audit.scan(page, where)
    check_header(audit, page, where)
    audit.value_is(f"{where}, short answer", page.locator("#q_court"), SHORT_ANSWER)
    audit.value_is(f"{where}, long answer", page.locator("#q_long"), LONG_ANSWER)
    audit.value_is(
        f"{where}, comment", page.locator("[name='comment-q_court']"), SHORT_COMMENT
    )


def check_team(audit: EscapingAudit, page: Page, base_url: str) -> None:
    """Read the member's address in the team page, then change the member's role."""
    page.goto(f"{base_url}/team")
    where = "team page with the member"
    audit.scan(page, where)
    row = page.locator("#members tbody tr", has_text="@hostile.example").filter(
        has_not_text=PILOT_EMAIL
    )
    audit.text_is(f"{where}, member address", row.locator("td").first, MEMBER_EMAIL)
    select = row.locator("select[name=role]")
    audit.shown_as_typed(
        f"{where}, role menu label",
        select.get_attribute("aria-label") or "",
        MEMBER_EMAIL,
        whole=False,
    )
    select.select_option("reader")
    row.get_by_role("button", name="Changer").click()
    where = "team page after a role change"
    expect(page.locator(".flash-success")).to_be_visible()
    audit.scan(page, where)
    audit.text_contains(
        f"{where}, message", page.locator(".flash-success"), MEMBER_EMAIL
    )


def fail_sign_in(audit: EscapingAudit, page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Adresse électronique").fill(FAILED_LOGIN)
    page.get_by_label("Mot de passe").fill("pas-le-bon-mot-de-passe")
    page.get_by_role("button", name="Se connecter").click()
    where = "sign-in page after a failed sign-in"
    expect(page.locator(".flash-error")).to_be_visible()
    audit.scan(page, where)
    audit.value_is(f"{where}, e-mail field", page.locator("#email"), FAILED_LOGIN)


def check_admin_pages(audit: EscapingAudit, page: Page, base_url: str) -> None:
    """Create a platform account by a hostile address, then read the audit log."""
    where = "admin accounts page"
    expect(page).to_have_url(f"{base_url}/admin/users")
    audit.scan(page, where)
    form = page.locator("form.stacked-form")
    form.get_by_label("Adresse électronique").fill(HOSTILE)
    form.get_by_label("Rôle").select_option("staff")
    form.get_by_role("button", name="Créer le compte").click()
    where = "admin accounts page with a rejected address"
    expect(page.locator("#email-error")).to_be_visible()
    audit.scan(page, where)
    audit.value_is(f"{where}, e-mail field", page.locator("#email"), HOSTILE)

    page.locator("#email").fill(PLATFORM_EMAIL)
    form.get_by_label("Rôle").select_option("staff")
    form.get_by_role("button", name="Créer le compte").click()
    where = "admin accounts page after creating an account"
    expect(page.locator(".flash-success")).to_be_visible()
    audit.scan(page, where)
    audit.text_contains(
        f"{where}, message", page.locator(".flash-success"), PLATFORM_EMAIL
    )
    addresses = page.locator("#platform-users tbody td:first-child").all_inner_texts()
    audit.shown_as_typed(
        f"{where}, account list", " | ".join(addresses), PLATFORM_EMAIL, whole=False
    )

    page.goto(f"{base_url}/admin/audit")
    where = "audit log"
    audit.scan(page, where)
    rows = page.locator("#audit-events tbody tr").evaluate_all(
        "rows => rows.map(row => Array.from(row.cells, cell => cell.innerText))"
    )
    rows = [[flatten(cell) for cell in row] for row in rows]
    registered = {row[3] for row in rows if row[2] == "organisation_registered"}
    audit.equal(
        f"{where}, organisations of the registrations",
        registered,
        {ORGANISATION, ATTRIBUTE_ORGANISATION},
    )
    failed = [row[5] for row in rows if row[2] == "sign_in_failed"]
    audit.equal(f"{where}, failed sign-in details", failed, [f"email : {FAILED_LOGIN}"])
    joined = [row[1] for row in rows if row[2] == "invitation_accepted"]
    audit.equal(f"{where}, member who joined", joined, [MEMBER_EMAIL])

    query = urlencode({"email": HOSTILE, "action": HOSTILE, "since": HOSTILE})
    page.goto(f"{base_url}/admin/audit?{query}")
    where = "audit log filtered by hostile values"
    audit.scan(page, where)
    audit.value_is(f"{where}, address filter", page.locator("#email"), HOSTILE)
    # A date input drops a value that is not a date, so read the attribute.
    audit.equal(
        f"{where}, date filter", page.locator("#since").get_attribute("value"), HOSTILE
    )


def check_organisations(
    audit: EscapingAudit, page: Page, base_url: str, who: str
) -> None:
    page.goto(f"{base_url}/platform/organisations")
    where = f"organisations list as {who}"
    audit.scan(page, where)
    rows = page.locator("#organisations tbody tr").evaluate_all(
        "rows => rows.map(row => Array.from(row.cells, cell => cell.innerText))"
    )
    by_name = {flatten(row[0]): [flatten(cell) for cell in row] for row in rows}
    audit.equal(
        f"{where}, names",
        sorted(by_name),
        sorted([ORGANISATION, ATTRIBUTE_ORGANISATION]),
    )
    odd = by_name.get(flatten(ATTRIBUTE_ORGANISATION))
    if odd is not None:
        audit.equal(f"{where}, unknown legal form", odd[1], flatten(ODD_LEGAL_FORM))
        audit.equal(f"{where}, unknown size band", odd[2], ODD_SIZE_BAND)


def check_account(
    audit: EscapingAudit, page: Page, base_url: str, who: str, email: str
) -> None:
    page.goto(f"{base_url}/account")
    where = f"account page of {who}"
    audit.scan(page, where)
    summary = page.locator("#account-summary dd")
    audit.text_is(f"{where}, address", summary.nth(0), email)
    audit.text_is(f"{where}, organisation", summary.nth(1), ORGANISATION)


def check_privacy_pages(audit: EscapingAudit, page: Page, base_url: str) -> None:
    """Read the data and deletion pages, and confirm a deletion with a wrong name."""
    page.goto(f"{base_url}/organisation/data")
    where = "organisation data page"
    audit.scan(page, where)
    audit.text_contains(f"{where}, heading", page.locator("h1"), ORGANISATION)

    page.goto(f"{base_url}/organisation/delete")
    where = "organisation deletion page"
    audit.scan(page, where)
    audit.text_contains(f"{where}, heading", page.locator("h1"), ORGANISATION)
    audit.text_contains(f"{where}, hint", page.locator("#name-hint"), ORGANISATION)
    # A name that differs from the organisation's, so nothing is deleted.
    wrong_name = ORGANISATION.replace("{{7*7}}", "{{7*8}}")
    page.locator("#name").fill(wrong_name)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Supprimer définitivement le compte").click()
    where = "organisation deletion page with a wrong name"
    expect(page.locator("#name-error")).to_be_visible()
    audit.scan(page, where)
    audit.value_is(f"{where}, name field", page.locator("#name"), wrong_name)
    audit.text_contains(f"{where}, error", page.locator("#name-error"), ORGANISATION)


def ask_password_reset(audit: EscapingAudit, page: Page, base_url: str) -> None:
    """Ask for a reset link, first for a hostile text, then for the member's address."""
    page.goto(f"{base_url}/forgot-password")
    page.locator("#email").fill(HOSTILE)
    page.get_by_role("button", name="Recevoir le lien").click()
    where = "forgotten password page with a hostile address"
    expect(page.locator("#email-error")).to_be_visible()
    audit.scan(page, where)
    audit.value_is(f"{where}, e-mail field", page.locator("#email"), HOSTILE)

    page.locator("#email").fill(MEMBER_EMAIL)
    page.get_by_role("button", name="Recevoir le lien").click()
    where = "sign-in page after a reset request"
    expect(page.locator(".flash-info")).to_be_visible()
    audit.scan(page, where)
    audit.text_contains(f"{where}, message", page.locator(".flash-info"), MEMBER_EMAIL)


def check_odd_attributes(audit: EscapingAudit, page: Page, base_url: str) -> None:
    where = "dashboard of the organisation with unknown attribute codes"
    audit.scan(page, where)
    audit.text_is(f"{where}, heading", page.locator("h1"), ATTRIBUTE_ORGANISATION)
    audit.text_is(
        f"{where}, attributes",
        page.locator(".organisation-facts"),
        f"{ODD_LEGAL_FORM} · {ODD_SECTOR} · {ODD_SIZE_BAND} · 44 Loire-Atlantique",
    )

    page.goto(f"{base_url}/organisation/delete")
    where = "deletion page of the organisation with unknown attribute codes"
    audit.scan(page, where)
    audit.text_contains(
        f"{where}, attributes kept",
        page.locator("#kept-items"),
        f"({ODD_LEGAL_FORM}, {ODD_SECTOR}, {ODD_SIZE_BAND}, 44 Loire-Atlantique)",
    )


def test_hostile_text_shown_escaped(
    pages, live_server: str, server_app: Flask, fast_password_hashing, screenshot
):
    admin_password = create_platform_account(server_app, "admin", ADMIN_EMAIL)
    staff_password = create_platform_account(server_app, "staff", STAFF_EMAIL)
    create_odd_organisation(server_app)
    prove_audit_reports_traces(pages, live_server)
    audit = EscapingAudit()

    pilot = audit.watch(pages.open())
    sign_up(audit, pilot, live_server)
    check_dashboard(audit, pilot)
    pilot.locator(
        f"form.start-card:has(input[value='{QUESTIONNAIRE_ID}']) button"
    ).click()
    expect(pilot).to_have_url(re.compile(r"/steps/premier$"))
    first_step_url = pilot.url
    fill_first_step(audit, pilot)
    fill_second_step(audit, pilot)
    check_review(audit, pilot, "review page")

    link = invite_member(audit, pilot, live_server)
    member = audit.watch(pages.open())
    join_team(audit, member, link)
    check_account(audit, member, live_server, "the member", MEMBER_EMAIL)

    pilot.goto(first_step_url)
    check_conflict(audit, pilot, member, first_step_url)
    resend_after_sign_out(audit, pages, pilot)
    check_review(audit, pilot, "review page after signing in again")
    pilot.get_by_role("button", name="Soumettre le diagnostic").click()
    expect(pilot).to_have_url(re.compile(r"/results$"))
    check_results(audit, pilot)
    screenshot(pilot, "results")
    check_submitted_dashboard(audit, pilot, live_server)
    check_read_only_step(audit, pilot, first_step_url)
    check_team(audit, pilot, live_server)
    check_account(audit, pilot, live_server, "the pilot", PILOT_EMAIL)
    check_privacy_pages(audit, pilot, live_server)

    visitor = audit.watch(pages.open())
    fail_sign_in(audit, visitor, live_server)
    ask_password_reset(audit, visitor, live_server)

    admin = audit.watch(pages.open())
    sign_in(admin, live_server, ADMIN_EMAIL, admin_password)
    check_admin_pages(audit, admin, live_server)
    check_organisations(audit, admin, live_server, "admin")

    staff = audit.watch(pages.open())
    sign_in(staff, live_server, STAFF_EMAIL, staff_password)
    check_organisations(audit, staff, live_server, "staff")

    odd_member = audit.watch(pages.open())
    sign_in(odd_member, live_server, ATTRIBUTE_MEMBER_EMAIL, PASSWORD)
    check_odd_attributes(audit, odd_member, live_server)

    assert audit.problems == [], "\n".join(audit.problems)
