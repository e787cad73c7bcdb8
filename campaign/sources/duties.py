"""The sources' periodic duties, run by `campaign.schedule` under their leases (no cron)."""

from datetime import datetime


def poll(now: datetime) -> str:
    from campaign.sources.poll import poll_all

    return ", ".join(f"{count} {outcome}" for outcome, count in poll_all(now=now).items()) or "no sources"


def recheck(now: datetime) -> str:
    from campaign.sources.removal import recheck_all

    return f"{recheck_all(now=now)} removed upstream"


def hold(now: datetime) -> str:
    from campaign.sources.holds import hold_unchecked

    return f"{hold_unchecked(now=now)} held"
