"""Galleries of approved photos, their published snapshots and embeds."""
