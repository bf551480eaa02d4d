"""Preferences area."""
