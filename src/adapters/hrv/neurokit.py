"""HRV features computed by neurokit2 (the optional `hrv` extra)."""

from __future__ import annotations

import math
import warnings

import neurokit2 as nk
import numpy as np

from domain.wellness.hrv import CleanBeats, TimeDomain


def _as_input(beats: CleanBeats) -> dict[str, np.ndarray]:
    # Interval times let neurokit2 see where removed beats left a gap, so it never
    # takes a successive difference across an artefact.
    return {
        "RRI": np.asarray(beats.intervals_ms, dtype=float),
        "RRI_Time": np.asarray(beats.times_s, dtype=float),
    }


class NeuroKitHrvAnalyzer:
    name = f"neurokit2 {nk.__version__}"

    def time_domain(self, beats: CleanBeats) -> TimeDomain:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            row = nk.hrv_time(_as_input(beats), sampling_rate=1000).iloc[0]
        mean_nn = float(row["HRV_MeanNN"])
        return TimeDomain(
            mean_hr=60000.0 / mean_nn,
            rmssd=float(row["HRV_RMSSD"]),
            sdnn=float(row["HRV_SDNN"]),
            pnn50=float(row["HRV_pNN50"]),
        )

    def lf_hf(self, beats: CleanBeats) -> float | None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            row = nk.hrv_frequency(_as_input(beats), sampling_rate=1000, psd_method="welch").iloc[0]
        value = float(row["HRV_LFHF"])
        return value if math.isfinite(value) and value > 0 else None
