"""Studio pages for the audit trail: per campaign (page and CSV); per entry it is on the entry's page."""

from flask import Blueprint, g, render_template

from campaign.audit import labels, names, queries, values
from campaign.campaigns.models import Campaign
from campaign.csv_export import csv_response
from campaign.orgs import services as orgs
from campaign.orgs.access import studio_route

bp = Blueprint("audit", __name__, url_prefix="/studio")
PAGE_LIMIT = 500
bp.add_app_template_filter(labels.event_label, "audit_event")
bp.add_app_template_filter(labels.reason_label, "audit_reason")
bp.add_app_template_filter(labels.object_label, "audit_object")
bp.add_app_template_filter(labels.actor_label, "audit_actor")
bp.add_app_template_filter(labels.field_label, "audit_field")
bp.add_app_template_filter(labels.after_label, "audit_after")
bp.add_app_template_global(values.field_value, "audit_value")
bp.add_app_template_global(names.object_name, "audit_object_name")


@bp.get("/campaigns/<campaign_id>/audit")
@studio_route("view_audit")
def campaign_events(campaign_id: str):
    campaign = orgs.get_scoped(Campaign, g.org, campaign_id)
    events = queries.events_for_campaign(g.org, campaign.id, limit=PAGE_LIMIT)
    entries = queries.entries_named(g.org, events)
    return render_template(
        "audit/campaign.html", campaign=campaign, events=events, entries=entries, limit=PAGE_LIMIT
    )


@bp.get("/campaigns/<campaign_id>/audit.csv")
@studio_route("view_audit")
def export_campaign(campaign_id: str):
    campaign = orgs.get_scoped(Campaign, g.org, campaign_id)
    rows = list(queries.csv_rows(g.org, campaign.id))
    return csv_response(f"audit-{campaign.slug}.csv", queries.CSV_HEADER, rows)
