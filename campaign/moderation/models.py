"""Rejection reasons: an organisation's own list, shown to the customer in the entry's language."""

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.extensions import db
from campaign.ids import new_public_id
from campaign.orgs.models import Organisation


class RejectionReason(db.Model):
    __tablename__ = "rejection_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    label_ja: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(default=True)

    organisation: Mapped[Organisation] = relationship()

    def label(self, locale: str) -> str:
        """In the customer's language; Japanese is the fallback (and the default locale)."""
        return self.label_en if str(locale).startswith("en") and self.label_en else self.label_ja
