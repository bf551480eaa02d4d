"""Nutrition: the nutrient vocabulary, foods per 100 g, name matching and portions."""
