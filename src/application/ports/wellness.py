"""Ports for biometrics, emotions and wellness."""

from __future__ import annotations

from typing import Protocol

from domain.wellness.hrv import CleanBeats, TimeDomain


class HrvAnalyzer(Protocol):
    """An HRV library: the arithmetic over beats the domain has already cleaned."""

    name: str

    def time_domain(self, beats: CleanBeats) -> TimeDomain:
        """Mean HR, RMSSD, SDNN and pNN50; successive differences never span a removed beat."""
        ...

    def lf_hf(self, beats: CleanBeats) -> float | None:
        """LF/HF power ratio; only asked for windows `beats.usable_for_lf_hf` allows."""
        ...
