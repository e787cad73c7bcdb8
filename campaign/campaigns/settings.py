"""A campaign's settings as plain data (`CampaignData`, its products and prizes) and every rule they must keep
before they are saved: `validate` names each broken one by its field. What saving, launching and archiving
do with them is in `services.py`."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from campaign.campaigns import change_rules, rules
from campaign.campaigns.models import CONSENT_SCOPES, Campaign, RetiredSlug
from campaign.errors import DomainError
from campaign.extensions import db


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
