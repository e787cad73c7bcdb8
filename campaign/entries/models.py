import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, and_, or_, text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.campaigns.models import Campaign, Product
from campaign.clock import utcnow
from campaign.extensions import db
from campaign.ids import new_public_id
from campaign.moderation.models import RejectionReason
from campaign.sqltypes import UTCDateTime, str_enum


class EntryStatus(enum.StrEnum):
    RECEIVED = "received"
    RECOMMENDED = "recommended"  # moderation: an editor recommends, the client's approver signs off
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Processing(enum.StrEnum):
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


class Entry(db.Model):
    __tablename__ = "entries"
    __table_args__ = (
        # One row per form submission, however often it is posted.
        UniqueConstraint("campaign_id", "idempotency_key"),
        # The per-person limit, held by the database even under concurrent posts;
        # a withdrawn entry gives its slot back (NULLs never collide).
        UniqueConstraint("campaign_id", "email_normalised", "person_slot"),
        # The draw reads a campaign's tickets in entry-id order from this index alone (no table rows, no
        # sort): a million entries in a fraction of a second. It also serves every `campaign_id` filter.
        Index(
            "ix_entries_draw",
            "campaign_id",
            "public_id",
            "participant_token",
            "status",
            "created_at",
            "duplicate_of_id",
        ),
        # Social accounts shared by several participant tokens (same person, other email): draw time.
        # A post collected from a network is one entry, ever, however many pollers run (issue 12).
        UniqueConstraint("network", "network_post_id", name="uq_entries_network_post"),
        # The public-copies duty (`publication.recheck_duty`, every 5 minutes) reads the entries moderated in
        # the last 15 minutes, of every campaign: without it, a scan of the whole table each time.
        Index("ix_entries_moderated_at", "moderated_at"),
        Index(
            "ix_entries_social",
            "campaign_id",
            "social_account",
            "participant_token",
            sqlite_where=text("social_account IS NOT NULL"),
            postgresql_where=text("social_account IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Code-point order on every database (the draw's frozen list is sorted so): "C" collation on PostgreSQL.
    public_id: Mapped[str] = mapped_column(
        String(32).with_variant(String(32, collation="C"), "postgresql"), unique=True, default=new_public_id
    )
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    idempotency_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[EntryStatus] = mapped_column(str_enum(EntryStatus), default=EntryStatus.RECEIVED)

    caption: Mapped[str] = mapped_column(Text, default="")
    rating: Mapped[int | None] = mapped_column(Integer)  # 1–5; None: a post collected from a network
    nickname: Mapped[str | None] = mapped_column(String(40))  # None: shown as anonymous
    email: Mapped[str] = mapped_column(String(254))  # never shown publicly
    email_normalised: Mapped[str] = mapped_column(String(254), index=True)
    person_slot: Mapped[int | None] = mapped_column(Integer)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"), index=True)
    social_handle: Mapped[str] = mapped_column(String(100), default="")
    post_url: Mapped[str] = mapped_column(String(500), default="")
    # stamped at receipt (draws.participants): same person, same token; None until stamped
    participant_token: Mapped[str | None] = mapped_column(String(32))
    social_account: Mapped[str | None] = mapped_column(String(120))
    locale: Mapped[str] = mapped_column(String(8), default="ja")
    # Where the entry came from: "" for the campaign page's form, else the network it was collected from
    # ("instagram" or "x") with the network's own post id (None for uploads: NULLs never collide), the
    # time it was posted there, and when the network said it was gone (it then leaves every public surface).
    network: Mapped[str] = mapped_column(String(16), default="", server_default="")
    network_post_id: Mapped[str | None] = mapped_column(String(64))
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_upstream_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    upstream_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # last asked (recheck)
    # held off public surfaces while its network cannot be asked whether it was deleted (`sources.holds`)
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the campaign source that collected it (issue 12); None for uploads, or once the source is deleted
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"), index=True)

    storage_backend: Mapped[str] = mapped_column(String(16))
    original_key: Mapped[str] = mapped_column(String(300), unique=True)
    original_format: Mapped[str] = mapped_column(String(8))
    original_bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    processing: Mapped[Processing] = mapped_column(str_enum(Processing), default=Processing.PENDING)
    processing_error: Mapped[str] = mapped_column(String(64), default="")
    placeholder_color: Mapped[str] = mapped_column(String(7), default="#dddddd")
    content_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    perceptual_hash: Mapped[str] = mapped_column(String(16), default="")
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("entries.id", ondelete="SET NULL"))
    duplicate_kind: Mapped[str] = mapped_column(String(8), default="")  # "", "exact" or "near"

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the customer's data is gone (privacy)
    erased_by: Mapped[str] = mapped_column(String(16), default="", server_default="")  # "retention", or ""
    # Whose entry it is, once retention erased the address and account of a photo it keeps published: keyed
    # hashes of each (`privacy.requests.person_hash`), so that a request by either still finds it
    person_digest: Mapped[str | None] = mapped_column(String(32), index=True)
    account_digest: Mapped[str | None] = mapped_column(String(32), index=True)

    # moderation (issue 4): who withdrew ("customer" | "brand"), the public caption, the team's latest word
    withdrawn_by: Mapped[str] = mapped_column(String(8), default="")
    # the brand's takedown, kept when the customer withdraws the entry too (cleared by approving it again)
    taken_down_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    redacted_caption: Mapped[str | None] = mapped_column(Text)
    rejection_reason_id: Mapped[int | None] = mapped_column(
        ForeignKey("rejection_reasons.id", ondelete="SET NULL")
    )
    # the reason's words when the entry was rejected: what the customer saw, whatever the list says later
    rejection_label_ja: Mapped[str] = mapped_column(String(200), default="")
    rejection_label_en: Mapped[str] = mapped_column(String(200), default="")
    team_note: Mapped[str] = mapped_column(Text, default="")  # never shown to the customer
    recommended_by: Mapped[str] = mapped_column(String(254), default="")
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign] = relationship()
    product: Mapped[Product | None] = relationship()
    rejection_reason: Mapped[RejectionReason | None] = relationship()  # moderation (issue 4)
    duplicate_of: Mapped["Entry | None"] = relationship(remote_side=[id])
    consent: Mapped["Consent"] = relationship(back_populates="entry", cascade="all, delete-orphan")
    derivatives: Mapped[list["Derivative"]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="Derivative.width"
    )

    @property
    def has_original(self) -> bool:
        """False once the original was erased (privacy): its key then names no object."""
        return not self.original_key.startswith(ERASED_ORIGINAL)

    @property
    def public_caption(self) -> str:
        """The caption every public surface shows: the redacted one when a marketer masked part of it."""
        return self.redacted_caption if self.redacted_caption is not None else self.caption

    @hybrid_property
    def refused(self) -> bool:
        """The brand rejected the entry or took it down (its sender may have withdrawn or erased it since)."""
        return self.taken_down_at is not None or bool(self.rejection_label_ja or self.rejection_label_en)

    @refused.inplace.expression
    @classmethod
    def _refused(cls):
        return or_(cls.taken_down_at.is_not(None), cls.rejection_label_ja != "", cls.rejection_label_en != "")

    @hybrid_property
    def taken_back(self) -> bool:
        """Its sender withdrew or erased it, and the brand had not refused it before: the same photo may be
        sent again, and it is no one's duplicate of it (what the brand refused stays a duplicate's match)."""
        if self.refused:
            return False
        return self.erased_at is not None or (
            self.status is EntryStatus.WITHDRAWN and self.withdrawn_by == "customer"
        )

    @taken_back.inplace.expression
    @classmethod
    def _taken_back(cls):
        return and_(
            ~cls.refused,
            or_(
                cls.erased_at.is_not(None),
                and_(cls.status == EntryStatus.WITHDRAWN, cls.withdrawn_by == "customer"),
            ),
        )

    @property
    def rejection_text(self) -> str:
        """The rejection reason as it was shown to the customer, in the entry's language ("" if none)."""
        return self.rejection_text_in(self.locale)

    def rejection_text_in(self, locale: str | None) -> str:
        """The rejection reason in `locale` where the reason has that language, else in Japanese."""
        return self.rejection_label_en if self.rejection_language(locale) == "en" else self.rejection_label_ja

    def rejection_language(self, locale: str | None) -> str:
        return "en" if str(locale or "").startswith("en") and self.rejection_label_en else "ja"


class Consent(db.Model):
    """What the customer agreed to, in which terms version, when: publishing checks its scopes."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), unique=True)
    terms_version: Mapped[str] = mapped_column(String(32))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    given_at: Mapped[datetime] = mapped_column(UTCDateTime)

    entry: Mapped[Entry] = relationship(back_populates="consent")


PRIVATE_DERIVATIVES = "private/derivatives/"
ERASED_ORIGINAL = "erased/"  # an `original_key` under it names no object: the original was erased (privacy)
PUBLIC_DERIVATIVES = "public/d/"


class Derivative(db.Model):
    """A web rendition, kept private (`key`); while its entry is public, a copy sits at `public_key`.

    Both keys are content-addressed (the same bytes, the same keys), so the public copy is cached forever
    and exact duplicates share their objects.
    """

    __tablename__ = "derivatives"
    __table_args__ = (UniqueConstraint("entry_id", "size", "format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    size: Mapped[str] = mapped_column(String(4))
    format: Mapped[str] = mapped_column(String(8))
    content_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    bytes: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(300), index=True)

    entry: Mapped[Entry] = relationship(back_populates="derivatives")

    @property
    def public_key(self) -> str:
        return public_key_of(self.key)


def public_key_of(private_key: str) -> str:
    """Where the public copy of a private rendition lives: ``private/derivatives/x`` -> ``public/d/x``."""
    if not private_key.startswith(PRIVATE_DERIVATIVES):
        raise ValueError(f"{private_key!r} is not a private rendition key")
    return PUBLIC_DERIVATIVES + private_key[len(PRIVATE_DERIVATIVES) :]


def private_key_of(public_key: str) -> str:
    if not public_key.startswith(PUBLIC_DERIVATIVES):
        raise ValueError(f"{public_key!r} is not a public rendition key")
    return PRIVATE_DERIVATIVES + public_key[len(PUBLIC_DERIVATIVES) :]
