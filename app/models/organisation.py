from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow


class Organisation(Base):
    """An ESS organisation that runs self-diagnostics."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_form: Mapped[str] = mapped_column(String(40))
    sector: Mapped[str] = mapped_column(String(40))
    size_band: Mapped[str] = mapped_column(String(10))
    departement: Mapped[str] = mapped_column(String(3))
    siren: Mapped[str | None] = mapped_column(String(9), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the organisation deleted its account: its name and SIREN are
    # gone and its submitted diagnostics remain only as anonymous statistics.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    members: Mapped[list["User"]] = relationship(back_populates="organisation")  # noqa: F821
    diagnostics: Mapped[list["Diagnostic"]] = relationship(  # noqa: F821
        back_populates="organisation", order_by="Diagnostic.created_at.desc()"
    )
