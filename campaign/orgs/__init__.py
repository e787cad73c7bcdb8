"""Organisations (brands, agencies) and their members' roles."""
