"""Pick the HRV library, or say plainly why there is none."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from application.ports.wellness import HrvAnalyzer

HrvEngine = Literal["fast", "neurokit2"]


@dataclass(frozen=True, slots=True)
class HrvBackend:
    analyzer: HrvAnalyzer | None
    description: str


def build_hrv_backend(engine: HrvEngine = "fast") -> HrvBackend:
    """neurokit2 (the optional "hrv" extra) when importable; otherwise device values.

    `fast` computes the time domain with neurokit2's definitions in numpy (held to
    neurokit2's output by the contract tests) and LF/HF with neurokit2;
    `neurokit2` calls `nk.hrv_time` for every sample (~20 ms each).
    """
    try:
        if engine == "neurokit2":
            from adapters.hrv.neurokit import NeuroKitHrvAnalyzer as Analyzer
        else:
            from adapters.hrv.fast import FastHrvAnalyzer as Analyzer
    except ImportError as exc:  # the optional "hrv" extra is not installed
        return HrvBackend(
            analyzer=None,
            description=(
                f"neurokit2 is not importable ({exc}); install the 'hrv' extra. "
                "HRV features come from the devices' summary values."
            ),
        )
    analyzer = Analyzer()
    return HrvBackend(analyzer=analyzer, description=f"HRV features computed by {analyzer.name}")
