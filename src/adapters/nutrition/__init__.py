"""Nutrition data sources: the offline USDA extract, the FoodData Central API, its cache."""
