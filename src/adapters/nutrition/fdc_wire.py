"""FoodData Central's JSON (search results, ``abridged`` and ``full`` food records) to foods.

Nutrients are read by FDC nutrient id (``nutrientId`` in search results, ``nutrient.id`` in
full records, ``nutrientNumber``/``number`` as the fallback), amounts per 100 g.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.nutrition.food import DataType, Food, Portion
from domain.nutrition.nutrients import Nutrients
from domain.nutrition.portions import typical_portion

DATA_TYPES: Mapping[str, DataType] = {
    "Foundation": DataType.FOUNDATION,
    "SR Legacy": DataType.SR_LEGACY,
    "Survey (FNDDS)": DataType.SURVEY,
    "Branded": DataType.BRANDED,
}
FDC_DATA_TYPE_NAMES: Mapping[DataType, str] = {v: k for k, v in DATA_TYPES.items()}

# Energy in kcal: 1008 (general), then the Atwater factors Foundation foods carry.
ENERGY_IDS = (1008, 2048, 2047)
MACRO_IDS: Mapping[str, tuple[int, ...]] = {
    "protein_g": (1003,),
    "carbs_g": (1005, 1050),
    "fat_g": (1004, 1085),
    "fiber_g": (1079, 2033),
    "sugar_g": (2000, 1063),
}
VITAMIN_IDS: Mapping[str, int] = {
    "vitamin_a_rae_ug": 1106,
    "vitamin_c_mg": 1162,
    "vitamin_d_ug": 1114,
    "vitamin_e_mg": 1109,
    "thiamin_mg": 1165,
    "riboflavin_mg": 1166,
    "niacin_mg": 1167,
    "pantothenic_acid_mg": 1170,
    "vitamin_b6_mg": 1175,
    "folate_ug": 1177,
    "vitamin_b12_ug": 1178,
    "choline_mg": 1180,
}
VITAMIN_K_IDS = (1185, 1183)
MINERAL_IDS: Mapping[str, int] = {
    "calcium_mg": 1087,
    "iron_mg": 1089,
    "magnesium_mg": 1090,
    "phosphorus_mg": 1091,
    "potassium_mg": 1092,
    "sodium_mg": 1093,
    "zinc_mg": 1095,
    "copper_mg": 1098,
    "iodine_ug": 1100,
    "manganese_mg": 1101,
    "molybdenum_ug": 1102,
    "selenium_ug": 1103,
}
LIPID_IDS: Mapping[str, int] = {
    "saturated_fat_g": 1258,
    "cholesterol_mg": 1253,
    "dha_g": 1272,
    "epa_g": 1278,
    "ala_g": 1404,
}
# The legacy nutrient numbers, for abridged records that carry only those.
NUMBER_TO_ID: Mapping[str, int] = {
    "208": 1008,
    "957": 2047,
    "958": 2048,
    "203": 1003,
    "205": 1005,
    "204": 1004,
    "291": 1079,
    "269": 2000,
    "320": 1106,
    "401": 1162,
    "328": 1114,
    "323": 1109,
    "430": 1185,
    "428": 1183,
    "404": 1165,
    "405": 1166,
    "406": 1167,
    "410": 1170,
    "415": 1175,
    "417": 1177,
    "418": 1178,
    "421": 1180,
    "301": 1087,
    "303": 1089,
    "304": 1090,
    "305": 1091,
    "306": 1092,
    "307": 1093,
    "309": 1095,
    "312": 1098,
    "314": 1100,
    "315": 1101,
    "316": 1102,
    "317": 1103,
    "606": 1258,
    "601": 1253,
    "621": 1272,
    "629": 1278,
    "851": 1404,
}
_KJ = "kj"


class FdcFormatError(ValueError):
    """A record that does not have FDC's shape."""


def _amounts(record: Mapping[str, Any]) -> dict[int, float]:
    out: dict[int, float] = {}
    for item in record.get("foodNutrients") or []:
        if not isinstance(item, Mapping):
            continue
        nutrient = item.get("nutrient") if isinstance(item.get("nutrient"), Mapping) else {}
        nid = item.get("nutrientId") or nutrient.get("id")
        if nid is None:
            number = item.get("nutrientNumber") or item.get("number") or nutrient.get("number")
            nid = NUMBER_TO_ID.get(str(number)) if number is not None else None
        value = item.get("value", item.get("amount"))
        unit = str(item.get("unitName") or nutrient.get("unitName") or "").lower()
        if nid is None or not isinstance(value, int | float) or isinstance(value, bool):
            continue
        if value < 0 or value != value or unit == _KJ:
            continue
        out.setdefault(int(nid), float(value))
    return out


def _first(amounts: Mapping[int, float], ids: tuple[int, ...]) -> float | None:
    for nid in ids:
        if nid in amounts:
            return amounts[nid]
    return None


def nutrients_from(record: Mapping[str, Any]) -> Nutrients:
    a = _amounts(record)
    vitamins = {k: a[i] for k, i in VITAMIN_IDS.items() if i in a}
    k_parts = [a[i] for i in VITAMIN_K_IDS if i in a]
    if k_parts:
        vitamins["vitamin_k_ug"] = sum(k_parts)
    return Nutrients(
        calories=_first(a, ENERGY_IDS),
        **{key: _first(a, ids) for key, ids in MACRO_IDS.items()},
        vitamins=vitamins,
        minerals={k: a[i] for k, i in MINERAL_IDS.items() if i in a},
        lipids={k: a[i] for k, i in LIPID_IDS.items() if i in a},
    )


def _portion_name(item: Mapping[str, Any]) -> str | None:
    for key in ("disseminationText", "portionDescription"):
        text = item.get(key)
        if isinstance(text, str) and text.strip() and text.strip() != "Quantity not specified":
            return text.strip()
    unit = item.get("measureUnit")
    unit_name = unit.get("name") if isinstance(unit, Mapping) else None
    modifier = item.get("modifier")
    amount = item.get("amount")
    parts = []
    if isinstance(amount, int | float) and amount:
        parts.append(f"{amount:g}")
    if isinstance(unit_name, str) and unit_name and unit_name != "undetermined":
        parts.append(unit_name)
    if isinstance(modifier, str) and modifier.strip() and not modifier.strip().isdigit():
        parts.append(modifier.strip())
    return " ".join(parts) or None


def portion_from(record: Mapping[str, Any]) -> Portion | None:
    measures = record.get("foodPortions") or record.get("foodMeasures") or []
    ordered = sorted(
        (m for m in measures if isinstance(m, Mapping)),
        key=lambda m: m.get("sequenceNumber") or m.get("rank") or 0,
    )
    for item in ordered:
        grams = item.get("gramWeight")
        if isinstance(grams, int | float) and grams > 0:
            return Portion(float(grams), _portion_name(item))
    serving = record.get("servingSize")
    unit = str(record.get("servingSizeUnit") or "").lower()
    if isinstance(serving, int | float) and serving > 0 and unit in {"g", "grm", "ml", "mlt"}:
        return Portion(float(serving), record.get("householdServingFullText") or None)
    return None


def portions_from(record: Mapping[str, Any]) -> tuple[Portion, ...]:
    """Every named household measure of an FDC record, in FDC's order."""
    measures = record.get("foodPortions") or record.get("foodMeasures") or []
    ordered = sorted(
        (m for m in measures if isinstance(m, Mapping)),
        key=lambda m: m.get("sequenceNumber") or m.get("rank") or 0,
    )
    out = []
    for item in ordered:
        grams = item.get("gramWeight")
        name = _portion_name(item)
        if isinstance(grams, int | float) and grams > 0 and name:
            out.append(Portion(float(grams), name))
    return tuple(out)


def _ndb_number(record: Mapping[str, Any]) -> str | None:
    ndb = record.get("ndbNumber")
    if isinstance(ndb, int) and not isinstance(ndb, bool) and ndb > 0:
        return f"{ndb:05d}"
    if isinstance(ndb, str) and ndb.strip().isdigit():
        return ndb.strip().zfill(5)
    return None


def _category(record: Mapping[str, Any]) -> str | None:
    category = record.get("foodCategory")
    if isinstance(category, Mapping):
        category = category.get("description")
    if not category:
        wweia = record.get("wweiaFoodCategory")
        if isinstance(wweia, Mapping):
            category = wweia.get("wweiaFoodCategoryDescription")
    if not category:
        category = record.get("brandedFoodCategory")
    return str(category) if category else None


def food_from(record: Mapping[str, Any]) -> Food | None:
    """The food an FDC record describes; None for data sets Psi does not use
    (Experimental, sub-samples)."""
    if not isinstance(record, Mapping):
        raise FdcFormatError("a food record is a JSON object")
    fdc_id = record.get("fdcId")
    name = record.get("description")
    if not isinstance(fdc_id, int) or isinstance(fdc_id, bool) or fdc_id <= 0:
        raise FdcFormatError("fdcId is a positive integer")
    if not isinstance(name, str) or not name.strip():
        raise FdcFormatError("description is a non-empty string")
    data_type = DATA_TYPES.get(str(record.get("dataType")))
    if data_type is None:
        return None
    category = _category(record)
    portions = portions_from(record)
    return Food(
        id=fdc_id,
        fdc_id=fdc_id,
        name=name.strip(),
        data_type=data_type,
        per_100g=nutrients_from(record),
        category=category,
        portion=typical_portion(name.strip(), category, portions) or portion_from(record),
        portions=portions,
        ndb_number=_ndb_number(record),
    )
