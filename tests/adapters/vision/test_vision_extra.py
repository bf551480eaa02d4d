"""A missing `vision` extra skips with a reason naming it, or fails under PSI_REQUIRE_VISION=1."""

from __future__ import annotations

import pytest

from tests.adapters.vision.extra import require


def test_missing_extra_skips_naming_the_extra_and_the_switch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PSI_REQUIRE_VISION", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        require("json", "psi_no_such_module")
    reason = str(skipped.value)
    assert "`vision` extra" in reason and "psi_no_such_module" in reason
    assert "PSI_REQUIRE_VISION=1" in reason and "json" not in reason.split("(")[1]


def test_missing_extra_fails_when_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PSI_REQUIRE_VISION", "1")
    with pytest.raises(pytest.fail.Exception):
        require("psi_no_such_module")
    require("json")  # present: nothing happens
