from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from campaign.clock import utcnow
from campaign.extensions import db
from campaign.sqltypes import UTCDateTime


class ConnectorAccount(db.Model):
    """An organisation's API access to one network; the token is sealed at rest."""

    __tablename__ = "connector_accounts"
    __table_args__ = (UniqueConstraint("org_id", "network"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    network: Mapped[str] = mapped_column(String(16))  # "instagram" or "x"
    account_id: Mapped[str] = mapped_column(String(64))  # IG user id, or the brand's X user id
    token_sealed: Mapped[str] = mapped_column(Text)
    base_url: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the network refused the token (expired or revoked): nothing is read with it until the owner
    # reconnects, which clears both (`connectors.expiry`)
    refused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refused_detail: Mapped[str] = mapped_column(Text, default="", server_default="")  # the API's words

    @property
    def needs_reconnection(self) -> bool:
        return self.refused_at is not None
