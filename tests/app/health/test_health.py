import logging

from app import create_app


def test_health_ok(client):
    response = client.get("/health")

    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_health_database_unreachable(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("AUTODIAG_INSTANCE_PATH", str(tmp_path / "instance"))
    missing = tmp_path / "no-such-folder" / "autodiag.sqlite3"
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}"}
    )

    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/health")

    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unreachable"}
    assert "health check failed" in caplog.text
