"""POST /biometrics/samples: validate, derive features, classify, store once, rescore days."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from uuid import UUID

from application.ports.clock import Clock
from application.ports.privacy import ConsentRepository
from application.ports.wellness import EmotionSeries, HrvAnalyzer, MoodCheckIns, WellnessScores
from application.privacy.consents import RequireConsent
from application.wellness.daily import RecomputeDays
from application.wellness.features import extract_features
from domain.privacy.consent import ConsentKind
from domain.wellness.baseline import WINDOW_DAYS, Baseline, build_baseline
from domain.wellness.emotion import EmotionState, classify
from domain.wellness.mood import VALENCE_HORIZON, reported_valence
from domain.wellness.samples import BiometricSample, SampleInput, validate_batch
from domain.wellness.series import EmotionPoint


@dataclass(frozen=True, slots=True)
class IngestResult:
    accepted: int
    duplicates: int


def _unique(samples: list[BiometricSample]) -> list[BiometricSample]:
    """First of each (source, timestamp) in the batch; repeats count as duplicates."""
    seen: set[tuple[str, object]] = set()
    out = []
    for s in samples:
        key = (s.source, s.timestamp)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


@dataclass(slots=True)
class IngestBiometrics:
    consents: ConsentRepository
    series: EmotionSeries
    scores: WellnessScores
    moods: MoodCheckIns
    clock: Clock
    hrv: HrvAnalyzer | None
    _recompute: RecomputeDays = field(init=False)

    def __post_init__(self) -> None:
        self._recompute = RecomputeDays(self.series, self.scores)

    async def __call__(self, user_id: UUID, batch: Sequence[SampleInput]) -> IngestResult:
        await RequireConsent(self.consents)(user_id, ConsentKind.BIOMETRICS)
        now = self.clock.now()
        samples = validate_batch(batch, now)  # all or nothing: raises before anything is stored
        unique = _unique(samples)
        baselines = await self._baselines(user_id, {s.timestamp.date() for s in unique})
        first = min(s.timestamp for s in unique)
        last = max(s.timestamp for s in unique)
        check_ins = await self.moods.between(user_id, first - VALENCE_HORIZON, last)
        points = []
        # classify is pure: readings a wearable repeats (same heart rate and HRV on the same
        # day, same mood context) are judged once per batch.
        judged: dict[tuple[object, ...], EmotionState] = {}
        for s in unique:
            features = extract_features(s, self.hrv)
            valence = reported_valence(check_ins, s.timestamp) if check_ins else None
            day = s.timestamp.date()
            key = (features.heart_rate, features.rmssd, features.origin,
                   features.artefact_share, day, valence)
            state = judged.get(key)
            if state is None:
                state = judged[key] = classify(features, baselines[day], valence)
            points.append(EmotionPoint(
                user_id=user_id, timestamp=s.timestamp, source=s.source,
                heart_rate=s.heart_rate, hrv_rmssd=features.rmssd, hrv_sdnn=features.sdnn,
                pnn50=features.pnn50, stress_score=state.stress.score, emotion=state.emotion,
                confidence=state.confidence))
        stored = await self.series.add(points)
        await self._recompute(user_id, {p.timestamp.astimezone(UTC).date() for p in stored}, now)
        return IngestResult(accepted=len(stored), duplicates=len(samples) - len(stored))

    async def _baselines(self, user_id: UUID, days: set[date]) -> dict[date, Baseline]:
        """One read of the daily rows covers the baseline of every day in the batch."""
        rows = await self.scores.between(
            user_id, min(days) - timedelta(days=WINDOW_DAYS), max(days) - timedelta(days=1))
        history = [r.physiology() for r in rows]
        return {day: build_baseline(history, day) for day in days}
