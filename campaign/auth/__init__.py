"""Marketer accounts: login, sessions, password hashing."""
