"""From validated samples to HRV features: beats when usable, else the device's values."""

from __future__ import annotations

from application.ports.wellness import HrvAnalyzer
from domain.wellness.hrv import (
    FeatureColumns,
    HrvFeatures,
    clean_beats,
    features_from_beats,
    features_from_summary,
    summary_columns,
)
from domain.wellness.samples import BiometricSample, SampleColumns


def extract_features(sample: BiometricSample, analyzer: HrvAnalyzer | None) -> HrvFeatures:
    """Artefact-corrected beats through the HRV library; the device summary otherwise.

    Without an analyzer (the optional `hrv` extra is not installed) or with too
    few clean beats, the device's own SDNN/RMSSD/pNN50 are used as sent; the share of
    beats that were artefacts is kept either way. LF/HF is not computed: nothing stores
    or shows it, and a minute of beats is too short for it.
    """
    if sample.rr_intervals_ms:
        beats = clean_beats(sample.rr_intervals_ms)
        if analyzer is not None and beats.usable_for_time_domain:
            return features_from_beats(sample, beats, analyzer.time_domain(beats), None)
        summary = features_from_summary(sample)
        return HrvFeatures(
            summary.heart_rate,
            summary.rmssd,
            summary.sdnn,
            summary.pnn50,
            None,
            summary.origin,
            beats.artefact_share,
        )
    return features_from_summary(sample)


def extract_feature_columns(samples: SampleColumns, analyzer: HrvAnalyzer | None) -> FeatureColumns:
    """`extract_features` for a batch: the device values column-wise, and the beats of
    the samples that carry any through the HRV library one by one."""
    summary = summary_columns(
        samples.heart_rate, samples.hrv_rmssd, samples.hrv_sdnn, samples.pnn50
    )
    if not any(samples.rr_intervals_ms):
        return summary
    rmssd, sdnn, pnn50 = summary.rmssd, summary.sdnn, summary.pnn50
    origin, artefact_share = summary.origin, summary.artefact_share
    for i, rr in enumerate(samples.rr_intervals_ms):
        if rr:
            f = extract_features(samples.sample(i), analyzer)
            rmssd[i], sdnn[i], pnn50[i] = f.rmssd, f.sdnn, f.pnn50
            origin[i], artefact_share[i] = f.origin, f.artefact_share
    return summary
