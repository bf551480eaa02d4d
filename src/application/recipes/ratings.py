"""Rating a recipe (one rating per person, upserted) and taking the rating back."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.ports.clock import Clock
from application.ports.recipes import RecipeCatalogue, RecipeRatings
from domain.errors import NotFound
from domain.recipes.rating import Rating, check_rating
from domain.text import plain_text


@dataclass(slots=True)
class RateRecipe:
    catalogue: RecipeCatalogue
    ratings: RecipeRatings
    clock: Clock

    async def __call__(
        self,
        user_id: UUID,
        recipe_id: UUID,
        rating: int,
        *,
        comment: str | None = None,
        tags: tuple[str, ...] = (),
        preparation_time_actual: int | None = None,
        difficulty_actual: int | None = None,
    ) -> Rating:
        # Plain text, as people see it shown back: markup stripped, control characters 400.
        comment = (
            plain_text("comment", comment, multiline=True) or None if comment is not None else None
        )
        tags = tuple(dict.fromkeys(plain_text(f"tags[{i}]", t).lower() for i, t in enumerate(tags)))
        check_rating(rating, comment, tags, preparation_time_actual, difficulty_actual)
        if await self.catalogue.get(recipe_id) is None:
            raise NotFound()
        now = self.clock.now()
        return await self.ratings.upsert(
            Rating(
                user_id=user_id,
                recipe_id=recipe_id,
                rating=rating,
                comment=comment,
                tags=tags,
                preparation_time_actual=preparation_time_actual,
                difficulty_actual=difficulty_actual,
                created_at=now,
                updated_at=now,
            )
        )


@dataclass(slots=True)
class DeleteRating:
    catalogue: RecipeCatalogue
    ratings: RecipeRatings

    async def __call__(self, user_id: UUID, recipe_id: UUID) -> None:
        """Idempotent for an existing recipe; an unknown recipe is a 404."""
        if await self.catalogue.get(recipe_id) is None:
            raise NotFound()
        await self.ratings.delete(user_id, recipe_id)
