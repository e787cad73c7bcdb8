"""Campaign rules: what a valid campaign is, launching and archiving. The caller commits."""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from campaign import events
from campaign.campaigns import rules
from campaign.campaigns.models import CONSENT_SCOPES, Campaign, CampaignStatus, Prize, Product
from campaign.errors import DomainError, NotFound
from campaign.extensions import db
from campaign.orgs.models import Organisation


class InvalidCampaign(DomainError):
    code = "invalid_campaign"


@dataclass
class ProductData:
    name: str
    sku: str = ""
    jan: str = ""
    url: str = ""


@dataclass
class PrizeData:
    name: str
    quantity: int = 1
    value_jpy: int = 0


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


def validate(data: CampaignData, *, campaign: Campaign | None = None) -> None:
    """Raises InvalidCampaign naming the first field that breaks a rule."""
    if not data.title.strip():
        raise InvalidCampaign(_l("Give the campaign a title."), field="title")
    if not rules.SLUG_RE.match(data.slug):
        raise InvalidCampaign(_l("Use lowercase letters, digits and hyphens for the address."), field="slug")
    taken = db.session.scalar(select(Campaign.id).where(Campaign.slug == data.slug))
    if taken is not None and (campaign is None or taken != campaign.id):
        raise InvalidCampaign(_l("This address is already used by another campaign."), field="slug")
    if data.opens_at and data.closes_at and data.closes_at <= data.opens_at:
        raise InvalidCampaign(_l("The campaign must close after it opens."), field="closes_at")
    if not (data.allows_upload or data.allows_follow_and_post):
        raise InvalidCampaign(_l("Choose at least one way to enter."), field="allows_upload")
    if data.allows_follow_and_post:
        if not rules.HANDLE_RE.match(data.brand_handle):
            raise InvalidCampaign(_l("Enter the brand's account handle."), field="brand_handle")
        if not data.hashtags:
            raise InvalidCampaign(_l("Enter at least one required hashtag."), field="hashtags")
    if any(not rules.HASHTAG_RE.match(tag) for tag in data.hashtags):
        raise InvalidCampaign(_l("A hashtag may not contain spaces."), field="hashtags")
    if not 1 <= data.entries_per_person <= 100:
        raise InvalidCampaign(_l("Entries per person must be between 1 and 100."), field="entries_per_person")
    if not set(data.consent_scopes) <= set(CONSENT_SCOPES):
        raise InvalidCampaign(_l("Unknown consent scope."), field="consent_scopes")
    for product in data.products:
        if product.jan and not rules.gtin_is_valid(product.jan):
            raise InvalidCampaign(
                _l("JAN code %(code)s is not valid (check the digits).", code=product.jan), field="products"
            )
        if product.url and not rules.is_http_url(product.url):
            raise InvalidCampaign(_l("A product URL must start with http:// or https://."), field="products")
    if not 1 <= data.instant_win_odds <= 1_000_000:
        raise InvalidCampaign(
            _l("The instant-win odds must be between 1 and 1,000,000."), field="instant_win_odds"
        )
    if data.instant_win and not data.prizes:
        raise InvalidCampaign(_l("An instant-win campaign needs at least one prize."), field="prizes")
    for prize in data.prizes:
        if prize.quantity < 1 or prize.value_jpy < 0:
            raise InvalidCampaign(
                _l("A prize needs a quantity of at least 1 and a value of 0 or more."), field="prizes"
            )
    # draws (issue 5): a prize over a 景品表示法 cap is refused; warnings are shown on the campaign page
    for finding in premium_findings(data):
        if finding.level == "error":
            raise InvalidCampaign(finding.message, field="prizes")


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


def _apply(campaign: Campaign, data: CampaignData) -> None:
    for name in (
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
    ):
        setattr(campaign, name, getattr(data, name))
    campaign.products = [Product(position=i, **vars(p)) for i, p in enumerate(data.products)]
    campaign.prizes = [Prize(position=i, **vars(p)) for i, p in enumerate(data.prizes)]


def create_campaign(org: Organisation, data: CampaignData) -> Campaign:
    validate(data)
    campaign = Campaign(organisation=org)
    _apply(campaign, data)
    db.session.add(campaign)
    db.session.flush()
    return campaign


def update_campaign(campaign: Campaign, data: CampaignData) -> Campaign:
    validate(data, campaign=campaign)
    _apply(campaign, data)
    db.session.flush()
    return campaign


def launch(campaign: Campaign, *, now: datetime) -> None:
    """Publishes the campaign page; from then on the clock decides scheduled, live, closed."""
    if campaign.status(now) is not CampaignStatus.DRAFT:
        raise InvalidCampaign(_l("Only a draft campaign can be launched."))
    if campaign.opens_at is None or campaign.closes_at is None:
        raise InvalidCampaign(_l("Set the opening and closing time before launching."))
    if campaign.closes_at <= now:
        raise InvalidCampaign(_l("The closing time has already passed."))
    if not campaign.terms_text.strip():
        raise InvalidCampaign(_l("Add the terms before launching."))
    campaign.launched_at = now
    db.session.flush()
    events.campaign_launched.send(campaign, now=now)


def archive(campaign: Campaign, *, now: datetime) -> None:
    campaign.archived_at = now


def public_campaign(slug: str, *, now: datetime) -> Campaign:
    """A campaign customers may see: launched and not archived; anything else does not exist."""
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == slug))
    if campaign is None or campaign.status(now) in (CampaignStatus.DRAFT, CampaignStatus.ARCHIVED):
        raise NotFound()
    return campaign
