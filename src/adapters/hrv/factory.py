"""Pick the HRV library, or say plainly why there is none."""

from __future__ import annotations

from dataclasses import dataclass

from application.ports.wellness import HrvAnalyzer


@dataclass(frozen=True, slots=True)
class HrvBackend:
    analyzer: HrvAnalyzer | None
    description: str


def build_hrv_backend() -> HrvBackend:
    """neurokit2 when importable; otherwise features come from the devices' own values."""
    try:
        from adapters.hrv.neurokit import NeuroKitHrvAnalyzer
    except ImportError as exc:  # the optional "hrv" extra is not installed
        return HrvBackend(
            analyzer=None,
            description=(f"neurokit2 is not importable ({exc}); install the 'hrv' extra. "
                         "HRV features come from the devices' summary values."),
        )
    analyzer = NeuroKitHrvAnalyzer()
    return HrvBackend(analyzer=analyzer, description=f"HRV features computed by {analyzer.name}")
