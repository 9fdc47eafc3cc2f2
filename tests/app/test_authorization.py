"""Who may do what: every route, requested by every kind of person.

Each route of the URL map must have an entry in RULES, so that a new route
cannot ship without deciding who may use it. Objects in the URLs (diagnostic,
member, invitation) always belong to organisation A, so organisation B's pilot
and platform accounts are requested with another organisation's real ids.
"""

import pytest
from flask import url_for
from sqlalchemy import inspect, select

from app.admin.services import create_platform_user
from app.auth.resets import create_reset_link_token
from app.diagnostics.services import start_diagnostic
from app.extensions import db
from app.models import PlatformRole, Role, User
from app.teams.services import create_invitation

ROLES = ("anonymous", "pilot_a", "reader_a", "pilot_b", "reviewer", "staff", "admin")

# Outcomes: ALLOW is any answer but a refusal or a redirect to sign in; LOGIN
# is a redirect to the login page (or the step's sign-in page, 401); DENY is
# 403 or 404, and the database must then be unchanged.
ALLOW, LOGIN, DENY = "allow", "login", "deny"


def everyone(outcome: str = ALLOW) -> dict[str, str]:
    return dict.fromkeys(ROLES, outcome)


def signed_in(anonymous: str = LOGIN, **others: str) -> dict[str, str]:
    """Anonymous people must sign in; everyone else is ALLOW unless named."""
    rules = dict.fromkeys(ROLES, ALLOW)
    rules["anonymous"] = anonymous
    rules.update(others)
    return rules


PLATFORM_DENIED = {"reviewer": DENY, "staff": DENY, "admin": DENY}
ORGANISATION_A_ONLY = {"pilot_b": DENY, **PLATFORM_DENIED}
MEMBERS_DENIED = {"pilot_a": DENY, "reader_a": DENY, "pilot_b": DENY}

RULES: dict[tuple[str, str], dict[str, str]] = {
    ("static", "GET"): everyone(),
    ("results.plotly_js", "GET"): everyone(),
    ("health.check", "GET"): everyone(),
    ("dashboard.index", "GET"): everyone(),
    ("auth.login", "GET"): everyone(),
    ("auth.login", "POST"): everyone(),
    ("auth.signup", "GET"): everyone(),
    ("auth.signup", "POST"): everyone(),
    ("auth.forgot_password", "GET"): everyone(),
    ("auth.forgot_password", "POST"): everyone(),
    ("auth.reset_password", "GET"): everyone(),
    ("auth.reset_password", "POST"): everyone(),
    ("teams.accept", "GET"): everyone(),
    ("teams.accept", "POST"): everyone(),
    ("privacy.deleted", "GET"): everyone(),
    ("auth.logout", "POST"): signed_in(),
    ("accounts.settings", "GET"): signed_in(),
    ("accounts.change_password", "POST"): signed_in(),
    ("accounts.end_sessions", "POST"): signed_in(),
    ("dashboard.start", "POST"): signed_in(reader_a=DENY, **PLATFORM_DENIED),
    ("wizard.step", "GET"): signed_in(**ORGANISATION_A_ONLY),
    ("wizard.step", "POST"): signed_in(reader_a=DENY, **ORGANISATION_A_ONLY),
    ("wizard.resume", "GET"): signed_in(**ORGANISATION_A_ONLY),
    ("wizard.review", "GET"): signed_in(**ORGANISATION_A_ONLY),
    ("wizard.submit", "POST"): signed_in(reader_a=DENY, **ORGANISATION_A_ONLY),
    ("results.show", "GET"): signed_in(**ORGANISATION_A_ONLY),
    # Platform accounts have no team: the page sends them to their own home.
    ("teams.index", "GET"): signed_in(),
    ("teams.leave", "POST"): signed_in(),
    ("teams.invite", "POST"): signed_in(reader_a=DENY, **PLATFORM_DENIED),
    ("teams.revoke", "POST"): signed_in(reader_a=DENY, **ORGANISATION_A_ONLY),
    ("teams.remove", "POST"): signed_in(reader_a=DENY, **ORGANISATION_A_ONLY),
    ("teams.change_role", "POST"): signed_in(reader_a=DENY, **ORGANISATION_A_ONLY),
    ("privacy.data", "GET"): signed_in(**PLATFORM_DENIED),
    ("privacy.download", "POST"): signed_in(**PLATFORM_DENIED),
    ("privacy.delete", "GET"): signed_in(reader_a=DENY, **PLATFORM_DENIED),
    ("privacy.delete", "POST"): signed_in(reader_a=DENY, **PLATFORM_DENIED),
    ("platform.organisations", "GET"): signed_in(**MEMBERS_DENIED),
    ("admin.users", "GET"): signed_in(reviewer=DENY, staff=DENY, **MEMBERS_DENIED),
    ("admin.users", "POST"): signed_in(reviewer=DENY, staff=DENY, **MEMBERS_DENIED),
    ("admin.audit", "GET"): signed_in(reviewer=DENY, staff=DENY, **MEMBERS_DENIED),
    ("admin.change_role", "POST"): signed_in(
        reviewer=DENY, staff=DENY, **MEMBERS_DENIED
    ),
}

# Sent with every POST: enough for the routes that read these fields to act.
FORM = {"role": "reader", "questionnaire_id": "guide-bonnes-pratiques"}

# Tables whose rows a refused request may still add: the audit trail and the
# sign-in attempts record refusals.
LOG_TABLES = {"audit_event", "login_attempt", "alembic_version"}


def route_methods(app) -> list[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((rule.endpoint, method))
    return sorted(found)


def test_every_route_has_rules(app):
    missing = [route for route in route_methods(app) if route not in RULES]
    stale = [route for route in RULES if route not in route_methods(app)]

    assert missing == [], "add these routes to RULES"
    assert stale == [], "remove these routes from RULES"


@pytest.fixture
def world(app, make_member, questionnaire):
    """Organisations A and B, platform accounts, and A's objects."""
    pilot_a = make_member("Organisation A").user
    reader = User(email="lecteur@a.example", role=Role.READER)
    reader.organisation_id = pilot_a.organisation_id
    reader.set_password("un-mot-de-passe-sûr")
    db.session.add(reader)
    db.session.commit()
    pilot_b = make_member("Organisation B").user
    platform = {
        role.value: create_platform_user(f"{role.value}@region.example", role)[0]
        for role in PlatformRole
    }
    diagnostic = start_diagnostic(pilot_a.organisation, questionnaire, pilot_a)
    invitation, token = create_invitation(pilot_a, Role.CONTRIBUTOR)

    users = {"pilot_a": pilot_a, "reader_a": reader, "pilot_b": pilot_b, **platform}
    values = {
        "diagnostic": diagnostic.public_id,
        "member": reader.public_id,
        "invitation": invitation.public_id,
        "platform_user": platform["staff"].public_id,
        "invitation_token": token,
        "reset_token": create_reset_link_token(pilot_a),
    }
    return users, values


def url_for_route(app, endpoint: str, values: dict[str, str]) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    arguments = {}
    for name in rule.arguments:
        if name == "public_id":
            arguments[name] = PUBLIC_ID_OF[endpoint](values)
        elif name == "theme_id":
            arguments[name] = "gouvernance"
        elif name == "filename":
            arguments[name] = "css/autodiag.css"
        elif name == "token":
            kind = "reset_token" if endpoint.startswith("auth.") else "invitation_token"
            arguments[name] = values[kind]
        else:
            raise AssertionError(f"no test value for URL argument {name!r}")
    with app.test_request_context():
        return url_for(endpoint, **arguments)


PUBLIC_ID_OF = {
    "wizard.step": lambda v: v["diagnostic"],
    "wizard.resume": lambda v: v["diagnostic"],
    "wizard.review": lambda v: v["diagnostic"],
    "wizard.submit": lambda v: v["diagnostic"],
    "results.show": lambda v: v["diagnostic"],
    "teams.revoke": lambda v: v["invitation"],
    "teams.remove": lambda v: v["member"],
    "teams.change_role": lambda v: v["member"],
    "admin.change_role": lambda v: v["platform_user"],
}


def snapshot() -> dict[str, list]:
    """Return every row of every table but the logs, to compare before and after."""
    db.session.rollback()
    rows = {}
    for table in db.metadata.sorted_tables:
        if table.name not in LOG_TABLES:
            rows[table.name] = sorted(
                map(tuple, db.session.execute(select(table)).all()), key=repr
            )
    return rows


def classify(response) -> str:
    # A refusal sends to the login page with the page to come back to; signing
    # out also lands on the login page, but without it.
    location = response.headers.get("Location", "")
    if response.status_code == 401 or location.startswith("/login?next="):
        return LOGIN
    if response.status_code in (403, 404):
        return DENY
    return ALLOW


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("endpoint", "method"), sorted(RULES), ids=lambda value: str(value)
)
def test_route_access(app, client, world, endpoint, method, role):
    users, values = world
    if role != "anonymous":
        with client.session_transaction() as session:
            session["_user_id"] = users[role].get_id()
            session["_fresh"] = True
    url = url_for_route(app, endpoint, values)
    before = snapshot()

    response = client.open(url, method=method, data=FORM)
    outcome = classify(response)
    response.close()

    expected = RULES[endpoint, method][role]
    assert outcome == expected, (response.status_code, response.location)
    if expected != ALLOW:
        assert snapshot() == before


def test_ids_not_sequential(world):
    users, values = world

    for value in (values["diagnostic"], values["member"], values["invitation"]):
        assert not value.isdigit()
        assert len(value) >= 16
    assert users["pilot_a"].public_id != users["pilot_b"].public_id


def test_snapshot_covers_tables(app):
    tables = set(inspect(db.engine).get_table_names())

    assert tables - LOG_TABLES <= {table.name for table in db.metadata.sorted_tables}
