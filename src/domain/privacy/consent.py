"""Explicit consent to process health data, per kind of data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.errors import BiometricsConsentMissing, FoodPhotoConsentMissing, PsiError


class ConsentKind(StrEnum):
    BIOMETRICS = "biometrics"
    FOOD_PHOTOS = "food_photos"


@dataclass(frozen=True, slots=True)
class Consents:
    user_id: UUID
    biometrics: bool
    food_photos: bool
    updated_at: datetime | None

    @classmethod
    def none_given(cls, user_id: UUID) -> Consents:
        return cls(user_id, biometrics=False, food_photos=False, updated_at=None)

    def allows(self, kind: ConsentKind) -> bool:
        return self.biometrics if kind is ConsentKind.BIOMETRICS else self.food_photos


_MISSING: dict[ConsentKind, type[PsiError]] = {
    ConsentKind.BIOMETRICS: BiometricsConsentMissing,
    ConsentKind.FOOD_PHOTOS: FoodPhotoConsentMissing,
}


def ensure_consent(consents: Consents, kind: ConsentKind) -> None:
    if not consents.allows(kind):
        raise _MISSING[kind]()
