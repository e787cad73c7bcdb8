"""Campaign rules: what a valid campaign is, launching and archiving. The caller commits."""

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from campaign import events
from campaign.audit.services import Actor, record
from campaign.campaigns import addresses, change_rules, rules
from campaign.campaigns.models import CONSENT_SCOPES, Campaign, CampaignStatus, Prize, Product, RetiredSlug
from campaign.errors import DomainError
from campaign.extensions import db
from campaign.ids import new_public_id
from campaign.locks import lock_row
from campaign.orgs.models import Organisation


class InvalidCampaign(DomainError):
    code = "invalid_campaign"


class InvalidSettings(InvalidCampaign):
    """The settings break rules (`validate`); every refusal keeps its own field and message, and the first
    is the exception's own."""

    def __init__(self, refusals: list[change_rules.Refusal]):
        super().__init__(refusals[0].message, field=refusals[0].field)
        self.refusals = refusals


class ChangeRefused(InvalidSettings):
    """The change rules (change_rules.py) said no to changing a launched campaign so."""

    status = 409
    code = "change_refused"


@dataclass
class ProductData:
    name: str
    sku: str = ""
    jan: str = ""
    url: str = ""
    public_id: str = ""  # the saved product this row edits; "" for a new one


@dataclass
class PrizeData:
    name: str
    quantity: int = 1
    value_jpy: int = 0
    public_id: str = ""  # the saved prize this row edits; "" for a new one


@dataclass
class CampaignData:
    title: str
    slug: str
    description: str = ""
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    allows_upload: bool = True
    allows_follow_and_post: bool = False
    brand_handle: str = ""
    hashtags: list[str] = field(default_factory=list)
    entries_per_person: int = 1
    terms_text: str = ""
    terms_version: str = "1"
    consent_scopes: list[str] = field(default_factory=list)
    products: list[ProductData] = field(default_factory=list)
    prizes: list[PrizeData] = field(default_factory=list)
    two_stage_approval: bool = False  # moderation (issue 4)
    notify_customers: bool = False  # moderation (issue 4)
    premium_type: str = "open"  # draws (issue 5): 景品表示法
    transaction_value_jpy: int | None = None  # draws (issue 5)
    projected_sales_jpy: int | None = None  # draws (issue 5)
    instant_win: bool = False
    instant_win_odds: int = 1
    title_en: str = ""  # brand page (issue 13): `title`/`description` are the Japanese texts
    description_en: str = ""
    brand_color: str = ""


def validate(data: CampaignData, *, campaign: Campaign | None = None) -> None:
    """Raises InvalidSettings naming every field that breaks a rule (the form shows each by its field)."""
    if problems := list(_problems(data, campaign)):
        raise InvalidSettings(problems)


def _problems(data: CampaignData, campaign: Campaign | None) -> Iterator[change_rules.Refusal]:
    """Each broken rule once; a field's later rules only once its first ones hold."""
    refused = change_rules.Refusal
    if not data.title.strip():
        yield refused("title", _l("Give the campaign a title."))
    if not rules.valid_color(data.brand_color):
        yield refused(
            "brand_color", _l("Enter the brand colour as # and six hexadecimal digits, for example #0a7d5a.")
        )
    elif data.brand_color and (shade := rules.readable_shade(data.brand_color)):
        yield refused(
            "brand_color",
            _l(
                "Text on %(colour)s is hard to read in white or in black (below 4.5:1). Choose a darker or"
                " lighter colour, for example %(shade)s.",
                colour=data.brand_color,
                shade=shade,
            ),
        )
    if not rules.SLUG_RE.match(data.slug):
        yield refused("slug", _l("Use lowercase letters, digits and hyphens for the address."))
    elif (taken := db.session.scalar(select(Campaign.id).where(Campaign.slug == data.slug))) is not None and (
        campaign is None or taken != campaign.id
    ):
        yield refused("slug", _l("This address is already used by another campaign."))
    elif (
        retired := db.session.scalar(select(RetiredSlug.campaign_id).where(RetiredSlug.slug == data.slug))
    ) is not None and (campaign is None or retired != campaign.id):
        yield refused("slug", _l("This address was used by another campaign and is never given out again."))
    dates_in_range = True
    for name in ("opens_at", "closes_at"):
        value = getattr(data, name)
        if value is not None and not rules.EARLIEST <= value.astimezone(UTC) <= rules.LATEST:
            dates_in_range = False
            yield refused(name, rules.DATE_RANGE_MESSAGE)
    if dates_in_range and data.opens_at and data.closes_at and data.closes_at <= data.opens_at:
        yield refused("closes_at", _l("The campaign must close after it opens."))
    if not (data.allows_upload or data.allows_follow_and_post):
        yield refused("allows_upload", _l("Choose at least one way to enter."))
    if data.allows_follow_and_post:
        if not data.brand_handle:
            yield refused("brand_handle", _l("Enter the brand's account handle."))
        elif not rules.HANDLE_RE.match(data.brand_handle):  # typed, but not as the networks write one
            yield refused(
                "brand_handle",
                _l(
                    "An account handle has only letters, digits, periods and underscores (at most 30), "
                    "like midori_chaen."
                ),
            )
        if not data.hashtags:
            yield refused("hashtags", _l("Enter at least one required hashtag."))
    if any(not rules.HASHTAG_RE.match(tag) for tag in data.hashtags):
        yield refused("hashtags", _l("A hashtag may not contain spaces."))
    if not 1 <= data.entries_per_person <= 100:
        yield refused("entries_per_person", _l("Entries per person must be between 1 and 100."))
    if not set(data.consent_scopes) <= set(CONSENT_SCOPES):
        yield refused("consent_scopes", _l("Unknown consent scope."))
    for product in data.products:
        if product.jan and not rules.gtin_is_valid(product.jan):
            yield refused(
                "products", _l("JAN code %(code)s is not valid (check the digits).", code=product.jan)
            )
        if product.url and not rules.is_http_url(product.url):
            yield refused("products", _l("A product URL must start with http:// or https://."))
    if not 1 <= data.instant_win_odds <= 1_000_000:
        yield refused("instant_win_odds", _l("The instant-win odds must be between 1 and 1,000,000."))
    if data.instant_win and not data.prizes:
        yield refused("prizes", _l("An instant-win campaign needs at least one prize."))
    if any(prize.quantity < 1 or prize.value_jpy < 0 for prize in data.prizes):
        yield refused("prizes", _l("A prize needs a quantity of at least 1 and a value of 0 or more."))
    else:  # draws (issue 5): a prize over a 景品表示法 cap is refused; warnings show on the campaign page
        for finding in premium_findings(data):
            if finding.level == "error":
                yield refused("prizes", finding.message)


def premium_findings(data: "CampaignData | Campaign") -> list:
    """景品表示法 findings (draws, issue 5) for form data or a saved campaign."""
    from campaign.campaigns import premiums

    kind = premiums.PremiumType(data.premium_type or "open")
    prizes = [premiums.PrizeValue(p.name, p.value_jpy or 0, p.quantity or 1) for p in data.prizes]
    return premiums.check(
        kind,
        prizes,
        transaction_value_jpy=data.transaction_value_jpy,
        projected_sales_jpy=data.projected_sales_jpy,
        follow_and_post=data.allows_follow_and_post,
        asks_for_product_photo=bool(data.products),
    )


FIELDS = (
    "title",
    "slug",
    "description",
    "opens_at",
    "closes_at",
    "allows_upload",
    "allows_follow_and_post",
    "brand_handle",
    "hashtags",
    "entries_per_person",
    "terms_text",
    "terms_version",
    "consent_scopes",
    "two_stage_approval",  # moderation (issue 4)
    "notify_customers",  # moderation (issue 4)
    "premium_type",  # draws (issue 5)
    "transaction_value_jpy",  # draws (issue 5)
    "projected_sales_jpy",  # draws (issue 5)
    "instant_win",
    "instant_win_odds",
    "title_en",  # brand page (issue 13)
    "description_en",
    "brand_color",
)


def snapshot(campaign: Campaign) -> CampaignData:
    """The saved campaign as CampaignData, products and prizes with their public ids."""
    values = {name: getattr(campaign, name) for name in FIELDS}
    values["hashtags"], values["consent_scopes"] = list(campaign.hashtags), list(campaign.consent_scopes)
    return CampaignData(
        **values,
        products=[ProductData(p.name, p.sku, p.jan, p.url, p.public_id) for p in campaign.products],
        prizes=[PrizeData(p.name, p.quantity, p.value_jpy, p.public_id) for p in campaign.prizes],
    )


def _apply(campaign: Campaign, data: CampaignData) -> None:
    for name in FIELDS:
        setattr(campaign, name, getattr(data, name))
    campaign.products = _rows(campaign.products, data.products, Product)
    campaign.prizes = _rows(campaign.prizes, data.prizes, Prize)


def _rows(saved: list, wanted: list, model) -> list:
    """Edits saved rows in place (their ids, and what points at them, stay); rows not wanted are dropped
    (the change rules have refused that for any row something depends on); new rows get new ids."""
    by_id = {row.public_id: row for row in saved}
    rows = []
    for position, item in enumerate(wanted):
        row = by_id.pop(item.public_id, None) if item.public_id else None
        if row is None:
            row = model(public_id=new_public_id())
        for name, value in asdict(item).items():
            if name != "public_id":
                setattr(row, name, value)
        row.position = position
        rows.append(row)
    return rows


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


def audit(
    campaign: Campaign,
    actor: Actor,
    action: str,
    now: datetime,
    before: dict | None = None,
    after: dict | None = None,
    *,
    reason: str = "",
) -> None:
    """One audit event about the campaign itself (settings, launch, seed, draw rules, retention…)."""
    record(
        actor,
        action,
        org_id=campaign.org_id,
        campaign_id=campaign.id,
        object_type="campaign",
        object_id=campaign.public_id,
        now=now,
        before=before,
        after=after,
        reason=reason,
    )


def create_campaign(org: Organisation, data: CampaignData, *, actor: Actor, now: datetime) -> Campaign:
    validate(data)
    campaign = Campaign(organisation=org)
    _apply(campaign, data)
    db.session.add(campaign)
    db.session.flush()
    audit(
        campaign,
        actor,
        "campaign.create",
        now,
        {},
        {k: _plain(v) for k, v in asdict(snapshot(campaign)).items()},
    )
    return campaign


def lock_campaign(campaign: Campaign) -> Campaign:
    """Locks and re-reads the campaign with its products and prizes (rows loaded before the lock may be
    stale: another save or the draw may have committed since)."""
    lock_row(campaign)
    for row in (*campaign.products, *campaign.prizes):
        db.session.refresh(row)
    return campaign


def update_campaign(
    campaign: Campaign,
    data: CampaignData,
    *,
    actor: Actor,
    now: datetime,
    edited_from: str | None = None,
) -> Campaign:
    """Saves an edit the change rules allow, in place, with an audit event of what changed (if anything).

    The campaign's row is locked and re-read first, so a save and a draw, a launch or another save of the
    same campaign are decided one after the other, each from the other's result. `edited_from` is the
    campaign's `edit_conflicts.fingerprint` when the form was opened: if it changed since, EditConflict.
    A save withdraws a pending launch request: the approver signs off what they saw."""
    from campaign.campaigns import edit_conflicts
    from campaign.campaigns.stage import stage_of

    lock_campaign(campaign)
    if edited_from is not None and edited_from != edit_conflicts.fingerprint(campaign):
        raise edit_conflicts.conflict(campaign)
    campaign.launch_requested_at = None
    campaign.launch_requested_by = ""
    validate(data, campaign=campaign)
    data = _keep_seconds(campaign, data)
    before = snapshot(campaign)
    refusals = change_rules.refusals(stage_of(campaign, now), before, data)
    if refusals:
        raise ChangeRefused(refusals)
    if data.slug != campaign.slug:
        addresses.retire_slug(campaign, data.slug, now)
    _apply(campaign, data)
    db.session.flush()
    old, new = asdict(before), asdict(snapshot(campaign))
    changed = [name for name in new if new[name] != old[name]]
    if changed:
        audit(
            campaign,
            actor,
            "campaign.update",
            now,
            {name: _plain(old[name]) for name in changed},
            {name: _plain(new[name]) for name in changed},
        )
        events.campaign_updated.send(campaign)
    return campaign


def _keep_seconds(campaign: Campaign, data: CampaignData) -> CampaignData:
    """The form shows times to the minute: a time sent back as shown keeps the saved seconds."""
    kept = {}
    for name in ("opens_at", "closes_at"):
        saved, sent = getattr(campaign, name), getattr(data, name)
        if saved is not None and sent is not None and saved.replace(second=0, microsecond=0) == sent:
            kept[name] = saved
    return replace(data, **kept)


def check_launchable(campaign: Campaign, *, now: datetime) -> None:
    """InvalidCampaign, saying what to set, unless the campaign could be launched now; a launch request is
    checked the same way, so the approver is never handed one they cannot complete (nor edit)."""
    if campaign.status(now) is not CampaignStatus.DRAFT:
        raise InvalidCampaign(_l("Only a draft campaign can be launched."))
    if campaign.opens_at is None or campaign.closes_at is None:
        raise InvalidCampaign(_l("Set the opening and closing time before launching."))
    if campaign.closes_at <= now:
        raise InvalidCampaign(_l("The closing time has already passed."))
    if not campaign.terms_text.strip():
        raise InvalidCampaign(_l("Add the terms before launching."))


def launch(campaign: Campaign, *, now: datetime) -> None:
    """Publishes the campaign page; from then on the clock decides scheduled, live, closed."""
    check_launchable(campaign, now=now)
    campaign.launched_at = now
    db.session.flush()
    events.campaign_launched.send(campaign, now=now)


def archive(campaign: Campaign, *, actor: Actor, now: datetime) -> None:
    """Takes the campaign page down; its public record (certificate, check page, claim links) stays."""
    if campaign.archived_at is not None:
        raise InvalidCampaign(_l("This campaign is already archived."))
    before = {"status": str(campaign.status(now))}
    campaign.archived_at = now
    db.session.flush()
    audit(campaign, actor, "campaign.archive", now, before, {"status": str(campaign.status(now))})


def unarchive(campaign: Campaign, *, actor: Actor, now: datetime) -> None:
    if campaign.archived_at is None:
        raise InvalidCampaign(_l("This campaign is not archived."))
    campaign.archived_at = None
    db.session.flush()
    audit(
        campaign,
        actor,
        "campaign.unarchive",
        now,
        {"status": "archived"},
        {"status": str(campaign.status(now))},
    )
