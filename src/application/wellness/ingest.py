"""POST /biometrics/samples: validate, derive features, classify, store once, rescore days.

A batch of up to 1,000 samples travels as columns (`SampleColumns` -> `FeatureColumns`
-> `PointColumns`) and is classified in one vectorised pass (`classify_many`, the same
results as `classify` sample by sample); the store takes it in one round trip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

from application.ports.clock import Clock
from application.ports.privacy import ConsentRepository
from application.ports.wellness import EmotionSeries, HrvAnalyzer, MoodCheckIns, WellnessScores
from application.privacy.consents import RequireConsent
from application.wellness.daily import WINDOW, RecomputeDays
from application.wellness.features import extract_feature_columns
from domain.privacy.consent import ConsentKind
from domain.wellness.activity import declared_active
from domain.wellness.baseline import build_baseline
from domain.wellness.emotion import classify_many
from domain.wellness.mood import VALENCE_HORIZON, reported_valence
from domain.wellness.samples import RawSample, validate_columns
from domain.wellness.series import PointColumns


@dataclass(frozen=True, slots=True)
class IngestResult:
    accepted: int
    duplicates: int


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

    async def __call__(self, user_id: UUID, batch: Sequence[RawSample]) -> IngestResult:
        await RequireConsent(self.consents)(user_id, ConsentKind.BIOMETRICS)
        now = self.clock.now()
        # all or nothing: raises before anything is stored
        samples = validate_columns(batch, now).canonical()
        sample_days = samples.days()
        days = sorted(set(sample_days))
        # One read of the daily rows covers the baseline of every day in the batch and
        # the later days whose baseline those days feed (rescored below).
        known = await self.scores.between(user_id, days[0] - WINDOW, days[-1] + WINDOW)
        history = [r.physiology() for r in known]
        baselines = [build_baseline(history, day) for day in days]
        index = {day: i for i, day in enumerate(days)}
        check_ins = await self.moods.between(
            user_id, min(samples.timestamps) - VALENCE_HORIZON, max(samples.timestamps)
        )
        valences = (
            [reported_valence(check_ins, ts) for ts in samples.timestamps] if check_ins else None
        )
        features = extract_feature_columns(samples, self.hrv)
        states = classify_many(
            features,
            baselines,
            [index[d] for d in sample_days],
            valences,
            declared_active(samples.activity, samples.steps, samples.interval_s),
        )
        stored = await self.series.add_columns(
            PointColumns(
                user_id=user_id,
                timestamps=samples.timestamps,
                sources=samples.sources,
                heart_rate=samples.heart_rate,
                hrv_rmssd=features.rmssd,
                hrv_sdnn=features.sdnn,
                pnn50=features.pnn50,
                stress_score=states.stress_score,
                emotion=states.emotion,
                confidence=states.confidence,
                artefact_share=_or_none(features.artefact_share),
                steps=_or_none(samples.steps),
                activity=_or_none(samples.activity),
                interval_s=_or_none(samples.interval_s),
            )
        )
        await self._recompute(user_id, stored.days, now, known=known)
        return IngestResult(accepted=stored.count, duplicates=len(batch) - stored.count)


def _or_none(column: list) -> list | None:
    """A column, or None when no sample carried a value (stores skip it)."""
    return column if any(v is not None for v in column) else None
