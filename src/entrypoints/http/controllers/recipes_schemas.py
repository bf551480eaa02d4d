"""Response structs of the recipes area (shared by recipes, fridge and recommendations)."""

from __future__ import annotations

from domain.recipes.rating import RatingSummary
from domain.recipes.recipe import Attribution, Recipe
from entrypoints.http.schemas.base import Output


class AttributionOut(Output):
    """Where the recipe comes from and its licence (CC BY-SA: keep this with the text)."""

    source: str
    source_url: str
    authors: str
    license: str
    license_url: str
    changes: str

    @classmethod
    def of(cls, a: Attribution) -> AttributionOut:
        return cls(
            source=a.source,
            source_url=a.source_url,
            authors=a.authors,
            license=a.license,
            license_url=a.license_url,
            changes=a.changes,
        )


class IngredientOut(Output):
    text: str
    name: str
    quantity: float | None
    quantity_max: float | None
    unit: str | None
    optional: bool


class NutritionPerServingOut(Output):
    """Per serving, from the lines whose weight and USDA food are known; `coverage` is the
    share of the recipe's mass they make up (given only at 0.85 or more)."""

    calories: float
    protein_g: float
    carbs_g: float
    fat_g: float
    fiber_g: float
    sugar_g: float
    coverage: float
    source: str


class RecipeSummaryOut(Output):
    id: str
    title: str
    category: str | None
    cuisine: str | None
    servings: int | None
    total_minutes: int | None
    difficulty: int | None
    ingredient_names: list[str]
    allergens: list[str]
    diets: list[str]
    average_rating: float | None
    rating_count: int
    attribution: AttributionOut

    @classmethod
    def of(cls, r: Recipe, rating: RatingSummary) -> RecipeSummaryOut:
        return cls(
            id=str(r.id),
            title=r.title,
            category=r.category,
            cuisine=r.cuisine.value if r.cuisine else None,
            servings=r.servings,
            total_minutes=r.total_minutes,
            difficulty=r.difficulty,
            ingredient_names=list(r.ingredient_names),
            allergens=sorted(a.value for a in r.allergens),
            diets=sorted(d.value for d in r.diets),
            average_rating=rating.average,
            rating_count=rating.count,
            attribution=AttributionOut.of(r.attribution),
        )


class RecipeOut(RecipeSummaryOut):
    ingredients: list[IngredientOut]
    steps: list[str]
    nutrition: NutritionPerServingOut | None
    # Second wave: null where it cannot be computed honestly (coverage below 0.85 or no
    # stated servings); the coverage is given either way. `nutrition` is the same object.
    nutrition_per_serving: NutritionPerServingOut | None
    nutrition_coverage: float | None
    unverified_lines: list[str]

    @classmethod
    def of(cls, r: Recipe, rating: RatingSummary) -> RecipeOut:  # type: ignore[override]
        summary = RecipeSummaryOut.of(r, rating)
        n = r.nutrition
        per_serving = (
            None
            if n is None
            else NutritionPerServingOut(
                calories=n.calories,
                protein_g=n.protein_g,
                carbs_g=n.carbs_g,
                fat_g=n.fat_g,
                fiber_g=n.fiber_g,
                sugar_g=n.sugar_g,
                coverage=n.coverage,
                source=n.source,
            )
        )
        return cls(
            **{f: getattr(summary, f) for f in RecipeSummaryOut.__struct_fields__},
            ingredients=[
                IngredientOut(
                    text=i.text,
                    name=i.name,
                    quantity=i.quantity,
                    quantity_max=i.quantity_max,
                    unit=i.unit,
                    optional=i.optional,
                )
                for i in r.ingredients
            ],
            steps=list(r.steps),
            nutrition=per_serving,
            nutrition_per_serving=per_serving,
            nutrition_coverage=r.nutrition_coverage,
            unverified_lines=list(r.unverified_lines),
        )
