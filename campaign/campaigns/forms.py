"""The campaign editor: HTML fields in, CampaignData out (times converted from the organisation's zone)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,  # draws (issue 5)
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import Optional, ValidationError

from campaign.campaigns import rules
from campaign.campaigns.models import Campaign
from campaign.campaigns.settings import CampaignData, PrizeData, ProductData
from campaign.form_fields import AppForm, Between, MaxLength, Required, RowForm, WholeNumberField

BLANK_ROWS = 2


def premium_type_choices() -> list[SelectChoice]:
    """draws (issue 5): the 景品表示法 campaign types."""
    return [
        SelectChoice("open", _l("Open sweepstakes (オープン懸賞, no purchase needed)")),
        SelectChoice("general", _l("Sweepstakes tied to a purchase (一般懸賞)")),
        SelectChoice("joint", _l("Joint sweepstakes of several businesses (共同懸賞)")),
        SelectChoice("gift", _l("Gift to every buyer (総付景品)")),
    ]


def scope_choices() -> list[SelectChoice]:
    return [
        SelectChoice("gallery", _l("Gallery on the brand's site")),
        SelectChoice("review", _l("Product review")),
        SelectChoice("social", _l("Brand's social media accounts")),
    ]


def within_range(form, field) -> None:
    """Before the time is converted from the organisation's zone: year 1 or 9999 would overflow."""
    if field.data is not None and not rules.EARLIEST.year <= field.data.year < rules.LATEST.year:
        raise ValidationError(rules.DATE_RANGE_MESSAGE)


class ProductForm(RowForm):
    public_id = HiddenField()  # ties the row to the saved product, so an edit keeps it (and its reviews)
    name = StringField(_l("Product name"), validators=[Optional(), MaxLength(200)])
    sku = StringField(_l("SKU"), validators=[Optional(), MaxLength(64)])
    jan = StringField(_l("JAN code"), validators=[Optional(), MaxLength(14)])
    url = StringField(_l("Product URL"), validators=[Optional(), MaxLength(2000)])


class PrizeForm(RowForm):
    public_id = HiddenField()  # ties the row to the saved prize, so an edit keeps it (and its winners)
    name = StringField(_l("Prize"), validators=[Optional(), MaxLength(200)])
    quantity = WholeNumberField(_l("Quantity"), validators=[Optional(), Between(min=1, max=100000)])
    value_jpy = WholeNumberField(_l("Value (JPY)"), validators=[Optional(), Between(min=0, max=100_000_000)])
    image = FileField(_l("Prize image"))  # brand page (issue 13): stored by brandpage.services


class CampaignForm(AppForm):
    # the saved campaign's edit_conflicts.fingerprint when the form was opened (edit only): a save made by
    # someone else since is not undone without a word
    edited_from = HiddenField()
    title = StringField(_l("Title (Japanese)"), validators=[Required(), MaxLength(200)])
    slug = StringField(_l("Address (/c/…)"), validators=[Required(), MaxLength(64)])
    description = TextAreaField(_l("Description (Japanese)"), validators=[Optional(), MaxLength(5000)])
    # brand page (issue 13): English texts, colour and images (images go through brandpage.services)
    title_en = StringField(_l("Title (English)"), validators=[Optional(), MaxLength(200)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Optional(), MaxLength(5000)])
    brand_color = StringField(_l("Brand colour"), validators=[Optional()])  # the rule: campaigns.rules
    hero_image = FileField(_l("Hero image"))
    remove_hero_image = BooleanField(_l("Remove the hero image"))
    logo_image = FileField(_l("Logo"))
    remove_logo_image = BooleanField(_l("Remove the logo"))
    opens_at = DateTimeLocalField(_l("Opens"), format="%Y-%m-%dT%H:%M", validators=[Optional(), within_range])
    closes_at = DateTimeLocalField(
        _l("Closes"), format="%Y-%m-%dT%H:%M", validators=[Optional(), within_range]
    )
    allows_upload = BooleanField(_l("Direct upload on the campaign page"), default=True)
    allows_follow_and_post = BooleanField(_l("Follow and post on social media"))
    brand_handle = StringField(_l("Brand account handle"), validators=[Optional(), MaxLength(100)])
    hashtags = StringField(_l("Required hashtags"), validators=[Optional(), MaxLength(500)])
    entries_per_person = WholeNumberField(
        _l("Entries allowed per person"),
        default=1,
        # the form checks it is a number; its range is a rule (`settings.validate`), told with the others
        validators=[Required(zero_counts=True)],
    )
    terms_text = TextAreaField(_l("Terms"), validators=[Optional(), MaxLength(50_000)])
    terms_version = StringField(_l("Terms version"), default="1", validators=[Required(), MaxLength(32)])
    consent_scopes = SelectMultipleField(
        _l("Ask customers' consent to show their photo and caption in"),
        choices=scope_choices,
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
    )
    products = FieldList(FormField(ProductForm), min_entries=1, max_entries=50)
    prizes = FieldList(FormField(PrizeForm), min_entries=1, max_entries=50)
    # moderation (issue 4)
    two_stage_approval = BooleanField(
        # on unless someone who may approve chooses otherwise (moderation.launch.check_new_campaign)
        _l("The client's approver (or an owner) signs off entries and the launch"),
        default=True,
    )
    notify_customers = BooleanField(_l("Email customers when their entry is approved or not approved"))
    # draws (issue 5): 景品表示法 campaign type and figures
    premium_type = SelectField(_l("Campaign type (景品表示法)"), choices=premium_type_choices, default="open")
    transaction_value_jpy = WholeNumberField(
        _l("Transaction value (JPY)"), validators=[Optional(), Between(min=0, max=100_000_000)]
    )
    projected_sales_jpy = WholeNumberField(
        _l("Projected sales during the campaign (JPY)"),
        validators=[Optional(), Between(min=0, max=10**15)],
    )
    # instant win
    instant_win = BooleanField(_l("Instant win: each entry sees at once whether it won"))
    instant_win_odds = WholeNumberField(
        _l("Instant-win odds: one lucky entry in"),
        default=1,
        validators=[Optional()],  # its range: a rule (`settings.validate`), told with the others
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.list_errors: dict[str, list[str]] = {}  # refusals about the products or prizes rows

    def fill_from(self, campaign: Campaign, timezone: str) -> None:
        """Pre-fills a GET form from the campaign, times in the organisation's zone, plus blank rows."""
        zone = ZoneInfo(timezone)
        self.process(obj=campaign)
        self.opens_at.data = (
            campaign.opens_at.astimezone(zone).replace(tzinfo=None) if campaign.opens_at else None
        )
        self.closes_at.data = (
            campaign.closes_at.astimezone(zone).replace(tzinfo=None) if campaign.closes_at else None
        )
        self.hashtags.data = " ".join(f"#{t}" for t in campaign.hashtags)
        self.add_blank_rows()

    def add_blank_rows(self) -> None:
        for rows in (self.products, self.prizes):
            while len(rows.entries) < rows.max_entries and sum(not _filled(r) for r in rows) < BLANK_ROWS:
                rows.append_entry()

    def to_data(self, timezone: str) -> CampaignData:
        zone = ZoneInfo(timezone)

        def utc(value: datetime | None) -> datetime | None:
            return value.replace(tzinfo=zone).astimezone(UTC) if value else None

        return CampaignData(
            title=self.title.data.strip(),
            slug=self.slug.data.strip().lower(),
            description=_text(self.description.data),
            opens_at=utc(self.opens_at.data),
            closes_at=utc(self.closes_at.data),
            allows_upload=self.allows_upload.data,
            allows_follow_and_post=self.allows_follow_and_post.data,
            brand_handle=rules.normalise_handle(self.brand_handle.data or ""),
            hashtags=rules.parse_hashtags(self.hashtags.data or ""),
            entries_per_person=self.entries_per_person.data,
            terms_text=_text(self.terms_text.data),
            terms_version=self.terms_version.data.strip(),
            consent_scopes=list(self.consent_scopes.data or []),
            two_stage_approval=bool(self.two_stage_approval.data),  # moderation (issue 4)
            notify_customers=bool(self.notify_customers.data),  # moderation (issue 4)
            premium_type=self.premium_type.data or "open",  # draws (issue 5)
            transaction_value_jpy=self.transaction_value_jpy.data,  # draws (issue 5)
            projected_sales_jpy=self.projected_sales_jpy.data,  # draws (issue 5)
            instant_win=bool(self.instant_win.data),
            instant_win_odds=1 if self.instant_win_odds.data is None else self.instant_win_odds.data,
            title_en=(self.title_en.data or "").strip(),
            description_en=_text(self.description_en.data),
            brand_color=(self.brand_color.data or "").strip().lower(),
            products=[
                ProductData(
                    name=row.form.name.data.strip(),
                    sku=(row.form.sku.data or "").strip(),
                    jan=(row.form.jan.data or "").strip(),
                    url=(row.form.url.data or "").strip(),
                    public_id=row.form.public_id.data or "",
                )
                for row in self.products
                if _filled(row)
            ],
            prizes=[
                PrizeData(
                    name=row.form.name.data.strip(),
                    quantity=row.form.quantity.data or 1,
                    value_jpy=row.form.value_jpy.data or 0,
                    public_id=row.form.public_id.data or "",
                )
                for row in self.prizes
                if _filled(row)
            ],
        )


def _text(value: str | None) -> str:
    """Browsers send a textarea's line breaks as CRLF: saved unchanged, the text must compare equal."""
    return (value or "").replace("\r\n", "\n")


def _filled(row: FormField) -> bool:
    return bool((row.form.name.data or "").strip())
