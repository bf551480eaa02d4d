"""Issue 15 items 4 and 5 (recipes): safety and nutrition over the whole shipped catalogue.

Builds every Wikibooks recipe, prices it against the packaged USDA extract (in memory, as
the embedded profile does), and reports: verified / unverified recipes, recipes per
allergen and diet, the nutrition-coverage distribution, how many have nutrition per
serving, and a few recipes whose kcal per serving is checked against a hand calculation
from USDA SR Legacy values (`HAND_CHECKS`).

Run: `PYTHONPATH=src .venv/bin/python bench/eval_recipes.py`
"""

from __future__ import annotations

import asyncio
import collections
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from adapters.memory.nutrition_store import MemoryNutritionStore
from adapters.memory.recipes import MemoryRecipeCatalogue
from adapters.nutrition.usda_csv import UsdaCsvSource
from adapters.recipes.serving import ServedFridgeIndex
from adapters.recipes.wikibooks import read_recipes
from application.nutrition.import_usda import ImportUsda
from application.nutrition.lookup import LookupNutrition
from application.recipes.import_catalogue import ImportRecipes
from application.recipes.usda_nutrition import UsdaIngredientNutrition
from domain.recipes.nutrition import MIN_COVERAGE
from domain.recipes.vocabulary import Allergen, Diet

# title -> (servings, [(grams, kcal per 100 g from USDA SR Legacy, what)]): the hand sums.
HAND_CHECKS: dict[str, tuple[int, list[tuple[float, float, str]]]] = {
    "Blackberry Mush": (
        4,
        [(100, 43, "blackberries, raw"), (80, 387, "sugars, granulated"), (20, 381, "cornstarch")],
    ),
    "Carrot and Raisin Salad": (
        2,
        [
            (250, 41, "carrots, raw"),
            (40, 299, "raisins, seedless"),
            (58, 29, "lemon, raw, 1 medium"),
            (131, 47, "orange, raw, 1 medium"),
        ],
    ),
    "Flaky Pie Crust": (
        2,
        [(310, 364, "wheat flour, all-purpose"), (4, 387, "sugar"), (225, 717, "butter, salted")],
    ),
    "Ciabatta": (
        4,
        [
            (350, 364, "wheat flour, all-purpose"),
            (38, 884, "oil, olive"),
            (4, 325, "yeast, active dry, 1 tsp"),
        ],
    ),
    "Alfredo Sauce": (
        4,
        [(230, 717, "butter"), (230, 392, "parmesan, hard"), (450, 384, "noodles, egg, dry")],
    ),
}


async def main() -> int:
    store = MemoryNutritionStore()
    await ImportUsda(UsdaCsvSource.default(), store)()
    licence, sources = read_recipes()
    with tempfile.TemporaryDirectory() as tmp:
        catalogue = MemoryRecipeCatalogue()
        started = time.perf_counter()
        report = await ImportRecipes(
            catalogue,
            ServedFridgeIndex(Path(tmp) / "index.npz"),
            UsdaIngredientNutrition(LookupNutrition(store)),
        )(licence, sources)
        seconds = time.perf_counter() - started
    recipes = await catalogue.all()
    verified = sum(r.verified for r in recipes)
    print(
        f"recipes {len(recipes)}: verified {verified}, unverified {len(recipes) - verified}"
        f" ({sum(len(r.unverified_lines) for r in recipes)} unrecognised lines);"
        f" import with nutrition {seconds:.1f} s"
    )
    print(
        "with allergen: "
        + ", ".join(f"{a.value} {sum(a in r.allergens for r in recipes)}" for a in Allergen)
    )
    print(
        "offered to someone allergic (verified, free of it): "
        + ", ".join(
            f"{a.value} {sum(r.verified and a not in r.allergens for r in recipes)}"
            for a in Allergen
        )
    )
    print(
        "fits diet (verified only): "
        + ", ".join(f"{d.value} {sum(d in r.diets for r in recipes)}" for d in Diet)
    )
    buckets = collections.Counter()
    for r in recipes:
        c = r.nutrition_coverage
        buckets["none" if c is None else f"{min(int(c * 10), 9) / 10:.1f}"] += 1
    print(
        "coverage (lower edge of tenth): " + ", ".join(f"{k} {buckets[k]}" for k in sorted(buckets))
    )
    with_servings = sum(r.servings is not None for r in recipes)
    covered = sum((r.nutrition_coverage or 0) >= MIN_COVERAGE for r in recipes)
    print(
        f"servings stated {with_servings}; coverage >= {MIN_COVERAGE} {covered}; "
        f"nutrition per serving {report.with_nutrition}"
    )
    failures = 0
    by_title = {r.title: r for r in recipes}
    for title, (servings, lines) in HAND_CHECKS.items():
        hand = sum(g * kcal / 100 for g, kcal, _ in lines) / servings
        recipe = by_title[title]
        got = recipe.nutrition.calories if recipe.nutrition else None
        ok = got is not None and abs(got - hand) <= 0.15 * hand
        failures += not ok
        print(
            f"  {title}: hand {hand:.0f} kcal/serving, computed {got} "
            f"(coverage {recipe.nutrition_coverage}) {'ok' if ok else 'OFF'}"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
