"""GET /recommendations: suggestions from the current state, recent meals and goals."""

from __future__ import annotations

from typing import Annotated

from dishka.integrations.litestar import DishkaRouter, FromDishka
from litestar import get
from litestar.params import Parameter

from application.recommendations.recommend import MAX_LIMIT, GetRecommendations
from domain.identity.tokens import Principal
from domain.recipes.rating import NO_RATINGS
from domain.recommendations.rules import DISCLAIMER
from entrypoints.http.auth import AUTH_DEPENDENCIES, BEARER
from entrypoints.http.controllers.recipes_schemas import RecipeSummaryOut
from entrypoints.http.envelopes import ListEnvelope, page_of
from entrypoints.http.openapi_docs import errors
from entrypoints.http.schemas.base import Output


class RecommendationOut(Output):
    kind: str
    title: str
    reason: str
    recipe: RecipeSummaryOut | None
    nutrients: list[str] | None
    foods: list[str]
    based_on_emotion: str
    rule: str
    disclaimer: str
    # How sure Psi is that this applies: for suggestions on the current state, the
    # confidence `GET /emotions/current` shows; below 0.5 the reason says it is uncertain.
    confidence: float
    based_on_confidence: float


@get(
    "/recommendations",
    summary="Personal suggestions, each with the reason behind it",
    description=DISCLAIMER,
    security=BEARER,
    responses=errors(401),
)
async def recommendations(
    principal: Principal,
    use: FromDishka[GetRecommendations],
    limit: Annotated[int, Parameter(ge=1, le=MAX_LIMIT)] = 8,
) -> ListEnvelope[RecommendationOut]:
    result = await use(principal.user_id, limit)
    items = [
        RecommendationOut(
            kind=i.recommendation.kind.value,
            title=i.recommendation.title,
            reason=i.recommendation.reason,
            recipe=RecipeSummaryOut.of(i.recipe, NO_RATINGS) if i.recipe else None,
            nutrients=list(i.recommendation.nutrients) or None,
            foods=list(i.recommendation.foods),
            based_on_emotion=result.emotion.value,
            rule=i.recommendation.rule,
            disclaimer=DISCLAIMER,
            confidence=i.recommendation.confidence,
            based_on_confidence=result.emotion_confidence,
        )
        for i in result.items
    ]
    return page_of(
        items, total=len(items), page=1, per_page=limit, path="/api/v1/recommendations", filters={}
    )


ROUTERS = [
    DishkaRouter(
        path="/",
        dependencies=AUTH_DEPENDENCIES,
        tags=["recommendations"],
        route_handlers=[recommendations],
    )
]
