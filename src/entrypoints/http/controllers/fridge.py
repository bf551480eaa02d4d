"""POST /fridge/matches: recipes ranked by how well the fridge covers them."""

from __future__ import annotations

from typing import Annotated

import msgspec
from dishka.integrations.litestar import DishkaRouter, FromDishka
from litestar import post

from application.recipes.fridge import MAX_ITEM_LENGTH, MatchFridge
from domain.identity.tokens import Principal
from domain.recipes.fridge import MAX_FRIDGE_ITEMS, MAX_LIMIT
from domain.recipes.rating import NO_RATINGS
from entrypoints.http.auth import AUTH_DEPENDENCIES, BEARER
from entrypoints.http.controllers.recipes_schemas import RecipeSummaryOut
from entrypoints.http.envelopes import ListEnvelope, page_of
from entrypoints.http.openapi_docs import errors
from entrypoints.http.schemas.base import Input, Output

Item = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_ITEM_LENGTH)]


class FridgeIn(Input):
    ingredients: Annotated[
        list[Item],
        msgspec.Meta(
            min_length=1,
            max_length=MAX_FRIDGE_ITEMS,
            description='What is in the fridge, free text ("2 spring onions")',
        ),
    ]
    limit: Annotated[int, msgspec.Meta(ge=1, le=MAX_LIMIT)] = 10


class FridgeMatchOut(Output):
    recipe: RecipeSummaryOut
    score: float
    matched_ingredients: list[str]
    missing_ingredients: list[str]


@post(
    "/fridge/matches",
    status_code=200,
    summary="Recipes you can make from your fridge, safe for your allergens and diet",
    description=(
        "Score 0-1: the harmonic mean of how much of the recipe the fridge covers "
        "(TF-IDF weighted) and how much of the fridge the recipe uses. Water, salt "
        "and pepper are assumed. Recipes with one of your allergens, breaking one "
        "of your dietary restrictions or using a disliked food are never returned."
    ),
    security=BEARER,
    responses=errors(401),
)
async def match_fridge(
    principal: Principal, data: FridgeIn, use: FromDishka[MatchFridge]
) -> ListEnvelope[FridgeMatchOut]:
    results = await use(principal.user_id, data.ingredients, data.limit)
    items = [
        FridgeMatchOut(
            recipe=RecipeSummaryOut.of(r.recipe, NO_RATINGS),
            score=r.match.score,
            matched_ingredients=list(r.match.matched),
            missing_ingredients=list(r.match.missing),
        )
        for r in results
    ]
    return page_of(
        items,
        total=len(items),
        page=1,
        per_page=data.limit,
        path="/api/v1/fridge/matches",
        filters={},
    )


ROUTERS = [
    DishkaRouter(
        path="/", dependencies=AUTH_DEPENDENCIES, tags=["recipes"], route_handlers=[match_fridge]
    )
]
