"""Studio pages: the report (funnel, galleries, top photos, per day; as charts, tables and CSV), the
conversion snippet with its attribution rule, and the privacy notice a brand pastes into its policy."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, g, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from campaign.analytics import duties, intake, reports
from campaign.clock import utcnow
from campaign.csv_export import csv_response
from campaign.orgs.access import studio_route

bp = Blueprint("analytics", __name__, url_prefix="/studio/analytics")
DEFAULT_DAYS = 30
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)  # beyond these a local day has no UTC bounds


def date_range(args, timezone: str, *, now: datetime) -> tuple[date, date, str | None]:
    """(start, end, error): the local days asked for, or the last 30 days with a reason why not."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    default = (today - timedelta(days=DEFAULT_DAYS - 1), today)
    raw_start, raw_end = args.get("from", ""), args.get("to", "")
    if not raw_start and not raw_end:
        return (*default, None)
    try:
        start = date.fromisoformat(raw_start) if raw_start else default[0]
        end = date.fromisoformat(raw_end) if raw_end else today
    except ValueError:
        return (*default, _("Enter dates as YYYY-MM-DD, for example 2026-04-01."))
    if start < FIRST_DAY or end > LAST_DAY:
        first, last = FIRST_DAY.isoformat(), LAST_DAY.isoformat()
        return (*default, _("Choose dates from %(first)s to %(last)s.", first=first, last=last))
    if end < start:
        return (*default, _("The end date is before the start date."))
    if (end - start).days >= reports.MAX_DAYS:
        return (*default, _("Choose at most %(days)s days.", days=reports.MAX_DAYS))
    return start, end, None


def _range() -> tuple[date, date, str | None]:
    return date_range(request.args, g.org.timezone, now=utcnow())


@bp.get("/")
@studio_route()
def report():
    start, end, error = _range()
    days = reports.per_day(g.org.id, start, end)
    chart = {
        "labels": [day.isoformat() for day, _t in days],
        "series": [
            {"name": _("Impressions"), "data": [t.impressions for _d, t in days]},
            {"name": _("Interactions"), "data": [t.interactions for _d, t in days]},
            {"name": _("Clicks"), "data": [t.clicks for _d, t in days]},
            {"name": _("Conversions"), "data": [t.conversions for _d, t in days]},
        ],
    }
    response = render_template(
        "analytics/report.html",
        start=start,
        end=end,
        error=error,
        days=days,
        chart=chart,
        funnels=reports.funnels(g.org.id, g.org.timezone, start, end),
        galleries=reports.galleries(g.org.id, start, end),
        photos=reports.top_photos(g.org.id, start, end),
        window_hours=intake.ATTRIBUTION_WINDOW // 3600,
        script_url=url_for("static", filename="embed/embed.js", _external=True),
        csv_url=url_for("analytics.export", **{"from": start.isoformat(), "to": end.isoformat()}),
        rollup_minutes=int(duties.ROLLUP_EVERY.total_seconds() // 60),
        next_rollup=duties.next_rollup(),
    )
    return response, 200 if error is None else 400


@bp.get("/export.csv")
@studio_route()
def export():
    """The rollup rows of the range: one per day × campaign page or gallery × photo × product × currency,
    so every column adds up."""
    start, end, error = _range()
    if error is not None:  # as the report page: never a file of other dates than those asked for
        return Response(error + "\n", status=400, mimetype="text/plain")
    header = [
        _("Day"),
        _("Campaign page"),
        _("Gallery"),
        _("Photo"),
        _("Product"),
        _("Currency"),
        _("Page visits"),
        _("Impressions"),
        _("Photo sightings"),
        _("Interactions"),
        _("Clicks"),
        _("Click-through conversions"),
        _("View-through conversions"),
        _("Click-through revenue"),
        _("View-through revenue"),
    ]
    return csv_response(
        f"kuchikomi-report-{start}-{end}.csv", header, reports.export_rows(g.org.id, start, end)
    )


def embed_fields() -> list[tuple[str, str, str]]:
    days = current_app.config["ANALYTICS_RAW_DAYS"]
    kept = _("Yes, %(days)s days; then only in daily totals", days=days)
    return [
        ("g", _("The gallery's public id"), kept),
        (
            "pv",
            _("A random number made when the page loads, held in memory only (a new one on every page view)"),
            _("Yes, as part of the event id, %(days)s days, to drop duplicates", days=days),
        ),
        ("n", _("The event's number within the page view"), _("Yes, as part of the event id")),
        (
            "k",
            _(
                "The kind: impression (the gallery at least half in view for one second), interaction "
                "(a photo enlarged, the carousel moved) or click (a product link)"
            ),
            kept,
        ),
        ("p", _("The photo's public id (for interactions and clicks)"), kept),
        ("ps", _("The photos in view (impressions)"), kept),
        ("pr", _("The product of a clicked link"), kept),
        (
            "h",
            _("1 when the page saw a person scroll, touch, move the pointer or press a key"),
            _("No (beacons without it are not counted)"),
        ),
    ]


def conversion_fields() -> list[tuple[str, str, str]]:
    days = current_app.config["ANALYTICS_RAW_DAYS"]
    return [
        ("o", _("Your order id"), _("Only its SHA-256 hash, to count each order once")),
        (
            "val, cur",
            _("The order's value and currency"),
            _("Yes, %(days)s days; then only in daily totals", days=days),
        ),
        (
            "pr",
            _("Your product ids, SKUs or JAN codes in the order"),
            _("No; used to match the product of the gallery"),
        ),
        (
            "t",
            _(
                "The tab's notes of galleries seen or clicked (gallery, photo, product, clicked or not, "
                "seconds ago)"
            ),
            _(
                "Only the touch the sale is attributed to, as gallery, photo, product and "
                "click-through or view-through"
            ),
        ),
        ("pv", _("A random number made when the page loads"), _("Yes, as part of the event id")),
    ]


def request_fields() -> list[tuple[str, str, str]]:
    return [
        (
            "Origin",
            _("The sending page's scheme and domain (no path)"),
            _("No; checked against the gallery's allowed origins"),
        ),
        ("User-Agent", _("The browser's name and version"), _("No; used to drop robots")),
        (
            _("IP address"),
            _("The sender's network address"),
            _("No; counted in memory for one minute against floods"),
        ),
        (_("Time"), _("When the beacon arrived (by our clock)"), _("Yes, with the day in your time zone")),
    ]


@bp.get("/privacy")
@studio_route()
def privacy_notice():
    from urllib.parse import urlsplit

    from flask_babel import force_locale

    raw_days = current_app.config["ANALYTICS_RAW_DAYS"]
    # the public address, not the one this studio page was opened at (an internal name, localhost...)
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).netloc
    operator = current_app.config["OPERATOR_NAME"].strip()  # "" : the address alone, no placeholder
    notices = {}
    for language in ("ja", "en"):
        with force_locale(language):
            notices[language] = render_template(
                "analytics/_notice.html", host=host, operator=operator, raw_days=raw_days
            )
    return render_template(
        "analytics/privacy.html",
        embed_fields=embed_fields(),
        conversion_fields=conversion_fields(),
        request_fields=request_fields(),
        # our own template's output, escaped as it was rendered
        notice_ja=Markup(notices["ja"]),  # noqa: S704
        notice_en=Markup(notices["en"]),  # noqa: S704
        operator=operator,
    )
