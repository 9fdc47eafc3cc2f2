"""Teams of several members, invitation links, a local SMTP server, audit rows."""

import html
import re
import socketserver
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from app.diagnostics.services import save_step, start_diagnostic
from app.extensions import db
from app.models import AuditEvent, Invitation, PlatformRole, Role, User
from app.tokens import token_digest
from questionnaires import Question, QuestionType

# Every test client sends its requests from this documentation address
# (RFC 5737), so that audit rows show the address came from the request.
CLIENT_ADDRESS = "203.0.113.9"
TEAM_PASSWORD = "mot-de-passe-d-equipe"
# The password of the members that the shared make_member fixture creates.
MEMBER_PASSWORD = "correct-horse-battery"
LINK_PATTERN = re.compile(
    r'<input id="invitation-link" type="text" readonly value="([^"]*)"'
)


@dataclass
class Teammate:
    """A member created by a test, with what tests compare."""

    user_id: int
    email: str
    public_id: str
    organisation_id: int | None
    password: str

    def stored(self) -> User:
        """Return the user as committed to the database."""
        # Requests use database sessions of their own, so a rollback drops what
        # this session cached and the next read returns what they committed.
        db.session.rollback()
        return db.session.get(User, self.user_id)


def teammate_of(user: User, password: str) -> Teammate:
    return Teammate(user.id, user.email, user.public_id, user.organisation_id, password)


def _page_text(response) -> str:
    return html.unescape(response.text)


def _invitation_links(response) -> list[str]:
    return [html.unescape(link) for link in LINK_PATTERN.findall(response.text)]


@pytest.fixture
def page_text():
    """Return a function that gives a page's HTML with entities decoded."""
    return _page_text


@pytest.fixture
def shown_links():
    """Return a function that lists the paths of the links shown for copying."""

    def read(response) -> list[str]:
        return [
            link.removeprefix("http://localhost")
            for link in _invitation_links(response)
        ]

    return read


@pytest.fixture
def invitation_of():
    """Return a function that gives a link's invitation as committed."""

    def find(path: str) -> Invitation:
        db.session.rollback()
        digest = token_digest(path.rsplit("/", 1)[1])
        return db.session.scalar(select(Invitation).filter_by(token_digest=digest))

    return find


@pytest.fixture
def audit_rows():
    """Return a function that lists the committed audit rows of an action."""

    def read(action: str) -> list[AuditEvent]:
        db.session.rollback()
        statement = select(AuditEvent).filter_by(action=action).order_by(AuditEvent.id)
        return list(db.session.scalars(statement))

    return read


@pytest.fixture
def app(make_app, fast_password_hashing):
    # An AUTODIAG_SMTP_HOST in the environment must not make tests send mail.
    return make_app(SMTP_HOST="")


@pytest.fixture
def new_client(app):
    """Return a function that makes a client, signed in as a teammate if given."""

    def make(teammate: Teammate | None = None):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = CLIENT_ADDRESS
        if teammate is not None:
            sign_in(client, teammate)
        return client

    return make


def sign_in(client, teammate: Teammate) -> None:
    """Sign in through the session, skipping the password check."""
    with client.session_transaction() as session:
        session["_user_id"] = teammate.stored().get_id()
        session["_fresh"] = True


@pytest.fixture
def client(new_client):
    return new_client()


@pytest.fixture
def pilot(make_member) -> Teammate:
    """The first member, and pilot, of the organisation "Les Jardins partagés"."""
    return teammate_of(make_member("Les Jardins partagés").user, MEMBER_PASSWORD)


@pytest.fixture
def pilot_client(new_client, pilot):
    return new_client(pilot)


@pytest.fixture
def add_member(pilot):
    """Return a function that adds a member, to the pilot's organisation by default.

    Pass organisation_id=None for an account that belongs to no organisation.
    """
    count = 0

    def add(
        role: Role | PlatformRole, organisation_id: int | None = pilot.organisation_id
    ):
        nonlocal count
        count += 1
        user = User(
            email=f"{role.value}{count}@example.org",
            organisation_id=organisation_id,
            role=role,
        )
        user.set_password(TEAM_PASSWORD)
        db.session.add(user)
        db.session.commit()
        return teammate_of(user, TEAM_PASSWORD)

    return add


@pytest.fixture
def contributor(add_member) -> Teammate:
    return add_member(Role.CONTRIBUTOR)


@pytest.fixture
def reader(add_member) -> Teammate:
    return add_member(Role.READER)


@pytest.fixture
def outsider(make_member) -> Teammate:
    """The pilot of another organisation, "Coopérative voisine"."""
    return teammate_of(make_member("Coopérative voisine").user, MEMBER_PASSWORD)


@pytest.fixture
def invite():
    """Return a function that creates an invitation through /team.

    It returns the path of the link that the page shows for copying.
    """

    def create(client, role: str = "contributor", email: str = "") -> str:
        response = client.post("/team/invitations", data={"role": role, "email": email})
        assert response.status_code == 302
        links = _invitation_links(client.get("/team"))
        assert len(links) == 1
        return links[0].removeprefix("http://localhost")

    return create


def sample_answer(question: Question):
    """Return a valid answer of the question's type."""
    choices = question.choices or []
    if question.type is QuestionType.YES_NO:
        return True
    if question.type is QuestionType.SINGLE_CHOICE:
        return choices[0].id
    if question.type is QuestionType.MULTIPLE_CHOICE:
        return [choice.id for choice in choices if not choice.exclusive][:1]
    if question.type is QuestionType.SCALE:
        return int(question.min)
    if question.type is QuestionType.INTEGER:
        return 10
    if question.type is QuestionType.DECIMAL:
        return Decimal("10")
    return "Réponse de test"


@pytest.fixture
def diagnostic(pilot, questionnaire) -> str:
    """Return the public id of a diagnostic the pilot started, with no answer."""
    user = pilot.stored()
    return start_diagnostic(user.organisation, questionnaire, user).public_id


@pytest.fixture
def completed(pilot, questionnaire, diagnostic) -> str:
    """Return the public id of the diagnostic, with every question answered."""
    user = pilot.stored()
    started = start_diagnostic(user.organisation, questionnaire, user)
    values = {q.id: sample_answer(q) for q in questionnaire.questions()}
    save_step(started, questionnaire, values=values, comments={}, user=user)
    return diagnostic


@dataclass
class SmtpServer:
    """A local SMTP server that keeps every message it accepts."""

    server: socketserver.ThreadingTCPServer
    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    is_running: bool = True

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def stop(self) -> None:
        """Stop listening, so that connections to the port are refused."""
        if self.is_running:
            self.server.shutdown()
            self.server.server_close()
            self.is_running = False


class SmtpHandler(socketserver.StreamRequestHandler):
    """One SMTP session: enough of RFC 5321 for smtplib to send a message."""

    def handle(self) -> None:
        try:
            self._converse()
        except OSError:
            # The client may hang up at any point, and the test checks only the
            # messages that arrived.
            pass

    def _converse(self) -> None:
        self._reply("220 localhost test SMTP server")
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self._reply("250-localhost", "250 8BITMIME")
            elif verb in ("HELO", "MAIL", "RSET", "NOOP"):
                self._reply("250 OK")
            elif verb == "RCPT":
                address = command.split(":", 1)[1].strip().strip("<>")
                self.server.keeper.recipients.append(address)
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                self._receive_message()
                self._reply("250 OK")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Command not implemented")

    def _receive_message(self) -> None:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
            # Undo the dot-stuffing of lines that start with a dot.
            lines.append(line[1:] if line.startswith(b"..") else line)
        message = message_from_bytes(b"".join(lines), policy=policy.default)
        self.server.keeper.messages.append(message)

    def _reply(self, *lines: str) -> None:
        self.wfile.write("".join(f"{line}\r\n" for line in lines).encode())


@pytest.fixture
def smtp_server():
    """Start an SMTP server on 127.0.0.1, on a port the system picks."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SmtpHandler)
    server.daemon_threads = True
    keeper = SmtpServer(server)
    server.keeper = keeper
    # A short polling interval makes shutdown() return quickly.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield keeper
    keeper.stop()
    thread.join()


@pytest.fixture
def client_address() -> str:
    """The address that every client of these tests sends its requests from."""
    return CLIENT_ADDRESS
