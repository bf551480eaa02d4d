"""Foods to JSON-ready dicts and back (for caches); one shape, versioned."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from domain.nutrition.food import DataType, Food, Portion
from domain.nutrition.nutrients import MACROS, Nutrients

VERSION = 2


def food_to_dict(food: Food) -> dict[str, Any]:
    n = food.per_100g
    return {
        "id": food.id,
        "fdc_id": food.fdc_id,
        "name": food.name,
        "data_type": food.data_type.value,
        "category": food.category,
        "portion": None
        if food.portion is None
        else {"grams": food.portion.grams, "name": food.portion.name},
        "portions": [[p.name, p.grams] for p in food.portions],
        "ndb_number": food.ndb_number,
        "per_100g": {
            **{k: getattr(n, k) for k in MACROS},
            "vitamins": dict(n.vitamins),
            "minerals": dict(n.minerals),
            "lipids": dict(n.lipids),
        },
    }


def food_from_dict(data: Mapping[str, Any]) -> Food:
    n = data["per_100g"]
    portion = data.get("portion")
    return Food(
        id=int(data["id"]),
        fdc_id=data.get("fdc_id"),
        name=data["name"],
        data_type=DataType(data["data_type"]),
        category=data.get("category"),
        portion=None if portion is None else Portion(portion["grams"], portion.get("name")),
        portions=tuple(Portion(grams, name) for name, grams in data.get("portions") or ()),
        ndb_number=data.get("ndb_number"),
        per_100g=Nutrients(
            **{k: n.get(k) for k in MACROS},
            vitamins=n.get("vitamins", {}),
            minerals=n.get("minerals", {}),
            lipids=n.get("lipids", {}),
        ),
    )


def dumps(foods: Sequence[Food]) -> bytes:
    return json.dumps(
        {"v": VERSION, "foods": [food_to_dict(f) for f in foods]}, separators=(",", ":")
    ).encode()


def loads(raw: bytes | str) -> list[Food] | None:
    """The foods in ``raw``; None when it is from another codec version or unreadable
    (treated as a cache miss)."""
    try:
        data = json.loads(raw)
        if data.get("v") != VERSION:
            return None
        return [food_from_dict(item) for item in data["foods"]]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
