"""The ``autodiag`` command: Flask's commands plus autodiag's own."""

import json
import sys
from decimal import Decimal
from pathlib import Path

import click
from flask import Flask, current_app, url_for
from flask.cli import AppGroup, FlaskGroup, with_appcontext
from flask_migrate.cli import db as migrate_group

from app.admin.services import create_platform_user
from app.auth.resets import create_reset_link_token
from app.auth.services import EmailTaken, find_user
from app.backup import BackupError, backup_database, restore_database
from app.extensions import db
from app.models import PlatformRole
from questionnaires import QuestionnaireError, check_files, load_questionnaire
from scoring import parse_answers, result_to_dict, score_diagnostic


def _create_app() -> Flask:
    from app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def main() -> None:
    """autodiag: self-diagnosis of ESS organisations."""


# These commands read files only: they run without creating the app, so they
# also work when a built-in questionnaire file is broken.
@main.group(cls=click.Group)
def questionnaire() -> None:
    """Work with questionnaire files."""


@questionnaire.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
def check_command(paths: tuple[str, ...]) -> None:
    """Validate questionnaire files and folders; exit 1 if any problem is found."""
    problems = check_files(paths)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo("All questionnaire files are valid.", err=True)


@main.command("score", with_appcontext=False)
@click.argument("questionnaire_path", type=click.Path(exists=True, dir_okay=False))
@click.argument("answers_path", type=click.File("r", encoding="utf-8"))
def score_command(questionnaire_path: str, answers_path) -> None:
    """Score ANSWERS_PATH, a JSON object {question_id: value}, and print JSON.

    Special answers are the strings "not_applicable" and "dont_know".
    """
    try:
        definition = load_questionnaire(Path(questionnaire_path))
    except QuestionnaireError as error:
        raise click.ClickException(f"invalid questionnaire:\n{error}") from None
    try:
        raw = json.load(answers_path, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise click.ClickException(
            f"{answers_path.name}: invalid JSON: {error}"
        ) from None
    if not isinstance(raw, dict):
        raise click.ClickException(
            f"{answers_path.name}: expected a JSON object {{question_id: value}}"
        )

    answers, errors = parse_answers(definition, raw)
    if errors:
        for error in errors:
            click.echo(f"{answers_path.name}: {error}", err=True)
        sys.exit(1)
    result = score_diagnostic(definition, answers)
    click.echo(json.dumps(result_to_dict(result), ensure_ascii=False, indent=2))


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path) -> None:
    """Write a complete copy of the database to TARGET."""
    if target.exists():
        raise click.ClickException(f"{target} already exists: choose a new file name")
    try:
        backup_database(current_app.config["SQLALCHEMY_DATABASE_URI"], target)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Database backed up to {target}.")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.confirmation_option(
    prompt="This replaces everything in the database with the backup. Go on?"
)
@with_appcontext
def restore_command(source: Path) -> None:
    """Replace the database's content with the backup SOURCE (stop the app first)."""
    # Close this process's own connections: an open transaction would hold
    # locks that pg_restore waits for.
    db.session.remove()
    db.engine.dispose()
    try:
        restore_database(current_app.config["SQLALCHEMY_DATABASE_URI"], source)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Database restored from {source}.")


user_cli = AppGroup("user", help="Platform accounts: staff, reviewers, admins.")


@user_cli.command("create")
@click.option(
    "--role",
    type=click.Choice([role.value for role in PlatformRole]),
    required=True,
    help="What the account may do on the platform.",
)
@click.argument("email")
def create_user_command(role: str, email: str) -> None:
    """Create a platform account for EMAIL and print its first password."""
    try:
        user, password = create_platform_user(email, PlatformRole(role))
    except EmailTaken:
        raise click.ClickException(f"an account already uses {email}") from None
    click.echo(f"Account {user.email} created with role {role}.")
    click.echo(f"First password (give it over a safe channel): {password}")


@user_cli.command("reset-password")
@click.option(
    "--base-url",
    help="Address of the site, such as https://autodiag.example.org, put in "
    "front of the link. Default: SERVER_NAME if set, else the link is printed "
    "as a path.",
)
@click.argument("email")
def reset_password_command(base_url: str | None, email: str) -> None:
    """Print a one-time link, valid 1 hour, to set EMAIL's account password."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no account uses {email}")
    token = create_reset_link_token(user)

    link = _reset_link(token, base_url)
    click.echo(f"Password reset link for {user.email}, valid 1 hour, usable once:")
    click.echo(link)
    click.echo("Give it over a safe channel: whoever opens it can set the password.")


def _reset_link(token: str, base_url: str | None) -> str:
    """Build the reset page's URL, outside any request."""
    if base_url:
        with current_app.test_request_context(base_url=base_url):
            return url_for("auth.reset_password", token=token, _external=True)
    if current_app.config.get("SERVER_NAME"):
        return url_for("auth.reset_password", token=token, _external=True)
    click.echo(
        "SERVER_NAME is not set: put the site's address in front of this path, "
        "or pass --base-url.",
        err=True,
    )
    with current_app.test_request_context():
        return url_for("auth.reset_password", token=token)


def register_cli(app: Flask) -> None:
    """Add the commands that need the application and its database."""
    from app.demo import demo_cli

    app.cli.add_command(demo_cli)
    app.cli.add_command(user_cli)
    # Flask-Migrate's "db" group contains the other database commands.
    migrate_group.add_command(backup_command)
    migrate_group.add_command(restore_command)
