"""From a validated sample to HRV features: beats when usable, else the device's values."""

from __future__ import annotations

from application.ports.wellness import HrvAnalyzer
from domain.wellness.hrv import (
    HrvFeatures,
    clean_beats,
    features_from_beats,
    features_from_summary,
)
from domain.wellness.samples import BiometricSample


def extract_features(sample: BiometricSample, analyzer: HrvAnalyzer | None) -> HrvFeatures:
    """Artefact-filtered beats through the HRV library; the device summary otherwise.

    Without an analyzer (the optional `hrv` extra is not installed) or with too
    few clean beats, the device's own SDNN/RMSSD/pNN50 are used as sent.
    """
    if analyzer is not None and sample.rr_intervals_ms:
        beats = clean_beats(sample.rr_intervals_ms)
        if beats.usable_for_time_domain:
            time_domain = analyzer.time_domain(beats)
            lf_hf = analyzer.lf_hf(beats) if beats.usable_for_lf_hf else None
            return features_from_beats(sample, beats, time_domain, lf_hf)
    return features_from_summary(sample)
