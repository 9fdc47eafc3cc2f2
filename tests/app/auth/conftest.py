"""Accounts with known passwords, form error reading, attempts moved back in
time, audit rows and a local SMTP server that keeps what it receives."""

import html
import re
import socketserver
import threading
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from app.auth.services import register_organisation
from app.extensions import db
from app.models import AuditEvent, LoginAttempt, PasswordResetToken, User

PASSWORD = "mot-de-passe-solide"
RESET_LINK = re.compile(r"http://localhost(/reset-password/[A-Za-z0-9_-]+)")


@pytest.fixture
def app(make_app, fast_password_hashing):
    # An AUTODIAG_SMTP_HOST in the environment must not make tests send mail.
    return make_app(SMTP_HOST="")


@pytest.fixture
def account(app):
    """An organisation's first member, not signed in, whose password is PASSWORD."""
    return register_organisation(
        name="Régie de quartier du Breil",
        legal_form="association",
        sector="insertion",
        size_band="10-49",
        departement="44",
        siren=None,
        email="pilote@regie-breil.example",
        password=PASSWORD,
    )


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def form_errors():
    """Return a function that maps each field label to its error message."""

    def read(page: str) -> dict[str, str]:
        errors = {}
        rows = re.findall(r'<div class="form-row has-error">(.*?)</div>', page, re.S)
        for row in rows:
            label = re.search(r"<label[^>]*>(.*?)</label>", row, re.S).group(1)
            message = re.search(r'<p class="field-error"[^>]*>(.*?)</p>', row, re.S)
            errors[html.unescape(label.strip())] = html.unescape(message.group(1))
        return errors

    return read


@pytest.fixture
def page_text():
    """Return a function that gives a response's HTML with entities decoded."""
    return lambda response: html.unescape(response.text)


@pytest.fixture
def client_from(app):
    """Return a function that makes a client sending from the given address."""

    def make(address: str):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return client

    return make


@pytest.fixture
def stored():
    """Return a function that reads a row as committed, by model and id."""

    def read(model, row_id: int):
        # Requests commit in sessions of their own: a rollback drops what the
        # test's session cached, so the next read sees those commits.
        db.session.rollback()
        return db.session.get(model, row_id)

    return read


@pytest.fixture
def audit_rows():
    """Return a function that lists the committed audit rows of an action."""

    def read(action: str) -> list[AuditEvent]:
        db.session.rollback()
        statement = select(AuditEvent).filter_by(action=action).order_by(AuditEvent.id)
        return list(db.session.scalars(statement))

    return read


@pytest.fixture
def age_attempts():
    """Return a function that moves every stored sign-in attempt back in time."""

    def move(delta: timedelta) -> None:
        db.session.rollback()
        for attempt in db.session.scalars(select(LoginAttempt)):
            attempt.created_at -= delta
        db.session.commit()

    return move


@pytest.fixture
def reset_tokens():
    """Return a function that lists an account's committed reset tokens."""

    def read(user: User) -> list[PasswordResetToken]:
        db.session.rollback()
        statement = (
            select(PasswordResetToken)
            .filter_by(user_id=user.id)
            .order_by(PasswordResetToken.id)
        )
        return list(db.session.scalars(statement))

    return read


@pytest.fixture
def is_signed_in():
    """Return a function that checks whether a client's session still works.

    It asks a page that needs a signed-in user, so a session whose version
    is out of date counts as signed out.
    """

    def check(client) -> bool:
        response = client.get("/account")
        return response.status_code == 200

    return check


class SmtpSession(socketserver.StreamRequestHandler):
    """Serve one SMTP connection: the commands smtplib sends, without TLS."""

    def handle(self) -> None:
        inbox: Inbox = self.server.inbox
        self.send("220 127.0.0.1 test server ready")
        try:
            while line := self.rfile.readline():
                if not self.answer(inbox, line.decode("ascii", "replace").strip()):
                    return
        except OSError:
            # smtplib may close the connection abruptly; what arrived is kept.
            return

    def answer(self, inbox: "Inbox", command: str) -> bool:
        """Reply to one command; return False once the client says QUIT."""
        verb, _, argument = command.partition(" ")
        verb = verb.upper()
        if verb == "EHLO":
            self.send("250-127.0.0.1", "250 8BITMIME")
        elif verb == "RCPT":
            inbox.recipients.append(argument.partition(":")[2].strip(" <>"))
            self.send("250 OK")
        elif verb == "DATA":
            self.send("354 End data with <CR><LF>.<CR><LF>")
            inbox.messages.append(self.read_message())
            self.send("250 OK")
        elif verb == "QUIT":
            self.send("221 Bye")
            return False
        elif verb in ("HELO", "MAIL", "RSET", "NOOP"):
            self.send("250 OK")
        else:
            self.send("502 Command not implemented")
        return True

    def read_message(self) -> EmailMessage:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            # A leading dot was doubled by the sender (RFC 5321, 4.5.2).
            lines.append(line[1:] if line.startswith(b"..") else line)
        return message_from_bytes(b"".join(lines), policy=policy.default)

    def send(self, *lines: str) -> None:
        self.wfile.write("".join(line + "\r\n" for line in lines).encode("ascii"))


class Inbox:
    """What the local SMTP server received, and the means to stop it."""

    def __init__(self, server: socketserver.TCPServer) -> None:
        self.server = server
        self.port = server.server_address[1]
        self.messages: list[EmailMessage] = []
        self.recipients: list[str] = []
        self.is_running = True

    def stop(self) -> None:
        """Close the listening socket, so that connections are refused."""
        if self.is_running:
            self.server.shutdown()
            self.server.server_close()
            self.is_running = False

    def reset_links(self) -> list[str]:
        """Return the paths of the reset links found in every message body."""
        return [
            path
            for message in self.messages
            for path in RESET_LINK.findall(message.get_content())
        ]


@pytest.fixture
def smtp_server():
    """Run an SMTP server on 127.0.0.1, on a free port, for the test's length."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SmtpSession)
    server.daemon_threads = True
    server.inbox = Inbox(server)
    # A short poll interval makes shutdown() return quickly.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield server.inbox
    server.inbox.stop()
    thread.join()


@pytest.fixture
def mail_settings(smtp_server) -> dict:
    """Settings that make an app mail through the test's SMTP server."""
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": smtp_server.port,
        "SMTP_STARTTLS": False,
        "SMTP_USERNAME": "",
        "MAIL_SENDER": "autodiag@example.org",
    }
