from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    """Who did what, when: sign-ins, invitations, role changes, submissions."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, index=True
    )
    action: Mapped[str] = mapped_column(String(40), index=True)
    # None for events without a signed-in person, such as a failed sign-in.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), index=True
    )
    target: Mapped[str | None] = mapped_column(String(80))
    address: Mapped[str | None] = mapped_column(String(45))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
