"""Recommendations area."""
