"""/ready names reference data that was never imported, without leaving rotation."""

from __future__ import annotations

import pytest

from tests.support.app import api_client, embedded_settings


@pytest.mark.parametrize("auto_import", [False, True])
async def test_ready_names_missing_reference_data(tmp_path, clock, auto_import) -> None:
    settings = embedded_settings(tmp_path, nutrition_auto_import=auto_import)
    async with api_client(settings, clock) as client:
        r = await client.get("/ready")
    assert r.status_code == 200
    warnings = r.json()["data"]["warnings"]
    if auto_import:
        assert not any(w.startswith("usda_foods") for w in warnings), warnings
    else:
        assert any(w.startswith("usda_foods") and "psi data import-usda" in w for w in warnings), (
            warnings
        )
