"""The campaign dashboard: counts by state and entries per day."""
