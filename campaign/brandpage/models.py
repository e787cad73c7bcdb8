"""A brand's own image (hero, logo, prize): public web renditions made by the media pipeline."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from campaign.clock import utcnow
from campaign.extensions import db
from campaign.ids import new_public_id
from campaign.sqltypes import UTCDateTime

BRAND_IMAGES = "public/brand/"  # content-addressed, public from upload: the brand's own pictures


class BrandImage(db.Model):
    """Uploaded by a studio member; `renditions` lists {size, format, width, height, key} smallest first."""

    __tablename__ = "brand_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    placeholder_color: Mapped[str] = mapped_column(String(7), default="")
    renditions: Mapped[list[dict]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def of(self, fmt: str) -> list[dict]:
        """This format's renditions, smallest first."""
        return sorted((r for r in self.renditions if r["format"] == fmt), key=lambda r: r["width"])

    def largest(self, fmt: str = "jpeg") -> dict:
        return self.of(fmt)[-1]

    def smallest_at_least(self, width: int, fmt: str = "jpeg") -> dict:
        """The first rendition at least `width` pixels wide (else the largest)."""
        return next((r for r in self.of(fmt) if r["width"] >= width), self.largest(fmt))
