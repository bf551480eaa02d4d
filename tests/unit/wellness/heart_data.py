"""Real heart data for the wellness tests, shaped as wearable samples.

- pyhrv's hour-long NN series (tests/fixtures/hrv), cut into one-minute samples
  with their beat-to-beat intervals;
- heartpy's 11-minute PPG recording, turned into beats by neurokit2 the way a
  phone app would, then cut the same way.
"""

from __future__ import annotations

import functools
import warnings
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "hrv"


def minute_chunks(rr_ms: np.ndarray) -> list[list[float]]:
    """Consecutive beats grouped into the minute they end in."""
    ends = np.cumsum(rr_ms) / 1000.0
    minute = (ends // 60).astype(int)
    return [
        [float(x) for x in rr_ms[minute == m]]
        for m in range(int(minute.max()) + 1)
        if (minute == m).sum() >= 10
    ]


def samples_from_beats(
    chunks: list[list[float]], start: datetime, source: str = "polar"
) -> list[dict]:
    return [
        {
            "timestamp": (start + timedelta(minutes=i)).isoformat().replace("+00:00", "Z"),
            "heart_rate": round(60000.0 / float(np.mean(rr)), 1),
            "rr_intervals_ms": rr,
            "source": source,
        }
        for i, rr in enumerate(chunks)
    ]


def pyhrv_hour() -> list[list[float]]:
    return minute_chunks(np.load(FIXTURES / "SampleNNISeriesLong.npy").astype(float))


def pyhrv_day(start: datetime) -> list[dict]:
    """24 hours of per-minute samples: the real hour, repeated through the day."""
    hour = pyhrv_hour()[:60]
    samples = []
    for h in range(24):
        samples += samples_from_beats(hour, start + timedelta(hours=h))
    return samples


@functools.cache
def heartpy_ppg_beats() -> list[list[float]]:
    import heartpy as hp
    import neurokit2 as nk

    data, timer = hp.load_exampledata(2)
    fs = hp.get_samplerate_datetime(timer, timeformat="%Y-%m-%d %H:%M:%S.%f")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, info = nk.ppg_process(data, sampling_rate=fs)
    rr = np.diff(info["PPG_Peaks"]) / fs * 1000.0
    return minute_chunks(rr)
