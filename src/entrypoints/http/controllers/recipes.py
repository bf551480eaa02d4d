"""GET /recipes, GET /recipes/{id}, PUT/DELETE /recipes/{id}/rating."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from dishka.integrations.litestar import DishkaRouter, FromDishka
from litestar import delete, get, put
from litestar.params import Parameter

from application.ports.recipes import RecipeQuery
from application.recipes.browse import MAX_QUERY, GetRecipe, SearchRecipes
from application.recipes.ratings import DeleteRating, RateRecipe
from domain.identity.tokens import Principal
from domain.recipes.rating import MAX_COMMENT, MAX_TAG, MAX_TAGS, NO_RATINGS, Rating
from domain.recipes.vocabulary import Cuisine, Diet
from entrypoints.http.auth import AUTH_DEPENDENCIES, BEARER
from entrypoints.http.controllers.recipes_schemas import RecipeOut, RecipeSummaryOut
from entrypoints.http.envelopes import Envelope, ListEnvelope, iso, ok, page_of
from entrypoints.http.openapi_docs import errors
from entrypoints.http.pagination import PageParam, PerPageParam
from entrypoints.http.params import IdParam, parse_uuid
from entrypoints.http.schemas.base import Input, Output

Tag = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_TAG)]


class RatingIn(Input):
    rating: Annotated[int, msgspec.Meta(ge=1, le=5)]
    comment: Annotated[str, msgspec.Meta(max_length=MAX_COMMENT)] | None = None
    tags: Annotated[list[Tag], msgspec.Meta(max_length=MAX_TAGS)] = msgspec.field(
        default_factory=list
    )
    preparation_time_actual: (
        Annotated[int, msgspec.Meta(ge=1, le=1440, description="Minutes")] | None
    ) = None
    difficulty_actual: Annotated[int, msgspec.Meta(ge=1, le=5)] | None = None


class RatingOut(Output):
    recipe_id: str
    rating: int
    comment: str | None
    tags: list[str]
    preparation_time_actual: int | None
    difficulty_actual: int | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def of(cls, r: Rating) -> RatingOut:
        return cls(
            recipe_id=str(r.recipe_id),
            rating=r.rating,
            comment=r.comment,
            tags=list(r.tags),
            preparation_time_actual=r.preparation_time_actual,
            difficulty_actual=r.difficulty_actual,
            created_at=iso(r.created_at),
            updated_at=iso(r.updated_at),
        )


@get(
    "/recipes",
    summary="Browse and search the recipe catalogue",
    security=BEARER,
    responses=errors(401),
)
async def list_recipes(
    principal: Principal,
    use: FromDishka[SearchRecipes],
    q: Annotated[
        str | None, Parameter(max_length=MAX_QUERY, description="Words in the title or ingredients")
    ] = None,
    cuisine: Cuisine | None = None,
    diet: Diet | None = None,
    max_minutes: Annotated[int | None, Parameter(ge=1, le=100_000)] = None,
    page: PageParam = 1,
    per_page: PerPageParam = 20,
) -> ListEnvelope[RecipeSummaryOut]:
    query = RecipeQuery(
        q=q.strip() or None if q else None,
        cuisine=cuisine,
        diet=diet,
        max_minutes=max_minutes,
        page=page,
        per_page=per_page,
    )
    result, ratings = await use(query)
    items = [RecipeSummaryOut.of(r, ratings.get(r.id, NO_RATINGS)) for r in result.items]
    return page_of(
        items,
        total=result.total,
        page=page,
        per_page=per_page,
        path="/api/v1/recipes",
        filters={
            "q": q,
            "cuisine": cuisine.value if cuisine else None,
            "diet": diet.value if diet else None,
            "max_minutes": max_minutes,
        },
    )


@get(
    "/recipes/{recipe_id:str}",
    summary="One recipe: ingredients, steps, nutrition, rating",
    security=BEARER,
    responses=errors(401, 404),
)
async def get_recipe(
    principal: Principal, recipe_id: IdParam, use: FromDishka[GetRecipe]
) -> Envelope[RecipeOut]:
    recipe, rating = await use(parse_uuid(recipe_id, "recipe_id"))
    return ok(RecipeOut.of(recipe, rating))


@put(
    "/recipes/{recipe_id:str}/rating",
    status_code=200,
    summary="Rate a recipe (one rating per person; a second PUT replaces it)",
    security=BEARER,
    responses=errors(401, 404),
)
async def put_rating(
    principal: Principal, recipe_id: IdParam, data: RatingIn, use: FromDishka[RateRecipe]
) -> Envelope[RatingOut]:
    rating = await use(
        principal.user_id,
        parse_uuid(recipe_id, "recipe_id"),
        data.rating,
        comment=data.comment,
        tags=tuple(data.tags),
        preparation_time_actual=data.preparation_time_actual,
        difficulty_actual=data.difficulty_actual,
    )
    return ok(RatingOut.of(rating))


@delete(
    "/recipes/{recipe_id:str}/rating",
    status_code=204,
    summary="Take back your rating",
    security=BEARER,
    responses=errors(401, 404),
)
async def delete_rating(
    principal: Principal, recipe_id: IdParam, use: FromDishka[DeleteRating]
) -> None:
    await use(principal.user_id, parse_uuid(recipe_id, "recipe_id"))


ROUTERS = [
    DishkaRouter(
        path="/",
        dependencies=AUTH_DEPENDENCIES,
        tags=["recipes"],
        route_handlers=[list_recipes, get_recipe, put_rating, delete_rating],
    )
]
