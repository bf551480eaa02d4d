from __future__ import annotations

from pathlib import Path

import anyio
import pytest

from adapters.sql.database import Database
from adapters.sql.migrate import upgrade_to_head
from adapters.sql.nutrition_store import SqlNutritionStore
from entrypoints.cli import build_parser
from entrypoints.cli_nutrition import import_usda_command
from entrypoints.settings import load_settings

SAMPLE = Path(__file__).parent / "fooddata_sample.csv"


def test_psi_data_import_usda_is_wired() -> None:
    args = build_parser().parse_args(
        ["data", "import-usda", "--branded", "--source", str(SAMPLE), "--batch-size", "500"]
    )
    assert (args.branded, args.source, args.batch_size) == (True, SAMPLE, 500)
    assert args.func.__module__ == "entrypoints.cli_nutrition"
    assert build_parser().parse_args(["data", "import-usda"]).branded is False


@pytest.mark.parametrize("branded", [False, True])
async def test_import_command_fills_sqlite_and_is_idempotent(tmp_path: Path, branded: bool) -> None:
    settings = load_settings({}, var_dir=tmp_path)
    await anyio.to_thread.run_sync(upgrade_to_head, settings.sql_url)
    db = Database(settings.sql_url)
    try:
        for _ in range(2):
            report = await import_usda_command(
                settings, branded=branded, source=SAMPLE, batch_size=2, progress=False
            )
        assert report.store_count == (4 if branded else 3)
        store = SqlNutritionStore(db)
        [broccoli] = await store.candidates("broccoli", match_all=True, limit=5)
        assert broccoli.portion.grams == 76.0
    finally:
        await db.dispose()
