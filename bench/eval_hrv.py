"""Issue 16 numbers: per-minute HRV through the API against pyhrv-style arithmetic.

pyhrv's real 60-minute NN series (tests/fixtures/hrv/SampleNNISeriesLong.npy, 4,684 beats;
pyhrv's own report: SDNN 85.36 ms, RMSSD 60.52 ms, pNN50 28.57 %) is cut into the minute
each beat ends in and sent, uncleaned, as 60 one-minute samples (`rr_intervals_ms`) in one
POST /biometrics/samples, embedded profile, in process. Each stored minute's `hrv_rmssd`
and `hrv_sdnn` (read back with GET /emotions?resolution=raw) is compared with RMSSD
(root mean square of successive differences) and SDNN (sample standard deviation) of the
same beats, as pyhrv computes them. Targets: median error within 2 %, at least 90 % of
minutes within 5 %. The whole hour through the same artefact correction is compared with
pyhrv's report too.

Run: `PYTHONPATH=src .venv/bin/python bench/eval_hrv.py` (a few seconds). Prints markdown.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO)]

from tests.support.app import Api, api_client, embedded_settings  # noqa: E402

from adapters.clock import ManualClock  # noqa: E402
from adapters.hrv.factory import build_hrv_backend  # noqa: E402
from domain.wellness.hrv import clean_beats  # noqa: E402

PYHRV = {"sdnn": 85.36, "rmssd": 60.52, "pnn50": 28.57}
START = datetime(2026, 11, 10, 8, 0, tzinfo=UTC)


def minutes(rr: np.ndarray) -> list[np.ndarray]:
    ends = np.cumsum(rr) / 1000.0
    minute = (ends // 60).astype(int)
    return [rr[minute == m] for m in range(60)]


def rmssd(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.diff(x) ** 2)))


def sdnn(x: np.ndarray) -> float:
    return float(np.std(x, ddof=1))


def z(dt: datetime) -> str:
    return dt.isoformat().replace("+00:00", "Z")


async def through_api(chunks: list[np.ndarray]) -> list[dict]:
    clock = ManualClock(START + timedelta(hours=1, minutes=5))
    with tempfile.TemporaryDirectory() as tmp:
        async with api_client(embedded_settings(Path(tmp)), clock) as client:
            api = Api(client)
            _, headers, _ = await api.user(consents={"biometrics": True, "food_photos": False})
            samples = [
                {
                    "timestamp": z(START + timedelta(minutes=i)),
                    "heart_rate": round(60000.0 / float(c.mean()), 1),
                    "rr_intervals_ms": c.tolist(),
                    "source": "polar",
                }
                for i, c in enumerate(chunks)
            ]
            r = await client.post(
                "/api/v1/biometrics/samples", json={"samples": samples}, headers=headers
            )
            assert r.status_code == 201, r.text
            got = await client.get(
                "/api/v1/emotions",
                headers=headers,
                params={
                    "from": z(START),
                    "to": z(START + timedelta(hours=1)),
                    "resolution": "raw",
                    "per_page": 100,
                },
            )
            assert got.status_code == 200, got.text
            return got.json()["data"]


def line(name: str, errors: np.ndarray) -> str:
    median = float(np.median(errors))
    within = float(np.mean(np.abs(errors) <= 0.05))
    ok = abs(median) <= 0.02 and within >= 0.9
    return (
        f"| {name} | {median * 100:+.2f} % | {np.mean(np.abs(errors)) * 100:.2f} % | "
        f"{np.max(np.abs(errors)) * 100:.1f} % | {within * 100:.0f} % "
        f"({'met' if ok else 'NOT met'}) |"
    )


def main() -> None:
    rr = np.load(REPO / "tests" / "fixtures" / "hrv" / "SampleNNISeriesLong.npy").astype(float)
    chunks = minutes(rr)
    points = asyncio.run(through_api(chunks))
    assert len(points) == 60, len(points)
    got_rmssd = np.array([p["hrv_rmssd"] for p in points], dtype=float)
    got_sdnn = np.array([p["hrv_sdnn"] for p in points], dtype=float)
    want_rmssd = np.array([rmssd(c) for c in chunks])
    want_sdnn = np.array([sdnn(c) for c in chunks])
    shares = np.array([p["artefact_share"] for p in points], dtype=float)
    analyzer = build_hrv_backend("fast").analyzer
    hour = clean_beats(rr)
    td = analyzer.time_domain(hour)
    print("## HRV through the API against pyhrv (issue 16)\n")
    print(
        f"Command: `PYTHONPATH=src .venv/bin/python bench/eval_hrv.py`. pyhrv's real "
        f"60-minute series, uncleaned, as 60 one-minute samples ({len(rr):,} beats, "
        f"{min(len(c) for c in chunks)}-{max(len(c) for c in chunks)} a minute) in one "
        "POST, embedded profile; each minute's stored value against RMSSD / SDNN of the "
        "same beats computed as pyhrv does.\n"
    )
    print("| measure | median error | mean abs error | worst minute | minutes within 5 % |")
    print("|---|---|---|---|---|")
    print(line("RMSSD per minute", got_rmssd / want_rmssd - 1))
    print(line("SDNN per minute", got_sdnn / want_sdnn - 1))
    print(
        f"\nArtefact share per minute (beats dropped or corrected): median "
        f"{np.median(shares) * 100:.1f} %, max {shares.max() * 100:.1f} %; minutes with none: "
        f"{int(np.sum(shares == 0))} of 60.\n"
    )
    print(
        "Whole hour through the same correction vs pyhrv's report: "
        f"RMSSD {td.rmssd:.2f} ms (pyhrv {PYHRV['rmssd']}, {td.rmssd / PYHRV['rmssd'] - 1:+.2%}),"
        f" SDNN {td.sdnn:.2f} ms (pyhrv {PYHRV['sdnn']}, {td.sdnn / PYHRV['sdnn'] - 1:+.2%}); "
        f"{hour.removed} beats dropped, {hour.corrected} corrected of {hour.total:,}."
    )


if __name__ == "__main__":
    main()
