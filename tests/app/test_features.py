"""create_app walks one list of features, each with the same `init_app(app)` (issue 14: registration had
grown three styles, issue by issue)."""

import importlib
import sys
import types
from pathlib import Path

import campaign
from campaign import create_app

PACKAGE = Path(campaign.__file__).parent
CONFIG = {"SECRET_KEY": "x", "STORAGE_BACKEND": "memory", "SQLALCHEMY_DATABASE_URI": "sqlite://"}


def test_every_package_with_pages_or_commands_is_a_feature_with_init_app():
    features = set(campaign.FEATURES)
    for folder in sorted(p.parent for p in PACKAGE.glob("*/__init__.py")):
        has_routes = any((folder / f).exists() for f in ("views.py", "public_views.py", "cli.py"))
        if has_routes and folder.name != "storage":  # storage is infrastructure: its CLI comes with it
            assert f"campaign.{folder.name}" in features, folder.name
    for feature in campaign.FEATURES:
        assert callable(importlib.import_module(feature).init_app), feature


def test_adding_a_feature_is_one_line(monkeypatch):
    from flask import Blueprint

    feature = types.ModuleType("campaign_test_feature")
    bp = Blueprint("test_feature", __name__)
    bp.add_url_rule("/test-feature", "page", lambda: "here")

    def init_app(app):
        app.register_blueprint(bp)

    feature.init_app = init_app
    monkeypatch.setitem(sys.modules, "campaign_test_feature", feature)
    monkeypatch.setattr(campaign, "FEATURES", (*campaign.FEATURES, "campaign_test_feature"))
    assert create_app(CONFIG).test_client().get("/test-feature").text == "here"


def test_features_bring_their_duties_commands_and_storage_references():
    app = create_app(CONFIG)
    duties = [duty.name for duty in app.extensions["duties"]]
    assert duties == [
        "storage-gc",
        "sent-mails-forget",
        "form-nonces-purge",
        "entries-process",
        "entries-public-copies",
        "draws-expire-claims",
        "draws-purge-addresses",
        "sources-poll",
        "sources-recheck",
        "sources-hold",
        "rights-scan",
        "rights-expire",
        "webhooks-deliver",
        "privacy-retention",
        "analytics-rollup",
        "analytics-expire",
    ]
    assert len(app.extensions["storage_refs"]) == 4  # entries, brand images, frozen draw lists, snapshots
    assert {"draws", "entries", "orgs", "privacy", "users", "webhooks", "demo", "jobs", "storage"} <= set(
        app.cli.commands
    )
    assert "verify-instant" in app.cli.commands["draws"].commands  # instant win's, where verifiers look
    assert {"instant", "instant_public", "draws", "draw_public"} <= set(app.blueprints)


def test_create_app_carries_no_issue_comments():
    source = (PACKAGE / "__init__.py").read_text()
    assert "# issue" not in source and "wiring" not in source


def test_the_drawn_giveaway_does_not_depend_on_instant_win():
    """Instant win builds on draws (plan, seed, address rules) and adds its steps to draws' duty, command
    and check page through their hooks; draws imports nothing from it, so either can change alone."""
    import ast

    for path in (PACKAGE / "draws").rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            assert not any(name.startswith("campaign.instant") for name in names), path


def test_instant_wins_join_the_draws_duty_and_check_page():
    from campaign.draws import housekeeping, public_views
    from campaign.instant import fulfilment

    create_app(CONFIG)
    create_app(CONFIG)  # a second app adds nothing twice
    assert housekeeping.claim_expirers.count(fulfilment.expire_claims) == 1
    assert housekeeping.address_purgers.count(fulfilment.purge_addresses) == 1
    assert public_views.notice_finders.count(fulfilment.notice_of) == 1
