import logging

import pytest
from flask import request
from sqlalchemy import text

from app.extensions import db


@pytest.fixture
def request_records(caplog):
    caplog.set_level(logging.INFO, logger="autodiag.requests")
    return lambda: [r for r in caplog.records if r.name == "autodiag.requests"]


def test_request_logged_once(client, request_records):
    client.get("/login")

    (record,) = request_records()
    assert record.method == "GET"
    assert record.route == "/login"
    assert record.status == 200
    assert record.duration_ms >= 0
    assert record.user_id is None


def test_request_log_names_member(client, make_member, login, request_records):
    member = make_member()
    login(member)

    client.get("/")

    record = request_records()[-1]
    assert record.route == "/"
    assert record.user_id == member.user_id
    assert record.organisation_id == member.organisation_id


def test_request_log_has_no_password(client, make_member, login, caplog):
    caplog.set_level(logging.DEBUG)

    login(make_member(), password="wrong-but-secret-password")

    assert "wrong-but-secret-password" not in caplog.text
    assert all("secret" not in str(vars(r)) for r in caplog.records)


def test_request_id_returned(client, request_records):
    response = client.get("/login")

    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32
    assert request_records()[-1].request_id == request_id


@pytest.mark.parametrize(
    ("sent", "kept"),
    [("proxy-id.42", True), ("x" * 65, False), ('bad id" forged="1', False)],
)
def test_incoming_request_id(client, sent, kept):
    response = client.get("/login", headers={"X-Request-ID": sent})

    assert (response.headers["X-Request-ID"] == sent) is kept


def test_sqlite_uses_wal(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings apply to SQLite databases only")
    with db.engine.connect() as connection:
        mode = connection.execute(text("PRAGMA journal_mode")).scalar()
        timeout = connection.execute(text("PRAGMA busy_timeout")).scalar()

    assert mode == "wal"
    assert timeout == 15000


def add_url_echo(app):
    app.add_url_rule("/test-url", "test_url", lambda: request.url)


def test_proxy_headers_trusted(make_app):
    app = make_app(PROXY_COUNT=1)
    add_url_echo(app)
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "diag.example.org"}

    response = app.test_client().get("/test-url", headers=headers)

    assert response.text == "https://diag.example.org/test-url"


def test_proxy_headers_ignored_by_default(app):
    add_url_echo(app)
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}

    response = app.test_client().get("/test-url", headers=headers)

    assert response.text == "http://localhost/test-url"
