"""Signed webhook deliveries to organisations' endpoints."""
