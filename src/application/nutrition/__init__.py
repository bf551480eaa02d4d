"""Nutrition use cases: look a food up, search the catalogue, import USDA data."""
