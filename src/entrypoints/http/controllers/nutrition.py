"""``GET /nutrition/foods?q=``: the USDA catalogue, searchable by food name."""

from __future__ import annotations

from typing import Annotated

from dishka.integrations.litestar import DishkaRouter, FromDishka
from litestar import get
from litestar.params import Parameter

from application.nutrition.lookup import SearchFoods
from domain.identity.tokens import Principal
from domain.nutrition.food import Food
from domain.nutrition.matching import FoodMatch
from domain.nutrition.nutrients import Nutrients
from entrypoints.http.auth import AUTH_DEPENDENCIES, BEARER
from entrypoints.http.envelopes import ListEnvelope, page_of
from entrypoints.http.openapi_docs import errors
from entrypoints.http.pagination import PageParam, PerPageParam
from entrypoints.http.schemas.base import Output

QueryParam = Annotated[str, Parameter(min_length=1, max_length=100,
                                      description="Food name, e.g. `apple`")]


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
        return cls(calories=n.calories, protein_g=n.protein_g, carbs_g=n.carbs_g,
                   fat_g=n.fat_g, fiber_g=n.fiber_g, sugar_g=n.sugar_g,
                   vitamins=dict(n.vitamins), minerals=dict(n.minerals), lipids=dict(n.lipids))


class PortionOut(Output):
    grams: float
    name: str | None


class FoodOut(Output):
    id: int
    fdc_id: int | None
    name: str
    data_type: str
    category: str | None
    match_confidence: float
    portion: PortionOut | None
    nutrients_per_100g: NutrientsOut

    @classmethod
    def of(cls, match: FoodMatch) -> FoodOut:
        food: Food = match.food
        portion = food.portion
        return cls(id=food.id, fdc_id=food.fdc_id, name=food.name,
                   data_type=food.data_type.value, category=food.category,
                   match_confidence=match.confidence,
                   portion=None if portion is None else PortionOut(grams=portion.grams,
                                                                   name=portion.name),
                   nutrients_per_100g=NutrientsOut.of(food.per_100g))


@get("/nutrition/foods", summary="Search USDA foods by name (nutrients per 100 g)",
     description=("Foods whose names contain the query's words, best match first: generic, "
                  "whole foods (Foundation, SR Legacy) before survey and branded ones. "
                  "`fdc_id` is FoodData Central's id where the source carries it (the FDC "
                  "API does; the offline USDA extract does not, and `id` identifies those). "
                  "`portion` is USDA's typical portion weight, when it has one."),
     security=BEARER, responses=errors(401))
async def search_foods(principal: Principal, q: QueryParam, use: FromDishka[SearchFoods],
                       page: PageParam = 1, per_page: PerPageParam = 20
                       ) -> ListEnvelope[FoodOut]:
    found = await use(q, page=page, per_page=per_page)
    return page_of([FoodOut.of(m) for m in found.items], total=found.total, page=page,
                   per_page=per_page, path="/api/v1/nutrition/foods", filters={"q": q})


ROUTERS = [DishkaRouter(path="/", route_handlers=[search_foods],
                        dependencies=AUTH_DEPENDENCIES, tags=["nutrition"])]
