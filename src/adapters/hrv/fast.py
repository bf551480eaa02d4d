"""Time-domain HRV at ingestion speed, defined by neurokit2 and checked against it.

`nk.hrv_time` costs ~20 ms per one-minute window (60 % of it computing TINN, a
geometric index nothing here uses), which caps ingestion of beat-carrying samples
at ~50 per second per core. This analyzer keeps neurokit2's definitions to the
letter (differences only between beats with no removed beat between them, judged as
neurokit2 judges them; SDNN with ddof=1; RMSSD over
successive differences only; pNN50 over n-1+1 differences, as neurokit2 divides)
and computes just the four values in a few vectorised operations. The contract
suite holds it to neurokit2's own output to 1e-9 and to pyhrv's reference values.
LF/HF, rare and windowed, is left to neurokit2 itself.
"""

from __future__ import annotations

import neurokit2 as nk
import numpy as np

from adapters.hrv.neurokit import NeuroKitHrvAnalyzer
from domain.wellness.hrv import CleanBeats, TimeDomain


class FastHrvAnalyzer:
    name = f"numpy time domain checked against neurokit2 {nk.__version__}"

    def __init__(self) -> None:
        self._reference = NeuroKitHrvAnalyzer()

    def time_domain(self, beats: CleanBeats) -> TimeDomain:
        rri = np.asarray(beats.intervals_ms, dtype=float)
        diffs = np.diff(rri)
        if beats.removed:
            diffs = diffs[np.asarray(beats.successive(), dtype=bool)]
        mean_nn = float(rri.mean())
        return TimeDomain(
            mean_hr=60000.0 / mean_nn,
            rmssd=float(np.sqrt(np.mean(diffs**2))),
            sdnn=float(rri.std(ddof=1)),
            pnn50=float(np.count_nonzero(np.abs(diffs) > 50) / (len(diffs) + 1) * 100),
        )

    def lf_hf(self, beats: CleanBeats) -> float | None:
        return self._reference.lf_hf(beats)
