"""Recipes area."""
