"""Mood check-ins: the valence a heart cannot measure, modelled on Apple's State of Mind.

Valence and arousal are reported on -2..2. A recent check-in tells the emotion
classifier whether high arousal feels like excitement or like anxiety; its
weight fades over a few hours.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from domain.errors import FieldError, ValidationFailed
from domain.text import plain_text
from domain.wellness.samples import CLOCK_SKEW, RAW_RETENTION

SCALE = (-2, 2)
MAX_NOTE_CHARS = 1000
VALENCE_HALF_LIFE = timedelta(hours=2)
VALENCE_HORIZON = timedelta(hours=8)  # older check-ins no longer describe the moment

# Apple's State of Mind vocabulary (HealthKit HKStateOfMind.Label).
MOOD_LABELS = frozenset(
    {
        "amazed",
        "amused",
        "angry",
        "annoyed",
        "anxious",
        "ashamed",
        "brave",
        "calm",
        "confident",
        "content",
        "disappointed",
        "discouraged",
        "disgusted",
        "drained",
        "embarrassed",
        "excited",
        "frustrated",
        "grateful",
        "guilty",
        "happy",
        "hopeful",
        "hopeless",
        "indifferent",
        "irritated",
        "jealous",
        "joyful",
        "lonely",
        "overwhelmed",
        "passionate",
        "peaceful",
        "proud",
        "relieved",
        "sad",
        "satisfied",
        "scared",
        "stressed",
        "surprised",
        "worried",
    }
)


@dataclass(frozen=True, slots=True)
class MoodCheckIn:
    id: UUID
    user_id: UUID
    timestamp: datetime
    valence: int
    arousal: int | None
    label: str | None
    note: str | None
    created_at: datetime


def _on_scale(value: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and SCALE[0] <= value <= SCALE[1]


def new_check_in(
    *,
    id: UUID,
    user_id: UUID,
    now: datetime,
    valence: int,
    arousal: int | None = None,
    label: str | None = None,
    note: str | None = None,
    timestamp: datetime | None = None,
) -> MoodCheckIn:
    errors: list[FieldError] = []
    if not _on_scale(valence):
        errors.append(FieldError("valence", "must be an integer from -2 to 2"))
    if arousal is not None and not _on_scale(arousal):
        errors.append(FieldError("arousal", "must be an integer from -2 to 2"))
    clean_label = label.strip().lower() if label is not None else None
    if clean_label is not None and clean_label not in MOOD_LABELS:
        errors.append(FieldError("label", "must be one of " + ", ".join(sorted(MOOD_LABELS))))
    clean_note = plain_text("note", note, multiline=True) if note is not None else None
    if clean_note is not None and len(clean_note) > MAX_NOTE_CHARS:
        errors.append(FieldError("note", f"at most {MAX_NOTE_CHARS} characters"))
    at = timestamp or now
    if at.tzinfo is None:
        errors.append(FieldError("timestamp", "must carry a UTC offset, e.g. 'Z'"))
    elif at > now + CLOCK_SKEW:
        errors.append(FieldError("timestamp", "must not be in the future"))
    elif at < now - RAW_RETENTION:
        errors.append(FieldError("timestamp", "is older than the 90-day retention"))
    if errors:
        raise ValidationFailed(errors)
    return MoodCheckIn(
        id=id,
        user_id=user_id,
        timestamp=at,
        valence=valence,
        arousal=arousal,
        label=clean_label,
        note=clean_note or None,
        created_at=now,
    )


@dataclass(frozen=True, slots=True)
class ReportedValence:
    value: float  # -1 (unpleasant) .. 1 (pleasant)
    weight: float  # 0..1: how much the check-ins still say about `at`
    check_ins: int


def reported_valence(check_ins: Iterable[MoodCheckIn], at: datetime) -> ReportedValence | None:
    """Recency-weighted valence of the check-ins made before `at`, or None if there are none."""
    total = weight_sum = 0.0
    count = 0
    for c in check_ins:
        age = at - c.timestamp
        if age < -CLOCK_SKEW or age > VALENCE_HORIZON:
            continue
        w = 0.5 ** (max(age, timedelta(0)) / VALENCE_HALF_LIFE)
        total += w * c.valence / SCALE[1]
        weight_sum += w
        count += 1
    if count == 0:
        return None
    return ReportedValence(value=total / weight_sum, weight=min(1.0, weight_sum), check_ins=count)
