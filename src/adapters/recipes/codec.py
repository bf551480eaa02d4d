"""Recipes to and from plain JSON documents (how the SQL catalogue stores them)."""

from __future__ import annotations

import uuid
from typing import Any

from domain.recipes.ingredients import Ingredient
from domain.recipes.nutrition import NutritionPerServing
from domain.recipes.recipe import Attribution, Recipe
from domain.recipes.vocabulary import Allergen, Cuisine, Diet, Trait

# 2: safety (verified, unverified_lines) and nutrition coverage. A version-1 document
# reads back unverified, so a catalogue stored before it fails closed until re-imported.
DOCUMENT_VERSION = 2


def recipe_to_document(recipe: Recipe) -> dict[str, Any]:
    a = recipe.attribution
    n = recipe.nutrition
    return {
        "v": DOCUMENT_VERSION,
        "id": str(recipe.id),
        "title": recipe.title,
        "category": recipe.category,
        "cuisine": recipe.cuisine.value if recipe.cuisine else None,
        "ingredients": [
            [
                i.text,
                i.name,
                i.quantity,
                i.quantity_max,
                i.unit,
                i.optional,
                sorted(t.value for t in i.traits),
            ]
            for i in recipe.ingredients
        ],
        "steps": list(recipe.steps),
        "servings": recipe.servings,
        "total_minutes": recipe.total_minutes,
        "difficulty": recipe.difficulty,
        "allergens": sorted(x.value for x in recipe.allergens),
        "diets": sorted(x.value for x in recipe.diets),
        "traits": sorted(x.value for x in recipe.traits),
        "attribution": {
            "source": a.source,
            "source_url": a.source_url,
            "authors": a.authors,
            "license": a.license,
            "license_url": a.license_url,
            "changes": a.changes,
        },
        "nutrition": None
        if n is None
        else {
            "calories": n.calories,
            "protein_g": n.protein_g,
            "carbs_g": n.carbs_g,
            "fat_g": n.fat_g,
            "fiber_g": n.fiber_g,
            "sugar_g": n.sugar_g,
            "coverage": n.coverage,
            "source": n.source,
        },
        "search_text": recipe.search_text,
        "verified": recipe.verified,
        "nutrition_coverage": recipe.nutrition_coverage,
        "unverified_lines": list(recipe.unverified_lines),
    }


def recipe_from_document(doc: dict[str, Any]) -> Recipe:
    n = doc.get("nutrition")
    return Recipe(
        id=uuid.UUID(doc["id"]),
        title=doc["title"],
        category=doc.get("category"),
        cuisine=Cuisine(doc["cuisine"]) if doc.get("cuisine") else None,
        ingredients=tuple(
            Ingredient(
                text,
                name,
                quantity,
                quantity_max,
                unit,
                optional,
                frozenset(Trait(t) for t in traits),
            )
            for text, name, quantity, quantity_max, unit, optional, traits in doc["ingredients"]
        ),
        steps=tuple(doc["steps"]),
        servings=doc.get("servings"),
        total_minutes=doc.get("total_minutes"),
        difficulty=doc.get("difficulty"),
        allergens=frozenset(Allergen(x) for x in doc["allergens"]),
        diets=frozenset(Diet(x) for x in doc["diets"]),
        traits=frozenset(Trait(x) for x in doc["traits"]),
        attribution=Attribution(**doc["attribution"]),
        nutrition=NutritionPerServing(**n) if n else None,
        search_text=doc.get("search_text", ""),
        unverified_lines=tuple(doc.get("unverified_lines") or ()),
        verified=doc.get("v") == DOCUMENT_VERSION and bool(doc.get("verified")),
        nutrition_coverage=doc.get("nutrition_coverage"),
    )


def mask_of(values: frozenset[Any], vocabulary: list[Any]) -> int:
    """Bit i set when vocabulary[i] is in values (SQL filters with `mask & bit`)."""
    return sum(1 << i for i, v in enumerate(vocabulary) if v in values)


DIET_BITS = list(Diet)
ALLERGEN_BITS = list(Allergen)
