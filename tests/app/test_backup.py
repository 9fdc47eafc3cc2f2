from sqlalchemy import func, select

from app.extensions import db
from app.models import Organisation


def count_organisations() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Organisation))


def test_backup_restore_round_trip(runner, make_member, tmp_path):
    make_member("Avant la sauvegarde")
    backup = tmp_path / "autodiag.backup"

    result = runner.invoke(args=["db", "backup", str(backup)])

    assert result.exit_code == 0, result.output
    assert backup.stat().st_size > 0
    make_member("Après la sauvegarde")
    db.session.remove()
    assert count_organisations() == 2

    result = runner.invoke(args=["db", "restore", "--yes", str(backup)])

    assert result.exit_code == 0, result.output
    db.session.remove()
    assert count_organisations() == 1
    assert db.session.scalar(select(Organisation.name)) == "Avant la sauvegarde"


def test_backup_keeps_existing_file(runner, tmp_path):
    existing = tmp_path / "existing.backup"
    existing.write_text("keep me")

    result = runner.invoke(args=["db", "backup", str(existing)])

    assert result.exit_code == 1
    assert "already exists" in result.output
    assert existing.read_text() == "keep me"


def test_restore_rejects_other_file(runner, tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("not a backup")

    result = runner.invoke(args=["db", "restore", "--yes", str(other)])

    assert result.exit_code == 1
    assert "Error:" in result.output


def test_restore_asks_confirmation(runner, tmp_path):
    backup = tmp_path / "autodiag.backup"
    runner.invoke(args=["db", "backup", str(backup)])

    result = runner.invoke(args=["db", "restore", str(backup)], input="n\n")

    assert result.exit_code == 1
    assert "Aborted" in result.output
