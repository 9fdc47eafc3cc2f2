from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, new_public_id, utcnow


class Invitation(Base):
    """A single-use link that lets a person join an organisation with a role.

    Only a SHA-256 digest of the link's token is stored, so a copy of the
    database does not give working links.
    """

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(
        String(22), unique=True, default=new_public_id
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped["Organisation"] = relationship()  # noqa: F821

    def is_open(self, now: datetime) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and now < self.expires_at
        )
