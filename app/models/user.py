from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.models.base import Base, UTCDateTime, new_public_id, utcnow


class Role(StrEnum):
    """Role of a member in an organisation."""

    PILOT = "pilot"  # manages members, submits diagnostics
    CONTRIBUTOR = "contributor"  # fills diagnostics and comments
    READER = "reader"  # reads only


class PlatformRole(StrEnum):
    """Role of a person who works for the platform, not for an organisation."""

    STAFF = "staff"  # regional chamber staff: support and statistics
    REVIEWER = "reviewer"  # label working group
    ADMIN = "admin"  # manages platform accounts, reads the audit trail


class User(UserMixin, Base):
    """A person who signs in; a member of at most one organisation."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(
        String(22), unique=True, default=new_public_id
    )
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # None once the member has left or been removed from its organisation.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    role: Mapped[str] = mapped_column(String(20), default=Role.PILOT)
    # Part of the session id: raising it ends every session of this user.
    session_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped["Organisation | None"] = relationship(  # noqa: F821
        back_populates="members"
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_platform(self) -> bool:
        """Tell whether the account belongs to the platform, not an organisation."""
        return self.role in PlatformRole.__members__.values()

    @property
    def is_admin(self) -> bool:
        return self.role == PlatformRole.ADMIN

    @property
    def is_pilot(self) -> bool:
        return self.organisation_id is not None and self.role == Role.PILOT

    @property
    def can_edit(self) -> bool:
        """Tell whether the member may fill and comment diagnostics."""
        return self.organisation_id is not None and self.role in (
            Role.PILOT,
            Role.CONTRIBUTOR,
        )

    def set_password(self, password: str) -> None:
        # Werkzeug's default method is scrypt, a memory-hard hash.
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)
